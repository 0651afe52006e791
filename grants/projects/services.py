"""Every write of the projects context: creation from a funded application, CUP, grant acceptance (atto di
adesione) and start (avvio), change requests and their decisions (budget variations, partner changes,
extensions), suspension and resumption, renunciation and revocation.

Functions are keyword-only, take the acting user first and plain data, never a request; they check the
permissions (grants.projects.permissions), enforce the rules, move the state machines declared in
grants.projects.states and leave history and audit events (grants.core.audit).
"""

import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.money import ZERO, format_eur, round_money
from grants.core.timeutils import ROME, format_rome, in_rome, now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename

from . import permissions
from .budget import scale_amounts, scaled_total
from .models import (
    Project,
    ProjectBudgetLine,
    ProjectChange,
    ProjectMilestone,
    ProjectPartner,
    ProjectPhase,
    rules_for,
)
from .states import ChangeKind, PartnerRole, ProjectStatus
from .validators import normalise_cup, validate_cup

AGREEMENT_MAX_BYTES = 10 * 1024 * 1024


# --- errors -------------------------------------------------------------------------------------------------
class ProjectError(Exception):
    """A request the rules refuse. ``errors``: [{"code", "field", "message"}]."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, errors: list[dict] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        if code:
            self.code = code


class WrongState(ProjectError):
    status = 409
    code = "wrong_state"


def _field_error(code: str, field: str, message: str) -> ProjectError:
    return ProjectError(message, errors=[{"code": code, "field": field, "message": message}], code=code)


def _wrong_state(project: Project, action: str) -> WrongState:
    return WrongState(
        _("Non è possibile %(action)s: il progetto è nello stato «%(status)s».")
        % {"action": action, "status": project.get_status_display()}
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("call", "beneficiary")
        .get(pk=project.pk)
    )


def _reason(reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise _field_error("reason_required", field, _("Indicare la motivazione."))
    return text


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_day_in_rome(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=ROME)


# --- creation -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _PlannedPhase:
    measure_phase_id: int | None
    title: str
    start: date
    end: date


def _planned_phases(application: Application, today: date) -> list[_PlannedPhase]:
    """The measure's phases (FSE1: progettazione, then sperimentazione). A timeline that has already begun
    is shifted to start today, each phase keeping its length: a project never starts in the past."""
    phases = list(application.call.measure.phases.order_by("order", "start_date"))
    if not phases:
        rules = rules_for(application.call)
        return [
            _PlannedPhase(
                None, _("Realizzazione del progetto"), today, add_months(today, rules.default_duration_months)
            )
        ]
    offset = max(today - phases[0].start_date, timedelta(0))
    return [_PlannedPhase(p.pk, p.title, p.start_date + offset, p.end_date + offset) for p in phases]


def _scaled_lines(application: Application, total: Decimal) -> list[tuple]:
    lines = list(application.budget_lines.select_related("category", "partner").order_by("order", "pk"))
    amounts = scale_amounts([line.amount for line in lines], total)
    return list(zip(lines, amounts, strict=True))


@transaction.atomic
def create_project_from_application(*, actor, application: Application, granted_amount: Decimal) -> Project:
    """The project of a funded application, in ``to_accept``: partners and budget lines copied, the grant as
    granted; a partial grant scales the budget (the aid intensity is kept, lines add up to the cent).

    Idempotent: a second call returns the existing project; while the grant is not yet accepted a higher
    ``granted_amount`` (a slide topping up a partial grant) rescales it.
    ``actor`` is None when the system reacts to the approval of the ranking."""
    if actor is not None:
        _require(permissions.can_manage_projects(actor), _("Non sei abilitato a creare progetti."))
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
            return _rescale(actor=actor, project=existing, application=application, granted=granted)
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
    )
    save_audited(project, actor=actor, reason="Domanda finanziata", action="project.created")
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
            measure_phase_id=planned.measure_phase_id,
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


def _rescale(*, actor, project: Project, application: Application, granted: Decimal) -> Project:
    _check_granted(application, granted)
    project = _lock(project)
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
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato a creare progetti."))
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


# --- CUP ----------------------------------------------------------------------------------------------------
@transaction.atomic
def assign_cup(*, actor, project: Project, cup: str) -> Project:
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato ad assegnare il CUP."))
    project = _lock(project)
    if project.status in (ProjectStatus.RENOUNCED, ProjectStatus.REVOKED):
        raise _wrong_state(project, _("assegnare il CUP"))
    value = normalise_cup(cup)
    try:
        validate_cup(value)
    except ValidationError as exc:
        raise _field_error(exc.code or "cup", "cup", " ".join(exc.messages)) from exc
    if Project.objects.filter(cup=value).exclude(pk=project.pk).exists():
        raise _field_error(
            "cup_taken", "cup", _("Il CUP %(cup)s è già assegnato a un altro progetto.") % {"cup": value}
        )
    before = project.cup
    project.cup = value
    try:
        with transaction.atomic():
            save_audited(
                project,
                actor=actor,
                reason=_("CUP modificato") if before else _("CUP assegnato"),
                action="project.cup_assigned",
            )
    except IntegrityError as exc:  # a concurrent assignment of the same CUP
        raise _field_error(
            "cup_taken", "cup", _("Il CUP %(cup)s è già assegnato a un altro progetto.") % {"cup": value}
        ) from exc
    return project


# --- grant acceptance (atto di adesione) and start (avvio) --------------------------------------------------
@transaction.atomic
def upload_signed_agreement(
    *, actor, project: Project, uploaded_file, moment: datetime | None = None
) -> Project:
    """The beneficiary uploads the signed agreement within the deadline: a PDF judged by its content, its
    SHA-256 kept. It may be replaced until the start is communicated."""
    project = _lock(project)
    _require(
        permissions.is_beneficiary_member(actor, project),
        _("Solo il beneficiario carica l'atto di adesione firmato."),
    )
    if project.status != ProjectStatus.TO_ACCEPT:
        raise _wrong_state(project, _("caricare l'atto di adesione"))
    moment = moment or now()
    if moment > project.acceptance_deadline:
        raise WrongState(
            _("Il termine per l'accettazione del contributo è scaduto il %(deadline)s.")
            % {"deadline": format_rome(project.acceptance_deadline)},
            code="acceptance_deadline_passed",
        )
    try:
        check_upload(
            uploaded_file,
            allowed_types=[PDF],
            max_bytes=AGREEMENT_MAX_BYTES,
            declared_type=getattr(uploaded_file, "content_type", "") or "",
        )
    except UploadRefused as exc:
        raise _field_error(exc.code, "file", str(exc)) from exc
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = safe_filename(uploaded_file.name or "atto-di-adesione.pdf")
    project.signed_agreement_sha256 = digest.hexdigest()
    project.signed_agreement.save(name, uploaded_file, save=False)
    project.signed_agreement_name = name
    project.signed_agreement_size = uploaded_file.size
    project.accepted_at = moment
    project.accepted_by = actor
    save_audited(project, actor=actor, reason="Atto di adesione firmato caricato", action="project.accepted")
    _after_acceptance(actor=actor, project=project)
    return project


@transaction.atomic
def communicate_start(*, actor, project: Project, start_date: date) -> Project:
    """Avvio: with the agreement signed, the beneficiary states the actual start date → active."""
    project = _lock(project)
    _require(permissions.is_beneficiary_member(actor, project), _("Solo il beneficiario comunica l'avvio."))
    if project.status != ProjectStatus.TO_ACCEPT:
        raise _wrong_state(project, _("comunicare l'avvio"))
    if not project.is_accepted:
        raise WrongState(
            _("Prima di comunicare l'avvio carica l'atto di adesione firmato."), code="agreement_missing"
        )
    if start_date is None:
        raise _field_error("start_date_required", "start_date", _("Indicare la data di avvio."))
    today = in_rome(now()).date()
    if start_date > today:
        raise _field_error(
            "start_date_future",
            "start_date",
            _("La data di avvio non può essere nel futuro: comunicala quando le attività sono iniziate."),
        )
    if start_date < in_rome(project.accepted_at).date() - timedelta(days=365):
        raise _field_error(
            "start_date_too_early", "start_date", _("La data di avvio è troppo lontana nel passato.")
        )
    if start_date > project.planned_end_date:
        raise _field_error(
            "start_date_after_end",
            "start_date",
            _("La data di avvio è successiva alla fine prevista del progetto."),
        )
    project.actual_start_date = start_date
    project.started_at = now()
    project.start()
    return save_audited(project, actor=actor, reason="Avvio comunicato", action="project.started")


def _after_acceptance(*, actor, project: Project) -> None:
    """Reactions to the acceptance (de minimis register, notification): filled in below."""


# --- suspension and resumption ------------------------------------------------------------------------------
def _record_decided_change(*, actor, project: Project, kind: str, reason: str, **fields) -> ProjectChange:
    change = ProjectChange(project=project, kind=kind, reason=reason, requested_by=actor, **fields)
    change.approve()
    change.decided_by = actor
    change.decided_at = now()
    return save_audited(change, actor=actor, reason=reason[:100], action=f"project.{kind}")


@transaction.atomic
def suspend(*, actor, project: Project, reason: str) -> Project:
    """An officer suspends an active project: nothing is paid while it is suspended."""
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato a sospendere il progetto."))
    project = _lock(project)
    text = _reason(reason)
    if project.status != ProjectStatus.ACTIVE:
        raise _wrong_state(project, _("sospendere il progetto"))
    project.suspend()
    save_audited(project, actor=actor, reason=f"Sospensione: {text}"[:100], action="project.suspended")
    _record_decided_change(actor=actor, project=project, kind=ChangeKind.SUSPENSION, reason=text)
    return project


@transaction.atomic
def resume(*, actor, project: Project, reason: str) -> Project:
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato a riprendere il progetto."))
    project = _lock(project)
    text = _reason(reason)
    if project.status != ProjectStatus.SUSPENDED:
        raise _wrong_state(project, _("riprendere il progetto"))
    project.resume()
    save_audited(project, actor=actor, reason=f"Ripresa: {text}"[:100], action="project.resumed")
    _record_decided_change(actor=actor, project=project, kind=ChangeKind.RESUMPTION, reason=text)
    return project
