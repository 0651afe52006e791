"""Writes of the monitoring context: targets, participants (one by one or imported), monitoring reports.

Keyword-only functions taking the acting user and plain data; they check the permission, enforce the rules
and write the audit trail. A refused request raises ``MonitoringError`` (422, field errors) or
``WrongState`` (409); a user without the right gets ``PermissionDenied`` (pages and API answer 404 where
the object must not be revealed).
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event, save_audited
from grants.core.errors import DomainError
from grants.core.errors import WrongState as StateError
from grants.core.timeutils import in_rome, now
from grants.core.uploads import UploadRefused, check_upload, safe_filename
from grants.programme.models import Call
from grants.projects.models import Project

from . import participant_data, permissions, selectors
from .models import (
    CallIndicatorTarget,
    Indicator,
    IndicatorActual,
    MonitoringReport,
    Participant,
    ParticipantImport,
    ProjectIndicatorTarget,
)
from .rules import REPORTED
from .states import EDITABLE_REPORT_STATUSES, ImportStatus, ReportStatus

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 20_000
XLSX = "application/zip"  # an XLSX is a zip package (checked again when opened)


class MonitoringError(DomainError):
    """A request the monitoring rules refuse (grants/core/errors.py)."""


class WrongState(MonitoringError, StateError):
    """The object's state does not allow the action (409)."""


def _today():
    return in_rome(now()).date()


def _field_error(field: str, code: str, message: str) -> MonitoringError:
    return MonitoringError(message, errors=[{"field": field, "code": code, "message": message}], code=code)


def _target_value(value) -> Decimal:
    try:
        target = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise _field_error("target", "invalid", _("Indicare un numero.")) from None
    if not target.is_finite() or target < 0:
        raise _field_error("target", "negative", _("Il target non può essere negativo."))
    if target >= Decimal("1e10"):
        raise _field_error("target", "too_large", _("Il target è troppo grande."))
    return target.quantize(Decimal("0.01"))


# --- targets ------------------------------------------------------------------------------------------------
def set_call_target(*, actor, call: Call, indicator: Indicator, target) -> CallIndicatorTarget | None:
    """Set (or, with an empty value, remove) the call's target for an indicator."""
    if not permissions.can_set_targets(actor, call):
        raise PermissionDenied(_("Solo i funzionari abilitati fissano i target."))
    if not indicator.applies_to(call.measure):
        raise _field_error(
            "indicator", "not_applicable", _("L'indicatore non si applica alla misura del bando.")
        )
    existing = CallIndicatorTarget.objects.filter(call=call, indicator=indicator).first()
    if str(target).strip() == "":
        if existing:
            record_event(actor=actor, action="call_indicator_target.removed", obj=existing)
            existing.delete()
        return None
    row = existing or CallIndicatorTarget(call=call, indicator=indicator)
    row.target = _target_value(target)
    return save_audited(row, actor=actor)


def set_project_target(
    *, actor, project: Project, indicator: Indicator, target
) -> ProjectIndicatorTarget | None:
    if not permissions.can_set_targets(actor, project.call_id):
        raise PermissionDenied(_("Solo i funzionari abilitati fissano i target."))
    if not indicator.applies_to(project.call.measure):
        raise _field_error(
            "indicator", "not_applicable", _("L'indicatore non si applica alla misura del progetto.")
        )
    existing = ProjectIndicatorTarget.objects.filter(project=project, indicator=indicator).first()
    if str(target).strip() == "":
        if existing:
            record_event(actor=actor, action="project_indicator_target.removed", obj=existing)
            existing.delete()
        return None
    row = existing or ProjectIndicatorTarget(project=project, indicator=indicator)
    row.target = _target_value(target)
    return save_audited(row, actor=actor)


# --- participants -------------------------------------------------------------------------------------------
def _check_writer(actor, project: Project) -> None:
    if not permissions.can_write_monitoring(actor, project):
        raise PermissionDenied(_("Solo i referenti del beneficiario registrano i partecipanti."))


