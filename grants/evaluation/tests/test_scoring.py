"""Score arithmetic over a criteria tree (no database)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.evaluation.scoring import CriteriaTree, CriterionNode, compute, mean, score_errors

TREE = CriteriaTree(
    [
        CriterionNode("A", "A", Decimal(20), min_points=Decimal(10), order=1),
        CriterionNode("A1", "A1", Decimal(10), parent_code="A"),
        CriterionNode("A2", "A2", Decimal(10), parent_code="A", weight=Decimal("1.5")),
        CriterionNode("B", "B", Decimal(10), order=2),
        CriterionNode("P", "P", Decimal(5), is_bonus=True, order=3),
    ]
)


def test_leaves_in_tree_order():
    assert [leaf.code for leaf in TREE.leaves] == ["A1", "A2", "B", "P"]
    assert TREE.max_base == Decimal("35.00")


def test_compute_weights_thresholds_and_bonus():
    sheet = compute(
        TREE, {"A1": Decimal(4), "A2": Decimal(4), "B": Decimal(10), "P": Decimal(5)}, min_total=Decimal(20)
    )
    assert sheet.points["A"] == Decimal("8.00")
    assert sheet.weighted["A"] == Decimal("10.00")  # 4 + 4 × 1.5
    assert (sheet.base, sheet.bonus, sheet.total) == (Decimal("20.00"), Decimal("5.00"), Decimal("25.00"))
    assert sheet.failures == ["Criterio A: 8 punti, sotto la soglia minima di 10."]
    passing = compute(TREE, {"A1": Decimal(10), "A2": Decimal(0), "B": Decimal(9)}, min_total=Decimal(20))
    assert passing.failures == ["Punteggio complessivo 19, sotto il minimo del bando di 20."]


def test_score_errors_draft_and_complete():
    assert score_errors(TREE, {"A1": "3"}, {"A1": "ok"}, complete=False) == []
    codes = {e.code for e in score_errors(TREE, {"A1": "3"}, {"A1": "ok"}, complete=True)}
    assert codes == {"score_missing"}
    codes = {e.code for e in score_errors(TREE, {"A1": "abc", "X": "1"}, {}, complete=False)}
    assert codes == {"score_out_of_range", "justification_missing", "criterion_invalid"}


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=10))
def test_mean_is_within_the_range_and_has_two_places(values):
    result = mean(values)
    assert min(values) <= result <= max(values)
    assert result == result.quantize(Decimal("0.01"))
