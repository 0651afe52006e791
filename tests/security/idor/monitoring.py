"""IDOR cases of monitoring A's project: participants, an import, a monitoring report."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .evaluation import (
    _cached,
)
from .projects import (
    _project_of_a,
)
from .world import (
    Case,
    World,
)

# --- monitoring of A's project: participants, an import, a monitoring report; B never reads or writes them --
MONITORING_SECRET = "SAL riservato Alfa"


@dataclass
class MonitoringOfA:
    project: Any
    participant: Any
    job: Any
    report: Any
    indicator: Any


def _monitoring_of_a(w: World) -> MonitoringOfA:
    def build():
        from django.core.files.uploadedfile import SimpleUploadedFile as Upload

        from grants.monitoring import services as monitoring_services
        from grants.monitoring.models import Indicator
        from grants.monitoring.tests import factories as monitoring_factories

        project = _project_of_a(w)[0]
        participant = monitoring_services.add_participant(
            actor=w.user_a, project=project, data=monitoring_factories.row(901)
        )
        job = monitoring_services.start_import(
            actor=w.user_a,
            project=project,
            upload=Upload(
                "p.csv", b"codice_fiscale;sesso;data_ingresso;condizione_occupazionale;titolo_studio\n"
            ),
        )
        report = monitoring_services.create_report(
            actor=w.user_a,
            project=project,
            period_end=monitoring_factories.today(),
            sal_reference=MONITORING_SECRET,
        )
        from grants.monitoring.catalogue import COMMON_CATALOGUE, load_catalogue

        load_catalogue(COMMON_CATALOGUE)  # gone after any transactional test
        indicator = Indicator.objects.filter(measure__isnull=True).order_by("pk").first()
        return MonitoringOfA(project, participant, job, report, indicator)

    return _cached(w, "monitoring", build)


def _monitoring_secrets(w: World) -> list[str]:
    m = _monitoring_of_a(w)
    return [MONITORING_SECRET, m.participant.reference, w.organisation_a.name]


def _monitoring_state(w: World):
    from grants.monitoring.models import (
        CallIndicatorTarget,
        IndicatorActual,
        Participant,
        ParticipantImport,
        ProjectIndicatorTarget,
    )

    m = _monitoring_of_a(w)
    m.report.refresh_from_db()
    return (
        sorted(
            Participant.objects.filter(project=m.project).values_list("pk", "exit_date", "employed_on_exit")
        ),
        ParticipantImport.objects.filter(project=m.project).count(),
        m.report.status,
        m.project.monitoring_reports.count(),
        IndicatorActual.objects.filter(report=m.report).count(),
        ProjectIndicatorTarget.objects.filter(project=m.project).count(),
        CallIndicatorTarget.objects.count(),
    )


def _monitoring_case(args: Callable[[World], dict], method: str = "get", body=None) -> Case:
    return Case(args=args, method=method, body=body, secrets=_monitoring_secrets, unchanged=_monitoring_state)


def _m(name: str, attribute: str) -> Callable[[World], dict]:
    return lambda w: {name: getattr(_monitoring_of_a(w), attribute).pk}


MONITORING_PAGE_CASES: dict[str, Case] = {
    "monitoring:project": _monitoring_case(_m("pk", "project")),
    "monitoring:report_create": _monitoring_case(
        _m("pk", "project"), "post", lambda w: {"period_end": "2026-01-01"}
    ),
    "monitoring:project_targets": _monitoring_case(
        _m("pk", "project"), "post", lambda w: {f"target-{_monitoring_of_a(w).indicator.pk}": "9"}
    ),
    "monitoring:participants": _monitoring_case(_m("pk", "project")),
    "monitoring:participant_add": _monitoring_case(
        _m("pk", "project"), "post", lambda w: {"codice_fiscale": "RSSMRA85T10A562S", "sesso": "M"}
    ),
    "monitoring:participant_import": _monitoring_case(_m("pk", "project"), "post"),
    "monitoring:participant_exit": _monitoring_case(
        lambda w: {
            "pk": _monitoring_of_a(w).project.pk,
            "participant_pk": _monitoring_of_a(w).participant.pk,
        },
        "post",
        lambda w: {"data_uscita": "2026-01-02", "occupato_uscita": "si"},
    ),
    "monitoring:participant_remove": _monitoring_case(
        lambda w: {
            "pk": _monitoring_of_a(w).project.pk,
            "participant_pk": _monitoring_of_a(w).participant.pk,
        },
        "post",
    ),
    "monitoring:import_detail": _monitoring_case(_m("pk", "job")),
    "monitoring:report_detail": _monitoring_case(_m("pk", "report")),
    "monitoring:report_save": _monitoring_case(
        _m("pk", "report"), "post", lambda w: {f"indicator-{_monitoring_of_a(w).indicator.pk}": "9"}
    ),
    "monitoring:report_submit": _monitoring_case(_m("pk", "report"), "post"),
    "monitoring:report_approve": _monitoring_case(_m("pk", "report"), "post"),
    "monitoring:report_return": _monitoring_case(_m("pk", "report"), "post", lambda w: {"note": "Da rifare"}),
    "monitoring:call_targets": _monitoring_case(
        lambda w: {"code": _monitoring_of_a(w).project.call.code},
        "post",
        lambda w: {f"target-{_monitoring_of_a(w).indicator.pk}": "9"},
    ),
    "monitoring:dashboard_export": _monitoring_case(lambda w: {"fmt": "csv"}),
}

MONITORING_API_CASES: dict[str, Case] = {
    "grants_api_monitoring_project_indicators": _monitoring_case(_m("project_id", "project")),
    "grants_api_monitoring_put_project_target": _monitoring_case(
        lambda w: {
            "project_id": _monitoring_of_a(w).project.pk,
            "indicator_id": _monitoring_of_a(w).indicator.pk,
        },
        "put",
        lambda w: {"target": "9"},
    ),
    "grants_api_monitoring_put_call_target": _monitoring_case(
        lambda w: {
            "call_id": _monitoring_of_a(w).project.call_id,
            "indicator_id": _monitoring_of_a(w).indicator.pk,
        },
        "put",
        lambda w: {"target": "9"},
    ),
    "grants_api_monitoring_list_participants": _monitoring_case(_m("project_id", "project")),
    "grants_api_monitoring_add_participant": _monitoring_case(
        _m("project_id", "project"),
        "post",
        lambda w: {
            "codice_fiscale": "RSSMRA85T10A562S",
            "sesso": "M",
            "data_ingresso": "2026-01-02",
            "condizione_occupazionale": "occupato",
            "titolo_studio": "3",
        },
    ),
    "grants_api_monitoring_participant_exit": _monitoring_case(
        _m("participant_id", "participant"),
        "post",
        lambda w: {"data_uscita": "2026-01-02", "occupato_uscita": True},
    ),
    "grants_api_monitoring_remove_participant": _monitoring_case(
        _m("participant_id", "participant"), "delete"
    ),
    "grants_api_monitoring_start_import": Case(
        args=_m("project_id", "project"),
        method="post",
        multipart=True,
        body=lambda w: {
            "file": SimpleUploadedFile("p.csv", b"codice_fiscale;sesso\n", content_type="text/csv")
        },
        secrets=_monitoring_secrets,
        unchanged=_monitoring_state,
    ),
    "grants_api_monitoring_get_import": _monitoring_case(_m("import_id", "job")),
    "grants_api_monitoring_create_report": _monitoring_case(
        _m("project_id", "project"), "post", lambda w: {"period_end": "2026-01-01"}
    ),
    "grants_api_monitoring_get_report": _monitoring_case(_m("report_id", "report")),
    "grants_api_monitoring_put_report_values": _monitoring_case(
        _m("report_id", "report"), "put", lambda w: {"values": []}
    ),
    "grants_api_monitoring_submit_report": _monitoring_case(_m("report_id", "report"), "post"),
    "grants_api_monitoring_review_report": _monitoring_case(
        _m("report_id", "report"), "post", lambda w: {"approve": True}
    ),
}