def add_participant(*, actor, project: Project, data: dict, source_import=None) -> Participant:
    """Register one person in the project (data: the columns of grants.monitoring.participant_data).
    The same codice fiscale twice in a project is refused: a person counts once."""
    _check_writer(actor, project)
    parsed, errors = participant_data.parse(data, today=_today())
    if errors:
        raise MonitoringError(_("I dati del partecipante contengono errori."), errors=errors)
    if Participant.objects.filter(project=project, person_hash=parsed.person_hash).exists():
        raise _field_error(
            "codice_fiscale",
            "duplicate",
            _("Questa persona è già registrata nel progetto: si conta una volta sola."),
        )
    participant = Participant(
        project=project,
        person_hash=parsed.person_hash,
        created_by=actor,
        source_import=source_import,
        **parsed.fields,
    )
    try:
        with transaction.atomic():
            save_audited(participant, actor=actor, action="participant.created")
    except IntegrityError:  # the same person registered at the same moment by someone else
        raise _field_error(
            "codice_fiscale",
            "duplicate",
            _("Questa persona è già registrata nel progetto: si conta una volta sola."),
        ) from None
    return participant


def record_exit(*, actor, participant: Participant, data: dict) -> Participant:
    """The exit date and the situation at exit (result indicators)."""
    _check_writer(actor, participant.project)
    errors: list[dict] = []
    try:
        exit_date = participant_data._date(data.get("data_uscita"))
    except ValueError:
        exit_date = None
        errors.append(
            {
                "field": "data_uscita",
                "code": "invalid",
                "message": _("Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA."),
            }
        )
    if exit_date and exit_date < participant.entry_date:
        errors.append(
            {
                "field": "data_uscita",
                "code": "before_entry",
                "message": _("La data di uscita precede la data di ingresso."),
            }
        )
    if exit_date and exit_date > _today():
        errors.append(
            {
                "field": "data_uscita",
                "code": "future",
                "message": _("La data di uscita non può essere futura."),
            }
        )
    results = {}
    for column, field in participant_data.RESULT_COLUMNS.items():
        try:
            results[field] = participant_data._bool(data.get(column))
        except ValueError:
            errors.append({"field": column, "code": "invalid", "message": _("Rispondere sì o no.")})
    if errors:
        raise MonitoringError(_("I dati dell'uscita contengono errori."), errors=errors)
    participant.exit_date = exit_date
    for field, value in results.items():
        setattr(participant, field, value)
    return save_audited(participant, actor=actor, action="participant.exit_recorded")


def remove_participant(*, actor, participant: Participant) -> None:
    """A person registered by mistake (the history keeps the row)."""
    _check_writer(actor, participant.project)
    participant._history_user = actor
    record_event(actor=actor, action="participant.removed", obj=participant)
    participant.delete()


# --- imports ------------------------------------------------------------------------------------------------
def start_import(*, actor, project: Project, upload) -> ParticipantImport:
    """Keep the uploaded CSV or XLSX and queue its processing (tasks.import_participants)."""
    from .tasks import import_participants

    _check_writer(actor, project)
    try:
        content_type = check_upload(upload, allowed_types=[], max_bytes=IMPORT_MAX_BYTES)
    except UploadRefused as exc:
        raise _field_error("file", exc.code, str(exc)) from None
    name = safe_filename(upload.name or "partecipanti.csv")
    if content_type not in (XLSX, "application/octet-stream") or (
        content_type == "application/octet-stream" and not name.lower().endswith((".csv", ".txt"))
    ):
        raise _field_error("file", "import_type", _("Caricare un file CSV o XLSX."))
    if content_type == XLSX and not name.lower().endswith(".xlsx"):
        name = f"{name}.xlsx"
    upload.seek(0)
    sha256 = hashlib.sha256(b"".join(upload.chunks())).hexdigest()
    upload.seek(0)
    job = ParticipantImport(project=project, original_name=name, sha256=sha256, created_by=actor)
    job.file.save(name, upload, save=False)
    save_audited(job, actor=actor, action="participant_import.created")
    transaction.on_commit(lambda: import_participants.delay(job.pk))
    return job


