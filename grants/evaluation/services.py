"""Every write of the evaluation context: formal check, integration requests, panel, conflict declarations,
scores and their consolidation, ranking, allocation, approval, renunciation and slide.

Functions are keyword-only, take the acting user first, never a request; they check permissions
(grants.evaluation.permissions), enforce the rules, move the application's state machine
(grants.applications.models.Application.mark_*) and leave history and audit events (grants.core.audit).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, BookingOutcome, PartnerRole
from grants.core.audit import record_event, save_audited
from grants.core.bulk import cycle_collection_paused
from grants.core.errors import DomainError
from grants.core.errors import WrongState as StateError
from grants.core.money import ZERO, format_eur, round_money
from grants.core.timeutils import format_rome, in_rome, now
from grants.notifications import events
from grants.notifications.services import notify
from grants.programme import services as programme_services
from grants.programme.models import Call, CallMode, Criterion

from . import permissions, phases, reserves, selectors, signals
from .allocation import Candidate, Claim, allocate_with_reserves, parse_tie_breaks, rank
from .models import (
    DEFAULT_INTEGRATION_DAYS,
    FUNDED_OUTCOMES,
    LIVE_ASSIGNMENT_STATUSES,
    AdmissibilityAnswer,
    AdmissibilityItem,
    AdmissibilityOutcome,
    AdmissibilityReview,
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    ConsolidatedScore,
    EntryOutcome,
    Evaluation,
    EvaluationStatus,
    IntegrationItem,
    IntegrationRequest,
    IntegrationStatus,
    Notice,
    Panel,
    PanelMember,
    Ranking,
    RankingEntry,
    RankingStage,
    RankingStatus,
    Score,
    ScoreMethod,
)
from .ranking_entries import EntryRow, replace_entries
from .scoring import compute, mean, points_text, score_errors


# --- errors -------------------------------------------------------------------------------------------------
class EvaluationError(DomainError):
    """A request the evaluation rules refuse (grants/core/errors.py)."""


class WrongState(EvaluationError, StateError):
    """The object's state does not allow the action (409)."""


def _wrong_state(application: Application, action: str) -> WrongState:
    return WrongState(
        _("La domanda è nello stato «%(status)s»: non è possibile %(action)s.")
        % {"status": application.get_status_display(), "action": action}
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .get(pk=application.pk)
    )


