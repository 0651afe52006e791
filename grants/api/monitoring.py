"""API endpoints of the monitoring context (thin: input shapes here, rules in grants.monitoring.services).

A beneficiary's members reach their projects' participants and monitoring reports; staff reach them with the
monitoring permissions (the sensitive categories only with ``monitoring.view_sensitive_data``). Another
organisation's project, participant, import or report answers 404. Errors are application/problem+json with
field-level ``errors`` (the field names are the CSV columns for participants); a request the report's state
does not allow answers 409.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.monitoring import dashboard, permissions, selectors, services
from grants.monitoring.models import Indicator, MonitoringReport, Participant, ParticipantImport
from grants.monitoring.participant_data import EMPLOYMENT_BY_STATUS
from grants.monitoring.services import MonitoringError, ReportedValue
from grants.monitoring.states import Sex
from grants.programme.models import Call
from grants.projects.models import Project

from .auth import API_AUTH
from .pagination import LazyRows, Ordering, Pagination
from .problems import problem_response

router = Router(tags=["monitoring"], auth=API_AUTH)


# --- shapes -----------------------------------------------------------------------------------------------
class IndicatorOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    subject: str
    unit: str
    rule: str
    measure_code: str | None
    fund_codes: list[str]
    is_sensitive: bool


class BreakdownOut(Schema):
    total: Decimal
    women: int | None
    men: int | None
    non_binary: int | None


class IndicatorValueOut(Schema):
    indicator: IndicatorOut
    actual: BreakdownOut
    call_target: Decimal | None
    project_target: Decimal | None


class ParticipantIn(Schema):
    codice_fiscale: str
    sesso: str
    data_ingresso: str
    data_uscita: str = ""
    condizione_occupazionale: str
    titolo_studio: str
    migrante: bool = False
    minoranza: bool = False
    disabilita: bool = False
    altro_svantaggio: bool = False
    senza_dimora: bool = False
    cerca_lavoro_uscita: bool = False
    in_formazione_uscita: bool = False
    qualifica_uscita: bool = False
    occupato_uscita: bool = False
    famiglia_senza_occupati: bool = False
    figli_a_carico: bool = False
    unico_adulto: bool = False
    zona_rurale: bool = False


class ExitIn(Schema):
    data_uscita: str = ""
    cerca_lavoro_uscita: bool = False
    in_formazione_uscita: bool = False
    qualifica_uscita: bool = False
    occupato_uscita: bool = False


class SensitiveOut(Schema):
    migrante: bool
    minoranza: bool
    disabilita: bool
    altro_svantaggio: bool
    senza_dimora: bool


class ParticipantOut(Schema):
    id: int
    project_id: int
    reference: str
    sesso: str
    eta_ingresso: int
    data_ingresso: date
    data_uscita: date | None
    condizione_occupazionale: str
    titolo_studio: str
    cerca_lavoro_uscita: bool
    in_formazione_uscita: bool
    qualifica_uscita: bool
    occupato_uscita: bool
    famiglia_senza_occupati: bool
    figli_a_carico: bool
    unico_adulto: bool
    zona_rurale: bool
    sensitive: SensitiveOut | None = None


class ImportErrorOut(Schema):
    line: int
    field: str
    code: str | None = None
    message: str


class ImportOut(Schema):
    id: int
    project_id: int
    file_name: str
    status: str
    total_rows: int
    processed_rows: int
    created_count: int
    errors: list[ImportErrorOut]
    failure: str
    created_at: datetime
    finished_at: datetime | None


class TargetIn(Schema):
    target: str | None = None


class TargetOut(Schema):
    indicator_id: int
    target: Decimal | None


class ReportIn(Schema):
    period_end: date
    sal_reference: str = ""


class ReportedValueIn(Schema):
    indicator_id: int
    value: str = ""
    note: str = ""


class ReportValuesIn(Schema):
    values: list[ReportedValueIn]


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class ActualOut(Schema):
    indicator_id: int
    code: str
    value: Decimal
    women: int | None
    men: int | None
    non_binary: int | None
    note: str


class ReportOut(Schema):
    id: int
    project_id: int
    number: int
    period_end: date
    sal_reference: str
    status: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_note: str
    actuals: list[ActualOut]


class MoneyRowOut(Schema):
    key: int | None
    label: str
    budget: Decimal | None
    granted: Decimal
    paid: Decimal
    claimed: Decimal
    certified: Decimal
    projects: int


class StatusCountOut(Schema):
    status: str
    label: str
    projects: int


class MonthCountOut(Schema):
    month: str
    applications: int


class CallOutcomesOut(Schema):
    call_id: int
    call_code: str
    counts: dict[str, int]
    total: int


class DashboardOut(Schema):
    per: str
    money: list[MoneyRowOut]
    money_total: MoneyRowOut
    projects_by_status: list[StatusCountOut]
    applications_by_month: list[MonthCountOut]
    applications_by_call: list[CallOutcomesOut]
    indicators: list[IndicatorValueOut]
    refreshed_at: datetime | None


# --- helpers ----------------------------------------------------------------------------------------------
def _problem(exc: MonitoringError):
    return problem_response(exc.status, detail=exc.message, errors=exc.errors, code=exc.code)


def _forbidden(exc: PermissionDenied | None = None):
    return problem_response(403, detail=(str(exc) if exc else "") or "Operazione non consentita.")


def _run(action):
    try:
        return action(), None
    except PermissionDenied as exc:
        return None, _forbidden(exc)
    except MonitoringError as exc:
        return None, _problem(exc)


def _project(user, project_id: int) -> Project:
    project = (
        Project.objects.select_related("call__measure__fund", "beneficiary").filter(pk=project_id).first()
    )
    if project is None or not permissions.can_read_monitoring(user, project):
        raise Http404
    return project


def _indicator(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "title": indicator.display_title,
        "kind": indicator.kind,
        "subject": indicator.subject,
        "unit": indicator.unit,
        "rule": indicator.rule,
        "measure_code": indicator.measure.code if indicator.measure_id else None,
        "fund_codes": list(indicator.fund_codes or []),
        "is_sensitive": indicator.is_sensitive,
    }


def _row(row) -> dict:
    return {
        "indicator": _indicator(row.indicator),
        "actual": row.actual.__dict__,
        "call_target": row.call_target,
        "project_target": row.project_target,
    }


def _participant(p: Participant, *, sensitive: bool) -> dict:
    return {
        "id": p.pk,
        "project_id": p.project_id,
        "reference": p.reference,
        "sesso": p.sex,
        "eta_ingresso": p.age_at_entry,
        "data_ingresso": p.entry_date,
        "data_uscita": p.exit_date,
        "condizione_occupazionale": EMPLOYMENT_BY_STATUS.get(p.employment_status, p.employment_status),
        "titolo_studio": p.education_level,
        "cerca_lavoro_uscita": p.job_searching_on_exit,
        "in_formazione_uscita": p.in_education_on_exit,
        "qualifica_uscita": p.qualification_on_exit,
        "occupato_uscita": p.employed_on_exit,
        "famiglia_senza_occupati": p.household_jobless,
        "figli_a_carico": p.household_dependent_children,
        "unico_adulto": p.household_single_adult,
        "zona_rurale": p.lives_in_rural_area,
        "sensitive": {
            "migrante": p.is_migrant,
            "minoranza": p.is_minority,
            "disabilita": p.has_disability,
            "altro_svantaggio": p.is_other_disadvantaged,
            "senza_dimora": p.is_homeless,
        }
        if sensitive
        else None,
    }


def _import(job: ParticipantImport) -> dict:
    return {
        "id": job.pk,
        "project_id": job.project_id,
        "file_name": job.original_name,
        "status": job.status,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created_count": job.created_count,
        "errors": job.errors,
        "failure": job.failure,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _report(report: MonitoringReport, user) -> dict:
    sensitive = permissions.can_view_sensitive(user)
    return {
        "id": report.pk,
        "project_id": report.project_id,
        "number": report.number,
        "period_end": report.period_end,
        "sal_reference": report.sal_reference,
        "status": report.status,
        "submitted_at": report.submitted_at,
        "reviewed_at": report.reviewed_at,
        "review_note": report.review_note,
        "actuals": [
            {
                "indicator_id": a.indicator_id,
                "code": a.indicator.code,
                "value": a.value,
                "women": a.women,
                "men": a.men,
                "non_binary": a.non_binary,
                "note": a.note,
            }
            for a in selectors.report_actuals(report, include_sensitive=sensitive)
        ],
    }


def _report_or_404(user, report_id: int) -> MonitoringReport:
    report = (
        MonitoringReport.objects.select_related("project__call__measure__fund", "project__beneficiary")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not permissions.can_read_monitoring(user, report.project):
        raise Http404
    return report


# --- catalogue ----------------------------------------------------------------------------------------------
@router.get("/monitoring/indicators", response=list[IndicatorOut], summary="Catalogo degli indicatori in uso")
def list_indicators(request):
    indicators = Indicator.objects.filter(is_active=True).select_related("measure")
    return [_indicator(i) for i in indicators.order_by("order", "code", "pk")]


# --- a project's indicators and targets -------------------------------------------------------------------
@router.get(
    "/monitoring/projects/{project_id}/indicators",
    response=list[IndicatorValueOut],
    summary="Indicatori del progetto",
)
def project_indicators(request, project_id: int):
    project = _project(request.auth, project_id)
    sensitive = permissions.can_view_sensitive(request.auth)
    return [_row(row) for row in selectors.project_indicator_rows(project, include_sensitive=sensitive)]


@router.put(
    "/monitoring/projects/{project_id}/targets/{indicator_id}",
    response={200: TargetOut},
    summary="Fissa (o toglie, con target vuoto) il target del progetto per un indicatore",
)
def put_project_target(request, project_id: int, indicator_id: int, payload: TargetIn):
    project = _project(request.auth, project_id)
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    row, problem = _run(
        lambda: services.set_project_target(
            actor=request.auth, project=project, indicator=indicator, target=payload.target or ""
        )
    )
    if problem:
        return problem
    return {"indicator_id": indicator.pk, "target": row.target if row else None}


@router.put(
    "/monitoring/calls/{call_id}/targets/{indicator_id}",
    response={200: TargetOut},
    summary="Fissa (o toglie) il target del bando per un indicatore (funzionari)",
)
def put_call_target(request, call_id: int, indicator_id: int, payload: TargetIn):
    if not permissions.can_set_targets(request.auth):
        raise PermissionDenied("Solo i funzionari abilitati fissano i target.")
    call = Call.objects.select_related("measure__fund").filter(pk=call_id).first()
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if call is None or indicator is None:
        raise Http404
    row, problem = _run(
        lambda: services.set_call_target(
            actor=request.auth, call=call, indicator=indicator, target=payload.target or ""
        )
    )
    if problem:
        return problem
    return {"indicator_id": indicator.pk, "target": row.target if row else None}


# --- participants -------------------------------------------------------------------------------------------
PARTICIPANT_ORDERING = Ordering(
    "entry_date", entry_date="entry_date", exit_date="exit_date", created_at="created_at"
)


class ParticipantFilters(Schema):
    sex: Literal[tuple(Sex.values)] | None = Field(None, description="Sesso (F, M, X)")  # type: ignore[valid-type]
    exited: bool | None = Field(None, description="true: solo chi è uscito; false: solo chi è ancora dentro")
    entered_from: date | None = Field(None, description="Ingresso da questa data (inclusa)")
    entered_to: date | None = Field(None, description="Ingresso fino a questa data (inclusa)")
    ordering: PARTICIPANT_ORDERING.choices = PARTICIPANT_ORDERING.field()


@router.get(
    "/monitoring/projects/{project_id}/participants",
    response=list[ParticipantOut],
    summary="Partecipanti del progetto",
)
@paginate(Pagination, page_size=50)
def list_participants(request, project_id: int, filters: Query[ParticipantFilters]):
    project = _project(request.auth, project_id)
    sensitive = permissions.can_view_sensitive(request.auth)
    participants = selectors.visible_participants(request.auth, project)
    if filters.sex:
        participants = participants.filter(sex=filters.sex)
    if filters.exited is not None:
        participants = participants.filter(exit_date__isnull=not filters.exited)
    if filters.entered_from:
        participants = participants.filter(entry_date__gte=filters.entered_from)
    if filters.entered_to:
        participants = participants.filter(entry_date__lte=filters.entered_to)
    return LazyRows(
        PARTICIPANT_ORDERING.apply(participants, filters.ordering),
        lambda participant: _participant(participant, sensitive=sensitive),
    )


@router.post(
    "/monitoring/projects/{project_id}/participants",
    response={201: ParticipantOut},
    summary="Registra un partecipante (il codice fiscale è conservato solo come impronta)",
)
def add_participant(request, project_id: int, payload: ParticipantIn):
    project = _project(request.auth, project_id)
    data = payload.dict()
    participant, problem = _run(
        lambda: services.add_participant(actor=request.auth, project=project, data=data)
    )
    if problem:
        return problem
    return Status(201, _participant(participant, sensitive=permissions.can_view_sensitive(request.auth)))


def _participant_or_404(user, participant_id: int) -> Participant:
    participant = Participant.objects.select_related("project__beneficiary").filter(pk=participant_id).first()
    if participant is None or not permissions.can_read_monitoring(user, participant.project):
        raise Http404
    return participant


@router.post(
    "/monitoring/participants/{participant_id}/exit",
    response={200: ParticipantOut},
    summary="Registra l'uscita",
)
def participant_exit(request, participant_id: int, payload: ExitIn):
    participant = _participant_or_404(request.auth, participant_id)
    participant, problem = _run(
        lambda: services.record_exit(actor=request.auth, participant=participant, data=payload.dict())
    )
    if problem:
        return problem
    return _participant(participant, sensitive=permissions.can_view_sensitive(request.auth))


@router.delete(
    "/monitoring/participants/{participant_id}", response={204: None}, summary="Elimina un partecipante"
)
def remove_participant(request, participant_id: int):
    participant = _participant_or_404(request.auth, participant_id)
    _result, problem = _run(lambda: services.remove_participant(actor=request.auth, participant=participant))
    if problem:
        return problem
    return Status(204, None)


@router.post(
    "/monitoring/projects/{project_id}/participant-imports",
    response={202: ImportOut},
    summary="Importa partecipanti da CSV o XLSX (elaborazione in background)",
)
def start_import(request, project_id: int, file: File[UploadedFile]):
    project = _project(request.auth, project_id)
    job, problem = _run(lambda: services.start_import(actor=request.auth, project=project, upload=file))
    if problem:
        return problem
    job.refresh_from_db()
    return Status(202, _import(job))


@router.get(
    "/monitoring/participant-imports/{import_id}",
    response=ImportOut,
    summary="Stato ed errori di un'importazione",
)
def get_import(request, import_id: int):
    job = ParticipantImport.objects.select_related("project__beneficiary").filter(pk=import_id).first()
    if job is None or not permissions.can_read_monitoring(request.auth, job.project):
        raise Http404
    return _import(job)


# --- monitoring reports -------------------------------------------------------------------------------------
@router.post(
    "/monitoring/projects/{project_id}/reports",
    response={201: ReportOut},
    summary="Apre una relazione di monitoraggio",
)
def create_report(request, project_id: int, payload: ReportIn):
    project = _project(request.auth, project_id)
    report, problem = _run(
        lambda: services.create_report(
            actor=request.auth,
            project=project,
            period_end=payload.period_end,
            sal_reference=payload.sal_reference,
        )
    )
    if problem:
        return problem
    return Status(201, _report(report, request.auth))


@router.get("/monitoring/reports/{report_id}", response=ReportOut, summary="Una relazione di monitoraggio")
def get_report(request, report_id: int):
    return _report(_report_or_404(request.auth, report_id), request.auth)


@router.put(
    "/monitoring/reports/{report_id}/values", response=ReportOut, summary="Valori dichiarati della relazione"
)
def put_report_values(request, report_id: int, payload: ReportValuesIn):
    report = _report_or_404(request.auth, report_id)
    values = [ReportedValue(v.indicator_id, v.value, v.note) for v in payload.values]
    _result, problem = _run(
        lambda: services.set_reported_values(actor=request.auth, report=report, values=values)
    )
    if problem:
        return problem
    return _report(report, request.auth)


@router.post(
    "/monitoring/reports/{report_id}/submit",
    response=ReportOut,
    summary="Invia la relazione (congela i valori)",
)
def submit_report(request, report_id: int):
    report = _report_or_404(request.auth, report_id)
    report, problem = _run(lambda: services.submit_report(actor=request.auth, report=report))
    if problem:
        return problem
    return _report(report, request.auth)


@router.post(
    "/monitoring/reports/{report_id}/review", response=ReportOut, summary="Approva o restituisce la relazione"
)
def review_report(request, report_id: int, payload: ReviewIn):
    report = _report_or_404(request.auth, report_id)
    report, problem = _run(
        lambda: services.review_report(
            actor=request.auth, report=report, approve=payload.approve, note=payload.note
        )
    )
    if problem:
        return problem
    return _report(report, request.auth)


# --- dashboard ----------------------------------------------------------------------------------------------
@router.get(
    "/monitoring/dashboard",
    response=DashboardOut,
    summary="Cruscotto: risorse, domande, progetti, indicatori",
)
def get_dashboard(
    request,
    programme: int | None = None,
    fund: int | None = None,
    measure: int | None = None,
    call: int | None = None,
    province: int | None = None,
    district: int | None = None,
    per: str = "measure",
):
    if not permissions.can_view_dashboard(request.auth):
        raise PermissionDenied("Il cruscotto è riservato al personale abilitato.")
    if per not in dashboard.DIMENSIONS:
        return problem_response(
            422,
            detail="Dimensione non valida.",
            errors=[{"field": "per", "message": f"Usare una di: {', '.join(dashboard.DIMENSIONS)}."}],
        )
    filters = dashboard.Filters(
        programme=programme,
        fund=fund,
        measure=measure,
        call=call,
        province=province,
        district=district,
        per=per,
    )
    data = dashboard.build(filters, include_sensitive=permissions.can_view_sensitive(request.auth))
    outcome_codes = [code for code, _label in data.outcomes]
    return {
        "per": per,
        "money": [row.__dict__ for row in data.money],
        "money_total": data.money_total.__dict__,
        "projects_by_status": [{"status": c, "label": label, "projects": n} for c, label, n in data.statuses],
        "applications_by_month": [{"month": m, "applications": n} for m, n in data.applications_by_month],
        "applications_by_call": [
            {
                "call_id": row["call"].pk,
                "call_code": row["call"].code,
                "counts": dict(zip(outcome_codes, row["counts"], strict=True)),
                "total": row["total"],
            }
            for row in data.applications_by_call
        ],
        "indicators": [_row(row) for row in data.indicators],
        "refreshed_at": data.refreshed_at,
    }
