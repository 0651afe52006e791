"""Factories of the monitoring tests: projects come from grants.projects.tests.factories (an FSE call by
default, so the ESF common indicators apply), participants through the real service."""

import itertools
from datetime import date, timedelta

from stdnum.it import codicefiscale

from grants.core.timeutils import in_rome, now
from grants.projects.tests.factories import ProjectFactory, staff
from grants.registry.tests.factories import UserFactory

from .. import services
from ..models import Indicator

MONITORING_OFFICER_PERMISSIONS = (
    "monitoring.view_dashboard",
    "monitoring.view_participant",
    "monitoring.set_targets",
    "monitoring.review_report",
)
_serial = itertools.count(1)
_MONTHS = "ABCDEHLMPRST"


def today() -> date:
    return in_rome(now()).date()


def fiscal_code(n: int | None = None, *, female: bool = False, born: date = date(1985, 12, 10)) -> str:
    """A valid personal codice fiscale, different for every ``n``."""
    n = next(_serial) if n is None else n
    letters = "BCDFGHLMNPQRSTVZ"
    surname = letters[n % 16] + letters[(n // 16) % 16] + letters[(n // 256) % 16]
    name = letters[(n // 4096) % 16] + "RA"
    day = born.day + (40 if female else 0)
    body = f"{surname}{name}{born.year % 100:02d}{_MONTHS[born.month - 1]}{day:02d}A562"
    return body + codicefiscale.calc_check_digit(body)


def officer(**kwargs):
    return staff(*MONITORING_OFFICER_PERMISSIONS, "projects.view_project", **kwargs)


def manager(**kwargs):
    return staff(
        *MONITORING_OFFICER_PERMISSIONS, "projects.view_project", "monitoring.view_sensitive_data", **kwargs
    )


def member(project):
    return project.application.created_by


def outsider():
    from grants.applications.tests.factories import member_of

    user, _organisation = member_of(name="Altra Cooperativa")
    return user


def row(n: int | None = None, **overrides) -> dict:
    values = {
        "codice_fiscale": fiscal_code(n),
        "sesso": "F",
        "data_ingresso": (today() - timedelta(days=30)).isoformat(),
        "data_uscita": "",
        "condizione_occupazionale": "disoccupato",
        "titolo_studio": "3",
    }
    values.update(overrides)
    return values


def participant(project, n: int | None = None, **overrides):
    return services.add_participant(actor=member(project), project=project, data=row(n, **overrides))


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


__all__ = ["ProjectFactory", "UserFactory"]


def fse_project(**kwargs):
    """A project of a measure financed by the FSE: the ESF common indicators apply to it."""
    from grants.programme.models import Fund

    project = ProjectFactory(**kwargs)
    Fund.objects.filter(pk=project.call.measure.fund_id).update(code="FSE")
    project.call.measure.fund.refresh_from_db()
    return project
