"""A project's participants (the sensitive categories only for who may see them) and their imports."""

from datetime import date
from typing import Literal

from django.http import Http404
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.monitoring import permissions, selectors, services
from grants.monitoring.models import Participant, ParticipantImport
from grants.monitoring.participant_data import EMPLOYMENT_BY_STATUS
from grants.monitoring.states import Sex

from ..pagination import LazyRows, Ordering, Pagination
from . import router
from .common import project_for
from .schemas import (
    ExitIn,
    ImportOut,
    ParticipantIn,
    ParticipantOut,
)


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
    project = project_for(request.auth, project_id)
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
    project = project_for(request.auth, project_id)
    data = payload.dict()
    participant = services.add_participant(actor=request.auth, project=project, data=data)
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
    participant = services.record_exit(actor=request.auth, participant=participant, data=payload.dict())
    return _participant(participant, sensitive=permissions.can_view_sensitive(request.auth))


@router.delete(
    "/monitoring/participants/{participant_id}", response={204: None}, summary="Elimina un partecipante"
)
def remove_participant(request, participant_id: int):
    participant = _participant_or_404(request.auth, participant_id)
    services.remove_participant(actor=request.auth, participant=participant)
    return Status(204, None)


@router.post(
    "/monitoring/projects/{project_id}/participant-imports",
    response={202: ImportOut},
    summary="Importa partecipanti da CSV o XLSX (elaborazione in background)",
)
def start_import(request, project_id: int, file: File[UploadedFile]):
    project = project_for(request.auth, project_id)
    job = services.start_import(actor=request.auth, project=project, upload=file)
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
