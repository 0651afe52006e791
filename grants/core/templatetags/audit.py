from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from grants.core.selectors import can_view_audit, events_for

register = template.Library()

# What an action's last word means, for the events whose reason does not say it already.
VERBS = {
    "created": _("Creazione"),
    "updated": _("Modifica"),
    "deleted": _("Eliminazione"),
    "submitted": _("Invio"),
    "downloaded": _("Scaricamento"),
    "sent": _("Invio"),
    "decided": _("Decisione"),
}


def _field_label(model, name: str) -> str:
    """A field's Italian name (``call_id`` is the call's), the raw name only for what the model lacks."""
    if model is None:
        return name
    for candidate in (name, name.removesuffix("_id")):
        try:
            field = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if hasattr(field, "verbose_name"):  # a reverse relation has none
            return str(field.verbose_name)
    return name


def readable(event) -> dict:
    """An audit event as people read it: what happened in words, the fields by their Italian names."""
    model = event.content_type.model_class() if event.content_type_id else None
    verb = VERBS.get(event.action.rsplit(".", 1)[-1], _("Operazione"))
    return {
        "timestamp": event.timestamp,
        "what": event.reason or verb,
        "detail": verb if event.reason else "",
        "action": event.action,
        "actor_label": event.actor_label,
        "organisation_name": event.organisation_name,
        "changes": [(_field_label(model, name), old, new) for name, old, new in event.changes],
    }


@register.inclusion_tag("includes/audit_trail.html", takes_context=True)
def audit_trail(context, obj, limit: int = 50):
    """``{% load audit %}{% audit_trail object %}``: the object's events, for staff who may see them."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    allowed = can_view_audit(user)
    events = [readable(event) for event in events_for(obj)[:limit]] if allowed else []
    return {"audit_events": events, "audit_allowed": allowed}
