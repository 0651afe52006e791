"""Every list of the API pages, filters and orders the same way (grants/api/pagination.py).

One case per resource family: objects that match the filter (two of them tied on the ordering key, so only the
id tie-break decides) and one that does not. For each list:

- the filter keeps the matching objects, in the asked order, ties broken by id in the same direction;
- pages of one item, read one after the other, give the same sequence (no overlap, no gap);
- a page past the last is empty and keeps the count; a page or page size out of range, a page number that
  overflows any integer, an unknown ordering: 422 problem+json naming the parameter, never a 500.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from grants.api.pagination import MAX_PAGE, MAX_PAGE_SIZE
from grants.api.problems import PROBLEM_CONTENT_TYPE
from grants.applications.models import Application
from grants.applications.tests.factories import draft, member_of, open_call
from grants.core.audit import record_event
from grants.core.models import AuditEvent
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import Assignment, Notice
from grants.evaluation.tests import factories as evaluation_factories
from grants.finance.models import ExpenseClaim
from grants.finance.tests.factories import beneficiary_user
from grants.monitoring.tests.factories import fse_project, participant
from grants.notifications import events
from grants.notifications.models import Notification
from grants.notifications.tests.factories import NotificationFactory
from grants.programme.tests.factories import CallFactory, MeasureFactory
from grants.projects.models import Project
from grants.projects.states import ProjectStatus
from grants.projects.tests.factories import ProjectFactory
from grants.registry.tests.factories import OrganisationFactory, UserFactory
from grants.territory.tests.factories import MunicipalityFactory, ProvinceFactory
from grants.transparency.states import ActivityKind
from grants.transparency.tests.factories import activity

pytestmark = pytest.mark.django_db

API = "/api/v1"


@dataclass
class Listing:
    client: Client
    path: str
    params: dict  # a filter and an ordering
    expected: list  # the keys of the matching items, in the order asked
    key: str = "id"
    extra: dict = field(default_factory=dict)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _superuser() -> Client:
    return _signed_in(UserFactory(is_staff=True, is_superuser=True))


def _tie(model, *objects, **values) -> None:
    """Give ``objects`` the same value of the ordering field: only the id can order them."""
    model.objects.filter(pk__in=[o.pk for o in objects]).update(**values)


# --- one builder per resource family ------------------------------------------------------------------------
def calls() -> Listing:
    measure = MeasureFactory()
    first = CallFactory(measure=measure, title="Bando uguale")
    second = CallFactory(measure=measure, title="Bando uguale")
    third = CallFactory(measure=measure, title="Altro bando")
    CallFactory(title="Bando uguale")  # another measure
    return Listing(
        Client(),
        "/calls",
        {"measure": measure.code, "ordering": "-title"},
        [second.code, first.code, third.code],
        key="code",
    )


def municipalities() -> Listing:
    province = ProvinceFactory()
    first = MunicipalityFactory(province=province, name="Borgo")
    second = MunicipalityFactory(province=province, name="Borgo")
    third = MunicipalityFactory(province=province, name="Castello")
    MunicipalityFactory(province=ProvinceFactory(), name="Borgo")
    return Listing(
        Client(),
        "/municipalities",
        {"province": province.abbreviation, "ordering": "name"},
        [first.istat_code, second.istat_code, third.istat_code],
        key="istat_code",
    )


def organisations() -> Listing:
    first = OrganisationFactory(name="Cooperativa uguale", legal_form="social_cooperative")
    second = OrganisationFactory(name="Cooperativa uguale", legal_form="social_cooperative")
    third = OrganisationFactory(name="Altra cooperativa", legal_form="social_cooperative")
    OrganisationFactory(name="Cooperativa uguale", legal_form="third_sector")
    return Listing(
        _superuser(),
        "/organisations",
        {"legal_form": "social_cooperative", "ordering": "-name"},
        [second.pk, first.pk, third.pk],
    )


def applications() -> Listing:
    user, organisation = member_of()
    first, second, third, withdrawn = (
        draft(call=open_call(), user=user, organisation=organisation) for _ in range(4)
    )
    _tie(Application, first, second, title="Domanda uguale")
    _tie(Application, third, title="Altra domanda")
    _tie(Application, withdrawn, title="Domanda uguale", status="withdrawn")
    return Listing(
        _signed_in(user),
        "/applications",
        {"status": "draft", "ordering": "-title"},
        [second.pk, first.pk, third.pk],
    )


def projects() -> Listing:
    first, second = ProjectFactory(), ProjectFactory()
    suspended = ProjectFactory(status=ProjectStatus.SUSPENDED)
    _tie(Project, first, second, suspended, title="Progetto uguale")
    officer = evaluation_factories.staff("projects.view_project", "programme.view_call")
    return Listing(
        _signed_in(officer),
        "/projects",
        {"status": "active", "ordering": "-title"},
        [second.pk, first.pk],
    )


def assignments() -> Listing:
    call = evaluation_factories.scored_call()
    submitted = [evaluation_factories.submitted(call=call) for _ in range(3)]
    evaluation_factories.close(call)
    actor = evaluation_factories.officer()
    for application in submitted:
        evaluation_factories.admissible(application, actor=actor)
    _panel, [evaluator] = evaluation_factories.panel_with(call, members=1, actor=actor)
    evaluation_services.auto_assign(actor=actor, call=call)
    first, second, declared = (Assignment.objects.get(application=a) for a in submitted)
    parties = {p.pk: False for p in declared.application.partners.all()}
    evaluation_services.declare_conflicts(actor=evaluator, assignment=declared, conflicts=parties)
    _tie(Assignment, first, second, created_at=timezone.now())
    return Listing(
        _signed_in(evaluator),
        "/evaluation/assignments",
        {"status": "to_declare", "ordering": "created_at"},
        [first.pk, second.pk],
    )


def notices() -> Listing:
    user, organisation = member_of()
    application = draft(call=open_call(), user=user, organisation=organisation)
    other = draft(call=open_call(), user=user, organisation=organisation)
    sender = UserFactory(is_staff=True)
    first, second = (
        Notice.objects.create(application=application, subject="Avviso", body="Testo", sent_by=sender)
        for _ in range(2)
    )
    Notice.objects.create(application=other, subject="Avviso", body="Testo", sent_by=sender)
    _tie(Notice, first, second, created_at=timezone.now())
    return Listing(
        _signed_in(user),
        f"/applications/{application.pk}/notices",
        {"ordering": "-created_at"},
        [second.pk, first.pk],
    )


def claims() -> Listing:
    project = ProjectFactory()
    user = beneficiary_user(project)
    moment = timezone.now() - timedelta(days=1)
    first, second, third = (
        ExpenseClaim.objects.create(
            project=project, number=n, created_by=user, status="submitted", submitted_at=moment
        )
        for n in (1, 2, 3)
    )
    ExpenseClaim.objects.create(project=project, number=4, created_by=user)  # a draft
    _tie(ExpenseClaim, third, submitted_at=moment + timedelta(hours=1))
    return Listing(
        _signed_in(user),
        f"/finance/projects/{project.pk}/claims",
        {"status": "submitted", "ordering": "-submitted_at"},
        [third.pk, second.pk, first.pk],
    )


def participants() -> Listing:
    project = fse_project()
    day = (timezone.localdate() - timedelta(days=20)).isoformat()
    first = participant(project, sesso="F", data_ingresso=day)
    second = participant(project, sesso="F", data_ingresso=day)
    earlier = (timezone.localdate() - timedelta(days=40)).isoformat()
    third = participant(project, sesso="F", data_ingresso=earlier)
    participant(project, sesso="M", data_ingresso=day)
    return Listing(
        _signed_in(beneficiary_user(project)),
        f"/monitoring/projects/{project.pk}/participants",
        {"sex": "F", "ordering": "-entry_date"},
        [second.pk, first.pk, third.pk],
    )


def notifications() -> Listing:
    user = UserFactory()
    first, second = (NotificationFactory(user=user, event=events.APPLICATION_RECEIPT) for _ in range(2))
    NotificationFactory(user=user, event=events.RANKING_PUBLISHED)
    NotificationFactory(event=events.APPLICATION_RECEIPT)  # someone else's
    _tie(Notification, first, second, created_at=timezone.now())
    return Listing(
        _signed_in(user),
        "/notifications",
        {"event": events.APPLICATION_RECEIPT, "ordering": "created_at"},
        [first.pk, second.pk],
    )


def audit_trail() -> Listing:
    organisation = OrganisationFactory()
    first, second = (record_event(actor=None, action="test.checked", obj=organisation) for _ in range(2))
    record_event(actor=None, action="test.other", obj=organisation)
    assert AuditEvent.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    return Listing(
        _superuser(),
        f"/audit/registry/organisation/{organisation.pk}",
        {"action": "test.checked", "ordering": "timestamp"},
        [first.pk, second.pk],
    )


def public_projects() -> Listing:
    first = ProjectFactory()
    second = ProjectFactory(call=first.call)
    ProjectFactory()  # another call
    _tie(Project, first, second, title="Progetto uguale")
    return Listing(
        Client(),
        "/public/projects",
        {"call": first.call.code, "ordering": "-title"},
        [second.pk, first.pk],
    )


def activities() -> Listing:
    first = activity(title="Laboratorio uguale", hours=Decimal("2.0"))
    second = activity(title="Laboratorio uguale", hours=Decimal("2.0"))
    third = activity(title="Laboratorio uguale", hours=Decimal("1.0"))
    activity(kind=ActivityKind.SEMINAR, title="Laboratorio uguale")
    return Listing(
        Client(),
        "/public/activities",
        {"kind": ActivityKind.WORKSHOP, "ordering": "-hours"},
        [second.pk, first.pk, third.pk],
    )


FAMILIES: dict[str, Callable[[], Listing]] = {
    "programme": calls,
    "territory": municipalities,
    "registry": organisations,
    "applications": applications,
    "projects": projects,
    "evaluation-assignments": assignments,
    "evaluation-notices": notices,
    "finance": claims,
    "monitoring": participants,
    "notifications": notifications,
    "audit": audit_trail,
    "transparency-projects": public_projects,
    "transparency-activities": activities,
}


def _get(listing: Listing, **params):
    return listing.client.get(f"{API}{listing.path}", {**listing.params, **params})


def _page(listing: Listing, **params) -> dict:
    response = _get(listing, **params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _keys(page: dict, key: str) -> list:
    return [item[key] for item in page["items"]]


def _problem_about(response, parameter: str) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert parameter in {error["field"] for error in json.loads(response.content)["errors"]}


@pytest.fixture(params=sorted(FAMILIES))
def listing(request) -> Listing:
    return FAMILIES[request.param]()


def test_filter_ordering_and_pages(listing):
    page = _page(listing)
    assert _keys(page, listing.key) == listing.expected
    assert page["count"] == len(listing.expected)
    # Pages of one item, one after the other: the same sequence, no overlap, no gap.
    pages = [_page(listing, page=n, page_size=1) for n in range(1, len(listing.expected) + 1)]
    assert [key for page in pages for key in _keys(page, listing.key)] == listing.expected
    assert {page["count"] for page in pages} == {len(listing.expected)}
    # A page past the last: empty, with the count.
    assert _page(listing, page=MAX_PAGE, page_size=MAX_PAGE_SIZE) == {
        "items": [],
        "count": len(listing.expected),
    }


OUT_OF_RANGE = [
    ("page", MAX_PAGE + 1),
    ("page", 10**30),
    ("page", 0),
    ("page_size", MAX_PAGE_SIZE + 1),
    ("page_size", 0),
    ("ordering", "nonexistent"),
]


def test_out_of_range_inputs_are_a_problem_not_a_crash(listing):
    for parameter, value in OUT_OF_RANGE:
        _problem_about(_get(listing, **{parameter: value}), parameter)
