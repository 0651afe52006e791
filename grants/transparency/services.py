"""Every write of the transparency context: accompaniment activities and their materials, knowledge-base
sheets (written by the beneficiary, reviewed and published by staff) and declarations of interest in
replicating an experiment (the owners are notified).

Keyword-only functions taking the acting user and plain data, never a request. A refused input raises
Django's ValidationError with the field in error (Italian message); a forbidden act PermissionDenied; an act
the state does not allow ``WrongState`` (409 in the API).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.core.audit import record_event, save_audited
from grants.core.errors import WrongState as StateError
from grants.core.timeutils import now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename
from grants.notifications import events
from grants.notifications.services import notify
from grants.projects.models import Project
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Province

from . import permissions
from .models import AccompanimentActivity, AccompanimentMaterial, ExperimentSheet, ReplicationInterest
from .states import (
    EDITABLE_SHEET_STATUSES,
    SHEET_PROJECT_STATUSES,
    ActivityKind,
    SheetStatus,
    TargetGroup,
    Theme,
)

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = [PDF, "image/png", "image/jpeg"]
MAX_HOURS = Decimal("1000")


class WrongState(StateError):
    """The act is not possible in the object's current state (the message says why)."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- accompaniment -----------------------------------------------------------------------------------------
@dataclass
class ActivityInput:
    kind: str
    title: str
    topics: str
    organiser: str
    starts_on: date | None
    ends_on: date | None
    hours: Decimal | str | None
    participants_count: int | None = 0
    description: str = ""
    district: CohesionDistrict | None = None
    province: Province | None = None
    project: Project | None = None
    is_published: bool = True


