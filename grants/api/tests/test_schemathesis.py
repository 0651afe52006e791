"""The API keeps its published contract: schemathesis calls every operation of /api/v1/openapi.json.

Callers with the browser's session: anonymous; an applicant (legal representative of an organisation with an
application); a member of the Region's staff with every evaluation and audit permission (MFA is off in the
test profile). Callers with a personal access token (``Authorization: Bearer``, write scope): the
beneficiary of a running project (application, project with a pending extension, expense claim, proposed
advance, participant, monitoring report, experience sheet, accompaniment activity, de minimis aid,
notification) and a member of staff holding every permission of the platform, with the TOTP authenticator a
staff token needs. A token caller sends each generated request as it is and, when the path names objects,
again with the ids of the objects it may reach, so the handlers run on real data, not only on 404s.

Checks: no server error, every status code documented, every body valid against the documented schema.
Bounded: few examples, derandomized generation.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from grants.accounts import tokens
from grants.accounts.mfa import DEMO_TOTP_SECRET, set_totp_secret
from grants.accounts.models import TokenScope
from grants.api.urls import api
from grants.applications.tests.factories import member_of, ready_application
from grants.evaluation.tests.factories import MANAGER_PERMISSIONS, staff
from grants.finance import services as finance_services
from grants.finance.tests.factories import guarantee, invoice
from grants.monitoring import services as monitoring_services
from grants.monitoring.models import Indicator
from grants.monitoring.tests.factories import row
from grants.notifications.services import notify
from grants.programme.models import Fund
from grants.projects import services as project_services
from grants.projects.tests.factories import ProjectFactory
from grants.registry import services as registry_services
from grants.registry.models import Membership
from grants.registry.tests.factories import UserFactory
from grants.territory.models import Municipality
from grants.transparency import services as transparency_services
from grants.transparency.tests.factories import COMPLETE_SHEET, activity
from tests.support import module_transaction

pytestmark = pytest.mark.single_pass

API = "/api/v1"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


# The document /api/v1/openapi.json serves, built in-process (no request, no database at collection time).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(path_prefix=f"{API}/"))))
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db, settings):
    # Thousands of requests from one address: the rate limit has its own tests (test_rate_limit.py).
    settings.API_RATE_LIMIT = None
    # As Django's test client does: the test's connection (and its transaction) survives each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@dataclass(frozen=True)
class Caller:
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    # Path parameter -> the id (or code) of an object this caller may reach.
    ids: dict[str, object] = field(default_factory=dict)


def _signed_in(user) -> Caller:
    """A browser session for ``user`` with a CSRF cookie and the matching header."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    return Caller(
        headers={"X-CSRFToken": csrf},
        cookies={
            django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            django_settings.CSRF_COOKIE_NAME: csrf,
        },
    )


@pytest.fixture(scope="module")
def _users(django_db_setup, django_db_blocker) -> dict:
    """An applicant with a draft and a manager with the audit permission, made once for the module (each
    case runs in a savepoint of this transaction, rolled back when the module ends)."""
    with django_db_blocker.unblock(), module_transaction():
        user, organisation = member_of()
        ready_application(user=user, organisation=organisation)
        manager = staff(*MANAGER_PERMISSIONS)
        audit = Permission.objects.get(content_type__app_label="core", codename="view_auditevent")
        manager.user_permissions.add(audit)
        yield {"applicant": user, "staff": type(manager).objects.get(pk=manager.pk)}


@pytest.fixture
def applicant(_users, db) -> Caller:
    return _signed_in(_users["applicant"])


@pytest.fixture
def staff_member(_users, db) -> Caller:
    return _signed_in(_users["staff"])


BOUNDED = hypothesis_settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _call_and_check(case, caller: Caller) -> int:
    response = case.call(headers=caller.headers, cookies=caller.cookies)
    case.validate_response(response, checks=CHECKS, headers=caller.headers)
    return response.status_code


def _with_real_ids(case, caller: Caller):
    """The same request on objects the caller may reach (None when the path names none of them)."""
    wanted = {name: _real_id(case.path, name, caller.ids) for name in case.path_parameters}
    known = {name: value for name, value in wanted.items() if value is not None}
    if not known:
        return None
    derived = case.derive()
    derived.path_parameters = {**case.path_parameters, **known}
    return derived


def _real_id(path: str, name: str, ids: dict):
    if name == "code":  # calls, programmes, measures and districts are all named by code
        for prefix, key in (("/calls/", "call_code"), ("/public/calls/", "call_code")):
            if path.startswith(f"{API}{prefix}"):
                return ids.get(key)
        return None
    if name == "object_id" and "/audit/" in path:
        return ids.get("application_id")
    return ids.get(name)


def _bearer(user) -> dict[str, str]:
    issued = tokens.create_token(actor=user, name="schemathesis", scope=TokenScope.WRITE)
    return {"Authorization": f"Bearer {issued.secret}"}


@dataclass(frozen=True)
class TokenCallers:
    beneficiary: Caller
    staff: Caller


