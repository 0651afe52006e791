"""Every write of the projects context: creation from a funded application, CUP, grant acceptance (atto di
adesione) and start (avvio), change requests and their decisions (budget variations, partner changes,
extensions), suspension and resumption, renunciation and revocation.

Functions are keyword-only, take the acting user first and plain data, never a request; they check the
permissions (grants.projects.permissions), enforce the rules, move the state machines declared in
grants.projects.states and leave history and audit events (grants.core.audit).
"""

import calendar
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.errors import DomainError
from grants.core.errors import WrongState as StateError
from grants.core.money import ZERO, format_eur, percent_of, round_money
from grants.core.timeutils import ROME, format_rome, in_rome, now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename
from grants.evaluation import services as evaluation_services
from grants.notifications import events
from grants.notifications.services import notify
from grants.programme.models import CostOption, StateAidRegime
from grants.registry import services as registry_services
from grants.registry.models import DeMinimisAid

from . import permissions, signals
from .budget import moved_amount, moved_percent, scale_amounts, scaled_total
from .models import (
    BudgetVariationItem,
    Project,
    ProjectBudgetLine,
    ProjectChange,
    ProjectMilestone,
    ProjectPartner,
    ProjectPhase,
    rules_for,
)
from .states import (
    LIVE_STATUSES,
    RUNNING_STATUSES,
    ChangeKind,
    ChangeStatus,
    PartnerAction,
    PartnerRole,
    ProjectStatus,
)
from .validators import normalise_cup, validate_cup

AGREEMENT_MAX_BYTES = 10 * 1024 * 1024


# --- errors -------------------------------------------------------------------------------------------------
class ProjectError(DomainError):
    """A request the projects rules refuse (grants/core/errors.py)."""


class WrongState(ProjectError, StateError):
    """The object's state does not allow the action (409)."""


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
def create_project_from_application(
    *, actor, application: Application, granted_amount: Decimal, granted_by=None
) -> Project:
    """The project of a funded application, in ``to_accept``: partners and budget lines copied, the grant as
    granted; a partial grant scales the budget (the aid intensity is kept, lines add up to the cent).

    Idempotent: a second call returns the existing project; while the grant is not yet accepted a higher
    ``granted_amount`` (a slide topping up a partial grant) rescales it.
    ``actor`` is None when the system reacts to the approval of the ranking; ``granted_by`` (default: the
    actor) is the staff member who granted it."""
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
        granted_by=granted_by if granted_by is not None else actor,
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
    _decision_notice(
        actor=actor,
        project=project,
        subject=_("Progetto sospeso: %(title)s") % {"title": project.title},
        body=_("Il progetto è sospeso: fino alla ripresa non si erogano pagamenti. Motivazione: %(reason)s")
        % {"reason": text},
    )
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
    _decision_notice(
        actor=actor,
        project=project,
        subject=_("Sospensione revocata: %(title)s") % {"title": project.title},
        body=_("Il progetto riprende. Motivazione: %(reason)s") % {"reason": text},
    )
    return project


# --- notifications and the de minimis register --------------------------------------------------------------
def _notify(*, actor, project: Project, event: str, subject: str, body: str) -> None:
    notify(
        event=event,
        subject=subject,
        body=body,
        organisation=project.beneficiary,
        link=reverse("projects:project_detail", args=[project.pk]),
        target=project,
        actor=actor,
    )


def _decision_notice(*, actor, project: Project, subject: str, body: str) -> None:
    _notify(actor=actor, project=project, event=events.PROJECT_DECISION, subject=subject, body=body)


def _is_de_minimis(project: Project) -> bool:
    return project.call.state_aid_regime == StateAidRegime.DE_MINIMIS


def _record_de_minimis(project: Project) -> None:
    """The grant of a de minimis call enters the register on acceptance, at the day of acceptance, in the
    name of the staff member who granted it (the register is kept by the Region's staff)."""
    if not _is_de_minimis(project) or project.de_minimis_aid_id:
        return
    if project.granted_by is None:
        raise WrongState(
            _(
                "Il contributo è un aiuto de minimis ma il progetto non indica chi lo ha concesso: "
                "contatta la Regione per completare la concessione."
            ),
            code="de_minimis_grantor_missing",
        )
    try:
        aid = registry_services.record_de_minimis_concession(
            actor=project.granted_by,
            organisation=project.beneficiary,
            amount=project.grant,
            granted_on=in_rome(project.accepted_at).date(),
            granting_body=project.call.measure.programme.region.name,
            legal_basis=project.call.legal_reference or str(project.call),
            source_reference=f"project:{project.pk}",
        )
    except ValidationError as exc:
        raise ProjectError(" ".join(exc.messages), code="de_minimis_ceiling") from exc
    project.de_minimis_aid = aid
    project.save(update_fields=["de_minimis_aid", "updated_at"])


