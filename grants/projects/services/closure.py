"""The end of a project: conclusion, renunciation (also when the application is defunded) and revocation."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.money import ZERO, format_eur, round_money
from grants.core.timeutils import in_rome, now
from grants.evaluation import services as evaluation_services

from .. import permissions, signals
from ..budget import scale_amounts, scaled_total
from ..models import Project
from ..states import LIVE_STATUSES, ChangeKind, ProjectStatus
from .common import ProjectError, _field_error, _lock, _reason, _require, _wrong_state
from .creation import refresh_partner_shares
from .lifecycle import _record_decided_change
from .notices import _correct_de_minimis, _decision_notice, revocation_notice


# --- conclusion, renunciation, revocation -------------------------------------------------------------------
@transaction.atomic
def conclude(*, actor, project: Project, end_date: date, reason: str = "") -> Project:
    """An officer records the end of the activities (the final report and the balance are finance's)."""
    _require(
        permissions.can_manage_projects(actor, project.call_id),
        _("Non sei abilitato a concludere il progetto."),
    )
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
    if application.status == ApplicationStatus.FUNDED and (
        hasattr(application, "ranking_entry") or hasattr(application, "desk_grant")
    ):
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
    _require(
        permissions.can_manage_projects(actor, project.call_id),
        _("Non sei abilitato a revocare il contributo."),
    )
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
    if new_grant == ZERO:  # sportello: the booking of a revoked project goes to the waiting list
        evaluation_services.release_after_revocation(
            actor=actor, application=Application.objects.get(pk=project.application_id)
        )
    signals.send_revoked_on_commit(project=project, new_grant=new_grant, reason=text)
    revocation_notice(actor=actor, project=project, previous=previous, new_grant=new_grant, reason=text)
    _decision_notice(
        actor=actor,
        project=project,
        subject=_("Revoca del contributo: %(title)s") % {"title": project.title},
        body=_("Il contributo passa da %(previous)s a %(new)s. Motivazione: %(reason)s")
        % {"previous": format_eur(previous), "new": format_eur(new_grant), "reason": text},
    )
    return project