def _activity_errors(data: ActivityInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in ActivityKind.values:
        errors["kind"] = _("Scegli il tipo di attività.")
    if not (data.title or "").strip():
        errors["title"] = _("Indica il titolo dell'attività.")
    if not (data.topics or "").strip():
        errors["topics"] = _("Indica almeno un tema trattato.")
    if not (data.organiser or "").strip():
        errors["organiser"] = _("Indica chi realizza l'attività (la Regione o il soggetto affidatario).")
    if data.starts_on is None:
        errors["starts_on"] = _("Indica la data di inizio.")
    if data.ends_on is None:
        errors["ends_on"] = _("Indica la data di fine.")
    elif data.starts_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = _("La data di fine non può precedere quella di inizio.")
    try:
        hours = Decimal(str(data.hours)) if data.hours not in (None, "") else None
    except InvalidOperation:
        hours = None
    if hours is None or hours <= 0:
        errors["hours"] = _("Indica le ore, un numero maggiore di zero (es. 3 o 2,5).")
    elif hours > MAX_HOURS:
        errors["hours"] = _("Le ore non possono superare %(max)s.") % {"max": MAX_HOURS}
    if data.participants_count is None or data.participants_count < 0:
        errors["participants_count"] = _("Il numero di partecipanti non può essere negativo.")
    if data.district is None and data.province is None and data.project is None:
        errors["district"] = _("Indica il territorio (Distretto o provincia) o il progetto accompagnato.")
    return errors


def _apply_activity(activity: AccompanimentActivity, data: ActivityInput) -> None:
    activity.kind = data.kind
    activity.title = data.title.strip()
    activity.description = (data.description or "").strip()
    activity.topics = ", ".join(t.strip() for t in data.topics.split(",") if t.strip())
    activity.organiser = data.organiser.strip()
    activity.district = data.district
    activity.province = data.province
    activity.project = data.project
    activity.starts_on = data.starts_on
    activity.ends_on = data.ends_on
    activity.hours = Decimal(str(data.hours)).quantize(Decimal("0.1"))
    activity.participants_count = data.participants_count
    activity.is_published = bool(data.is_published)


@transaction.atomic
def create_activity(*, actor, data: ActivityInput) -> AccompanimentActivity:
    _require(permissions.can_manage_accompaniment(actor), _("Non sei abilitato a gestire l'accompagnamento."))
    errors = _activity_errors(data)
    if errors:
        raise ValidationError(errors)
    activity = AccompanimentActivity(created_by=actor)
    _apply_activity(activity, data)
    return save_audited(activity, actor=actor, action="accompaniment.created")


@transaction.atomic
def update_activity(*, actor, activity: AccompanimentActivity, data: ActivityInput) -> AccompanimentActivity:
    _require(permissions.can_manage_accompaniment(actor), _("Non sei abilitato a gestire l'accompagnamento."))
    errors = _activity_errors(data)
    if errors:
        raise ValidationError(errors)
    activity = AccompanimentActivity.objects.select_for_update().get(pk=activity.pk)
    _apply_activity(activity, data)
    return save_audited(activity, actor=actor, action="accompaniment.updated")


@transaction.atomic
def add_material(
    *, actor, activity: AccompanimentActivity, title: str, uploaded_file
) -> AccompanimentMaterial:
    """A PDF or image judged by its content (a renamed executable or a PDF with scripts is refused)."""
    _require(permissions.can_manage_accompaniment(actor), _("Non sei abilitato a gestire l'accompagnamento."))
    if uploaded_file is None:
        raise ValidationError({"file": _("Scegli il file da caricare.")})
    try:
        content_type = check_upload(
            uploaded_file,
            allowed_types=MATERIAL_TYPES,
            max_bytes=MATERIAL_MAX_BYTES,
            declared_type=getattr(uploaded_file, "content_type", "") or "",
        )
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}, code=exc.code) from exc
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = safe_filename(uploaded_file.name)
    material = AccompanimentMaterial(
        activity=activity,
        title=(title or "").strip() or name,
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    material.file.save(name, uploaded_file, save=False)
    return save_audited(material, actor=actor, action="accompaniment_material.uploaded")


def record_material_download(*, actor, material: AccompanimentMaterial) -> None:
    record_event(actor=actor, action="accompaniment_material.downloaded", obj=material)


# --- knowledge base ----------------------------------------------------------------------------------------
@dataclass
class SheetInput:
    need: str = ""
    solution: str = ""
    themes: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    results: str = ""
    costs: str = ""
    replication_requirements: str = ""
    sustainability: str = ""


SHEET_TEXT_FIELDS = ("need", "solution", "results", "costs", "replication_requirements", "sustainability")


def _clean_choices(values, allowed: list[str], field_name: str, errors: dict) -> list[str]:
    values = list(dict.fromkeys(v for v in (values or []) if v))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors[field_name] = _("Valori non ammessi: %(values)s.") % {"values": ", ".join(unknown)}
    return values


def _sheet_errors(data: SheetInput, *, complete: bool) -> dict[str, str]:
    """On save only the vocabularies are checked (a draft may be half written); on submission every part
    of the sheet is required."""
    errors: dict[str, str] = {}
    data.themes = _clean_choices(data.themes, Theme.values, "themes", errors)
    data.target_groups = _clean_choices(data.target_groups, TargetGroup.values, "target_groups", errors)
    if complete:
        for name in SHEET_TEXT_FIELDS:
            if not (getattr(data, name) or "").strip():
                errors[name] = _("Questa parte della scheda è obbligatoria per inviarla in revisione.")
        if not data.themes:
            errors.setdefault("themes", _("Scegli almeno un tema."))
        if not data.target_groups:
            errors.setdefault("target_groups", _("Scegli almeno un gruppo di destinatari."))
    return errors


def _sheet_data(sheet: ExperimentSheet) -> SheetInput:
    return SheetInput(
        **{name: getattr(sheet, name) for name in SHEET_TEXT_FIELDS},
        themes=list(sheet.themes),
        target_groups=list(sheet.target_groups),
    )


def sheet_for(project: Project) -> ExperimentSheet | None:
    return ExperimentSheet.objects.filter(project=project).first()


@transaction.atomic
def save_sheet(*, actor, project: Project, data: SheetInput) -> ExperimentSheet:
    """Create or update the draft sheet of a running or concluded project."""
    _require(
        permissions.can_write_sheet(actor, project),
        _("Solo il beneficiario del progetto scrive la scheda dell'esperienza."),
    )
    if project.status not in SHEET_PROJECT_STATUSES:
        raise WrongState(
            _("La scheda si scrive per un progetto avviato o concluso (stato: %(status)s).")
            % {"status": project.get_status_display()}
        )
    errors = _sheet_errors(data, complete=False)
    if errors:
        raise ValidationError(errors)
    sheet = ExperimentSheet.objects.select_for_update().filter(project=project).first()
    if sheet is None:
        sheet = ExperimentSheet(project=project)
    elif sheet.status not in EDITABLE_SHEET_STATUSES:
        raise WrongState(
            _("La scheda è «%(status)s»: si modifica solo in bozza o quando è rimandata dalla revisione.")
            % {"status": sheet.get_status_display()}
        )
    for name in SHEET_TEXT_FIELDS:
        setattr(sheet, name, (getattr(data, name) or "").strip())
    sheet.themes = data.themes
    sheet.target_groups = data.target_groups
    return save_audited(sheet, actor=actor, action="experiment_sheet.saved")


@transaction.atomic
def submit_sheet(*, actor, sheet: ExperimentSheet) -> ExperimentSheet:
    sheet = ExperimentSheet.objects.select_for_update().select_related("project").get(pk=sheet.pk)
    _require(
        permissions.can_write_sheet(actor, sheet.project),
        _("Solo il beneficiario del progetto invia la scheda in revisione."),
    )
    if sheet.status not in EDITABLE_SHEET_STATUSES:
        raise WrongState(_("La scheda è già «%(status)s».") % {"status": sheet.get_status_display()})
    errors = _sheet_errors(_sheet_data(sheet), complete=True)
    if errors:
        raise ValidationError(errors)
    sheet.submit()
    sheet.submitted_at = now()
    return save_audited(sheet, actor=actor, action="experiment_sheet.submitted")


@transaction.atomic
def publish_sheet(*, actor, sheet: ExperimentSheet, note: str = "") -> ExperimentSheet:
    _require(permissions.can_review_sheets(actor, sheet), _("Non sei abilitato a revisionare le schede."))
    sheet = ExperimentSheet.objects.select_for_update().select_related("project").get(pk=sheet.pk)
    if sheet.status != SheetStatus.SUBMITTED:
        raise WrongState(
            _("Si pubblica una scheda in revisione; questa è «%(status)s».")
            % {"status": sheet.get_status_display()}
        )
    sheet.publish()
    sheet.published_at = now()
    sheet.reviewed_by = actor
    sheet.review_note = (note or "").strip()
    sheet = save_audited(sheet, actor=actor, action="experiment_sheet.published")
    notify(
        event=events.PROJECT_DECISION,
        subject=_("Scheda dell'esperienza pubblicata: %(title)s") % {"title": sheet.project.title},
        body=_("La scheda del progetto è pubblicata nella banca delle conoscenze."),
        organisation=sheet.project.beneficiary,
        link=reverse("transparency:knowledge_detail", args=[sheet.pk]),
        target=sheet,
        actor=actor,
    )
    return sheet


@transaction.atomic
def return_sheet(*, actor, sheet: ExperimentSheet, note: str) -> ExperimentSheet:
    """Send the sheet back to the beneficiary with what to change (the note is required)."""
    _require(permissions.can_review_sheets(actor, sheet), _("Non sei abilitato a revisionare le schede."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Scrivi al beneficiario che cosa rivedere.")})
    sheet = ExperimentSheet.objects.select_for_update().select_related("project").get(pk=sheet.pk)
    if sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.PUBLISHED):
        raise WrongState(
            _("Si rimanda una scheda in revisione o pubblicata; questa è «%(status)s».")
            % {"status": sheet.get_status_display()}
        )
    sheet.send_back()
    sheet.reviewed_by = actor
    sheet.review_note = note.strip()
    sheet.published_at = None
    sheet = save_audited(sheet, actor=actor, action="experiment_sheet.returned")
    notify(
        event=events.PROJECT_DECISION,
        subject=_("Scheda dell'esperienza da rivedere: %(title)s") % {"title": sheet.project.title},
        body=note.strip(),
        organisation=sheet.project.beneficiary,
        link=reverse("transparency:sheet_edit", args=[sheet.project_id]),
        target=sheet,
        actor=actor,
    )
    return sheet


@transaction.atomic
def declare_replication_interest(
    *, actor, sheet: ExperimentSheet, organisation: Organisation, message: str
) -> ReplicationInterest:
    """An organisation other than the owner says it wants to replicate a published experiment; the owner's
    members are notified with the organisation's name and message (never the declarer's e-mail)."""
    if sheet.status != SheetStatus.PUBLISHED:
        raise WrongState(_("Si può dichiarare interesse solo per un'esperienza pubblicata."))
    allowed = permissions.interest_organisations(actor, sheet).filter(pk=organisation.pk).exists()
    _require(
        allowed,
        _("Puoi dichiarare interesse solo per un'organizzazione per cui agisci, diversa dal titolare."),
    )
    if not (message or "").strip():
        raise ValidationError(
            {"message": _("Scrivi ai titolari perché vi interessa replicare l'esperienza.")}
        )
    if ReplicationInterest.objects.filter(sheet=sheet, organisation=organisation).exists():
        raise WrongState(
            _("%(name)s ha già dichiarato interesse per questa esperienza.") % {"name": organisation.name}
        )
    interest = ReplicationInterest(
        sheet=sheet, organisation=organisation, declared_by=actor, message=message.strip()
    )
    try:
        with transaction.atomic():
            interest = save_audited(interest, actor=actor, action="replication_interest.declared")
    except (IntegrityError, ValidationError) as exc:  # a concurrent declaration for the same organisation
        raise WrongState(
            _("%(name)s ha già dichiarato interesse per questa esperienza.") % {"name": organisation.name}
        ) from exc
    notify(
        event=events.REPLICATION_INTEREST,
        subject=_("%(name)s vuole replicare «%(title)s»")
        % {"name": organisation.name, "title": sheet.project.title},
        body=_("%(name)s (%(place)s) ha scritto: %(message)s")
        % {"name": organisation.name, "place": organisation.seat.name, "message": interest.message},
        organisation=sheet.project.beneficiary,
        link=reverse("transparency:knowledge_detail", args=[sheet.pk]),
        target=interest,
        actor=actor,
    )
    return interest