def _notify(
    *,
    actor,
    application: Application,
    subject: str,
    body: str,
    event: str = events.ADMISSIBILITY_OUTCOME,
    link: str = "",
) -> Notice:
    """The communication to the applicant, kept on the application (``Notice``: what an e-mail or PEC
    would carry), and sent to the applicant organisation's members in the app and by e-mail (``event``
    lets each user choose whether to receive it by e-mail)."""
    notice = save_audited(
        Notice(
            application=application,
            subject=subject[:255],
            body=body,
            sent_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
        actor=actor,
        reason=subject,
    )
    notify(
        event=event,
        subject=subject,
        body=body,
        organisation=application.applicant,
        link=link or reverse("applications:application_detail", args=[application.pk]),
        target=application,
        actor=actor,
    )
    return notice


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
    _require(permissions.can_configure_checklist(actor), _("Non puoi configurare la lista di controllo."))
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
    decide: admissible (every item verified) or not admissible (with reasons, sent to the applicant).

    ``project_lines``: the codes of the call's project-type reserves (linee) the officer recognises the
    project in, replacing the previous ones (None: unchanged); only the call's lines are accepted.

    The automatic checks of the call's rules are recorded beside the decision; declaring admissible an
    application they flag requires a reason."""
    _require(
        permissions.can_check_admissibility(actor), _("Non puoi svolgere l'istruttoria di ammissibilità.")
    )
    application = _lock(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise _wrong_state(application, _("svolgere l'istruttoria di ammissibilità"))
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


# --- integration requests (soccorso istruttorio) ------------------------------------------------------------
@transaction.atomic
def request_integration(
    *,
    actor,
    application: Application,
    items: Sequence[str],
    message: str = "",
    deadline: datetime | None = None,
    moment: datetime | None = None,
) -> IntegrationRequest:
    """Ask the applicant for the listed items by a deadline (default: 10 days); the formal check waits."""
    _require(permissions.can_check_admissibility(actor), _("Non puoi richiedere integrazioni."))
    application = _lock(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise _wrong_state(application, _("richiedere integrazioni"))
    moment = moment or now()
    descriptions = [item.strip() for item in items if item and item.strip()]
    errors = []
    if not descriptions:
        errors.append(
            {
                "code": "items_required",
                "field": "items",
                "message": _("Indicare almeno un elemento da integrare."),
            }
        )
    deadline = deadline or moment + timedelta(days=DEFAULT_INTEGRATION_DAYS)
    if deadline <= moment:
        errors.append(
            {"code": "deadline_past", "field": "deadline", "message": _("La scadenza deve essere futura.")}
        )
    if errors:
        raise EvaluationError(_("La richiesta di integrazione contiene errori."), errors=errors)
    request = save_audited(
        IntegrationRequest(
            application=application, requested_by=actor, message=message.strip(), deadline=deadline
        ),
        actor=actor,
        reason="Richiesta di integrazione",
        action="integration.requested",
    )
    for order, description in enumerate(descriptions, start=1):
        save_audited(
            IntegrationItem(request=request, description=description[:500], order=order),
            actor=actor,
            reason="Elemento da integrare",
        )
    application.mark_integration_requested()
    save_audited(application, actor=actor, reason="Integrazione richiesta")
    listed = "\n".join(f"- {d}" for d in descriptions)
    _notify(
        actor=actor,
        application=application,
        event=events.INTEGRATION_REQUESTED,
        link=reverse("evaluation:integration_answer", args=[request.pk]),
        subject=_("Richiesta di integrazione per la domanda %(p)s") % {"p": application.protocol},
        body=_("Si richiede di integrare entro il %(d)s (ora di Roma):\n%(items)s\n%(m)s")
        % {"d": format_rome(deadline), "items": listed, "m": message.strip()},
    )
    return request


@transaction.atomic
def answer_integration(
    *, actor, request: IntegrationRequest, responses: Mapping[int, str], moment: datetime | None = None
) -> IntegrationRequest:
    """The applicant answers every requested item (keyed by item id), and only those, before the deadline;
    the application goes back to the formal check."""
    request = IntegrationRequest.objects.select_for_update().select_related("application").get(pk=request.pk)
    application = _lock(request.application)
    _require(permissions.can_answer_integration(actor, application), _("Non sei abilitato a rispondere."))
    moment = moment or now()
    if request.status != IntegrationStatus.OPEN:
        raise WrongState(
            _("La richiesta di integrazione non è più aperta (%(s)s).") % {"s": request.get_status_display()}
        )
    if moment > request.deadline:
        raise WrongState(
            _("La scadenza per rispondere era il %(d)s.") % {"d": format_rome(request.deadline)},
            code="deadline_passed",
        )
    items = {item.pk: item for item in request.items.all()}
    errors = [
        {"code": "unknown_item", "field": f"responses.{key}", "message": _("Elemento non richiesto.")}
        for key in responses
        if key not in items
    ]
    errors += [
        {
            "code": "response_required",
            "field": f"responses.{key}",
            "message": _("Risposta obbligatoria: «%(d)s».") % {"d": item.description},
        }
        for key, item in items.items()
        if not (responses.get(key) or "").strip()
    ]
    if errors:
        raise EvaluationError(_("La risposta all'integrazione è incompleta."), errors=errors)
    for key, item in items.items():
        item.response = responses[key].strip()
        save_audited(item, actor=actor, reason="Risposta all'integrazione")
    request.status = IntegrationStatus.ANSWERED
    request.answered_by = actor
    request.answered_at = moment
    save_audited(request, actor=actor, reason="Integrazione inviata", action="integration.answered")
    application.mark_integration_answered()
    save_audited(application, actor=actor, reason="Integrazione ricevuta")
    return request


def expire_integration_requests(moment: datetime | None = None) -> list[Application]:
    """Open requests past their deadline: expired, and their applications not admissible (with the reason
    recorded and sent to the applicant). Safe to run repeatedly (management command, Celery beat)."""
    moment = moment or now()
    expired = []
    for pk in IntegrationRequest.objects.filter(
        status=IntegrationStatus.OPEN, deadline__lt=moment
    ).values_list("pk", flat=True):
        application = _expire_one(pk, moment)
        if application is not None:
            expired.append(application)
    return expired


@transaction.atomic
def _expire_one(pk: int, moment: datetime) -> Application | None:
    request = (
        IntegrationRequest.objects.select_for_update().filter(pk=pk, status=IntegrationStatus.OPEN).first()
    )
    if request is None or request.deadline >= moment:
        return None
    application = _lock(request.application)
    request.status = IntegrationStatus.EXPIRED
    save_audited(request, reason="Integrazione scaduta", action="integration.expired")
    reasons = _("Integrazione non pervenuta entro la scadenza del %(d)s.") % {
        "d": format_rome(request.deadline)
    }
    application.mark_not_admissible()
    save_audited(application, reason="Non ammissibile: integrazione non pervenuta")
    review = AdmissibilityReview.objects.filter(application=application).first() or AdmissibilityReview(
        application=application
    )
    review.outcome = AdmissibilityOutcome.NOT_ADMISSIBLE
    review.reasons = reasons
    review.decided_by = None
    review.decided_at = moment
    save_audited(review, reason="Integrazione scaduta", action="admissibility.decided")
    _notify(
        actor=None,
        application=application,
        event=events.INTEGRATION_EXPIRED,
        subject=_("Domanda %(p)s non ammissibile") % {"p": application.protocol},
        body=reasons,
    )
    if application.booking_outcome == BookingOutcome.BOOKED:
        application_services.release_booking(actor=None, application=application)
    return application


# --- panel --------------------------------------------------------------------------------------------------
MAX_EVALUATORS_PER_APPLICATION = 20
CENT = Decimal("0.01")


@transaction.atomic
def set_panel(
    *,
    actor,
    call: Call,
    evaluators_per_application: int = 2,
    disagreement_threshold: Decimal = Decimal(10),
) -> Panel:
    _require(permissions.can_manage_panel(actor), _("Non puoi gestire il nucleo di valutazione."))
    try:
        threshold = Decimal(disagreement_threshold)
    except (ArithmeticError, TypeError, ValueError):  # the page's text field
        threshold = Decimal("NaN")
    errors = []
    if not 1 <= evaluators_per_application <= MAX_EVALUATORS_PER_APPLICATION:
        message = _("Da 1 a %(n)d valutatori per domanda.") % {"n": MAX_EVALUATORS_PER_APPLICATION}
        errors.append({"code": "out_of_range", "field": "evaluators_per_application", "message": message})
    if not (threshold.is_finite() and 0 <= threshold < 10_000 and threshold == threshold.quantize(CENT)):
        message = _("Lo scarto è un numero di punti da 0 a 9999,99, con al più due decimali.")
        errors.append({"code": "out_of_range", "field": "disagreement_threshold", "message": message})
    else:
        threshold = threshold.quantize(CENT)
    if errors:
        raise EvaluationError(_("Dati del nucleo non validi."), errors=errors)
    panel = Panel.objects.filter(call=call).first() or Panel(call=call)
    panel.evaluators_per_application = evaluators_per_application
    panel.disagreement_threshold = threshold
    return save_audited(panel, actor=actor, reason="Nucleo di valutazione")


@transaction.atomic
def add_panel_member(*, actor, panel: Panel, user, is_president: bool = False) -> PanelMember:
    """Add (or re-activate) a member; naming a president replaces the previous one."""
    _require(permissions.can_manage_panel(actor), _("Non puoi gestire il nucleo di valutazione."))
    if not (user.is_active and user.is_staff):
        raise EvaluationError(
            _("Solo il personale della Regione può far parte del nucleo."),
            errors=[{"code": "not_staff", "field": "user", "message": _("Utente non abilitato.")}],
        )
    member = PanelMember.objects.filter(panel=panel, user=user).first() or PanelMember(panel=panel, user=user)
    member.is_active = True
    if is_president:
        for previous in PanelMember.objects.filter(panel=panel, is_president=True).exclude(pk=member.pk):
            previous.is_president = False
            save_audited(previous, actor=actor, reason="Nuovo presidente")
    member.is_president = is_president or member.is_president
    return save_audited(member, actor=actor, reason="Componente del nucleo")


@transaction.atomic
def deactivate_panel_member(*, actor, member: PanelMember) -> PanelMember:
    """A member leaves the panel; their assignments still to be evaluated are revoked and given to others."""
    _require(permissions.can_manage_panel(actor), _("Non puoi gestire il nucleo di valutazione."))
    member.is_active = False
    member.is_president = False
    save_audited(member, actor=actor, reason="Uscita dal nucleo")
    for assignment in Assignment.objects.filter(
        member=member, status__in=[AssignmentStatus.TO_DECLARE, AssignmentStatus.ACTIVE]
    ):
        assignment.status = AssignmentStatus.REVOKED
        save_audited(assignment, actor=actor, reason="Componente uscito dal nucleo")
        _reassign(actor=actor, application=assignment.application, panel=member.panel)
    return member


def _require_panel(call: Call) -> Panel:
    panel = selectors.panel_of(call)
    if panel is None:
        raise EvaluationError(_("Il bando non ha ancora un nucleo di valutazione."), code="no_panel")
    return panel


def _loads(panel: Panel) -> dict[int, int]:
    return {m.pk: m.load for m in selectors.panel_members(panel).filter(is_active=True)}


def _free_members(panel: Panel, application: Application) -> list[PanelMember]:
    """Active members never assigned to this application (a conflicted member never gets it back), least
    loaded first, then in the order they joined (deterministic)."""
    taken = set(Assignment.objects.filter(application=application).values_list("member_id", flat=True))
    loads = _loads(panel)
    members = [m for m in PanelMember.objects.filter(panel=panel, is_active=True) if m.pk not in taken]
    return sorted(members, key=lambda m: (loads.get(m.pk, 0), m.pk))


def _create_assignment(*, actor, application, member, automatic: bool, reason: str) -> Assignment:
    assignment = save_audited(
        Assignment(
            application=application,
            member=member,
            automatic=automatic,
            assigned_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
        actor=actor,
        reason=reason,
        action="assignment.created",
    )
    # The evaluator learns of the assignment without reading the application: its content is shown only
    # after the conflict-of-interest declaration.
    notify(
        event=events.EVALUATION_ASSIGNED,
        subject=_("Nuova domanda da valutare: %(p)s") % {"p": application.protocol},
        body=_(
            "Le è stata assegnata una domanda da valutare. Prima di leggerla dichiari l'assenza di conflitti."
        ),
        users=[member.user],
        link=reverse("evaluation:assignment_detail", args=[assignment.pk]),
        target=assignment,
        actor=actor,
    )
    return assignment


def _reassign(*, actor, application: Application, panel: Panel) -> Assignment | None:
    candidates = _free_members(panel, application)
    if not candidates:
        return None
    return _create_assignment(
        actor=actor, application=application, member=candidates[0], automatic=True, reason="Riassegnazione"
    )


@transaction.atomic
def assign(*, actor, application: Application, member: PanelMember) -> Assignment:
    """Manual assignment of an admissible application to a member of its call's panel."""
    _require(permissions.can_manage_panel(actor), _("Non puoi assegnare le domande."))
    application = _lock(application)
    panel = _require_panel(application.call)
    if application.status != ApplicationStatus.ADMISSIBLE:
        raise _wrong_state(application, _("assegnarla ai valutatori"))
    if member.panel_id != panel.pk or not member.is_active:
        raise EvaluationError(_("Il valutatore non fa parte del nucleo di questo bando."), code="not_member")
    if Assignment.objects.filter(application=application, member=member).exists():
        raise EvaluationError(
            _("La domanda è già stata assegnata a questo valutatore (anche se ha dichiarato un conflitto)."),
            code="already_assigned",
        )
    return _create_assignment(
        actor=actor, application=application, member=member, automatic=False, reason="Assegnazione manuale"
    )


@dataclass
class AutoAssignResult:
    created: list[Assignment] = field(default_factory=list)
    short: list[Application] = field(default_factory=list)  # not enough free members


@transaction.atomic
def auto_assign(*, actor, call: Call) -> AutoAssignResult:
    """Give every admissible application up to N evaluators (the panel's setting), least-loaded member first,
    ties by the order members joined; applications in arrival order. Running it again only fills gaps."""
    _require(permissions.can_manage_panel(actor), _("Non puoi assegnare le domande."))
    panel = _require_panel(call)
    result = AutoAssignResult()
    loads = _loads(panel)
    applications = Application.objects.filter(call=call, status=ApplicationStatus.ADMISSIBLE).order_by(
        *selectors.ARRIVAL_ORDER
    )
    members = list(PanelMember.objects.filter(panel=panel, is_active=True).order_by("pk"))
    for application in applications:
        assigned = Assignment.objects.filter(application=application)
        taken = set(assigned.values_list("member_id", flat=True))
        live = assigned.filter(status__in=LIVE_ASSIGNMENT_STATUSES).count()
        for _slot in range(panel.evaluators_per_application - live):
            free = sorted((m for m in members if m.pk not in taken), key=lambda m: (loads.get(m.pk, 0), m.pk))
            if not free:
                result.short.append(application)
                break
            member = free[0]
            result.created.append(
                _create_assignment(
                    actor=actor,
                    application=application,
                    member=member,
                    automatic=True,
                    reason="Assegnazione automatica",
                )
            )
            taken.add(member.pk)
            loads[member.pk] = loads.get(member.pk, 0) + 1
    return result


@dataclass(frozen=True)
class DeclarationResult:
    assignment: Assignment
    conflict: bool
    replacement: Assignment | None = None


@transaction.atomic
def declare_conflicts(
    *, actor, assignment: Assignment, conflicts: Mapping[int, bool], notes: Mapping[int, str] | None = None
) -> DeclarationResult:
    """Before seeing the application, the evaluator states for the lead and for every partner (keyed by
    partner id) whether they have a conflict of interest. Any conflict ends the assignment and gives the
    application to another member without one; the declarations are kept."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("member__panel", "application")
        .get(pk=assignment.pk)
    )
    _require(permissions.is_assigned_evaluator(actor, assignment), _("La domanda non ti è assegnata."))
    if assignment.status != AssignmentStatus.TO_DECLARE:
        raise WrongState(_("La dichiarazione per questa domanda è già stata resa."), code="already_declared")
    parties = {p.pk: p for p in selectors.parties(assignment.application)}
    missing = [pk for pk in parties if pk not in conflicts]
    unknown = [pk for pk in conflicts if pk not in parties]
    if missing or unknown:
        raise EvaluationError(
            _("Occorre dichiarare per il capofila e per ciascun partner, e solo per loro."),
            errors=[
                {
                    "code": "declaration_missing",
                    "field": f"conflicts.{pk}",
                    "message": parties[pk].display_name,
                }
                for pk in missing
            ]
            + [
                {"code": "unknown_party", "field": f"conflicts.{pk}", "message": _("Soggetto sconosciuto.")}
                for pk in unknown
            ],
        )
    notes = notes or {}
    for pk, partner in parties.items():
        save_audited(
            ConflictDeclaration(
                assignment=assignment,
                partner=partner,
                party_name=partner.display_name[:255],
                has_conflict=bool(conflicts[pk]),
                note=(notes.get(pk) or "").strip()[:500],
            ),
            actor=actor,
            reason="Dichiarazione sul conflitto di interessi",
            action="conflict.declared",
        )
    has_conflict = any(conflicts.values())
    assignment.declared_at = now()
    assignment.status = AssignmentStatus.CONFLICT if has_conflict else AssignmentStatus.ACTIVE
    save_audited(
        assignment, actor=actor, reason="Conflitto dichiarato" if has_conflict else "Nessun conflitto"
    )
    replacement = None
    if has_conflict:
        replacement = _reassign(
            actor=actor, application=assignment.application, panel=assignment.member.panel
        )
    return DeclarationResult(assignment=assignment, conflict=has_conflict, replacement=replacement)


# --- scores -------------------------------------------------------------------------------------------------
def _scoring_input(points: Mapping[str, object]) -> dict[str, object]:
    return {code: value for code, value in points.items() if value is not None and value != ""}


def _write_scores(*, actor, evaluation: Evaluation, call: Call, points, justifications) -> None:
    criteria = {c.code: c for c in Criterion.objects.filter(call=call)}
    stored = {s.criterion.code: s for s in evaluation.scores.select_related("criterion")}
    for code, value in points.items():
        score = stored.get(code) or Score(evaluation=evaluation, criterion=criteria[code])
        score.points = round_money(Decimal(str(value)))
        score.justification = justifications[code].strip()
        save_audited(score, actor=actor, reason="Punteggio")


@transaction.atomic
def save_scores(
    *,
    actor,
    assignment: Assignment,
    points: Mapping[str, object],
    justifications: Mapping[str, str],
    submit: bool = False,
) -> Evaluation:
    """Score the leaf criteria (points 0..max, justification required). ``submit`` requires every leaf
    and closes the evaluation; when every evaluator of the application has submitted, the score is
    consolidated."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("application__call", "member")
        .get(pk=assignment.pk)
    )
    _require(permissions.is_assigned_evaluator(actor, assignment), _("La domanda non ti è assegnata."))
    if assignment.status == AssignmentStatus.TO_DECLARE:
        raise WrongState(
            _("Prima di valutare occorre dichiarare l'assenza di conflitti di interesse."),
            code="declaration_required",
        )
    if assignment.status != AssignmentStatus.ACTIVE:
        raise WrongState(_("Questa valutazione non si può più modificare."), code="not_editable")
    application = _lock(assignment.application)
    if application.status != ApplicationStatus.ADMISSIBLE:
        raise _wrong_state(application, _("valutarla"))
    call = application.call
    tree = selectors.criteria_tree(call)
    points = _scoring_input(points)
    errors = score_errors(tree, points, justifications, complete=submit)
    if errors:
        raise EvaluationError(_("La valutazione contiene errori."), errors=[e.as_dict() for e in errors])
    evaluation = Evaluation.objects.filter(assignment=assignment).first() or save_audited(
        Evaluation(application=application, assignment=assignment, evaluator=actor),
        actor=actor,
        reason="Valutazione avviata",
    )
    _write_scores(actor=actor, evaluation=evaluation, call=call, points=points, justifications=justifications)
    all_points = {s.criterion.code: s.points for s in evaluation.scores.select_related("criterion")}
    sheet = compute(tree, all_points, min_total=call.min_total_score)
    evaluation.total = sheet.total
    evaluation.bonus = sheet.bonus
    if submit:
        evaluation.status = EvaluationStatus.SUBMITTED
        evaluation.submitted_at = now()
    save_audited(
        evaluation,
        actor=actor,
        reason="Valutazione inviata" if submit else "Valutazione salvata",
        action="evaluation.submitted" if submit else "",
    )
    if submit:
        assignment.status = AssignmentStatus.SUBMITTED
        save_audited(assignment, actor=actor, reason="Valutazione inviata")
        if _all_submitted(application):
            _consolidate_mean(actor=actor, application=application)
    return evaluation


