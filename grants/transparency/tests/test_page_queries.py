"""Every cached public page renders with a bounded number of queries, whatever the data (an N+1 fails)."""

from decimal import Decimal

import pytest

from grants.evaluation import services as evaluation_services
from grants.evaluation.tests.factories import DETERMINATION, evaluated_call, manager, officer
from grants.programme.tests.factories import CallFactory, CallPhaseFactory

from .factories import paid, public_project

pytestmark = pytest.mark.django_db

GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}
# page → most queries it may make (measured: no page's count grows with calls, entries or projects)
LIMITS = {
    "/": 7,
    "/programma/": 6,
    "/misure/FSE1/": 4,
    "/bandi/": 3,
    "/bandi/{open}/": 9,  # + the phases of the funded projects
    "/bandi/{ranked}/": 9,
    "/bandi/{ranked}/graduatoria/": 4,
    "/progetti-finanziati/": 8,
    "/trasparenza/sovvenzioni/": 5,
    "/dati-aperti/": 0,
}


def _ranked_call(applications: int):
    call, _, _ = evaluated_call([("60000", GOOD)] * applications, budget=Decimal("1000000.00"))
    ranking = evaluation_services.compute_ranking(actor=officer(), call=call)
    evaluation_services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    return call


def _grow(sample, projects: int):
    for code in ("FSE1", "FSE2", "FSE3"):
        for _ in range(3):
            CallPhaseFactory(call=CallFactory(measure=sample.measures[code]))
    for _ in range(projects):
        paid(public_project(), Decimal("1000.00"))


def test_public_pages_make_a_bounded_number_of_queries(client, sample, django_assert_max_num_queries):
    _grow(sample, projects=1)
    small = _ranked_call(2)
    _grow(sample, projects=3)
    large = _ranked_call(6)
    for ranked in (small, large):
        for page, limit in LIMITS.items():
            url = page.format(open=sample.open_call.code, ranked=ranked.code)
            with django_assert_max_num_queries(limit):
                assert client.get(url).status_code == 200, url
