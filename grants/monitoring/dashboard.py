"""Reads of the dashboards (managers, officers): money by programme, fund, measure, call, province and
Distretto; applications per call over time and by outcome; projects by status; indicators against targets.

Money comes from ``ProjectFinanceSummary``: one row per project holding its dimensions and its granted, paid,
claimed and certified (admitted) amounts, kept fresh by grants.monitoring.receivers on every payment, claim,
item and project change, and rebuilt in full by ``manage.py refresh_monitoring``. Certified expenditure is the
finance context's own arithmetic (grants.finance.costs: flat rates recomputed from their admitted base) over
the items of the checked claims, grouped per partner and category in the database first.

Where a project is: its province is the single province of intervention of its application, otherwise the
beneficiary's seat; its Distretto the single district of intervention (none when several or none).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.money import ZERO, round_money
from grants.core.timeutils import ROME, now
from grants.finance import costs
from grants.finance.models import ExpenseItem, Payment
from grants.finance.selectors import category_rules
from grants.finance.states import CERTIFIED_CLAIM_STATUSES, ClaimStatus, PaymentStatus
from grants.programme.models import Call, Fund, Measure, Programme
from grants.programme.permissions import scope_to_staff_calls, staff_calls
from grants.projects.models import Project
from grants.projects.states import ProjectStatus
from grants.territory.models import CohesionDistrict, Province

from . import selectors
from .models import ProjectFinanceSummary

DIMENSIONS = {
    "programme": gettext_lazy("Programma"),
    "fund": gettext_lazy("Fondo"),
    "measure": gettext_lazy("Misura"),
    "call": gettext_lazy("Bando"),
    "province": gettext_lazy("Provincia"),
    "district": gettext_lazy("Distretto"),
}
_DIMENSION_MODELS = {
    "programme": Programme,
    "fund": Fund,
    "measure": Measure,
    "call": Call,
    "province": Province,
    "district": CohesionDistrict,
}


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters (ids; None = all) and the dimension the money is grouped by. ``viewer``, the
    staff member looking, narrows every figure to the calls they work on (``grants.programme.permissions``);
    None (the management commands, the tests of the figures) reads every call."""

    programme: int | None = None
    fund: int | None = None
    measure: int | None = None
    call: int | None = None
    province: int | None = None
    district: int | None = None
    per: str = "measure"
    viewer: object = field(default=None, compare=False, repr=False)

    @classmethod
    def from_query(cls, query, viewer=None) -> "Filters":
        values = {}
        for name in _DIMENSION_MODELS:
            raw = (query.get(name) or "").strip()
            values[name] = int(raw) if raw.isdigit() and len(raw) < 10 else None
        per = query.get("per") or "measure"
        return cls(**values, per=per if per in DIMENSIONS else "measure", viewer=viewer)

    def as_query(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None and k != "viewer"}

    def summaries(self) -> QuerySet[ProjectFinanceSummary]:
        rows = ProjectFinanceSummary.objects.all()
        if self.viewer is not None:
            rows = scope_to_staff_calls(self.viewer, rows)
        for name in _DIMENSION_MODELS:
            value = getattr(self, name)
            if value is not None:
                rows = rows.filter(**{f"{name}_id": value})
        return rows

    def calls(self) -> QuerySet[Call]:
        calls = Call.objects.all() if self.viewer is None else staff_calls(self.viewer)
        if self.programme:
            calls = calls.filter(measure__programme_id=self.programme)
        if self.fund:
            calls = calls.filter(measure__fund_id=self.fund)
        if self.measure:
            calls = calls.filter(measure_id=self.measure)
        if self.call:
            calls = calls.filter(pk=self.call)
        return calls

    def measures(self) -> QuerySet[Measure]:
        return Measure.objects.filter(pk__in=self.calls().values("measure_id")).select_related("fund")


@dataclass
class MoneyRow:
    key: int | None
    label: str
    budget: Decimal | None
    granted: Decimal = ZERO
    paid: Decimal = ZERO
    claimed: Decimal = ZERO
    certified: Decimal = ZERO
    projects: int = 0


@dataclass
class Dashboard:
    filters: Filters
    money: list[MoneyRow]
    money_total: MoneyRow
    statuses: list[tuple[str, str, int]]
    applications_by_month: list[tuple[str, int]]
    applications_by_call: list[dict]
    outcomes: list[tuple[str, str]]
    indicators: list
    refreshed_at: datetime | None
    choices: dict = field(default_factory=dict)


def _budgets(per: str, keys) -> dict:
    """The budget of every row of the breakdown, in one query: a measure's or a call's own, the sum of the
    measures' of a fund or a programme. Provinces and districts have no budget of their own (None)."""
    keys = [k for k in keys if k is not None]
    if per in ("measure", "call"):
        model = Measure if per == "measure" else Call
        return dict(model.objects.filter(pk__in=keys).values_list("pk", "budget"))
    if per in ("fund", "programme"):
        budgets = dict.fromkeys(keys, ZERO)  # a fund or programme without measures has a budget of zero
        budgets.update(
            Measure.objects.filter(**{f"{per}_id__in": keys})
            .order_by()
            .values_list(f"{per}_id")
            .annotate(total=Sum("budget"))
            .values_list(f"{per}_id", "total")
        )
        return budgets
    return {}


