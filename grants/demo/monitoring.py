"""Demo monitoring: the indicator catalogues (ESF common ones and WECARE's per measure), targets on the
active demo project and its call, a handful of participants registered through the real service, and the
dashboards' finance summary, so that /monitoraggio/ and the project's monitoring pages show data.

Idempotent: catalogues are updated by code, a participant already registered (same codice fiscale, same
project) is skipped, targets are set to the same values.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from grants.core.timeutils import in_rome, now
from grants.monitoring import services
from grants.monitoring.catalogue import COMMON_CATALOGUE, DATA_DIR, load_catalogue
from grants.monitoring.dashboard import refresh_summaries
from grants.monitoring.models import Indicator, Participant
from grants.monitoring.services import MonitoringError
from grants.programme.models import Programme
from grants.projects.models import Project

from .identifiers import person_fiscal_code
from .projects import ACTIVE_TITLE, OFFICER_EMAIL

# (sex, employment, ISCED, days since entry, disability) of the demo participants.
PEOPLE = [
    ("F", "disoccupato", "3", 120, False),
    ("F", "disoccupato_lunga_durata", "2", 110, True),
    ("M", "inattivo", "1", 100, False),
    ("F", "occupato", "6", 90, False),
    ("M", "disoccupato", "3", 80, False),
    ("X", "inattivo_in_formazione", "4", 70, False),
    ("F", "occupato", "7", 60, False),
    ("M", "disoccupato_lunga_durata", "2", 50, True),
]
TARGETS = {"PART": "40", "CO01": "15", "CO02": "6", "CO05": "10"}


def _fiscal_code(index: int, *, female: bool) -> str:
    """A valid, fictitious codice fiscale for the demo participant ``index`` (born in Torino)."""
    name = "BCDFGHLMNP"[index] + "RT"
    day = 10 + index + (40 if female else 0)
    return person_fiscal_code(f"DMO{name}{60 + 4 * index:02d}C{day:02d}L219")


def load_demo_monitoring() -> list[str]:
    lines = []
    counts = load_catalogue(COMMON_CATALOGUE)
    lines.append(f"Indicatori comuni FSE: {counts['created']} creati, {counts['updated']} aggiornati")
    if Programme.objects.filter(code="wecare").exists():
        counts = load_catalogue(DATA_DIR / "wecare.yaml")
        lines.append(
            f"Indicatori WECARE per misura: {counts['created']} creati, {counts['updated']} aggiornati"
        )
    project = (
        Project.objects.select_related("call__measure__fund", "application__created_by")
        .filter(application__title=ACTIVE_TITLE)
        .first()
    )
    if project is None:
        lines.append("Monitoraggio (demo): nessun progetto avviato, niente partecipanti")
        return lines
    representative = project.application.created_by
    today = in_rome(now()).date()
    added = 0
    for index, (sex, employment, education, days, disabled) in enumerate(PEOPLE):
        data = {
            "codice_fiscale": _fiscal_code(index, female=sex != "M"),
            "sesso": sex,
            "data_ingresso": (today - timedelta(days=days)).isoformat(),
            "condizione_occupazionale": employment,
            "titolo_studio": education,
            "disabilita": "si" if disabled else "no",
        }
        try:
            services.add_participant(actor=representative, project=project, data=data)
            added += 1
        except MonitoringError as exc:
            if exc.code != "duplicate":
                raise
    officer = get_user_model().objects.filter(email=OFFICER_EMAIL).first()
    if officer is not None and officer.has_perm("monitoring.set_targets"):
        for code, value in TARGETS.items():
            indicator = Indicator.objects.filter(code=code).first()
            if indicator is not None and indicator.applies_to(project.call.measure):
                services.set_project_target(actor=officer, project=project, indicator=indicator, target=value)
                services.set_call_target(
                    actor=officer, call=project.call, indicator=indicator, target=str(Decimal(value) * 5)
                )
    refresh_summaries()
    total = Participant.objects.filter(project=project).count()
    lines.append(f"Partecipanti (demo): {added} registrati ora, {total} sul progetto «{project.title}»")
    return lines