def run_import(import_id: int) -> ParticipantImport:
    """Process an import: every valid row becomes a participant, every invalid one is reported with its line
    and field. Safe to run again: a finished import is left alone; rows already saved by an interrupted run
    are recognised (same person in the project) and not reported as errors."""
    from .imports import ImportFileError, read_rows

    job = ParticipantImport.objects.select_related("project", "created_by").get(pk=import_id)
    if job.is_finished:
        return job
    ParticipantImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        with job.file.open("rb") as handle:
            rows = read_rows(handle, job.original_name, max_rows=IMPORT_MAX_ROWS)
    except ImportFileError as exc:
        ParticipantImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure=str(exc), finished_at=now()
        )
        job.refresh_from_db()
        return job
    ParticipantImport.objects.filter(pk=job.pk).update(total_rows=len(rows), processed_rows=0)
    errors: list[dict] = []
    created = 0
    already = set(
        Participant.objects.filter(project=job.project, source_import=job).values_list(
            "person_hash", flat=True
        )
    )
    for index, (line, raw) in enumerate(rows, start=1):
        try:
            add_participant(actor=job.created_by, project=job.project, data=raw, source_import=job)
            created += 1
        except MonitoringError as exc:
            duplicate_of_this_run = (
                exc.code == "duplicate" and _hash_or_none(raw.get("codice_fiscale")) in already
            )
            if duplicate_of_this_run:
                created += 1
            else:
                errors.extend({"line": line, **error} for error in exc.errors)
        except PermissionDenied as exc:
            ParticipantImport.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, failure=str(exc), finished_at=now()
            )
            job.refresh_from_db()
            return job
        if index % 50 == 0:
            ParticipantImport.objects.filter(pk=job.pk).update(processed_rows=index)
    ParticipantImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        processed_rows=len(rows),
        created_count=created,
        errors=errors,
        finished_at=now(),
    )
    job.refresh_from_db()
    record_event(
        actor=job.created_by,
        action="participant_import.done",
        obj=job,
        after={"created": created, "errors": len(errors)},
    )
    return job


def _hash_or_none(fiscal_code) -> str | None:
    from django.core.exceptions import ValidationError

    from .identity import person_hash

    try:
        return person_hash(str(fiscal_code or ""))
    except ValidationError:
        return None


# --- monitoring reports -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportedValue:
    indicator_id: int
    value: str
    note: str = ""


def create_report(*, actor, project: Project, period_end, sal_reference: str = "") -> MonitoringReport:
    _check_writer(actor, project)
    if period_end is None:
        raise _field_error("period_end", "required", _("Indicare la data a cui si riferiscono i dati."))
    if period_end > _today():
        raise _field_error("period_end", "future", _("La data di riferimento non può essere futura."))
    if MonitoringReport.objects.filter(
        project=project, status__in=EDITABLE_REPORT_STATUSES | {ReportStatus.SUBMITTED}
    ).exists():
        raise WrongState(
            _("C'è già una relazione di monitoraggio in corso: completarla prima di aprirne un'altra.")
        )
    last = MonitoringReport.objects.filter(project=project).order_by("-number").first()
    if last and period_end < last.period_end:
        raise _field_error(
            "period_end",
            "before_previous",
            _("La data di riferimento precede quella della relazione precedente."),
        )
    report = MonitoringReport(
        project=project,
        number=(last.number + 1) if last else 1,
        period_end=period_end,
        sal_reference=(sal_reference or "").strip()[:80],
        created_by=actor,
    )
    try:
        with transaction.atomic():
            return save_audited(report, actor=actor, action="monitoring_report.created")
    except IntegrityError:
        raise WrongState(
            _("Un'altra relazione è stata aperta nello stesso momento: ricaricare la pagina.")
        ) from None


