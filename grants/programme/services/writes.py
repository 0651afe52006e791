"""The writes: saving measures and calls, and the call's transitions (publish, approve ranking, archive)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from grants.core.audit import save_audited
from grants.core.timeutils import format_rome, now

from ..models import (
    Call,
    CallMode,
    CallStatus,
    Measure,
)
from ..permissions import can_configure_programme
from .call_fields import call_field_errors
from .common import Errors, _merge
from .consistency import call_consistency_errors, ensure_call_consistency, measure_budget_errors

# --- writes -----------------------------------------------------------------------------------------------


def _require_configurer(actor) -> None:
    if not can_configure_programme(actor):
        raise PermissionDenied(_("Non hai i permessi per configurare i bandi."))


@transaction.atomic
def save_call(*, actor, call: Call, reason: str = "", check_children: bool = True) -> Call:
    """Create or change a call: field checks, consistency with the rules it holds, audit.

    ``check_children=False`` checks only the call's own fields: the back-office uses it because its inline
    forms check phases, reserves, cost categories and criteria (with the same rule functions) as they are
    submitted, before they are saved after the call."""
    _require_configurer(actor)
    errors: Errors = {}
    try:
        call.full_clean()
    except ValidationError as exc:
        _merge(errors, exc.message_dict)
    _merge(errors, call_consistency_errors(call) if check_children else call_field_errors(call))
    if errors:
        raise ValidationError(errors)
    return save_audited(call, actor=actor, reason=reason or _("Modifica del bando"))


@transaction.atomic
def save_measure(*, actor, measure: Measure, reason: str = "") -> Measure:
    _require_configurer(actor)
    errors: Errors = {}
    try:
        measure.full_clean()
    except ValidationError as exc:
        _merge(errors, exc.message_dict)
    _merge(errors, measure_budget_errors(measure))
    if errors:
        raise ValidationError(errors)
    return save_audited(measure, actor=actor, reason=reason or _("Modifica della misura"))


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("measure").get(pk=call.pk)


@transaction.atomic
def publish_call(*, actor, call: Call) -> Call:
    """draft → published: only a consistent call goes public."""
    _require_configurer(actor)
    call = _locked(call)
    if not can_proceed(call.publish):
        raise ValidationError(
            {
                "status": _("Si può pubblicare solo un bando in preparazione (stato attuale: %(s)s).")
                % {"s": call.get_status_display()}
            }
        )
    ensure_call_consistency(call)
    call.publish()
    return save_audited(call, actor=actor, reason=_("Pubblicazione del bando"))


@transaction.atomic
def approve_call_ranking(*, actor, call: Call, moment=None) -> Call:
    """published → ranking_approved: only for calls with a ranking, and only after their deadline."""
    _require_configurer(actor)
    call = _locked(call)
    if call.mode != CallMode.RANKING:
        raise ValidationError({"mode": _("Il bando è a sportello: non ha una graduatoria da approvare.")})
    if not can_proceed(call.approve_ranking):
        raise ValidationError(
            {
                "status": _("La graduatoria si approva solo per un bando pubblicato (stato attuale: %(s)s).")
                % {"s": call.get_status_display()}
            }
        )
    moment = moment or now()
    if moment < call.closes_at:
        raise ValidationError(
            {
                "closes_at": _(
                    "La graduatoria si può approvare solo dopo la scadenza del bando "
                    "(%(deadline)s, ora di Roma)."
                )
                % {"deadline": format_rome(call.closes_at)}
            }
        )
    call.approve_ranking()
    return save_audited(call, actor=actor, reason=_("Approvazione della graduatoria"))


@transaction.atomic
def archive_call(*, actor, call: Call, moment=None) -> Call:
    """published | ranking_approved → archived, once the call has closed."""
    _require_configurer(actor)
    call = _locked(call)
    if not can_proceed(call.archive):
        raise ValidationError(
            {
                "status": _("Si può archiviare solo un bando pubblicato (stato attuale: %(s)s).")
                % {"s": call.get_status_display()}
            }
        )
    moment = moment or now()
    if call.status == CallStatus.PUBLISHED and moment < call.closes_at:
        raise ValidationError(
            {
                "closes_at": _(
                    "Il bando è ancora aperto o di prossima apertura: si archivia dopo la scadenza (%(d)s)."
                )
                % {"d": format_rome(call.closes_at)}
            }
        )
    call.archive()
    return save_audited(call, actor=actor, reason=_("Archiviazione del bando"))
