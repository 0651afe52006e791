"""The API keeps its published contract: schemathesis calls every operation of /api/v1/openapi.json.

Three callers: anonymous; an applicant (legal representative of an organisation with an application); a
member of the Region's staff with every evaluation and audit permission (MFA is off in the test profile).
Checks: no server error, every status code documented, every body valid against the documented schema.
Bounded (few examples, derandomized generation) so the whole run stays under two minutes.
"""

import json
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from grants.api.urls import api
from grants.applications.tests.factories import member_of, ready_application
from grants.evaluation.tests.factories import MANAGER_PERMISSIONS, staff

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


@pytest.fixture
def applicant(db) -> Caller:
    user, organisation = member_of()
    ready_application(user=user, organisation=organisation)
    return _signed_in(user)


@pytest.fixture
def staff_member(db) -> Caller:
    user = staff(*MANAGER_PERMISSIONS)
    audit = Permission.objects.get(content_type__app_label="core", codename="view_auditevent")
    user.user_permissions.add(audit)
    return _signed_in(user)


BOUNDED = hypothesis_settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _call_and_check(case, caller: Caller) -> None:
    response = case.call(headers=caller.headers, cookies=caller.cookies)
    case.validate_response(response, checks=CHECKS, headers=caller.headers)


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
