"""The formal check (istruttoria formale): the call's checklist and the officer's admissibility decision."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.audit import save_audited
from grants.core.timeutils import now
from grants.programme.models import Call

from .. import permissions, selectors
from ..models import (
    AdmissibilityAnswer,
    AdmissibilityItem,
    AdmissibilityOutcome,
    AdmissibilityReview,
)
from .common import EvaluationError, _lock, _notify, _require, _wrong_state
from .rejection import in_formal_check, notice_required, ready_for_decision


# --- admissibility checklist --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistItemInput:
    code: str
    title: str
    description: str = ""


@transaction.atomic
def save_checklist(*, actor, call: Call, items: Sequence[ChecklistItemInput]) -> list[AdmissibilityItem]:
    """Create or update the call's checklist by code; items no longer listed are removed unless already
    answered on some application (then the request is refused)."""
    _require(
        permissions.can_configure_checklist(actor, call), _("Non puoi configurare la lista di controllo.")
    )
    codes = [item.code.strip() for item in items]
    errors = []
    if len(set(codes)) != len(codes):
        errors.append(
            {"code": "duplicate", "field": "items", "message": _("Due voci hanno lo stesso codice.")}
        )
    for index, item in enumerate(items):
        if not item.code.strip() or not item.title.strip():
            errors.append(
                {
                    "code": "required",
                    "field": f"items[{index}]",
                    "message": _("Ogni voce ha un codice e una descrizione."),
                }
            )
    existing = {i.code: i for i in AdmissibilityItem.objects.filter(call=call)}
    removed = [i for code, i in existing.items() if code not in codes]
    used = AdmissibilityAnswer.objects.filter(item__in=removed).values_list("item__code", flat=True)
    for code in sorted(set(used)):
        errors.append(
            {
                "code": "in_use",
                "field": "items",
                "message": _("La voce %(c)s è già stata verificata su alcune domande: non si può togliere.")
                % {"c": code},
            }
        )
    if errors:
        raise EvaluationError(_("La lista di controllo contiene errori."), errors=errors)
    for item in removed:
        item._history_user = actor
        item.delete()
    result = []
    for order, item in enumerate(items, start=1):
        row = existing.get(item.code.strip()) or AdmissibilityItem(call=call, code=item.code.strip())
        row.title = item.title.strip()
        row.description = item.description.strip()
        row.order = order
        result.append(save_audited(row, actor=actor, reason="Lista di controllo"))
    return result


# --- admissibility ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistAnswer:
    satisfied: bool | None
    note: str = ""


def _review(actor, application: Application) -> AdmissibilityReview:
    review = AdmissibilityReview.objects.filter(application=application).first()
    if review is None:
        review = save_audited(
            AdmissibilityReview(application=application), actor=actor, reason="Istruttoria avviata"
        )
    return review


@transaction.atomic
def record_admissibility(
    *,
    actor,
    application: Application,
    answers: Mapping[int, ChecklistAnswer],
    outcome: str | None = None,
    reasons: str = "",
    project_lines: Sequence[str] | None = None,
) -> AdmissibilityReview:
    """Save the officer's answers to the call's checklist (keyed by item id) and, when ``outcome`` is given,
    decide: admissible (every item verified) or not admissible (with reasons, sent to the applicant). After
    a notice of intended rejection the decision waits for the observations or the end of their term, and on
    first-come calls not admissible needs that notice first (services.rejection).

    ``project_lines``: the codes of the call's project-type reserves (linee) the officer recognises the
    project in, replacing the previous ones (None: unchanged); only the call's lines are accepted.

    The automatic checks of the call's rules are recorded beside the decision; declaring admissible an
    application they flag requires a reason."""
    _require(
        permissions.can_check_admissibility(actor, application.call_id),
        _("Non puoi svolgere l'istruttoria di ammissibilità."),
    )
    application = _lock(application)
    if application.status not in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REJECTION_NOTIFIED,
    ) or not in_formal_check(application):
        raise _wrong_state(application, _("svolgere l'istruttoria di ammissibilità"))
    if outcome is not None and application.status == ApplicationStatus.REJECTION_NOTIFIED:
        ready_for_decision(application)  # the term for observations must be over (art. 10-bis)
    items = {item.pk: item for item in selectors.checklist(application.call)}
    unknown = [key for key in answers if key not in items]
    if unknown:
        raise EvaluationError(
            _("Voci della lista di controllo non previste dal bando."),
            errors=[
                {"code": "unknown_item", "field": f"answers.{key}", "message": _("Voce sconosciuta.")}
                for key in unknown
            ],
        )
    lines = _checked_project_lines(application.call, project_lines)
    review = _review(actor, application)
    if lines is not None and lines != list(review.project_lines or []):
        review.project_lines = lines
        save_audited(review, actor=actor, reason="Linee di progetto riconosciute")
    stored = {a.item_id: a for a in review.answers.all()}
    for item_id, answer in answers.items():
        row = stored.get(item_id) or AdmissibilityAnswer(review=review, item=items[item_id])
        if row.pk and row.satisfied == answer.satisfied and row.note == answer.note.strip():
            continue
        row.satisfied = answer.satisfied
        row.note = answer.note.strip()[:500]
        stored[item_id] = save_audited(row, actor=actor, reason="Verifica di ammissibilità")
    if outcome is None:
        return review

    reasons = reasons.strip()
    automatic = selectors.automatic_checks(application)
    if outcome == AdmissibilityOutcome.ADMISSIBLE:
        errors = [
            {
                "code": "item_not_verified",
                "field": f"answers.{item_id}",
                "message": _("Voce «%(t)s»: non verificata positivamente.") % {"t": item.title},
            }
            for item_id, item in items.items()
            if item_id not in stored or stored[item_id].satisfied is not True
        ]
        if automatic and not reasons:
            errors.append(
                {
                    "code": "reasons_required",
                    "field": "reasons",
                    "message": _(
                        "Le verifiche automatiche segnalano %(n)d problemi: motivare l'ammissibilità."
                    )
                    % {"n": len(automatic)},
                }
            )
        if errors:
            raise EvaluationError(_("La domanda non può essere dichiarata ammissibile."), errors=errors)
        application.mark_admissible()
    elif outcome == AdmissibilityOutcome.NOT_ADMISSIBLE:
        if application.status == ApplicationStatus.SUBMITTED and notice_required(application):
            raise EvaluationError(
                _(
                    "Prima della non ammissibilità va inviato il preavviso di rigetto (art. 10-bis L. "
                    "241/1990) e atteso il termine per le osservazioni."
                ),
                errors=[
                    {
                        "code": "rejection_notice_required",
                        "field": "outcome",
                        "message": _("Inviare prima il preavviso di rigetto."),
                    }
                ],
            )
        if not reasons:
            raise EvaluationError(
                _("Indicare i motivi della non ammissibilità: sono comunicati al proponente."),
                errors=[
                    {
                        "code": "reasons_required",
                        "field": "reasons",
                        "message": _("Motivazione obbligatoria."),
                    }
                ],
            )
        application.mark_not_admissible()
    else:
        raise EvaluationError(
            _("Esito non valido."),
            errors=[{"code": "invalid", "field": "outcome", "message": _("Esito non valido.")}],
        )
    moment = now()
    review.outcome = outcome
    review.reasons = reasons
    review.automatic_violations = automatic
    review.decided_by = actor
    review.decided_at = moment
    save_audited(review, actor=actor, reason=f"Esito: {outcome}", action="admissibility.decided")
    save_audited(application, actor=actor, reason=review.get_outcome_display())
    if outcome == AdmissibilityOutcome.ADMISSIBLE:
        _notify(
            actor=actor,
            application=application,
            subject=_("Domanda %(p)s ammissibile") % {"p": application.protocol},
            body=_("L'istruttoria formale si è conclusa: la domanda è ammessa alla valutazione di merito."),
        )
    else:
        _notify(
            actor=actor,
            application=application,
            subject=_("Domanda %(p)s non ammissibile") % {"p": application.protocol},
            body=_("L'istruttoria formale si è conclusa con esito negativo per i seguenti motivi:\n%(r)s")
            % {"r": reasons},
        )
        if application.booking_outcome == BookingOutcome.BOOKED:
            application_services.release_booking(actor=actor, application=application)
    return review


def _checked_project_lines(call: Call, codes: Sequence[str] | None) -> list[str] | None:
    """The codes given, without repeats and in the call's order, if every one is a project-type reserve
    (linea) of the call; None when not given."""
    if codes is None:
        return None
    known = [reserve.code for reserve in selectors.project_lines(call)]
    wanted = {str(code).strip() for code in codes if str(code).strip()}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise EvaluationError(
            _("Linee di progetto non previste dal bando: %(codes)s.") % {"codes": ", ".join(unknown)},
            errors=[
                {
                    "code": "unknown_project_line",
                    "field": "project_lines",
                    "message": _("La linea «%(c)s» non è una linea di progetto del bando.") % {"c": code},
                }
                for code in unknown
            ],
        )
    return [code for code in known if code in wanted]