@pytest.fixture
def token_callers(db) -> TokenCallers:
    """A running project of an FSE measure with what hangs off it, its beneficiary and an all-permission
    staff member (with TOTP), each with a write token."""
    user, organisation = member_of()
    project = ProjectFactory(user=user, organisation=organisation)
    Fund.objects.filter(pk=project.call.measure.fund_id).update(code="FSE")  # the ESF indicators apply
    draft = ready_application(user=user, organisation=organisation)
    claim = finance_services.create_claim(actor=user, project=project)
    item = finance_services.add_item(actor=user, claim=claim, data=invoice(project))
    participant = monitoring_services.add_participant(actor=user, project=project, data=row())
    report = monitoring_services.create_report(
        actor=user, project=project, period_end=project.actual_start_date
    )
    notify(event="application_receipt", subject="Ricevuta", body="Domanda presentata.", users=[user])
    later = project.planned_end_date + timedelta(days=60)
    change = project_services.request_extension(
        actor=user, project=project, new_end_date=later, reason="Ritardi nei lavori"
    )
    sheet = transparency_services.save_sheet(
        actor=user, project=project, data=transparency_services.SheetInput(**COMPLETE_SHEET)
    )
    aid = registry_services.declare_de_minimis_aid(
        actor=user,
        organisation=organisation,
        granted_on=date.today() - timedelta(days=200),
        granting_body="Comune di Prova",
        amount=Decimal("5000.00"),
    )
    officer = UserFactory(is_staff=True)
    officer.user_permissions.set(Permission.objects.filter(content_type__app_label__in=_PLATFORM_APPS))
    set_totp_secret(officer, DEMO_TOTP_SECRET)
    officer = type(officer).objects.get(pk=officer.pk)  # no stale permission cache
    payment = finance_services.propose_payment(
        actor=officer, project=project, kind="advance", guarantee=guarantee(project, actor=officer)
    )
    accompaniment = activity(actor=officer, project=project)
    shared = {
        "organisation_id": organisation.pk,
        "project_id": project.pk,
        "call_id": project.call_id,
        "call_code": project.call.code,
        "claim_id": claim.pk,
        "item_id": item.pk,
        "payment_id": payment.pk,
        "change_id": change.pk,
        "sheet_id": sheet.pk,
        "activity_id": accompaniment.pk,
        "aid_id": aid.pk,
        "participant_id": participant.pk,
        "report_id": report.pk,
        "indicator_id": Indicator.objects.filter(is_active=True).values_list("pk", flat=True).first(),
        "membership_id": Membership.objects.filter(organisation=organisation).values_list("pk", flat=True)[0],
        "milestone_id": project.milestones.values_list("pk", flat=True).first(),
        "istat_code": Municipality.objects.values_list("istat_code", flat=True).first(),
        "document_code": draft.call.required_documents.values_list("code", flat=True).first(),
        "app_label": "applications",
        "model": "application",
    }
    return TokenCallers(
        beneficiary=Caller(
            headers=_bearer(user),
            ids={
                **shared,
                "application_id": draft.pk,
                "notification_id": user.notifications.values_list("pk", flat=True).first(),
            },
        ),
        # Staff act on the project's (submitted, funded) application, not on the applicant's draft.
        staff=Caller(headers=_bearer(officer), ids={**shared, "application_id": project.application_id}),
    )


_PLATFORM_APPS = (
    "core",
    "accounts",
    "registry",
    "programme",
    "applications",
    "evaluation",
    "projects",
    "finance",
    "monitoring",
    "transparency",
    "notifications",
)


@schema.parametrize()
@BOUNDED
def test_contract_anonymous(case):
    _call_and_check(case, Caller())


@schema.parametrize()
@BOUNDED
def test_contract_applicant(case, applicant):
    _call_and_check(case, applicant)


@schema.parametrize()
@BOUNDED
def test_contract_staff(case, staff_member):
    _call_and_check(case, staff_member)


OPERATIONS = [result.ok() for result in schema.get_all_operations()]
# Operations answering 2xx on the callers' own objects (55 when written): the real ids reach the handlers.
MIN_SERVED_ON_REAL_OBJECTS = 45


def _fuzz_with_tokens(operation, callers: TokenCallers) -> set[int]:
    """The statuses answered on the callers' real objects."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )
    on_real_objects: set[int] = set()

    @BOUNDED
    @given(case=strategy)
    def run(case):
        for caller in (callers.beneficiary, callers.staff):
            _call_and_check(case, caller)
            real = _with_real_ids(case, caller)
            if real is not None:
                on_real_objects.add(_call_and_check(real, caller))

    run()
    return on_real_objects


def test_contract_with_tokens(token_callers):
    """Every operation with both tokens, on one world built once: building the project and what hangs off it
    for each operation would dominate the run. Each operation runs in a savepoint rolled back afterwards, so
    a withdrawal, a renunciation or a deletion does not take the objects away from the next one."""
    assert len(OPERATIONS) > 150
    failures, served = {}, []
    for operation in OPERATIONS:
        try:
            with transaction.atomic():
                statuses = _fuzz_with_tokens(operation, token_callers)
                transaction.set_rollback(True)
        # Every operation runs; the failures (schemathesis raises exception groups) are reported together.
        except (Exception, BaseExceptionGroup) as exc:
            failures[operation.label] = exc
        else:
            if any(200 <= status < 300 for status in statuses):
                served.append(operation.label)
    assert not failures, "\n\n".join(f"{label}:\n{exc}" for label, exc in failures.items())
    # The real ids reach the handlers: reads and writes on real objects succeed, not only refusals.
    assert len(served) >= MIN_SERVED_ON_REAL_OBJECTS, (len(served), served)