def _all_submitted(application: Application) -> bool:
    live = Assignment.objects.filter(application=application, status__in=LIVE_ASSIGNMENT_STATUSES)
    return live.exists() and not live.exclude(status=AssignmentStatus.SUBMITTED).exists()


def _consolidate_mean(*, actor, application: Application) -> ConsolidatedScore:
    call = application.call
    tree = selectors.criteria_tree(call)
    panel = selectors.panel_of(call)
    evaluations = list(
        Evaluation.objects.filter(
            application=application,
            is_consensus=False,
            status=EvaluationStatus.SUBMITTED,
            assignment__status=AssignmentStatus.SUBMITTED,
        ).prefetch_related("scores__criterion")
    )
    sheets = [
        compute(tree, {s.criterion.code: s.points for s in e.scores.all()}, min_total=call.min_total_score)
        for e in evaluations
    ]
    criterion_scores = {node.code: mean(sheet.points[node.code] for sheet in sheets) for node in tree.nodes}
    weighted = {node.code: mean(sheet.weighted[node.code] for sheet in sheets) for node in tree.nodes}
    base = mean(sheet.base for sheet in sheets)
    bonus = mean(sheet.bonus for sheet in sheets)
    totals = [sheet.total for sheet in sheets]
    spread = round_money(max(totals) - min(totals)) if totals else ZERO
    # Thresholds on the mean points of each criterion and on the mean base score.
    return _store_consolidated(
        actor=actor,
        application=application,
        method=ScoreMethod.MEAN,
        base=base,
        bonus=bonus,
        criterion_scores={"points": criterion_scores, "weighted": weighted},
        failures=_threshold_failures(tree, criterion_scores, base, call.min_total_score),
        spread=spread,
        disagreement=bool(panel and spread > panel.disagreement_threshold),
        count=len(sheets),
        note="",
    )