def set_reported_values(*, actor, report: MonitoringReport, values: list[ReportedValue]) -> MonitoringReport:
    """The values the beneficiary types (indicators with rule 'reported'); an empty value removes one."""
    _check_writer(actor, report.project)
    if report.status not in EDITABLE_REPORT_STATUSES:
        raise WrongState(_("La relazione è già stata inviata: non si modifica."))
    reported = {i.pk: i for i in selectors.applicable_indicators(report.project) if i.rule == REPORTED}
    errors = []
    cleaned = []
    for item in values:
        field = f"indicator-{item.indicator_id}"
        if item.indicator_id not in reported:
            errors.append(
                {
                    "field": field,
                    "code": "not_reported",
                    "message": _("Indicatore non dichiarabile in questa relazione."),
                }
            )
            continue
        text = str(item.value or "").strip()
        if not text:
            cleaned.append((reported[item.indicator_id], None, item.note))
            continue
        try:
            number = Decimal(text.replace(",", "."))
            if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(
                {"field": field, "code": "invalid", "message": _("Indicare un numero non negativo.")}
            )
            continue
        cleaned.append((reported[item.indicator_id], number.quantize(Decimal("0.01")), item.note))
    if errors:
        raise MonitoringError(_("Alcuni valori non sono validi."), errors=errors)
    with transaction.atomic():
        for indicator, number, note in cleaned:
            row = IndicatorActual.objects.filter(report=report, indicator=indicator).first()
            if number is None:
                if row:
                    row.delete()
                continue
            row = row or IndicatorActual(report=report, indicator=indicator)
            row.value = number
            row.note = (note or "")[:255]
            save_audited(row, actor=actor, action="indicator_actual.reported")
    return report


def submit_report(*, actor, report: MonitoringReport) -> MonitoringReport:
    """Freeze the computed values (participants entered by the reference date, the partnership) beside the
    reported ones; every reported indicator needs a value."""
    _check_writer(actor, report.project)
    with transaction.atomic():
        report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in EDITABLE_REPORT_STATUSES:
            raise WrongState(_("La relazione è già stata inviata."))
        indicators = selectors.applicable_indicators(report.project)
        given = set(report.actuals.values_list("indicator_id", flat=True))
        missing = [i for i in indicators if i.rule == REPORTED and i.pk not in given]
        if missing:
            raise MonitoringError(
                _("Mancano i valori di alcuni indicatori."),
                errors=[
                    {"field": f"indicator-{i.pk}", "code": "required", "message": _("Indicare il valore.")}
                    for i in missing
                ],
                code="values_missing",
            )
        computed = selectors.computed_values(report.project, indicators, as_of=report.period_end)
        report.actuals.exclude(indicator__rule=REPORTED).delete()
        for indicator in indicators:
            if indicator.rule == REPORTED:
                continue
            value = computed[indicator.pk]
            IndicatorActual.objects.create(
                report=report,
                indicator=indicator,
                value=value.total,
                women=value.women,
                men=value.men,
                non_binary=value.non_binary,
            )
        report.submit()
        report.submitted_at = now()
        report.submitted_by = actor
        return save_audited(report, actor=actor, action="monitoring_report.submitted")


def review_report(*, actor, report: MonitoringReport, approve: bool, note: str = "") -> MonitoringReport:
    if not permissions.can_review_reports(actor, report.project.call_id):
        raise PermissionDenied(_("Solo i funzionari abilitati esaminano le relazioni."))
    with transaction.atomic():
        report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise WrongState(_("Si esaminano solo le relazioni inviate."))
        if not approve and not (note or "").strip():
            raise _field_error("note", "required", _("Spiegare che cosa va corretto."))
        report.approve() if approve else report.send_back()
        report.reviewed_at = now()
        report.reviewed_by = actor
        report.review_note = (note or "").strip()
        return save_audited(
            report,
            actor=actor,
            action="monitoring_report.approved" if approve else "monitoring_report.returned",
        )
