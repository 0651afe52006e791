"""Change requests (variations of budget, partnership and end date) and their decision."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.money import ZERO, format_eur, percent_of, round_money
from grants.core.timeutils import in_rome, now
from grants.programme.models import CostOption

from .. import permissions
from ..budget import moved_amount, moved_percent
from ..models import BudgetVariationItem, Project, ProjectBudgetLine, ProjectChange, ProjectPartner, rules_for
from ..states import RUNNING_STATUSES, ChangeKind, ChangeStatus, PartnerAction, PartnerRole
from .common import ProjectError, WrongState, _field_error, _lock, _reason, _require, _wrong_state, add_months
from .creation import refresh_partner_shares
from .notices import _decision_notice


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
    _require(
        permissions.can_manage_projects(actor, change.project.call_id),
        _("Non sei abilitato a decidere sulle richieste."),
    )
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