def _threshold_failures(tree, raw_points: Mapping[str, Decimal], base: Decimal, min_total) -> list[str]:
    failures = [
        _("Criterio %(c)s: %(p)s punti, sotto la soglia minima di %(min)s.")
        % {
            "c": node.code,
            "p": points_text(raw_points.get(node.code, ZERO)),
            "min": points_text(node.min_points),
        }
        for node in tree.nodes
        if node.min_points is not None and raw_points.get(node.code, ZERO) < node.min_points
    ]
    if min_total is not None and base < min_total:
        failures.append(
            _("Punteggio complessivo %(p)s, sotto il minimo del bando di %(min)s.")
            % {"p": points_text(base), "min": points_text(min_total)}
        )
    return failures


def _store_consolidated(
    *, actor, application, method, base, bonus, criterion_scores, failures, spread, disagreement, count, note
):
    consolidated = ConsolidatedScore.objects.filter(application=application).first() or ConsolidatedScore(
        application=application
    )
    consolidated.method = method
    consolidated.base_score = round_money(base)
    consolidated.bonus_score = round_money(bonus)
    consolidated.total_score = round_money(base + bonus)
    consolidated.criterion_scores = {
        kind: {code: str(value) for code, value in values.items()}
        for kind, values in criterion_scores.items()
    }
    consolidated.threshold_failures = failures
    consolidated.meets_thresholds = not failures
    consolidated.spread = spread
    consolidated.disagreement = disagreement
    consolidated.evaluation_count = count
    consolidated.note = note
    save_audited(
        consolidated, actor=actor, reason=consolidated.get_method_display(), action="score.consolidated"
    )
    if application.status == ApplicationStatus.ADMISSIBLE:
        application.mark_evaluated()
        save_audited(application, actor=actor, reason="Valutazione consolidata")
    return consolidated