def _correct_de_minimis(*, actor, project: Project, amount: Decimal) -> None:
    """Take ``amount`` back from the project's concession (revocation, renunciation). The register is kept by
    staff: an officer's own action is recorded in their name, the beneficiary's renunciation in the name of
    whoever granted the aid."""
    if project.de_minimis_aid_id is None or amount <= 0:
        return
    aid = DeMinimisAid.objects.get(pk=project.de_minimis_aid_id)
    amount = min(amount, aid.effective_amount)
    if amount <= 0:
        return
    staff_actor = actor if permissions.can_manage_projects(actor) else project.granted_by
    registry_services.revoke_de_minimis_concession(actor=staff_actor, aid=aid, amount=amount)


def _after_acceptance(*, actor, project: Project) -> None:
    _record_de_minimis(project)
    _notify(
        actor=actor,
        project=project,
        event=events.GRANT_AGREEMENT,
        subject=_("Atto di adesione registrato: %(title)s") % {"title": project.title},
        body=_(
            "L'atto di adesione firmato è stato caricato il %(when)s (impronta SHA-256 %(sha)s). "
            "Comunica ora la data di avvio del progetto."
        )
        % {"when": format_rome(project.accepted_at), "sha": project.signed_agreement_sha256},
    )


# --- change requests ----------------------------------------------------------------------------------------
def _require_running(project: Project, action: str) -> None:
    if project.status not in RUNNING_STATUSES:
        raise _wrong_state(project, action)


def _require_no_pending(project: Project, kind: str) -> None:
    if project.changes.filter(kind=kind, status=ChangeStatus.PENDING).exists():
        raise WrongState(
            _("C'è già una richiesta dello stesso tipo in attesa di decisione."), code="change_pending"
        )


def _line_amounts(project: Project, amounts: Mapping) -> dict[int, Decimal]:
    """The requested amount of each line (lines not named keep theirs), validated."""
    lines = {line.pk: line for line in project.budget_lines.select_related("category")}
    errors = []
    wanted: dict[int, Decimal] = {}
    for key, value in amounts.items():
        field = f"amounts.{key}"
        try:
            line_id = int(key)
        except (TypeError, ValueError):
            line_id = None
        line = lines.get(line_id)
        if line is None:
            errors.append({"code": "line_unknown", "field": field, "message": _("Voce inesistente.")})
            continue
        try:
            amount = round_money(
                Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
            )
        except (ArithmeticError, ValueError, TypeError):
            errors.append({"code": "amount_invalid", "field": field, "message": _("Indicare un importo.")})
            continue
        if not amount.is_finite() or amount < 0:
            errors.append(
                {
                    "code": "amount_negative",
                    "field": field,
                    "message": _("L'importo non può essere negativo."),
                }
            )
            continue
        if line.cost_option == CostOption.FLAT_RATE and amount != line.approved_amount:
            errors.append(
                {
                    "code": "flat_rate_fixed",
                    "field": field,
                    "message": _(
                        "La voce «%(title)s» è a tasso forfettario: non si modifica con una variazione."
                    )
                    % {"title": line.category.title},
                }
            )
            continue
        wanted[line_id] = amount
    if errors:
        raise ProjectError(_("La variazione contiene errori."), errors=errors, code="variation_invalid")
    return {pk: wanted.get(pk, line.approved_amount) for pk, line in lines.items()}


def _check_caps(project: Project, new_amounts: dict[int, Decimal], total: Decimal) -> None:
    by_category: dict[int, Decimal] = {}
    lines = {line.pk: line for line in project.budget_lines.select_related("category")}
    for pk, amount in new_amounts.items():
        by_category[lines[pk].category_id] = by_category.get(lines[pk].category_id, ZERO) + amount
    errors = []
    for line in lines.values():
        cap = line.category.cap_percent
        if cap is None or line.category_id not in by_category:
            continue
        limit = percent_of(total, cap)
        if by_category.pop(line.category_id) > limit:
            errors.append(
                {
                    "code": "category_cap",
                    "field": f"amounts.{line.pk}",
                    "message": _(
                        "La voce «%(title)s» non può superare il %(cap)s%% del costo totale (%(limit)s)."
                    )
                    % {"title": line.category.title, "cap": cap, "limit": format_eur(limit)},
                }
            )
    if errors:
        raise ProjectError(
            _("La variazione supera un massimale del bando."), errors=errors, code="category_cap"
        )


