"""The proposal is written in bulk: every entry still has its history row (who, why, created or deleted
when recomputed), the computation its audit event, and the totals add up."""

from decimal import Decimal

import pytest

from grants.core.models import AuditEvent
from grants.evaluation import selectors, services
from grants.evaluation.models import EntryOutcome, RankingEntry

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
        "placed": 2,
        "not_eligible": 1,
        "funded": 2,
        "granted": "100000.00",
    }
    assert event.before == {"entries": 0} and event.actor == actor

    again = services.compute_ranking(actor=actor, call=call)
    assert again.pk == ranking.pk and again.entries.count() == 3
    history = RankingEntry.history.filter(ranking_id=ranking.pk)
    assert history.filter(history_type="-").count() == 3
    assert history.filter(history_type="+").count() == 6
    deleted = {h.id for h in history.filter(history_type="-")}
    assert deleted == {entry.pk for entry in entries.values()}
    assert not RankingEntry.objects.filter(pk__in=deleted).exists()
    assert AuditEvent.objects.filter(action="ranking.entries_written").latest("pk").before == {"entries": 3}
    totals = selectors.ranking_totals(again)
    assert totals == {
        "budget": Decimal("100000.00"),
        "granted": Decimal("100000.00"),
        "remaining": Decimal("0.00"),
    }
