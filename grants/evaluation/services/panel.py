"""The evaluation panel, the assignment of applications to its members and their conflict declarations."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.timeutils import now
from grants.notifications import events
from grants.notifications.services import notify
from grants.programme.models import Call

from .. import permissions, selectors
from ..models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Panel,
    PanelMember,
)
from .common import EvaluationError, WrongState, _lock, _require, _wrong_state

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
    _require(permissions.can_manage_panel(actor, call), _("Non puoi gestire il nucleo di valutazione."))
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
    _require(
        permissions.can_manage_panel(actor, panel.call_id), _("Non puoi gestire il nucleo di valutazione.")
    )
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
    _require(
        permissions.can_manage_panel(actor, member.panel.call_id),
        _("Non puoi gestire il nucleo di valutazione."),
    )
    member.is_active = False
    member.is_president = False
    save_audited(member, actor=actor, reason="Uscita dal nucleo")
    for assignment in Assignment.objects.filter(
        member=member, status__in=[AssignmentStatus.TO_DECLARE, AssignmentStatus.ACTIVE]
    ):
        assignment.mark_revoked()
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
    _require(permissions.can_manage_panel(actor, application.call_id), _("Non puoi assegnare le domande."))
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
    _require(permissions.can_manage_panel(actor, call), _("Non puoi assegnare le domande."))
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
    if has_conflict:
        assignment.mark_conflict()
    else:
        assignment.mark_declared_free()
    save_audited(
        assignment, actor=actor, reason="Conflitto dichiarato" if has_conflict else "Nessun conflitto"
    )
    replacement = None
    if has_conflict:
        replacement = _reassign(
            actor=actor, application=assignment.application, panel=assignment.member.panel
        )
    return DeclarationResult(assignment=assignment, conflict=has_conflict, replacement=replacement)