@transaction.atomic
def request_budget_variation(*, actor, project: Project, amounts: Mapping, reason: str) -> ProjectChange:
    """The beneficiary moves money between lines, the total unchanged. Within the call's tolerance (the
    moved amount as a share of the total cost) it is approved at once; above it an officer decides."""
    project = _lock(project)
    _require(permissions.is_beneficiary_member(actor, project), _("Solo il beneficiario chiede variazioni."))
    _require_running(project, _("chiedere una variazione di budget"))
    text = _reason(reason)
    _require_no_pending(project, ChangeKind.BUDGET_VARIATION)
    lines = {line.pk: line for line in project.budget_lines.all()}
    new_amounts = _line_amounts(project, amounts)
    previous = [lines[pk].approved_amount for pk in new_amounts]
    total = round_money(sum(previous, ZERO))
    new_total = round_money(sum(new_amounts.values(), ZERO))
    if new_total != total:
        raise _field_error(
            "total_changed",
            "amounts",
            _("Una variazione non cambia il totale: le voci sommano %(new)s invece di %(total)s.")
            % {"new": format_eur(new_total), "total": format_eur(total)},
        )
    moved = moved_amount(previous, list(new_amounts.values()))
    if moved == ZERO:
        raise _field_error("nothing_moved", "amounts", _("La variazione non sposta nessun importo."))
    _check_caps(project, new_amounts, total)
    percent = moved_percent(moved, total)
    change = ProjectChange(
        project=project,
        kind=ChangeKind.BUDGET_VARIATION,
        reason=text,
        requested_by=actor,
        moved_amount=moved,
        moved_percent=percent,
    )
    save_audited(change, actor=actor, reason=text[:100], action="project.variation_requested")
    for pk, amount in new_amounts.items():
        if amount != lines[pk].approved_amount:
            BudgetVariationItem.objects.create(
                change=change,
                budget_line=lines[pk],
                previous_amount=lines[pk].approved_amount,
                new_amount=amount,
            )
    tolerance = rules_for(project.call).variation_tolerance_percent
    if percent <= tolerance:
        change.approve_automatically()
        change.decided_at = now()
        change.decision_note = _("Entro la tolleranza del bando (%(tolerance)s%%).") % {
            "tolerance": tolerance
        }
        save_audited(
            change, actor=actor, reason="Entro la tolleranza", action="project.variation_auto_approved"
        )
        _apply(actor=actor, change=change)
    return change


@transaction.atomic
def request_partner_change(
    *,
    actor,
    project: Project,
    action: str,
    reason: str,
    organisation=None,
    partner: ProjectPartner | None = None,
) -> ProjectChange:
    """A partner enters (a registered organisation) or leaves; an officer decides. A leaving partner's
    budget lines pass to the lead on approval (a later variation may move them)."""
    project = _lock(project)
    _require(permissions.is_beneficiary_member(actor, project), _("Solo il beneficiario chiede modifiche."))
    _require_running(project, _("modificare il partenariato"))
    text = _reason(reason)
    if action == PartnerAction.ADD:
        if organisation is None:
            raise _field_error(
                "organisation_required", "organisation", _("Indicare l'organizzazione che entra.")
            )
        if (
            organisation.pk == project.beneficiary_id
            or project.partners.filter(organisation=organisation, withdrawn_on__isnull=True).exists()
        ):
            raise _field_error(
                "partner_already", "organisation", _("L'organizzazione fa già parte del partenariato.")
            )
        partner = None
    elif action == PartnerAction.WITHDRAW:
        if partner is None or partner.project_id != project.pk or not partner.is_active:
            raise _field_error("partner_required", "partner", _("Indicare un partner attivo del progetto."))
        if partner.role == PartnerRole.LEAD:
            raise _field_error(
                "lead_cannot_leave", "partner", _("Il capofila non può uscire dal partenariato.")
            )
        organisation = None
    else:
        raise _field_error("action_invalid", "action", _("Indicare se il partner entra o esce."))
    if project.changes.filter(
        kind=ChangeKind.PARTNER_CHANGE,
        status=ChangeStatus.PENDING,
        partner=partner,
        organisation=organisation,
    ).exists():
        raise WrongState(_("La stessa modifica è già in attesa di decisione."), code="change_pending")
    change = ProjectChange(
        project=project,
        kind=ChangeKind.PARTNER_CHANGE,
        reason=text,
        requested_by=actor,
        partner_action=action,
        partner=partner,
        organisation=organisation,
    )
    return save_audited(change, actor=actor, reason=text[:100], action="project.partner_change_requested")


