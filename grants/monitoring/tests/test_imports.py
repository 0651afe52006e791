"""Participant imports: CSV and XLSX, run as a background task; every invalid row reported with its line
and field, the valid rows kept; a file that cannot be read fails with its reason."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from grants.monitoring import services
from grants.monitoring.models import Participant, ParticipantImport
from grants.monitoring.services import MonitoringError
from grants.monitoring.states import ImportStatus

from . import factories as f

pytestmark = pytest.mark.django_db

HEADER = "Codice fiscale;Sesso;Data ingresso;Data uscita;Condizione occupazionale;Titolo studio;Disabilità"


@pytest.fixture
def project():
    return f.fse_project()


def _csv(lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile("partecipanti.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def _start(project, upload, django_capture_on_commit_callbacks) -> ParticipantImport:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(actor=f.member(project), project=project, upload=upload)
    job.refresh_from_db()
    return job


def test_valid_rows_are_saved_and_each_error_names_its_line_and_field(
    project, django_capture_on_commit_callbacks
):
    good, repeated = f.fiscal_code(1), f.fiscal_code(2)
    upload = _csv(
        [
            HEADER,
            f"{good};F;2026-01-10;;disoccupato;3;no",
            "RSSMRA85T10A562X;M;2026-01-10;;occupato;5;no",  # line 3: check digit
            f"{repeated};M;10/01/2026;;inattivo;ISCED 2;sì",
            "",
            f"{f.fiscal_code(3)};M;2026-13-01;;pensionato;3;no",  # line 6: two errors
            f"{repeated};F;2026-01-11;;occupato;4;no",  # line 7: the same person again
        ]
    )
    job = _start(project, upload, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE
    assert job.total_rows == 5 and job.processed_rows == 5
    assert job.created_count == 2
    found = sorted((e["line"], e["field"]) for e in job.errors)
    assert found == [
        (3, "codice_fiscale"),
        (6, "condizione_occupazionale"),
        (6, "data_ingresso"),
        (7, "codice_fiscale"),
    ]
    assert Participant.objects.filter(project=project).count() == 2
    assert Participant.objects.get(project=project, sex="M").has_disability is True
    # Running the task again changes nothing (idempotent).
    services.run_import(job.pk)
    assert Participant.objects.filter(project=project).count() == 2


def test_an_xlsx_file_is_read_with_dates_and_numbers_as_cells(project, django_capture_on_commit_callbacks):
    from datetime import date

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["codice_fiscale", "sesso", "data_ingresso", "condizione_occupazionale", "titolo_studio"])
    sheet.append([f.fiscal_code(11), "X", date(2026, 2, 1), "occupato", 6])
    sheet.append([f.fiscal_code(12), "F", "2026-02-01", "occupato", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("elenco.xlsx", buffer.getvalue())
    job = _start(project, upload, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.failure
    assert job.created_count == 1
    assert job.errors == [
        {
            "line": 3,
            "field": "titolo_studio",
            "code": "invalid",
            "message": "Indicare il livello ISCED, da 0 a 8.",
        }
    ]
    assert Participant.objects.get(project=project).education_level == "6"


def test_a_file_without_the_required_columns_fails_with_the_reason(
    project, django_capture_on_commit_callbacks
):
    job = _start(project, _csv(["nome;cognome", "Mario;Rossi"]), django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert "codice_fiscale" in job.failure
    assert not Participant.objects.exists()


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused_at_upload(project):
    pdf = SimpleUploadedFile("partecipanti.csv", b"%PDF-1.4 fake", content_type="text/csv")
    with pytest.raises(MonitoringError) as refused:
        services.start_import(actor=f.member(project), project=project, upload=pdf)
    assert refused.value.errors[0]["field"] == "file"
    assert not ParticipantImport.objects.exists()
