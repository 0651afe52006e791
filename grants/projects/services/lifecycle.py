"""The project's life: CUP, grant acceptance (atto di adesione), start, suspension and resumption,
milestones."""

import hashlib
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.timeutils import format_rome, in_rome, now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename
from grants.registry.signing import signed_for

from .. import permissions
from ..models import (
    Project,
    ProjectChange,
    ProjectMilestone,
    rules_for,
)
from ..states import ChangeKind, ProjectStatus
from ..validators import normalise_cup, validate_cup
from .changes import _require_running
from .common import AGREEMENT_MAX_BYTES, WrongState, _field_error, _lock, _reason, _require, _wrong_state
from .notices import _after_acceptance, _decision_notice


# --- CUP ----------------------------------------------------------------------------------------------------
@transaction.atomic
def assign_cup(*, actor, project: Project, cup: str) -> Project:
    _require(
        permissions.can_manage_projects(actor, project.call_id), _("Non sei abilitato ad assegnare il CUP.")
    )
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
    needs_signature = rules_for(project.call).agreement_requires_signature
    try:
        check_upload(
            uploaded_file,
            allowed_types=[PDF],
            max_bytes=AGREEMENT_MAX_BYTES,
            declared_type=getattr(uploaded_file, "content_type", "") or "",
            allow_signed=needs_signature,
        )
    except UploadRefused as exc:
        raise _field_error(exc.code, "file", str(exc)) from exc
    signature = None
    if needs_signature:
        uploaded_file.seek(0)
        signature = signed_for(b"".join(uploaded_file.chunks()), project.beneficiary)
        uploaded_file.seek(0)
        if not signature.valid:
            raise _field_error(signature.code or "signature", "file", signature.reason)
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
    project.signed_agreement_signature_format = signature.format if signature else ""
    project.signed_agreement_signer_name = signature.signer_name[:255] if signature else ""
    project.signed_agreement_signer_fiscal_code = signature.fiscal_code if signature else ""
    project.signed_agreement_signed_at = signature.signing_time if signature else None
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
    _require(
        permissions.can_manage_projects(actor, project.call_id),
        _("Non sei abilitato a sospendere il progetto."),
    )
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
    _require(
        permissions.can_manage_projects(actor, project.call_id),
        _("Non sei abilitato a riprendere il progetto."),
    )
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