def _original_end_date(project: Project) -> date:
    first = (
        project.changes.filter(kind=ChangeKind.EXTENSION, status=ChangeStatus.APPROVED)
        .order_by("created_at", "pk")
        .values_list("previous_end_date", flat=True)
        .first()
    )
    return first or project.planned_end_date


@transaction.atomic
def request_extension(*, actor, project: Project, new_end_date: date, reason: str) -> ProjectChange:
    """Proroga: a later end date, within the call's maximum (counted from the end first planned)."""
    project = _lock(project)
    _require(permissions.is_beneficiary_member(actor, project), _("Solo il beneficiario chiede proroghe."))
    _require_running(project, _("chiedere una proroga"))
    text = _reason(reason)
    _require_no_pending(project, ChangeKind.EXTENSION)
    if new_end_date is None:
        raise _field_error("end_date_required", "new_end_date", _("Indicare la nuova data di fine."))
    if new_end_date <= project.planned_end_date:
        raise _field_error(
            "end_date_not_later",
            "new_end_date",
            _("La nuova data di fine deve essere successiva a quella prevista (%(end)s).")
            % {"end": project.planned_end_date.strftime("%d/%m/%Y")},
        )
    months = rules_for(project.call).max_extension_months
    limit = add_months(_original_end_date(project), months)
    if new_end_date > limit:
        raise _field_error(
            "extension_too_long",
            "new_end_date",
            _("Il bando consente proroghe fino a %(months)s mesi in tutto: al più tardi il %(limit)s.")
            % {"months": months, "limit": limit.strftime("%d/%m/%Y")},
        )
    change = ProjectChange(
        project=project,
        kind=ChangeKind.EXTENSION,
        reason=text,
        requested_by=actor,
        previous_end_date=project.planned_end_date,
        new_end_date=new_end_date,
    )
    return save_audited(change, actor=actor, reason=text[:100], action="project.extension_requested")


@transaction.atomic
def decide_change(*, actor, change: ProjectChange, approve: bool, note: str = "") -> ProjectChange:
    """An officer approves (the change is applied now) or rejects (with the reason) a pending request."""
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato a decidere sulle richieste."))
    change = ProjectChange.objects.select_for_update().select_related("project").get(pk=change.pk)
    project = _lock(change.project)
    if not change.is_pending:
        raise WrongState(_("La richiesta è già stata decisa."), code="change_decided")
    _require_running(project, _("decidere sulla richiesta"))
    note = (note or "").strip()
    if not approve and not note:
        raise _field_error("note_required", "note", _("Indicare il motivo del rigetto."))
    if approve:
        change.approve()
    else:
        change.reject()
    change.decided_by = actor
    change.decided_at = now()
    change.decision_note = note
    save_audited(
        change,
        actor=actor,
        reason=(note or change.get_status_display())[:100],
        action=f"project.change_{'approved' if approve else 'rejected'}",
    )
    if approve:
        _apply(actor=actor, change=change)
    _decision_notice(
        actor=actor,
        project=project,
        subject=_("%(kind)s: %(outcome)s")
        % {"kind": change.get_kind_display(), "outcome": change.get_status_display()},
        body=_("La richiesta «%(kind)s» del progetto «%(title)s» è stata %(outcome)s.%(note)s")
        % {
            "kind": change.get_kind_display(),
            "title": project.title,
            "outcome": change.get_status_display().lower(),
            "note": f" {_('Motivazione')}: {note}" if note else "",
        },
    )
    return change


