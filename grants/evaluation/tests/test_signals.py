"""The evaluation tells the contexts above it when an application is funded or gives its grant up, only
after the deciding transaction commits."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from grants.evaluation import services, signals

from .factories import DETERMINATION, evaluated_call, manager, officer

pytestmark = pytest.mark.django_db

GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}  # 70


@pytest.fixture
def received():
    calls = []

    def funded(sender, **kwargs):
        calls.append(("funded", kwargs["application"].pk, kwargs["granted_amount"], kwargs["ranking"].pk))

    def defunded(sender, **kwargs):
        calls.append(("defunded", kwargs["application"].pk, kwargs["reason"]))

    signals.application_funded.connect(funded)
    signals.application_defunded.connect(defunded)
    yield calls
    signals.application_funded.disconnect(funded)
    signals.application_defunded.disconnect(defunded)


def test_funded_on_approval_and_on_each_slide_after_commit(received, django_capture_on_commit_callbacks):
    call, (a, b, c), _ = evaluated_call(
        [("50000", {**GOOD, "B2": "35"}), ("40000", GOOD), ("30000", {**GOOD, "B2": "20"})],
        budget=Decimal("60000.00"),
    )
    ranking = services.compute_ranking(actor=officer(), call=call)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    assert received == []  # nothing before the commit
    for callback in pending:
        callback()
    assert received == [
        ("funded", a.pk, Decimal("50000.00"), ranking.pk),
        ("funded", b.pk, Decimal("10000.00"), ranking.pk),
    ]
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_renunciation(actor=a.created_by, application=a, reason="Il progetto non parte")
    assert received == [
        ("defunded", a.pk, "Il progetto non parte"),
        ("funded", b.pk, Decimal("40000.00"), ranking.pk),  # topped up: the new total
        ("funded", c.pk, Decimal("20000.00"), ranking.pk),
    ]


def test_nothing_is_sent_when_the_approval_is_refused(received, django_capture_on_commit_callbacks):
    call, _apps, _ = evaluated_call([("10000", GOOD)])
    ranking = services.compute_ranking(actor=officer(), call=call)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.approve_ranking(actor=officer(), ranking=ranking, **DETERMINATION)
    assert received == []