def _labels(per: str, keys) -> dict:
    model = _DIMENSION_MODELS[per]
    objects = model.objects.filter(pk__in=[k for k in keys if k is not None])
    if per in ("measure", "fund"):
        return {o.pk: f"{o.code} – {o.display_title}" for o in objects}
    if per in ("programme", "call"):
        return {o.pk: o.display_title for o in objects}
    return {o.pk: o.name for o in objects}


def money_by(filters: Filters) -> tuple[list[MoneyRow], MoneyRow]:
    """Budget vs granted vs paid vs certified, one row per value of ``filters.per`` plus the total."""
    grouped = (
        filters.summaries()
        .values(f"{filters.per}_id")
        .annotate(
            granted=Sum("granted"),
            paid=Sum("paid"),
            claimed=Sum("claimed"),
            certified=Sum("certified"),
            projects=Count("pk"),
        )
        .order_by(f"{filters.per}_id")
    )
    grouped = list(grouped)
    keys = [g[f"{filters.per}_id"] for g in grouped]
    labels = _labels(filters.per, keys)
    budgets = _budgets(filters.per, keys)
    rows = [
        MoneyRow(
            key=g[f"{filters.per}_id"],
            label=labels.get(g[f"{filters.per}_id"], _("Non indicato")),
            budget=budgets.get(g[f"{filters.per}_id"]),
            granted=round_money(g["granted"] or ZERO),
            paid=round_money(g["paid"] or ZERO),
            claimed=round_money(g["claimed"] or ZERO),
            certified=round_money(g["certified"] or ZERO),
            projects=g["projects"],
        )
        for g in grouped
    ]
    rows.sort(key=lambda r: r.label)
    budgets = [r.budget for r in rows if r.budget is not None]
    total = MoneyRow(
        key=None,
        label=_("Totale"),
        budget=round_money(sum(budgets, ZERO)) if budgets and len(budgets) == len(rows) else None,
        granted=round_money(sum((r.granted for r in rows), ZERO)),
        paid=round_money(sum((r.paid for r in rows), ZERO)),
        claimed=round_money(sum((r.claimed for r in rows), ZERO)),
        certified=round_money(sum((r.certified for r in rows), ZERO)),
        projects=sum(r.projects for r in rows),
    )
    return rows, total


def projects_by_status(filters: Filters) -> list[tuple[str, str, int]]:
    counts = dict(
        filters.summaries().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return [(status.value, str(status.label), counts.get(status.value, 0)) for status in ProjectStatus]


# Outcomes shown per call (a submitted application is in exactly one of these).
OUTCOMES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INTEGRATION_REQUESTED,
    ApplicationStatus.REJECTION_NOTIFIED,
    ApplicationStatus.ADMISSIBLE,
    ApplicationStatus.NOT_ADMISSIBLE,
    ApplicationStatus.EVALUATED,
    ApplicationStatus.FUNDED,
    ApplicationStatus.ELIGIBLE_NOT_FUNDED,
    ApplicationStatus.NOT_ELIGIBLE,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.RENOUNCED,
]


def _sent_applications(filters: Filters) -> QuerySet[Application]:
    applications = Application.objects.filter(call__in=filters.calls(), submitted_at__isnull=False)
    if filters.province:
        applications = applications.filter(
            Q(provinces=filters.province) | Q(applicant__seat__province=filters.province)
        )
    if filters.district:
        applications = applications.filter(districts=filters.district)
    return applications


def applications_by_month(filters: Filters) -> list[tuple[str, int]]:
    rows = (
        _sent_applications(filters)
        .annotate(month=TruncMonth("submitted_at", tzinfo=ROME))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .order_by("month")
    )
    return [(row["month"].strftime("%Y-%m"), row["n"]) for row in rows]


def applications_by_call(filters: Filters) -> list[dict]:
    counts = defaultdict(dict)
    for call_id, status, n in (
        _sent_applications(filters).values_list("call_id", "status").annotate(n=Count("pk", distinct=True))
    ):
        counts[call_id][status] = n
    calls = Call.objects.filter(pk__in=counts).order_by("-opens_at", "code")
    return [
        {
            "call": call,
            "counts": [counts[call.pk].get(status.value, 0) for status in OUTCOMES],
            "total": sum(counts[call.pk].values()),
        }
        for call in calls
    ]


def build(filters: Filters, *, include_sensitive: bool) -> Dashboard:
    money, total = money_by(filters)
    summaries = filters.summaries()
    projects = Project.objects.filter(pk__in=summaries.values("project_id"))
    return Dashboard(
        filters=filters,
        money=money,
        money_total=total,
        statuses=projects_by_status(filters),
        applications_by_month=applications_by_month(filters),
        applications_by_call=applications_by_call(filters),
        outcomes=[(s.value, str(s.label)) for s in OUTCOMES],
        indicators=selectors.indicator_totals(
            projects,
            calls=filters.calls() if not (filters.province or filters.district) else None,
            measures=filters.measures(),
            include_sensitive=include_sensitive,
        ),
        refreshed_at=summaries.order_by("-refreshed_at").values_list("refreshed_at", flat=True).first(),
    )