def _apply(*, actor, change: ProjectChange) -> None:
    project = change.project
    if change.kind == ChangeKind.BUDGET_VARIATION:
        for item in change.variation_items.select_related("budget_line"):
            line = ProjectBudgetLine.objects.select_for_update().get(pk=item.budget_line_id)
            if line.approved_amount != item.previous_amount:
                raise WrongState(
                    _("Il budget è cambiato dopo la richiesta: la variazione va ripresentata."),
                    code="variation_stale",
                )
            line.approved_amount = item.new_amount
            save_audited(
                line, actor=actor, reason="Variazione di budget", action="project.budget_line_varied"
            )
        refresh_partner_shares(project)
    elif change.kind == ChangeKind.EXTENSION:
        project.planned_end_date = change.new_end_date
        save_audited(project, actor=actor, reason="Proroga approvata", action="project.extended")
    elif change.kind == ChangeKind.PARTNER_CHANGE:
        today = in_rome(now()).date()
        if change.partner_action == PartnerAction.ADD:
            ProjectPartner.objects.create(
                project=project,
                organisation=change.organisation,
                name=change.organisation.name,
                role=PartnerRole.PARTNER,
                joined_on=today,
                order=project.partners.count() + 1,
            )
        else:
            partner = change.partner
            lead = project.partners.get(role=PartnerRole.LEAD)
            for line in partner.budget_lines.all():
                line.partner = lead
                save_audited(
                    line, actor=actor, reason="Uscita del partner", action="project.budget_line_moved"
                )
            partner.withdrawn_on = today
            save_audited(
                partner, actor=actor, reason="Uscita dal partenariato", action="project.partner_withdrawn"
            )
        refresh_partner_shares(project)


# --- conclusion, renunciation, revocation -------------------------------------------------------------------
@transaction.atomic
def conclude(*, actor, project: Project, end_date: date, reason: str = "") -> Project:
    """An officer records the end of the activities (the final report and the balance are finance's)."""
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato a concludere il progetto."))
    project = _lock(project)
    if project.status != ProjectStatus.ACTIVE:
        raise _wrong_state(project, _("concludere il progetto"))
    if end_date is None or end_date < project.actual_start_date:
        raise _field_error("end_date_invalid", "end_date", _("La data di conclusione deve seguire l'avvio."))
    if end_date > in_rome(now()).date():
        raise _field_error("end_date_future", "end_date", _("La data di conclusione non può essere futura."))
    project.actual_end_date = end_date
    project.closed_at = now()
    project.closing_reason = (reason or "").strip()
    project.conclude()
    return save_audited(project, actor=actor, reason="Progetto concluso", action="project.concluded")


@transaction.atomic
def renounce(*, actor, project: Project, reason: str) -> Project:
    """Rinuncia: the beneficiary gives the grant up; the ranking slides (grants.evaluation)."""
    project = _lock(project)
    _require(permissions.is_beneficiary_member(actor, project), _("Solo il beneficiario può rinunciare."))
    if project.status not in LIVE_STATUSES:
        raise _wrong_state(project, _("rinunciare al contributo"))
    text = _reason(reason)
    previous = project.grant
    project.renounce()
    project.closed_at = now()
    project.closing_reason = text
    save_audited(project, actor=actor, reason=f"Rinuncia: {text}"[:100], action="project.renounced")
    _record_decided_change(
        actor=actor,
        project=project,
        kind=ChangeKind.RENUNCIATION,
        reason=text,
        previous_grant=previous,
        new_grant=ZERO,
    )
    application = Application.objects.get(pk=project.application_id)
    if application.status == ApplicationStatus.FUNDED and hasattr(application, "ranking_entry"):
        try:
            evaluation_services.record_renunciation(actor=actor, application=application, reason=text)
        except evaluation_services.EvaluationError as exc:
            raise ProjectError(exc.message, errors=exc.errors, code=exc.code) from exc
    _correct_de_minimis(actor=actor, project=project, amount=previous)
    _decision_notice(
        actor=actor,
        project=project,
        subject=_("Rinuncia registrata: %(title)s") % {"title": project.title},
        body=_("La rinuncia al contributo di %(grant)s è stata registrata. Motivazione: %(reason)s")
        % {"grant": format_eur(previous), "reason": text},
    )
    return project


