"""Every write made by a service leaves a trace that names who did it, why, and what changed.

Two records are kept:

- django-simple-history rows (the full before/after of each model), with the acting user and the reason;
- an append-only ``AuditEvent`` (grants.core.models) per action: actor, acting organisation, object, the
  changed fields before/after, and the IP address, user agent and request id of the request it came from.

Services never receive the request: ``record_event`` reads the request context that
``grants.core.middleware.RequestContextMiddleware`` captured (empty outside a request: commands, tasks).
"""

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from . import requestcontext
from .models import AuditEvent

# Never copied into the audit trail, whatever the model.
SECRET_FIELD_NAMES = frozenset({"password", "secret", "token", "otp_secret", "recovery_codes"})
REPR_MAX_LENGTH = 255


def _jsonable(value: Any) -> Any:
    """A JSON-safe copy: Decimal, dates and UUIDs as strings (DjangoJSONEncoder), anything else as str()."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile: keep the stored name
        return value.name or ""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except TypeError:
        return str(value)


def _clean_mapping(data: dict | None) -> dict:
    if not data:
        return {}
    return {str(k): _jsonable(v) for k, v in data.items() if str(k) not in SECRET_FIELD_NAMES}


def _audited_fields(instance: models.Model) -> list[models.Field]:
    return [
        field
        for field in instance._meta.concrete_fields
        if not field.primary_key
        and field.name not in SECRET_FIELD_NAMES
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited fields of ``instance`` as JSON-safe values (foreign keys as ids, files as names)."""
    return {
        field.attname: _jsonable(field.value_from_object(instance)) for field in _audited_fields(instance)
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs: (before, after)."""
    changed = [name for name in after if before.get(name) != after.get(name)]
    return {name: before.get(name) for name in changed if name in before}, {
        name: after[name] for name in changed
    }


def _organisation_of(obj) -> Any:
    """The organisation an object belongs to, when it says so (``audit_organisation`` or ``organisation``)."""
    if obj is None:
        return None
    for attribute in ("audit_organisation", "organisation"):
        try:
            value = getattr(obj, attribute, None)
        except models.ObjectDoesNotExist:
            value = None
        if isinstance(value, models.Model):
            return value
    return None


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    organisation: models.Model | None = None,
    request=None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    ``action`` is a dotted verb such as ``"call.published"`` or ``"document.downloaded"``; ``organisation`` is
    the organisation the actor acts for (taken from ``obj.audit_organisation`` or ``obj.organisation`` when
    not given). IP address, user agent and request id come from ``request`` when given, otherwise from the
    current request context.
    """
    context = requestcontext.context_from(request) if request is not None else requestcontext.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    organisation = organisation if organisation is not None else _organisation_of(obj)
    event = AuditEvent(
        actor=actor if authenticated else None,
        actor_label=(getattr(actor, "email", "") or str(actor))[:REPR_MAX_LENGTH] if authenticated else "",
        organisation_id=organisation.pk if organisation is not None else None,
        organisation_name=str(organisation)[:REPR_MAX_LENGTH] if organisation is not None else "",
        action=action[:100],
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:REPR_MAX_LENGTH] if obj is not None else "",
        before=_clean_mapping(before),
        after=_clean_mapping(after),
        reason=str(reason)[:REPR_MAX_LENGTH],
        ip_address=context.ip_address,
        user_agent=context.user_agent,
        request_id=context.request_id,
    )
    event.save()
    return event


def save_audited(
    instance: models.Model, *, actor=None, reason: str = "", action: str = "", **save_kwargs
) -> models.Model:
    """Validate and save ``instance``; record the history row and an ``AuditEvent`` of the changed fields.

    ``action`` defaults to ``"<model>.created"`` or ``"<model>.updated"``.
    """
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    if reason:
        instance._change_reason = str(reason)[:100]
    instance.full_clean()
    creating = instance._state.adding or instance.pk is None
    before: dict[str, Any] = {}
    if not creating:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        creating = stored is None
        before = snapshot(stored) if stored is not None else {}
    with transaction.atomic():
        instance.save(**save_kwargs)
        changed_before, changed_after = diff(before, snapshot(instance))
        record_event(
            actor=actor,
            action=action or f"{instance._meta.model_name}.{'created' if creating else 'updated'}",
            obj=instance,
            before=changed_before,
            after=changed_after,
            reason=reason,
        )
    return instance