@transaction.atomic
def set_consensus(
    *,
    actor,
    application: Application,
    points: Mapping[str, object],
    justifications: Mapping[str, str],
    note: str,
) -> ConsolidatedScore:
    """The president replaces the mean with a consensus score of the panel (every leaf, with justification,
    and a note on why), after every evaluator has submitted and before the ranking is approved."""
    application = _lock(application)
    panel = _require_panel(application.call)
    _require(
        permissions.is_president(actor, panel) and permissions.can_set_consensus(actor, application),
        _("Solo il presidente del nucleo, senza conflitti sulla domanda, fissa il punteggio di consenso."),
    )
    if application.status not in (
        ApplicationStatus.ADMISSIBLE,
        ApplicationStatus.EVALUATED,
    ) or not _all_submitted(application):
        raise WrongState(
            _("Il punteggio di consenso si fissa quando tutti i valutatori hanno inviato la valutazione."),
            code="evaluations_pending",
        )
    ranking = selectors.ranking_of(application.call, phases.stage_of(application))
    if ranking is not None and ranking.status == RankingStatus.APPROVED:
        raise WrongState(_("La graduatoria è già approvata."), code="ranking_approved")
    call = application.call
    tree = selectors.criteria_tree(call)
    points = _scoring_input(points)
    errors = [e.as_dict() for e in score_errors(tree, points, justifications, complete=True)]
    if not note.strip():
        errors.append(
            {"code": "note_required", "field": "note", "message": _("Motivare il punteggio di consenso.")}
        )
    if errors:
        raise EvaluationError(_("Il punteggio di consenso contiene errori."), errors=errors)
    evaluation = Evaluation.objects.filter(application=application, is_consensus=True).first() or Evaluation(
        application=application, is_consensus=True
    )
    evaluation.evaluator = actor
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at = now()
    sheet = compute(
        tree, {code: Decimal(str(v)) for code, v in points.items()}, min_total=call.min_total_score
    )
    evaluation.total = sheet.total
    evaluation.bonus = sheet.bonus
    save_audited(evaluation, actor=actor, reason="Punteggio di consenso", action="evaluation.consensus")
    _write_scores(actor=actor, evaluation=evaluation, call=call, points=points, justifications=justifications)
    previous = ConsolidatedScore.objects.filter(application=application).first()
    return _store_consolidated(
        actor=actor,
        application=application,
        method=ScoreMethod.CONSENSUS,
        base=sheet.base,
        bonus=sheet.bonus,
        criterion_scores={"points": sheet.points, "weighted": sheet.weighted},
        failures=_threshold_failures(tree, sheet.points, sheet.base, call.min_total_score),
        spread=previous.spread if previous else ZERO,
        disagreement=previous.disagreement if previous else False,
        count=previous.evaluation_count if previous else 0,
        note=note.strip(),
    )


# --- two-phase calls: the executive project -----------------------------------------------------------------
def _window_text(window) -> str:
    return _("dal %(o)s al %(c)s (ora di Roma)") % {
        "o": format_rome(window.opens_at),
        "c": format_rome(window.closes_at),
    }


@transaction.atomic
def create_executive_project(*, actor, idea: Application) -> Application:
    """In the second window of a two-phase call (its last CallPhase), the applicant of an idea admitted by
    the approved preliminary ranking starts the executive project: a new draft of the same call linked to
    the idea (``Application.preliminary``), with the idea's general section, territory and partnership
    copied; budget and documents are the executive project's own. Refused before the window opens and after
    it closes (the message gives the dates), for an idea not admitted, and a second time."""
    idea = _lock(idea)
    _require(
        permissions.can_present_executive(actor, idea),
        _("Non sei abilitato ad agire per il soggetto proponente di questa domanda."),
    )
    state = selectors.executive_project_state(idea)
    if state.window is None:
        raise EvaluationError(
            _("La domanda non è un'idea progettuale di un bando in due fasi."),
            code="not_two_phase",
            errors=[
                {
                    "code": "not_two_phase",
                    "field": "application",
                    "message": _("Solo le idee progettuali hanno un progetto esecutivo."),
                }
            ],
        )
    if not state.admitted:
        raise WrongState(
            _("L'idea progettuale %(p)s non è ammessa alla seconda fase.") % {"p": idea.protocol},
            code="idea_not_admitted",
            errors=[
                {
                    "code": "idea_not_admitted",
                    "field": "application",
                    "message": _(
                        "Solo le idee ammesse dalla graduatoria approvata presentano il progetto esecutivo."
                    ),
                }
            ],
        )
    if state.executive is not None:
        raise WrongState(
            _("Il progetto esecutivo di questa idea è già stato avviato."),
            code="executive_exists",
            errors=[
                {
                    "code": "executive_exists",
                    "field": "application",
                    "message": _("Progetto esecutivo già avviato."),
                }
            ],
        )
    moment = now()
    if not state.is_open(moment):
        when = _window_text(state.window)
        message = (
            _(
                "La seconda fase («%(phase)s») non è ancora aperta: "
                "il progetto esecutivo si presenta %(when)s."
            )
            if moment < state.window.opens_at
            else _("La seconda fase («%(phase)s») è chiusa: il progetto esecutivo si presentava %(when)s.")
        ) % {"phase": state.window.title, "when": when}
        raise EvaluationError(
            message,
            code="outside_executive_window",
            errors=[{"code": "outside_executive_window", "field": "executive_window", "message": message}],
        )
    try:
        executive = application_services.create_draft(
            actor=actor, organisation=idea.applicant, call=idea.call
        )
        executive.preliminary = idea
        executive.title = idea.title
        executive.abstract = idea.abstract
        executive.partnership_name = idea.partnership_name
        save_audited(
            executive,
            actor=actor,
            reason=f"Progetto esecutivo dell'idea {idea.protocol}",
            action="application.executive_created",
        )
        executive.municipalities.set(idea.municipalities.all())
        executive.districts.set(idea.districts.all())
        executive.provinces.set(idea.provinces.all())
        idea_partners = list(idea.partners.order_by("order", "pk"))
        lead = next((p for p in idea_partners if p.role == PartnerRole.LEAD), None)
        others = [p for p in idea_partners if p.role != PartnerRole.LEAD]
        if others:
            application_services.set_partners(
                actor=actor,
                application=executive,
                partners=[
                    application_services.PartnerInput(
                        organisation=p.organisation,
                        name=p.name,
                        legal_form=p.legal_form,
                        share_percent=p.share_percent,
                    )
                    for p in others
                ],
                lead_share_percent=lead.share_percent if lead else None,
            )
    except application_services.ApplicationError as exc:
        raise EvaluationError(exc.message, errors=exc.errors, code=exc.code) from exc
    return executive