def filter_fields(filters: Filters) -> list[dict]:
    """The filter selects of the page: name, label and options (value, label, selected)."""
    options = {
        "programme": [(o.pk, o.display_title) for o in Programme.objects.order_by("code")],
        "fund": [
            (o.pk, f"{o.code} – {o.programme.code}")
            for o in Fund.objects.select_related("programme").order_by("programme__code", "code")
        ],
        "measure": [
            (o.pk, f"{o.code} – {o.display_title}")
            for o in Measure.objects.select_related("programme").order_by("programme__code", "order", "code")
        ],
        "call": [
            (o.pk, o.display_title)
            for o in (Call.objects.all() if filters.viewer is None else staff_calls(filters.viewer)).order_by(
                "-opens_at", "code"
            )
        ],
        "province": [(o.pk, o.name) for o in Province.objects.order_by("name")],
        "district": [(o.pk, o.name) for o in CohesionDistrict.objects.order_by("name")],
    }
    return [
        {
            "name": name,
            "label": label,
            "options": [(pk, text, getattr(filters, name) == pk) for pk, text in options[name]],
        }
        for name, label in DIMENSIONS.items()
    ]


# --- the summary --------------------------------------------------------------------------------------------
def _location(project: Project) -> tuple[int | None, int | None]:
    application = project.application
    provinces = [p.pk for p in application.provinces.all()]
    districts = [d.pk for d in application.districts.all()]
    province = provinces[0] if len(provinces) == 1 else None
    if province is None and project.beneficiary.seat_id:
        province = getattr(project.beneficiary.seat, "province_id", None)
    return province, districts[0] if len(districts) == 1 else None


def _claim_lines(project_ids, statuses) -> dict[int, list[costs.ClaimLine]]:
    """Items summed per (project, partner, category) in the database: what costs.claim_totals needs."""
    lines = defaultdict(list)
    rows = (
        ExpenseItem.objects.filter(claim__project_id__in=project_ids, claim__status__in=statuses)
        .values_list("claim__project_id", "partner_id", "category__code")
        .annotate(claimed=Sum("amount_claimed"), admitted=Sum("admitted_amount"))
    )
    for project_id, partner_id, code, claimed, admitted in rows:
        lines[project_id].append(costs.ClaimLine(partner_id, code, claimed or ZERO, admitted or ZERO))
    return lines


SENT_CLAIM_STATUSES = frozenset(set(ClaimStatus) - {ClaimStatus.DRAFT})


def refresh_summaries(project_ids=None) -> int:
    """Recompute the summary rows of ``project_ids`` (all projects when None); returns how many."""
    projects = Project.objects.select_related(
        "call__measure__fund", "call__measure__programme", "application", "beneficiary__seat"
    ).prefetch_related("application__provinces", "application__districts")
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    projects = list(projects)
    ids = [p.pk for p in projects]
    if project_ids is not None:
        ProjectFinanceSummary.objects.filter(pk__in=list(project_ids)).exclude(pk__in=ids).delete()
    if not ids:
        return 0
    paid = dict(
        Payment.objects.filter(project_id__in=ids, status=PaymentStatus.PAID)
        .values_list("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    sent = _claim_lines(ids, SENT_CLAIM_STATUSES)
    certified = _claim_lines(ids, CERTIFIED_CLAIM_STATUSES)
    rules_by_call: dict[int, list] = {}
    moment = now()
    rows = []
    for project in projects:
        if project.call_id not in rules_by_call:
            rules_by_call[project.call_id] = category_rules(project)
        category_rules_ = rules_by_call[project.call_id]
        province, district = _location(project)
        rows.append(
            ProjectFinanceSummary(
                project=project,
                programme_id=project.call.measure.programme_id,
                fund_id=project.call.measure.fund_id,
                measure_id=project.call.measure_id,
                call_id=project.call_id,
                province_id=province,
                district_id=district,
                status=project.status,
                granted=ZERO if project.status == ProjectStatus.RENOUNCED else project.grant,
                paid=round_money(paid.get(project.pk) or ZERO),
                claimed=costs.grand_total(
                    costs.claim_totals(category_rules_, sent.get(project.pk, []))
                ).claimed,
                certified=costs.grand_total(
                    costs.claim_totals(category_rules_, certified.get(project.pk, []))
                ).admitted,
                refreshed_at=moment,
            )
        )
    ProjectFinanceSummary.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=[
            "programme",
            "fund",
            "measure",
            "call",
            "province",
            "district",
            "status",
            "granted",
            "paid",
            "claimed",
            "certified",
            "refreshed_at",
        ],
    )
    return len(rows)
