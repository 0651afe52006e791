"""The proposal is written in bulk: every entry still has its history row (who, why, created or deleted
when recomputed), the computation its audit event, and the totals add up; a recomputation rewrites only the
entries that changed."""

from decimal import Decimal

import pytest

from grants.core.models import AuditEvent
from grants.evaluation import selectors, services
from grants.evaluation.models import EntryOutcome, RankingEntry
from grants.programme.models import Call

from .factories import FULL_MARKS, LOW_MARKS, evaluated_call

pytestmark = pytest.mark.django_db


def test_entries_have_their_history_and_the_computation_its_audit_event():
    call, applications, actor = evaluated_call(
        [("60000", FULL_MARKS), ("60000", {**FULL_MARKS, "B2": "30"}), ("10000", LOW_MARKS)],
        budget=Decimal("100000.00"),
    )
    ranking = services.compute_ranking(actor=actor, call=call)
    entries = {e.application_id: e for e in ranking.entries.all()}
    assert [entries[a.pk].outcome for a in applications] == [
        EntryOutcome.FUNDED,
        EntryOutcome.PARTIALLY_FUNDED,
        EntryOutcome.NOT_ELIGIBLE,
    ]
    created = RankingEntry.history.filter(ranking_id=ranking.pk)
    assert created.count() == 3
    row = created.get(application_id=applications[1].pk)
    assert row.history_type == "+" and row.history_user == actor
    assert row.history_change_reason == "Graduatoria"
    assert row.granted == Decimal("40000.00") and row.position == 2 and row.funded_from == {"": "40000.00"}
    event = AuditEvent.objects.get(action="ranking.entries_written", object_id=str(ranking.pk))
    assert event.after == {
        "entries": 3,
        "kept": 0,
        "removed": 0,
        "written": 3,
        "placed": 2,
        "not_eligible": 1,
        "funded": 2,
        "granted": "100000.00",
    }
    assert event.before == {"entries": 0} and event.actor == actor
    totals = selectors.ranking_totals(ranking)
    assert totals == {
        "budget": Decimal("100000.00"),
        "granted": Decimal("100000.00"),
        "remaining": Decimal("0.00"),
    }


def _last_write():
    return AuditEvent.objects.filter(action="ranking.entries_written").latest("pk")


def test_an_identical_recomputation_rewrites_nothing():
    call, _applications, actor = evaluated_call(
        [("60000", FULL_MARKS), ("60000", {**FULL_MARKS, "B2": "30"})], budget=Decimal("100000.00")
    )
    ranking = services.compute_ranking(actor=actor, call=call)
    rows = set(ranking.entries.values_list("pk", "updated_at"))

    again = services.compute_ranking(actor=actor, call=call)

    assert again.pk == ranking.pk
    assert set(again.entries.values_list("pk", "updated_at")) == rows
    assert not RankingEntry.history.filter(ranking_id=ranking.pk, history_type="-").exists()
    assert RankingEntry.history.filter(ranking_id=ranking.pk, history_type="+").count() == 2
    assert _last_write().before == {"entries": 2}
    assert {k: _last_write().after[k] for k in ("kept", "removed", "written")} == {
        "kept": 2,
        "removed": 0,
        "written": 0,
    }


def test_a_recomputation_rewrites_only_the_entries_that_changed():
    call, applications, actor = evaluated_call(
        [("60000", FULL_MARKS), ("60000", {**FULL_MARKS, "B2": "30"}), ("10000", LOW_MARKS)],
        budget=Decimal("100000.00"),
    )
    ranking = services.compute_ranking(actor=actor, call=call)
    first = {e.application_id: e.pk for e in ranking.entries.all()}
    Call.objects.filter(pk=call.pk).update(budget=Decimal("110000.00"))  # the second one gets 50,000

    services.compute_ranking(actor=actor, call=call)

    now_ = {e.application_id: e for e in ranking.entries.all()}
    changed = applications[1].pk
    assert now_[changed].granted == Decimal("50000.00") and now_[changed].pk != first[changed]
    assert all(now_[a.pk].pk == first[a.pk] for a in applications if a.pk != changed)
    history = RankingEntry.history.filter(ranking_id=ranking.pk)
    deleted = history.get(history_type="-")
    assert deleted.application_id == changed and deleted.granted == Decimal("40000.00")
    assert deleted.history_change_reason == "Graduatoria ricalcolata" and deleted.history_user == actor
    assert history.filter(history_type="+", application_id=changed).count() == 2
    assert history.filter(history_type="+").count() == 4
    assert {k: _last_write().after[k] for k in ("kept", "removed", "written")} == {
        "kept": 2,
        "removed": 1,
        "written": 1,
    }
    assert selectors.ranking_totals(ranking)["granted"] == Decimal("110000.00")
