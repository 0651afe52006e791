"""The submission's per-process copy of a call's rules never outlives a change of those rules."""

from decimal import Decimal

import pytest

from grants.applications import selectors
from grants.programme.models import Call
from grants.programme.tests.factories import (
    CallFactory,
    CallReserveFactory,
    CostCategoryFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db


def _fresh(call) -> Call:
    return Call.objects.get(pk=call.pk)  # as the submission reads it, with the locked application


def test_the_cached_rules_follow_every_change_of_categories_and_documents():
    call = CallFactory()
    assert selectors.cached_call_terms(_fresh(call)).categories == ()

    category = CostCategoryFactory(call=call, code="personale")
    assert [c.code for c in selectors.cached_call_terms(_fresh(call)).categories] == ["personale"]

    category.cap_percent = Decimal("40")
    category.save()
    assert selectors.cached_call_terms(_fresh(call)).categories[0].cap_percent == Decimal("40")

    document = RequiredDocumentFactory(call=call, code="statuto")
    assert [d.code for d in selectors.cached_call_terms(_fresh(call)).documents] == ["statuto"]

    document.delete()
    category.delete()
    terms = selectors.cached_call_terms(_fresh(call))
    assert terms.documents == () and terms.categories == ()


def test_the_same_version_is_read_once(django_assert_num_queries):
    call = CallFactory()
    CostCategoryFactory(call=call, code="personale")
    fresh = _fresh(call)
    selectors.cached_call_terms(fresh)
    same_version = Call(pk=fresh.pk, updated_at=fresh.updated_at)  # another request's read of the call
    with django_assert_num_queries(0):
        assert [c.code for c in selectors.cached_call_terms(same_version).categories] == ["personale"]


def test_the_cached_reserves_follow_every_change_of_the_reserves():
    call = CallFactory()
    assert selectors.cached_call_reserves(_fresh(call)) == ()

    reserve = CallReserveFactory(call=call, code="linea-a")
    assert [r.code for r in selectors.cached_call_reserves(_fresh(call))] == ["linea-a"]

    reserve.code = "linea-b"
    reserve.save()
    assert [r.code for r in selectors.cached_call_reserves(_fresh(call))] == ["linea-b"]

    reserve.delete()
    assert selectors.cached_call_reserves(_fresh(call)) == ()