# --- ranking and allocation ---------------------------------------------------------------------------------
PENDING_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INTEGRATION_REQUESTED,
    ApplicationStatus.ADMISSIBLE,
)


# The columns of an application the ranking reads, as plain tuples (a call may rank tens of thousands of
# applications: bench/ranking): id, protocol year and number, requested grant, total cost, co-financing,
# consolidated score, whether it meets the thresholds; then one weighted score per tie-break criterion.
_RANKING_COLUMNS = (
    "pk",
    "protocol_year",
    "protocol_number",
    "requested_grant",
    "total_cost",
    "cofinancing",
    "consolidated__total_score",
    "consolidated__meets_thresholds",
)
_PK, _YEAR, _NUMBER, _REQUESTED, _TOTAL_COST, _COFINANCING, _SCORE, _MEETS = range(len(_RANKING_COLUMNS))


def _ranking_rows(call: Call, queryset, rules) -> tuple[list[tuple], list[str]]:
    """The evaluated applications of a stage in arrival order, with their consolidated score and, for each
    tie-break on a criterion, that criterion's weighted points (read from the JSON in the database: only
    the criteria the call's rules name). Returns (rows, the criterion codes of the trailing columns)."""
    codes = {
        code.upper(): code for code in Criterion.objects.filter(call=call).values_list("code", flat=True)
    }
    wanted = sorted(
        {rule.criterion for rule in rules if rule.kind == "criterion" and rule.criterion in codes}
    )
    annotations = {
        f"tie_{index}": KeyTextTransform(
            codes[code], KeyTransform("weighted", "consolidated__criterion_scores")
        )
        for index, code in enumerate(wanted)
    }
    rows = list(
        queryset.annotate(**annotations)
        .order_by(*selectors.ARRIVAL_ORDER)
        .values_list(*_RANKING_COLUMNS, *annotations)
    )
    return rows, wanted


def _candidate(row: tuple, wanted: list[str]) -> Candidate:
    total = row[_TOTAL_COST] or ZERO
    return Candidate(
        key=row[_PK],
        score=row[_SCORE],
        requested=row[_REQUESTED],
        protocol=(row[_YEAR] or 0, row[_NUMBER] or 0),
        criterion_scores={
            code: Decimal(row[len(_RANKING_COLUMNS) + index] or ZERO) for index, code in enumerate(wanted)
        },
        cofinancing_share=(row[_COFINANCING] / total) if total else ZERO,
    )


def _money_map(drawn: Mapping[str, Decimal]) -> dict[str, str]:
    return {code: str(amount) for code, amount in sorted(drawn.items()) if amount > 0}


def compute_ranking(
    *, actor, call: Call, stage: str = RankingStage.FINAL, moment: datetime | None = None
) -> Ranking:
    """The proposed ranking of a stage (``_compute_ranking``), in one transaction, with the cyclic garbage
    collector paused: a call may rank tens of thousands of applications (bench/ranking)."""
    with cycle_collection_paused(), transaction.atomic():
        return _compute_ranking(actor=actor, call=call, stage=stage, moment=moment)


