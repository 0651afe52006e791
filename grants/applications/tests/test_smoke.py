import pytest

from grants.applications import services

from .factories import ready_application

pytestmark = pytest.mark.django_db


def test_ready_application_submits():
    application = ready_application()
    result = services.submit(
        actor=application.created_by,
        application=application,
        idempotency_key="k1",
        declarations_accepted=True,
    )
    assert result.created
    assert result.application.protocol.endswith("/0000001")
