"""A project is born from a funded application: phases, budget lines and partners copied, the grant
rescaled when a slide raises it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.money import ZERO, format_eur, round_money
from grants.core.timeutils import format_rome, in_rome, now
from grants.notifications import events

from .. import permissions, signals
from ..budget import scale_amounts, scaled_total
from ..models import Project, ProjectBudgetLine, ProjectMilestone, ProjectPartner, ProjectPhase, rules_for
from ..states import PartnerRole, ProjectStatus
from .common import WrongState, _end_of_day_in_rome, _field_error, _lock, _require, add_months
from .notices import _notify


# --- creation -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _PlannedPhase:
    call_phase_id: int | None
    title: str
    start: date
    end: date


def _planned_phases(application: Application, today: date) -> list[_PlannedPhase]:
    """The call's project phases (FSE1: progettazione, then sperimentazione), end to end from today, each
    for its months. A call without them: one phase for the call's default duration. The measure's
    timeline (its call, its ex-ante evaluation) is the programme's and never becomes a project's phase."""
    phases = list(application.call.project_phases.order_by("order", "pk"))
    if not phases:
        rules = rules_for(application.call)
        return [
            _PlannedPhase(
                None, _("Realizzazione del progetto"), today, add_months(today, rules.default_duration_months)
            )
        ]
    planned, start = [], today
    for phase in phases:
        end = add_months(start, phase.months) - timedelta(days=1)
        planned.append(_PlannedPhase(phase.pk, phase.title, start, end))
        start = end + timedelta(days=1)
    return planned


def _scaled_lines(application: Application, total: Decimal) -> list[tuple]:
    lines = list(application.budget_lines.select_related("category", "partner").order_by("order", "pk"))
    amounts = scale_amounts([line.amount for line in lines], total)
    return list(zip(lines, amounts, strict=True))


@transaction.atomic
def create_project_from_application(
    *,
    actor,
    application: Application,
    granted_amount: Decimal,
    granted_by=None,
    granted_on: date | None = None,
) -> Project:
    """The project of a funded application, in ``to_accept``: partners and budget lines copied, the grant as
    granted; a partial grant scales the budget (the aid intensity is kept, lines add up to the cent).

    Idempotent: a second call returns the existing project; while the grant is not yet accepted a higher
    ``granted_amount`` (a slide topping up a partial grant) rescales it.
    ``actor`` is None when the system reacts to the approval of the ranking; ``granted_by`` (default: the
    actor) is the staff member who granted it."""
    if actor is not None:
        _require(
            permissions.can_manage_projects(actor, application.call_id),
            _("Non sei abilitato a creare progetti."),
        )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "call__measure", "applicant")
        .get(pk=application.pk)
    )
    granted = round_money(granted_amount)
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        if (
            existing.status == ProjectStatus.TO_ACCEPT
            and not existing.is_accepted
            and granted != existing.grant
        ):
            return _rescale(
                actor=actor, project=existing, application=application, granted=granted, granted_on=granted_on
            )
        return existing
    if application.status != ApplicationStatus.FUNDED:
        raise WrongState(
            _("La domanda non è finanziata (stato: %(status)s): non può diventare un progetto.")
            % {"status": application.get_status_display()}
        )
    _check_granted(application, granted)
    total = scaled_total(application.total_cost, requested=application.requested_grant, granted=granted)
    today = in_rome(now()).date()
    phases = _planned_phases(application, today)
    rules = rules_for(application.call)
    project = Project(
        application=application,
        call=application.call,
        beneficiary=application.applicant,
        title=application.title or str(application),
        summary=application.abstract,
        grant=granted,
        original_grant=granted,
        cofinancing=max(round_money(total - granted), ZERO),
        total_eligible_cost=total,
        planned_start_date=phases[0].start,
        planned_end_date=phases[-1].end,
        acceptance_deadline=_end_of_day_in_rome(today + timedelta(days=rules.acceptance_days)),
        granted_by=granted_by if granted_by is not None else actor,
    )
    save_audited(project, actor=actor, reason="Domanda finanziata", action="project.created")
    signals.send_granted_on_commit(project=project, granted_on=granted_on or today)
    partners = _copy_partners(project, application)
    for index, (line, amount) in enumerate(_scaled_lines(application, total)):
        ProjectBudgetLine.objects.create(
            project=project,
            category=line.category,
            partner=partners.get(line.partner_id) or partners[None],
            description=line.description,
            cost_option=line.category.cost_option,
            flat_rate_percent=line.category.flat_rate_percent,
            unit_rate=line.unit_rate if line.unit_rate is not None else line.category.unit_rate,
            requested_amount=line.amount,
            approved_amount=amount,
            order=index,
        )
    refresh_partner_shares(project)
    for index, planned in enumerate(phases):
        phase = ProjectPhase.objects.create(
            project=project,
            call_phase_id=planned.call_phase_id,
            title=planned.title,
            planned_start_date=planned.start,
            planned_end_date=planned.end,
            order=index,
        )
        ProjectMilestone.objects.create(
            project=project,
            phase=phase,
            title=_("Conclusione della fase «%(phase)s»") % {"phase": planned.title},
            due_date=planned.end,
            order=index,
        )
    _notify(
        actor=actor,
        project=project,
        event=events.GRANT_AGREEMENT,
        subject=_("Progetto finanziato: accetta il contributo entro il %(deadline)s")
        % {"deadline": format_rome(project.acceptance_deadline)},
        body=_(
            "Il progetto «%(title)s» è finanziato con un contributo di %(grant)s. "
            "Scarica l'atto di adesione, firmalo e caricalo entro il %(deadline)s, "
            "poi comunica la data di avvio."
        )
        % {
            "title": project.title,
            "grant": format_eur(project.grant),
            "deadline": format_rome(project.acceptance_deadline),
        },
    )
    return project


def _check_granted(application: Application, granted: Decimal) -> None:
    if granted <= 0:
        raise _field_error(
            "granted_amount", "granted_amount", _("Il contributo concesso deve essere positivo.")
        )
    if granted > application.requested_grant:
        raise _field_error(
            "granted_amount",
            "granted_amount",
            _("Il contributo concesso (%(granted)s) supera quello richiesto (%(requested)s).")
            % {"granted": format_eur(granted), "requested": format_eur(application.requested_grant)},
        )


def _copy_partners(project: Project, application: Application) -> dict[int | None, ProjectPartner]:
    """ProjectPartner per application partner, keyed by the application partner's id; ``None`` is the lead
    (lines without a partner are the lead's)."""
    copied: dict[int | None, ProjectPartner] = {}
    rows = list(application.partners.select_related("organisation").order_by("order", "pk"))
    lead_row = next((p for p in rows if p.role == PartnerRole.LEAD), None)
    if lead_row is None:
        lead = ProjectPartner.objects.create(
            project=project,
            organisation=application.applicant,
            name=application.applicant.name,
            role=PartnerRole.LEAD,
            order=0,
        )
        copied[None] = lead
    for index, row in enumerate(rows, start=1):
        partner = ProjectPartner.objects.create(
            project=project,
            application_partner=row,
            organisation=row.organisation,
            name=row.display_name,
            role=PartnerRole.LEAD if row.role == PartnerRole.LEAD else PartnerRole.PARTNER,
            order=0 if row.role == PartnerRole.LEAD else index,
        )
        copied[row.pk] = partner
        if row.role == PartnerRole.LEAD:
            copied[None] = partner
    return copied


def refresh_partner_shares(project: Project) -> None:
    """Each partner's budget share is the total of its approved lines (stored for lists and exports)."""
    for partner in project.partners.all():
        share = round_money(sum((line.approved_amount for line in partner.budget_lines.all()), ZERO))
        if share != partner.budget_share:
            partner.budget_share = share
            partner.save(update_fields=["budget_share", "updated_at"])


def _rescale(
    *, actor, project: Project, application: Application, granted: Decimal, granted_on: date | None
) -> Project:
    _check_granted(application, granted)
    project = _lock(project)
    signals.send_granted_on_commit(
        project=project, granted_on=granted_on or in_rome(now()).date(), previous=project.grant
    )
    total = scaled_total(application.total_cost, requested=application.requested_grant, granted=granted)
    lines = list(project.budget_lines.order_by("order", "pk"))
    for line, amount in zip(
        lines, scale_amounts([line.requested_amount for line in lines], total), strict=True
    ):
        if line.approved_amount != amount:
            line.approved_amount = amount
            line.save(update_fields=["approved_amount", "updated_at"])
    refresh_partner_shares(project)
    project.grant = granted
    project.original_grant = granted
    project.total_eligible_cost = total
    project.cofinancing = max(round_money(total - granted), ZERO)
    return save_audited(
        project, actor=actor, reason="Contributo aggiornato per scorrimento", action="project.regranted"
    )


def create_missing_projects(*, actor, application: Application) -> Project:
    """Officer action: the project of a funded application whose project was not created (for example a
    first-come call funded at the desk). Idempotent: an existing project is returned unchanged."""
    _require(
        permissions.can_manage_projects(actor, application.call_id), _("Non sei abilitato a creare progetti.")
    )
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        return existing
    granted = _granted_for(application)
    return create_project_from_application(actor=actor, application=application, granted_amount=granted)


def _granted_for(application: Application) -> Decimal:
    """What was granted: the ranking entry's amount, the booked amount (first-come), else the request."""
    entry = getattr(application, "ranking_entry", None)
    granted = getattr(entry, "granted", None) if entry is not None else None
    if granted:
        return granted
    if application.booked_amount:
        return application.booked_amount
    return application.requested_grant