def _compute_ranking(*, actor, call: Call, stage: str, moment: datetime | None) -> Ranking:
    """The proposed ranking of a stage: applications meeting every threshold by score (ties: the call's
    rules, then protocol); below a threshold: not eligible. The final ranking allocates the budget down the
    list honouring the call's reserves and partial-funding rules (grants.evaluation.allocation); the
    preliminary ranking of a two-phase call admits to the second window and allocates nothing. Replaces a
    previous proposal; refused once approved."""
    _require(permissions.can_prepare_ranking(actor), _("Non puoi predisporre la graduatoria."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.mode != CallMode.RANKING:
        raise EvaluationError(_("Il bando è a sportello: non ha una graduatoria."), code="first_come")
    if stage not in phases.stages(call):
        raise EvaluationError(
            _("Il bando non prevede questa graduatoria."),
            errors=[{"code": "invalid", "field": "stage", "message": _("Fase non prevista dal bando.")}],
        )
    moment = moment or now()
    opens = phases.ranking_opens_at(call, stage)
    if moment < opens:
        raise WrongState(
            _("La fase non è ancora scaduta (%(d)s).") % {"d": format_rome(opens)}, code="call_open"
        )
    if stage == RankingStage.FINAL and RankingStage.PRELIMINARY in phases.stages(call):
        preliminary = selectors.ranking_of(call, RankingStage.PRELIMINARY)
        if preliminary is None or preliminary.status != RankingStatus.APPROVED:
            raise WrongState(
                _("Prima si approva la graduatoria delle idee progettuali."), code="preliminary_pending"
            )
    ranking = selectors.ranking_of(call, stage)
    if ranking is not None and ranking.status == RankingStatus.APPROVED:
        raise WrongState(_("La graduatoria è già approvata."), code="ranking_approved")
    pending = phases.in_stage(call, stage).filter(status__in=PENDING_STATUSES).count()
    if pending:
        raise WrongState(
            _("%(n)d domande sono ancora in istruttoria o in valutazione.") % {"n": pending},
            code="evaluations_pending",
        )
    rules, ignored = parse_tie_breaks(call.tie_break_rules)
    evaluated = phases.in_stage(call, stage).filter(status=ApplicationStatus.EVALUATED)
    rows, wanted = _ranking_rows(call, evaluated, rules)
    if not rows:
        raise WrongState(_("Nessuna domanda valutata da mettere in graduatoria."), code="nothing_to_rank")
    eligible = [row for row in rows if row[_MEETS]]
    not_eligible = [row for row in rows if not row[_MEETS]]
    placed = rank([_candidate(row, wanted) for row in eligible], rules)
    call_reserves = reserves.call_reserves(call) if stage == RankingStage.FINAL else []
    competes = reserves.codes_for(evaluated, call_reserves)
    claims = [
        Claim(requested=place.candidate.requested, reserves=competes.get(place.candidate.key, ()))
        for place in placed
    ]
    if stage == RankingStage.FINAL:
        drawn = allocate_with_reserves(
            call.budget, claims, reserves.as_reserves(call_reserves), reserves.rules_of(call)
        )
    else:
        drawn = [{} for _claim in claims]

    if ranking is None:
        ranking = Ranking(call=call, stage=stage)
    ranking.budget = call.budget if stage == RankingStage.FINAL else ZERO
    ranking.computed_by = actor
    ranking.computed_at = moment
    ranking.ignored_tie_break_rules = ignored
    save_audited(ranking, actor=actor, reason="Graduatoria calcolata", action="ranking.computed")
    preliminary = stage == RankingStage.PRELIMINARY
    entries = []
    for position, (place, claim, has) in enumerate(zip(placed, claims, drawn, strict=True), start=1):
        candidate = place.candidate
        grant = round_money(sum(has.values(), ZERO))
        outcome = EntryOutcome.ADMITTED if preliminary else _outcome(grant, candidate.requested)
        entries.append(
            EntryRow(
                candidate.key,
                position,
                candidate.score,
                outcome,
                candidate.requested,
                grant,
                _money_map(has),
                list(claim.reserves),
                place.tie_break[:255],
            )
        )
    entries += [
        EntryRow(row[_PK], None, row[_SCORE], EntryOutcome.NOT_ELIGIBLE, row[_REQUESTED], ZERO, {}, [], "")
        for row in not_eligible
    ]
    written = replace_entries(ranking, entries, actor=actor)
    record_event(
        actor=actor,
        action="ranking.entries_written",
        obj=ranking,
        before={"entries": written.before},
        after={
            "entries": len(entries),
            "kept": written.kept,
            "removed": written.removed,
            "written": written.written,
            "placed": len(placed),
            "not_eligible": len(not_eligible),
            "funded": sum(1 for entry in entries if entry.outcome in FUNDED_OUTCOMES),
            "granted": str(sum((entry.granted for entry in entries), ZERO)),
        },
        reason="Graduatoria calcolata",
    )
    return ranking


def _outcome(grant: Decimal, requested: Decimal) -> str:
    if grant <= 0:
        return EntryOutcome.ELIGIBLE_NOT_FUNDED
    return EntryOutcome.FUNDED if grant >= requested else EntryOutcome.PARTIALLY_FUNDED


def _outcome_notice(entry: RankingEntry) -> tuple[str, str]:
    protocol = entry.application.protocol
    if entry.outcome == EntryOutcome.FUNDED:
        return (
            _("Domanda %(p)s finanziata") % {"p": protocol},
            _("La domanda è finanziata con un contributo di %(g)s.") % {"g": format_eur(entry.granted)},
        )
    if entry.outcome == EntryOutcome.PARTIALLY_FUNDED:
        return (
            _("Domanda %(p)s finanziata parzialmente") % {"p": protocol},
            _("La domanda è finanziata con un contributo di %(g)s su %(r)s richiesti (risorse residue).")
            % {"g": format_eur(entry.granted), "r": format_eur(entry.requested)},
        )
    if entry.outcome == EntryOutcome.ELIGIBLE_NOT_FUNDED:
        return (
            _("Domanda %(p)s idonea non finanziata") % {"p": protocol},
            _("La domanda è in graduatoria in posizione %(n)s ma le risorse sono esaurite.")
            % {"n": entry.position},
        )
    if entry.outcome == EntryOutcome.ADMITTED:
        window = phases.windows(entry.application.call)
        return (
            _("Idea progettuale %(p)s ammessa alla seconda fase") % {"p": protocol},
            _(
                "L'idea progettuale è in graduatoria in posizione %(n)s ed è ammessa alla seconda fase: "
                "il progetto esecutivo si presenta dal %(o)s al %(c)s (ora di Roma)."
            )
            % {
                "n": entry.position,
                "o": format_rome(window.executive.opens_at) if window else "–",
                "c": format_rome(window.executive.closes_at) if window else "–",
            },
        )
    return (
        _("Domanda %(p)s non idonea") % {"p": protocol},
        _("La domanda non ha raggiunto le soglie minime di punteggio."),
    )


@transaction.atomic
def approve_ranking(
    *,
    actor,
    ranking: Ranking,
    determination_number: str,
    determination_date: date | None,
    moment: datetime | None = None,
) -> Ranking:
    """The manager approves the proposed ranking with the determinazione (number and date), which publishes
    it. Final ranking: the call goes to ranking_approved (programme services), each application to funded /
    eligible-not-funded / not eligible. Preliminary ranking of a two-phase call: the admitted ideas may
    present the executive project, the others are not eligible. Each applicant is told."""
    _require(
        permissions.can_approve_ranking(actor), _("Solo il responsabile di misura approva la graduatoria.")
    )
    ranking = Ranking.objects.select_for_update().select_related("call").get(pk=ranking.pk)
    if ranking.status != RankingStatus.DRAFT:
        raise WrongState(_("La graduatoria è già approvata."), code="ranking_approved")
    moment = moment or now()
    number = (determination_number or "").strip()
    errors = []
    if not number or len(number) > 40:
        errors.append(
            {
                "code": "required",
                "field": "determination_number",
                "message": _("Indicare il numero della determinazione (al massimo 40 caratteri)."),
            }
        )
    if determination_date is None:
        errors.append(
            {
                "code": "required",
                "field": "determination_date",
                "message": _("Indicare la data della determinazione."),
            }
        )
    elif determination_date > in_rome(moment).date():
        errors.append(
            {
                "code": "future_date",
                "field": "determination_date",
                "message": _("La data della determinazione non può essere futura."),
            }
        )
    if errors:
        raise EvaluationError(_("La determinazione di approvazione è incompleta."), errors=errors)
    in_stage = phases.in_stage(ranking.call, ranking.stage)
    stale = (
        ConsolidatedScore.objects.filter(
            application__in=in_stage, updated_at__gt=ranking.computed_at
        ).exists()
        or in_stage.filter(status__in=PENDING_STATUSES).exists()
    )
    if stale:
        raise WrongState(
            _("Punteggi o domande sono cambiati dopo il calcolo: ricalcolare la graduatoria."),
            code="ranking_stale",
        )
    final = ranking.stage == RankingStage.FINAL
    if final:
        programme_services.approve_call_ranking(actor=actor, call=ranking.call, moment=moment)
    for entry in selectors.ranking_entries(ranking):
        application = _lock(entry.application)
        if entry.outcome == EntryOutcome.ADMITTED:
            pass  # stays evaluated: its executive project is the one that will be funded or not
        elif entry.is_funded:
            application.mark_funded()
            signals.send_funded_on_commit(
                application=application, granted_amount=entry.granted, ranking=ranking
            )
        elif entry.outcome == EntryOutcome.ELIGIBLE_NOT_FUNDED:
            application.mark_eligible_not_funded()
        else:
            application.mark_not_eligible()
        save_audited(application, actor=actor, reason="Graduatoria approvata")
        subject, body = _outcome_notice(entry)
        _notify(
            actor=actor,
            application=application,
            subject=subject,
            body=body,
            event=events.RANKING_OUTCOME,
            link=reverse("evaluation:executive_project", args=[application.pk])
            if entry.outcome == EntryOutcome.ADMITTED
            else "",
        )
    ranking.status = RankingStatus.APPROVED
    ranking.approved_by = actor
    ranking.approved_at = moment
    ranking.determination_number = number
    ranking.determination_date = determination_date
    return save_audited(ranking, actor=actor, reason=f"Determinazione n. {number}", action="ranking.approved")


@transaction.atomic
def record_renunciation(*, actor, application: Application, reason: str) -> list[RankingEntry]:
    """A funded applicant renounces: its grant is freed (back to the reserve or pool it came from) and the
    ranking slides (scorrimento) with the same rules as the allocation: the applications not fully funded,
    in order, get the money; nobody loses what they have. Returns the entries that received money."""
    application = _lock(application)
    _require(
        permissions.can_renounce(actor, application), _("Non sei abilitato a rinunciare per questa domanda.")
    )
    if application.status != ApplicationStatus.FUNDED:
        raise _wrong_state(application, _("rinunciare al contributo"))
    if not reason.strip():
        raise EvaluationError(
            _("Indicare il motivo della rinuncia."),
            errors=[{"code": "reason_required", "field": "reason", "message": _("Motivo obbligatorio.")}],
        )
    entry = (
        RankingEntry.objects.select_for_update()
        .select_related("ranking")
        .filter(application=application)
        .first()
    )
    if entry is None:  # funded outside a ranking (data loaded as funded): nothing to slide
        raise WrongState(
            _("La domanda non ha un posto in graduatoria: la rinuncia si registra sul progetto."),
            code="not_in_ranking",
        )
    ranking = Ranking.objects.select_for_update().get(pk=entry.ranking_id)
    freed = entry.granted
    entry.outcome = EntryOutcome.RENOUNCED
    entry.granted = ZERO
    entry.funded_from = {}
    save_audited(entry, actor=actor, reason=f"Rinuncia: {reason.strip()}"[:100], action="ranking.renounced")
    application.mark_renounced()
    save_audited(application, actor=actor, reason="Rinuncia al contributo")
    signals.send_defunded_on_commit(application=application, reason=reason.strip())
    record_event(
        actor=actor, action="ranking.slide", obj=ranking, after={"freed": freed}, reason=reason.strip()
    )
    return _slide(actor=actor, ranking=ranking)


def _slide(*, actor, ranking: Ranking) -> list[RankingEntry]:
    """Re-run the allocation down the placed entries keeping what each has. The caller holds the ranking's
    row lock, which every writer of its entries takes: the entries are read as plain rows, and only those
    that receive money are loaded (and locked) to be saved."""
    rows = list(
        RankingEntry.objects.filter(ranking=ranking, position__isnull=False)
        .exclude(outcome=EntryOutcome.RENOUNCED)
        .order_by("position")
        .values_list("pk", "requested", "reserves", "funded_from")
    )
    call = ranking.call
    claims = [
        Claim(
            requested=requested,
            reserves=tuple(entry_reserves or ()),
            drawn={code: Decimal(amount) for code, amount in (funded_from or {}).items()},
        )
        for _pk, requested, entry_reserves, funded_from in rows
    ]
    drawn = allocate_with_reserves(
        ranking.budget, claims, reserves.as_reserves(reserves.call_reserves(call)), reserves.rules_of(call)
    )
    raised = {
        row[0]: has
        for row, claim, has in zip(rows, claims, drawn, strict=True)
        if round_money(sum(has.values(), ZERO)) > claim.granted
    }
    changed = []
    for entry in (
        RankingEntry.objects.select_for_update(of=("self",))
        .filter(pk__in=raised)
        .select_related("application")
        .order_by("position")
    ):
        has = raised[entry.pk]
        granted = round_money(sum(has.values(), ZERO))
        was_funded = entry.outcome in FUNDED_OUTCOMES
        entry.granted = granted
        entry.funded_from = _money_map(has)
        entry.outcome = _outcome(entry.granted, entry.requested)
        save_audited(entry, actor=actor, reason="Scorrimento della graduatoria")
        application = entry.application
        if not was_funded:
            application = _lock(entry.application)
            application.mark_funded()
            save_audited(application, actor=actor, reason="Finanziata per scorrimento")
        signals.send_funded_on_commit(application=application, granted_amount=entry.granted, ranking=ranking)
        subject, body = _outcome_notice(entry)
        _notify(
            actor=actor,
            application=entry.application,
            subject=subject,
            body=body,
            event=events.RANKING_OUTCOME,
        )
        changed.append(entry)
    return changed
