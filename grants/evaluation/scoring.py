"""Score arithmetic over a call's criteria tree, as pure functions (no database): the services, the pages and
the tests use the same code.

- Evaluators score the leaves only, from 0 to the leaf's maximum, each with a justification.
- A criterion's weight multiplies its points (and its sub-criteria's) in the totals; the weights along the
  path multiply. With the default weight 1 a total is the plain sum.
- A macro-criterion's points are the sum of its sub-criteria; its threshold (``min_points``) is stated in its
  own points and checked against them.
- Bonus criteria (``is_bonus``, or under a bonus criterion) are added on top: the call's minimum total
  (``min_total_score``) is checked on the score without bonus, the ranking uses base + bonus.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from grants.core.money import ZERO, round_money


@dataclass(frozen=True)
class CriterionNode:
    code: str
    title: str
    max_points: Decimal
    parent_code: str | None = None
    weight: Decimal = Decimal(1)
    min_points: Decimal | None = None
    is_bonus: bool = False
    order: int = 0


@dataclass(frozen=True)
class ScoreSheet:
    points: dict[str, Decimal]  # raw points per criterion code (leaves as given, macros as sums)
    weighted: dict[str, Decimal]  # weighted points per criterion code
    base: Decimal
    bonus: Decimal
    failures: list[str] = field(default_factory=list)  # thresholds not reached, in Italian

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus

    @property
    def meets_thresholds(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class ScoreError:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message}


class CriteriaTree:
    def __init__(self, nodes: Iterable[CriterionNode]):
        self.nodes = sorted(nodes, key=lambda n: (n.order, n.code))
        self.by_code = {n.code: n for n in self.nodes}
        self.children: dict[str | None, list[CriterionNode]] = {}
        for node in self.nodes:
            self.children.setdefault(node.parent_code, []).append(node)

    @property
    def roots(self) -> list[CriterionNode]:
        return self.children.get(None, [])

    def is_leaf(self, node: CriterionNode) -> bool:
        return not self.children.get(node.code)

    @property
    def leaves(self) -> list[CriterionNode]:
        ordered: list[CriterionNode] = []

        def walk(node):
            kids = self.children.get(node.code)
            if not kids:
                ordered.append(node)
            for kid in kids or ():
                walk(kid)

        for root in self.roots:
            walk(root)
        return ordered

    def ancestors(self, node: CriterionNode) -> list[CriterionNode]:
        result = []
        while node.parent_code is not None and node.parent_code in self.by_code:
            node = self.by_code[node.parent_code]
            result.append(node)
        return result

    def effective_weight(self, node: CriterionNode) -> Decimal:
        weight = Decimal(node.weight)
        for ancestor in self.ancestors(node):
            weight *= Decimal(ancestor.weight)
        return weight

    def is_bonus(self, node: CriterionNode) -> bool:
        return node.is_bonus or any(a.is_bonus for a in self.ancestors(node))

    @property
    def max_base(self) -> Decimal:
        return round_money(
            sum(
                (
                    Decimal(leaf.max_points) * self.effective_weight(leaf)
                    for leaf in self.leaves
                    if not self.is_bonus(leaf)
                ),
                ZERO,
            )
        )


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return result if result.is_finite() else None


def points_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def score_errors(
    tree: CriteriaTree, points: Mapping[str, object], justifications: Mapping[str, str], *, complete: bool
) -> list[ScoreError]:
    """Points within 0..max with at most two decimals, a justification for each score, leaves only;
    ``complete`` requires every leaf (to submit), otherwise missing leaves are allowed (a saved draft)."""
    errors: list[ScoreError] = []
    leaves = {leaf.code: leaf for leaf in tree.leaves}
    for code in points:
        if code not in leaves:
            message = (
                _("Il criterio %(c)s si valuta attraverso i suoi sotto-criteri.") % {"c": code}
                if code in tree.by_code
                else _("Il criterio %(c)s non è previsto dal bando.") % {"c": code}
            )
            errors.append(ScoreError("criterion_invalid", f"scores.{code}", message))
    for code, leaf in leaves.items():
        raw = points.get(code)
        value = _as_decimal(raw)
        if raw is None or raw == "":
            if complete:
                errors.append(
                    ScoreError(
                        "score_missing",
                        f"scores.{code}",
                        _("Manca il punteggio del criterio %(c)s.") % {"c": code},
                    )
                )
            continue
        if value is None or value < 0 or value > leaf.max_points or value.as_tuple().exponent < -2:
            errors.append(
                ScoreError(
                    "score_out_of_range",
                    f"scores.{code}",
                    _("Criterio %(c)s: il punteggio va da 0 a %(max)s (al massimo due decimali).")
                    % {"c": code, "max": points_text(leaf.max_points)},
                )
            )
        if not (justifications.get(code) or "").strip():
            errors.append(
                ScoreError(
                    "justification_missing",
                    f"justifications.{code}",
                    _("Criterio %(c)s: la motivazione del punteggio è obbligatoria.") % {"c": code},
                )
            )
    return errors


def compute(
    tree: CriteriaTree, points: Mapping[str, Decimal], *, min_total: Decimal | None = None
) -> ScoreSheet:
    """Totals of a complete set of leaf points (missing leaves count 0) and the thresholds not reached."""
    raw: dict[str, Decimal] = {}
    weighted: dict[str, Decimal] = {}

    def walk(node: CriterionNode) -> tuple[Decimal, Decimal]:
        kids = tree.children.get(node.code)
        if not kids:
            value = _as_decimal(points.get(node.code)) or ZERO
            result = (value, value * tree.effective_weight(node))
        else:
            parts = [walk(kid) for kid in kids]
            result = (sum((p[0] for p in parts), ZERO), sum((p[1] for p in parts), ZERO))
        raw[node.code] = round_money(result[0])
        weighted[node.code] = round_money(result[1])
        return result

    base = bonus = ZERO
    for root in tree.roots:
        _raw, root_weighted = walk(root)
        if tree.is_bonus(root):
            bonus += root_weighted
        else:
            base += root_weighted
    base, bonus = round_money(base), round_money(bonus)
    failures = [
        _("Criterio %(c)s: %(p)s punti, sotto la soglia minima di %(min)s.")
        % {"c": node.code, "p": points_text(raw[node.code]), "min": points_text(node.min_points)}
        for node in tree.nodes
        if node.min_points is not None and raw.get(node.code, ZERO) < node.min_points
    ]
    if min_total is not None and base < min_total:
        failures.append(
            _("Punteggio complessivo %(p)s, sotto il minimo del bando di %(min)s.")
            % {"p": points_text(base), "min": points_text(min_total)}
        )
    return ScoreSheet(points=raw, weighted=weighted, base=base, bonus=bonus, failures=failures)


def mean(values: Iterable[Decimal]) -> Decimal:
    values = list(values)
    if not values:
        return ZERO
    return round_money(sum(values, ZERO) / len(values))