def on_application_defunded(*, application: Application, reason: str) -> Project | None:
    """The evaluation recorded a renunciation (e.g. received on paper by an officer): the project, if any and
    still alive, becomes renounced. A renunciation made from the project page has already done it."""
    with transaction.atomic():
        project = Project.objects.select_for_update().filter(application=application).first()
        if project is None or project.status not in LIVE_STATUSES:
            return project
        project.renounce()
        project.closed_at = now()
        project.closing_reason = reason
        return save_audited(project, reason=f"Rinuncia: {reason}"[:100], action="project.renounced")


@transaction.atomic
def revoke(*, actor, project: Project, new_grant: Decimal, reason: str) -> Project:
    """Revoca: total (``new_grant`` 0: the project is revoked) or partial (the project keeps its state with
    the reduced grant; the budget is scaled, the aid intensity kept). Finance computes the amount to recover
    from the ``project_revoked`` signal, sent on commit."""
    _require(permissions.can_manage_projects(actor), _("Non sei abilitato a revocare il contributo."))
    project = _lock(project)
    if project.status not in LIVE_STATUSES:
        raise _wrong_state(project, _("revocare il contributo"))
    text = _reason(reason)
    try:
        new_grant = round_money(new_grant)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise _field_error("new_grant_invalid", "new_grant", _("Indicare il nuovo contributo.")) from exc
    if not new_grant.is_finite() or new_grant < 0:
        raise _field_error(
            "new_grant_negative", "new_grant", _("Il nuovo contributo non può essere negativo.")
        )
    if new_grant >= project.grant:
        raise _field_error(
            "new_grant_not_lower",
            "new_grant",
            _("Il nuovo contributo deve essere inferiore a quello attuale (%(grant)s).")
            % {"grant": format_eur(project.grant)},
        )
    previous = project.grant
    if new_grant == ZERO:
        project.revoke()
        project.closed_at = now()
        project.closing_reason = text
    else:
        total = scaled_total(project.total_eligible_cost, requested=previous, granted=new_grant)
        lines = list(project.budget_lines.order_by("order", "pk"))
        for line, amount in zip(
            lines, scale_amounts([line.approved_amount for line in lines], total), strict=True
        ):
            if amount != line.approved_amount:
                line.approved_amount = amount
                save_audited(
                    line, actor=actor, reason="Revoca parziale", action="project.budget_line_revoked"
                )
        refresh_partner_shares(project)
        project.total_eligible_cost = total
        project.cofinancing = max(round_money(total - new_grant), ZERO)
    project.grant = new_grant
    save_audited(project, actor=actor, reason=f"Revoca: {text}"[:100], action="project.revoked")
    _record_decided_change(
        actor=actor,
        project=project,
        kind=ChangeKind.REVOCATION,
        reason=text,
        previous_grant=previous,
        new_grant=new_grant,
    )
    _correct_de_minimis(actor=actor, project=project, amount=round_money(previous - new_grant))
    signals.send_revoked_on_commit(project=project, new_grant=new_grant, reason=text)
    _decision_notice(
        actor=actor,
        project=project,
        subject=_("Revoca del contributo: %(title)s") % {"title": project.title},
        body=_("Il contributo passa da %(previous)s a %(new)s. Motivazione: %(reason)s")
        % {"previous": format_eur(previous), "new": format_eur(new_grant), "reason": text},
    )
    return project


# --- milestones ---------------------------------------------------------------------------------------------
@transaction.atomic
def mark_milestone_achieved(*, actor, milestone: ProjectMilestone, achieved_on: date) -> ProjectMilestone:
    """The beneficiary records the day a milestone was reached (not in the future, not before the start)."""
    milestone = ProjectMilestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    project = milestone.project
    _require(
        permissions.is_beneficiary_member(actor, project), _("Solo il beneficiario registra i traguardi.")
    )
    _require_running(project, _("registrare un traguardo"))
    if milestone.achieved_on is not None:
        raise WrongState(_("Il traguardo è già registrato come raggiunto."), code="milestone_achieved")
    if achieved_on is None:
        raise _field_error("achieved_on_required", "achieved_on", _("Indicare la data."))
    if achieved_on > in_rome(now()).date():
        raise _field_error("achieved_on_future", "achieved_on", _("La data non può essere futura."))
    if project.actual_start_date and achieved_on < project.actual_start_date:
        raise _field_error(
            "achieved_on_before_start", "achieved_on", _("La data precede l'avvio del progetto.")
        )
    milestone.achieved_on = achieved_on
    return save_audited(
        milestone, actor=actor, reason="Traguardo raggiunto", action="project.milestone_achieved"
    )
