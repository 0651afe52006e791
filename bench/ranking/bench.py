"""Ranking benchmark: consolidation, ranking and allocation of 50,000 applications × 3 evaluators × 8 criteria
on PostgreSQL (goal of issue "Evaluation": ranking + allocation under 2 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ranking .venv/bin/python bench/ranking/bench.py

(``make bench-ranking`` / ``bench/ranking/run.sh`` drop and create the database, migrate and run this.)
Knobs: APPLICATIONS (50,000), REPEAT (3 runs of each timed service), SAMPLE (20 applications whose last
evaluation is sent during the run), OUT (/tmp/bench_ranking.json).

What is in the database (filled once; a second run on the same database only resets the states):

- one ranking call (budget € 600 M, partial funding allowed, tie-breaks "criterio B" then arrival) with 8
  leaf criteria under 4 macro-criteria (thresholds on A and on the total, 60/100), two reserves (one
  province, € 100 M; the social cooperatives, € 60 M), a panel of 3 evaluators;
- APPLICATIONS evaluated applications (200 applicant organisations, 4 provinces), each with 3 submitted
  assignments, 3 submitted evaluations and 8 scores each (1.2 M scores), inserted with INSERT … SELECT over
  generate_series; the points follow a fixed formula (``points``), the same in SQL and here;
- their consolidated scores computed with the platform's own arithmetic (grants.evaluation.scoring:
  ``compute`` and ``mean`` over the three evaluations, as the service does) and bulk-inserted, except for
  SAMPLE applications whose third evaluation is left as a draft.

What is timed, each through the service a user's request calls:

1. consolidation: ``services.save_scores(submit=True)`` of the last evaluator of each SAMPLE application
   (8 scores written, then the mean of the 3 evaluations, thresholds, disagreement), per call;
2. ranking + allocation: ``services.compute_ranking`` of the whole call (read, order with the tie-breaks,
   reserves, allocation, the proposal written with its history), REPEAT times each: a first computation
   (no proposal yet: every entry written), a recomputation after one consolidated score gained 3 points
   (only the entries that changed are rewritten), an identical recomputation (nothing written); beside
   them the floor of the first one, the same rows written by one INSERT … SELECT with no Python;
3. renunciation and slide: ``services.record_renunciation`` of a funded application on the approved ranking
   (the approval itself, 50,000 notices, is set in bulk and not timed), REPEAT times.

The consolidated scores of the SAMPLE are checked against the bulk ones' formula, and the ranking's
invariants (funded total ≤ budget, each reserve within its amount, order by score) after each run.
"""

import itertools
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")  # no query log

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

APPLICATIONS = int(os.environ.get("APPLICATIONS", 50_000))
REPEAT = int(os.environ.get("REPEAT", 3))
SAMPLE = int(os.environ.get("SAMPLE", 20))
OUT = os.environ.get("OUT", "/tmp/bench_ranking.json")  # noqa: S108 - a report file, not a secret
CALL_CODE = "bench-ranking"
ORGANISATIONS = 200
PROVINCES = 4
EVALUATORS = 3
# (code, parent, max points, min points); the 8 leaves are what the evaluators score.
CRITERIA = [
    ("A", None, 25, 12),
    ("A1", "A", 10, None),
    ("A2", "A", 15, None),
    ("B", None, 35, None),
    ("B1", "B", 15, None),
    ("B2", "B", 20, None),
    ("C", None, 20, None),
    ("C1", "C", 10, None),
    ("C2", "C", 10, None),
    ("D", None, 20, None),
    ("D1", "D", 10, None),
    ("D2", "D", 10, None),
]
LEAVES = [(code, max_points) for code, parent, max_points, _min in CRITERIA if parent]


def points(number: int, member: int, leaf: int, max_points: int) -> int:
    """The points evaluator ``member`` (0..2) gives to leaf ``leaf`` (0..7) of application ``number``
    (1..N): 35 %..100 % of the maximum, spread by a hash. ``POINTS_SQL`` is the same formula."""
    spread = (number * 2654435761 + member * 40503 + leaf * 9973) % 1009
    return max_points * (350 + spread * 650 // 1008) // 1000


# (%% is a literal % once the query has parameters.)
POINTS_SQL = (
    "({max} * (350 + (((a.protocol_number::bigint * 2654435761 + {m} * 40503 + {c} * 9973) %% 1009) * 650)"
    " / 1008) / 1000)"
)


def insert_select(model, expressions: dict, source: str, params=()):
    """INSERT INTO model's table (every concrete column) SELECT the given SQL expressions (text, or (text,
    parameters)), the field's default or '' for the others, FROM ``source`` (then ``params``). Column names
    come from the model, expressions from this file: no outside input reaches the SQL."""
    columns, values, select_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            expression = expressions[field.column]
            if isinstance(expression, tuple):
                expression, extra = expression
                select_params.extend(extra)
            values.append(expression)
        elif field.column in ("created_at", "updated_at"):
            values.append("now()")
        elif field.has_default():
            values.append("%s")
            select_params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            values.append("NULL")
        else:
            values.append("''")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *params])
        return cursor.rowcount


def prepare():
    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus
    from grants.core.timeutils import now
    from grants.core.vocabulary import LegalForm
    from grants.evaluation import services
    from grants.evaluation.models import (
        Assignment,
        AssignmentStatus,
        Evaluation,
        EvaluationStatus,
        PanelMember,
        Score,
    )
    from grants.evaluation.tests.factories import evaluator, manager
    from grants.programme.models import Call, CallMode, Criterion, ReserveKind
    from grants.programme.tests.factories import CallFactory, CallReserveFactory, CriterionFactory
    from grants.registry.tests.factories import OrganisationFactory
    from grants.territory.tests.factories import ProvinceFactory

    call = Call.objects.filter(code=CALL_CODE).first()
    if call is not None:
        print(f"database already filled: {Application.objects.filter(call=call).count():,} applications")
        complete_applications(call)
        return call
    started = time.perf_counter()
    moment = now()
    call = CallFactory(
        code=CALL_CODE,
        mode=CallMode.RANKING,
        budget=Decimal("600000000.00"),
        min_total_score=Decimal(60),
        opens_at=moment - timedelta(days=90),
        closes_at=moment - timedelta(days=30),
        tie_break_rules=[
            "Maggior punteggio nel criterio B",
            "Ordine cronologico di presentazione della domanda",
        ],
        partial_funding_allowed=True,
    )
    parents = {}
    for order, (code, parent, max_points, min_points) in enumerate(CRITERIA):
        parents[code] = CriterionFactory(
            call=call,
            code=code,
            title=f"Criterio {code}",
            parent=parents.get(parent),
            max_points=max_points,
            min_points=min_points,
            order=order,
        )
    provinces = [ProvinceFactory() for _ in range(PROVINCES)]
    CallReserveFactory(
        call=call,
        code="provincia",
        label=f"Riserva {provinces[0].name}",
        kind=ReserveKind.PROVINCE,
        province=provinces[0],
        legal_forms=[],
        amount=Decimal("100000000.00"),
    )
    CallReserveFactory(
        call=call,
        code="cooperative",
        label="Riserva cooperative sociali",
        kind=ReserveKind.APPLICANT_TYPE,
        legal_forms=[LegalForm.SOCIAL_COOPERATIVE.value],
        amount=Decimal("60000000.00"),
    )
    forms = [LegalForm.THIRD_SECTOR, LegalForm.SOCIAL_COOPERATIVE]
    organisations = [OrganisationFactory(legal_form=forms[i % 2]) for i in range(ORGANISATIONS)]
    officer = manager(email="bench-officer@example.org")
    panel = services.set_panel(actor=officer, call=call, evaluators_per_application=EVALUATORS)
    for index in range(EVALUATORS):
        services.add_panel_member(
            actor=officer,
            panel=panel,
            user=evaluator(email=f"bench-evaluator-{index}@example.org"),
            is_president=index == 0,
        )
    members = list(PanelMember.objects.filter(panel=panel).order_by("pk"))
    org_ids = [o.pk for o in organisations]
    print(
        f"call, criteria, reserves, {ORGANISATIONS} organisations, panel: "
        f"{time.perf_counter() - started:.1f} s"
    )

    step = time.perf_counter()
    _insert_applications(call, org_ids, officer, moment, Application, ApplicationStatus)
    count = Application.objects.filter(call=call).count()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO applications_application_provinces (application_id, province_id)
            SELECT a.id, (%s::bigint[])[1 + a.protocol_number %% %s]
            FROM applications_application a WHERE a.call_id = %s
            """,
            [[p.pk for p in provinces], PROVINCES, call.pk],
        )
    print(f"{count:,} applications with their province: {time.perf_counter() - step:.1f} s")
    complete_applications(call)

    step = time.perf_counter()
    sample = _sample_numbers()
    for index, member in enumerate(members):
        # The last evaluator of a SAMPLE application has not sent the evaluation yet.
        last = index == len(members) - 1
        status = (
            (
                f"CASE WHEN a.protocol_number = ANY(%s) THEN '{AssignmentStatus.ACTIVE}' "
                f"ELSE '{AssignmentStatus.SUBMITTED}' END",
                [sample],
            )
            if last
            else f"'{AssignmentStatus.SUBMITTED}'"
        )
        insert_select(
            Assignment,
            {
                "application_id": "a.id",
                "member_id": str(int(member.pk)),
                "status": status,
                "automatic": "true",
                "assigned_by_id": str(int(officer.pk)),
                "declared_at": "now()",
            },
            f"applications_application a WHERE a.call_id = {int(call.pk)}",
        )
    insert_select(
        Evaluation,
        {
            "application_id": "s.application_id",
            "assignment_id": "s.id",
            "evaluator_id": "m.user_id",
            "is_consensus": "false",
            "status": f"CASE WHEN s.status = '{AssignmentStatus.ACTIVE}' THEN '{EvaluationStatus.DRAFT}' "
            f"ELSE '{EvaluationStatus.SUBMITTED}' END",
            "submitted_at": f"CASE WHEN s.status = '{AssignmentStatus.ACTIVE}' THEN NULL ELSE now() END",
        },
        "evaluation_assignment s JOIN evaluation_panelmember m ON m.id = s.member_id "
        f"WHERE m.panel_id = {int(panel.pk)}",
    )
    criteria = {c.code: c.pk for c in Criterion.objects.filter(call=call)}
    member_index = {m.pk: i for i, m in enumerate(members)}
    for leaf, (code, max_points) in enumerate(LEAVES):
        member_case = " ".join(f"WHEN {pk} THEN {i}" for pk, i in member_index.items())
        formula = POINTS_SQL.format(max=max_points, m=f"(CASE s.member_id {member_case} END)", c=leaf)
        insert_select(
            Score,
            {
                "evaluation_id": "e.id",
                "criterion_id": str(criteria[code]),
                "points": f"{formula}::numeric(6,2)",
                "justification": f"'Motivazione del criterio {code}'",
            },
            "evaluation_evaluation e JOIN evaluation_assignment s ON s.id = e.assignment_id "
            f"JOIN applications_application a ON a.id = e.application_id WHERE a.call_id = {int(call.pk)}",
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE evaluation_evaluation e SET total = t.total
            FROM (SELECT evaluation_id, sum(points) AS total FROM evaluation_score GROUP BY evaluation_id) t
            WHERE t.evaluation_id = e.id
            """
        )
    print(
        f"{Assignment.objects.count():,} assignments, {Evaluation.objects.count():,} evaluations, "
        f"{Score.objects.count():,} scores: {time.perf_counter() - step:.1f} s"
    )

    step = time.perf_counter()
    consolidated = _bulk_consolidate(call, sample)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{consolidated:,} consolidated scores (scoring.compute + mean): {time.perf_counter() - step:.1f} s"
    )
    print(f"prepared in {time.perf_counter() - started:.1f} s")
    return call


def complete_applications(call) -> None:
    """Each application's lead partner and one budget line (what a funded project copies when a slide
    funds it); added once, also to a database filled by an earlier version of this script."""
    from grants.applications.models import ApplicationPartner, BudgetLine
    from grants.programme.models import CostCategory, CostOption
    from grants.programme.tests.factories import CostCategoryFactory

    if BudgetLine.objects.filter(application__call=call).exists():
        return
    started = time.perf_counter()
    category = CostCategory.objects.filter(call=call, code="personale").first() or CostCategoryFactory(
        call=call, code="personale", title="Personale", cost_option=CostOption.REAL_COSTS
    )
    source = f"applications_application a WHERE a.call_id = {int(call.pk)}"
    insert_select(
        ApplicationPartner,
        {
            "application_id": "a.id",
            "organisation_id": "a.applicant_id",
            "role": "'lead'",
            "share_percent": "100",
            "confirmed_by_id": "a.created_by_id",
            "confirmed_at": "a.submitted_at",
        },
        source,
    )
    insert_select(
        BudgetLine,
        {
            "application_id": "a.id",
            "category_id": str(int(category.pk)),
            "description": "'Personale del progetto'",
            "amount": "a.total_cost",
        },
        source,
    )
    print(f"lead partners and budget lines: {time.perf_counter() - started:.1f} s")


def _insert_applications(call, org_ids, officer, moment, Application, ApplicationStatus):
    requested = "(20000 + (g::bigint * 7919) %% 60000)::numeric(14,2)"
    cofinancing = f"round({requested} * 0.1, 2)"
    ids = ",".join(str(int(pk)) for pk in org_ids)
    expressions = {
        "call_id": str(int(call.pk)),
        "applicant_id": f"(ARRAY[{ids}]::bigint[])[1 + g %% {len(org_ids)}]",
        "created_by_id": str(int(officer.pk)),
        "title": "'Progetto ' || g",
        "abstract": "'Sperimentazione di welfare di comunità.'",
        "status": f"'{ApplicationStatus.EVALUATED}'",
        "protocol_year": "2026",
        "protocol_number": "g",
        "submitted_at": "%s::timestamptz + g * interval '1 second'",
        "requested_grant": requested,
        "cofinancing": cofinancing,
        "total_cost": f"{requested} + {cofinancing}",
    }
    columns, values, params = [], [], []
    for field in Application._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column])
            if field.column == "submitted_at":
                params.append(call.opens_at)
        elif field.column in ("created_at", "updated_at"):
            values.append("now()")
        elif field.has_default():
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            values.append("NULL")
        else:
            values.append("''")
    params.append(APPLICATIONS)
    sql = (
        f"INSERT INTO applications_application ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sample_numbers() -> list[int]:
    """Protocol numbers of the SAMPLE applications, spread over the ranking."""
    return [1 + i * (APPLICATIONS // max(SAMPLE, 1)) for i in range(SAMPLE)]


def expected_consolidated(call, tree, number: int) -> dict:
    """What the service's mean consolidation gives for application ``number`` (grants.evaluation.services:
    _consolidate_mean), from the points formula."""
    from grants.core.money import ZERO, round_money
    from grants.evaluation.scoring import compute, mean

    sheets = [
        compute(
            tree,
            {
                code: Decimal(points(number, m, leaf, max_points))
                for leaf, (code, max_points) in enumerate(LEAVES)
            },
            min_total=call.min_total_score,
        )
        for m in range(EVALUATORS)
    ]
    raw = {node.code: mean(s.points[node.code] for s in sheets) for node in tree.nodes}
    weighted = {node.code: mean(s.weighted[node.code] for s in sheets) for node in tree.nodes}
    base = mean(s.base for s in sheets)
    bonus = mean(s.bonus for s in sheets)
    totals = [s.total for s in sheets]
    failures = [
        f"Criterio {node.code}"
        for node in tree.nodes
        if node.min_points is not None and raw.get(node.code, ZERO) < node.min_points
    ]
    if call.min_total_score is not None and base < call.min_total_score:
        failures.append("Punteggio complessivo")
    return {
        "raw": raw,
        "weighted": weighted,
        "base": base,
        "bonus": bonus,
        "spread": round_money(max(totals) - min(totals)),
        "failures": failures,
    }


def _bulk_consolidate(call, sample: list[int]) -> int:
    from grants.applications.models import Application
    from grants.evaluation import selectors
    from grants.evaluation.models import ConsolidatedScore, ScoreMethod
    from grants.evaluation.services import _threshold_failures

    tree = selectors.criteria_tree(call)
    panel = selectors.panel_of(call)
    skip = set(sample)
    rows = []
    for pk, number in (
        Application.objects.filter(call=call).values_list("pk", "protocol_number").iterator(5000)
    ):
        if number in skip:
            continue
        e = expected_consolidated(call, tree, number)
        rows.append(
            ConsolidatedScore(
                application_id=pk,
                method=ScoreMethod.MEAN,
                base_score=e["base"],
                bonus_score=e["bonus"],
                total_score=e["base"] + e["bonus"],
                criterion_scores={
                    "points": {k: str(v) for k, v in e["raw"].items()},
                    "weighted": {k: str(v) for k, v in e["weighted"].items()},
                },
                threshold_failures=_threshold_failures(tree, e["raw"], e["base"], call.min_total_score),
                meets_thresholds=not e["failures"],
                spread=e["spread"],
                disagreement=e["spread"] > panel.disagreement_threshold,
                evaluation_count=EVALUATORS,
                note="",
            )
        )
    ConsolidatedScore.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- resets: the same database serves several runs -------------------------------------------------------
def reset(call):
    """Back to "every evaluation sent but the SAMPLE's last one, no ranking": undo a previous run."""
    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus
    from grants.evaluation.models import (
        Assignment,
        AssignmentStatus,
        ConsolidatedScore,
        Evaluation,
        EvaluationStatus,
        Ranking,
        RankingEntry,
    )
    from grants.programme.models import Call, CallStatus

    sample = _sample_numbers()
    with transaction.atomic():
        RankingEntry.objects.filter(ranking__call=call)._raw_delete(connection.alias)
        Ranking.objects.filter(call=call)._raw_delete(connection.alias)
        Application.objects.filter(call=call).update(status=ApplicationStatus.EVALUATED)
        samples = Application.objects.filter(call=call, protocol_number__in=sample)
        ConsolidatedScore.objects.filter(application__in=samples).delete()
        samples.update(status=ApplicationStatus.ADMISSIBLE)
        last_member = (
            Assignment.objects.filter(application__call=call).order_by("-member_id").values("member_id")[:1]
        )
        sample_assignments = Assignment.objects.filter(application__in=samples, member_id__in=last_member)
        sample_assignments.update(status=AssignmentStatus.ACTIVE)
        Evaluation.objects.filter(assignment__in=sample_assignments).update(
            status=EvaluationStatus.DRAFT, submitted_at=None
        )
        Call.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)


def timed(label: str, function, repeat: int, before=None) -> dict:
    """``function(index)`` timed ``repeat`` times; ``before(index)``, untimed, prepares each run."""
    samples = []
    for index in range(repeat):
        if before is not None:
            before(index)
        started = time.perf_counter()
        function(index)
        samples.append(time.perf_counter() - started)
    result = {
        "label": label,
        "runs": repeat,
        "median_s": statistics.median(samples),
        "max_s": max(samples),
        "samples_s": samples,
    }
    print(f"{label:<62} median {result['median_s'] * 1000:9.1f} ms  max {result['max_s'] * 1000:9.1f} ms")
    return result


def write_floor(call) -> dict:
    """The database's own cost of writing the proposal the first computation wrote: the same rows deleted
    and inserted again by one INSERT … SELECT, their deferred foreign keys checked, rolled back; no Python.
    The first computation's figure over this one says what the platform adds to the database's floor."""
    from grants.evaluation.models import RankingEntry

    table = connection.ops.quote_name(RankingEntry._meta.db_table)
    samples = []
    for _run in range(REPEAT):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE floor_rows ON COMMIT DROP AS SELECT * FROM {table}")  # noqa: S608
            started = time.perf_counter()
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            cursor.execute(f"INSERT INTO {table} SELECT * FROM floor_rows")  # noqa: S608
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    result = {"label": "floor: the same rows by INSERT … SELECT", "median_s": statistics.median(samples)}
    print(f"{result['label']:<62} median {result['median_s'] * 1000:9.1f} ms")
    return result


def last_write() -> dict:
    """What the last computation wrote (its ``ranking.entries_written`` audit event)."""
    from grants.core.models import AuditEvent

    after = AuditEvent.objects.filter(action="ranking.entries_written").latest("pk").after
    return {key: after[key] for key in ("kept", "removed", "written")}


def check_ranking(call, ranking) -> dict:
    from grants.core.money import ZERO
    from grants.evaluation.models import FUNDED_OUTCOMES, EntryOutcome
    from grants.programme.models import CallReserve

    entries = list(
        ranking.entries.order_by("position").values("position", "score", "outcome", "granted", "funded_from")
    )
    placed = [e for e in entries if e["position"] is not None]
    granted = sum((e["granted"] for e in entries), ZERO)
    assert granted <= call.budget, granted
    for reserve in CallReserve.objects.filter(call=call):
        drawn = sum((Decimal(e["funded_from"].get(reserve.code, "0")) for e in entries), ZERO)
        assert drawn <= reserve.amount, (reserve.code, drawn)
    assert all(a["score"] >= b["score"] for a, b in itertools.pairwise(placed))
    return {
        "entries": len(entries),
        "funded": sum(1 for e in entries if e["outcome"] in FUNDED_OUTCOMES),
        "not_eligible": sum(1 for e in entries if e["outcome"] == EntryOutcome.NOT_ELIGIBLE),
        "granted": str(granted),
    }


def measure(call):
    from django.urls import reverse

    from grants.accounts.models import User
    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus
    from grants.core.timeutils import now
    from grants.evaluation import selectors, services
    from grants.evaluation.models import (
        FUNDED_OUTCOMES,
        Assignment,
        AssignmentStatus,
        ConsolidatedScore,
        EntryOutcome,
        Ranking,
        RankingEntry,
        RankingStatus,
    )

    reset(call)
    officer = User.objects.get(email="bench-officer@example.org")
    tree = selectors.criteria_tree(call)
    # Warm the process as a server's first request would: the URL configuration (every notice carries a
    # link) imports the whole site, SAML and the API schemas included: ~10 s, once per process.
    reverse("applications:application_detail", args=[1])
    results = {}

    # 1. consolidation, as the last evaluator's submission triggers it
    sample = list(
        Assignment.objects.filter(application__call=call, status=AssignmentStatus.ACTIVE)
        .select_related("member__user", "application")
        .order_by("application__protocol_number")
    )

    def submit_last(index):
        assignment = sample[index]
        number = assignment.application.protocol_number
        member = EVALUATORS - 1
        marks = {
            code: str(points(number, member, leaf, max_points))
            for leaf, (code, max_points) in enumerate(LEAVES)
        }
        services.save_scores(
            actor=assignment.member.user,
            assignment=assignment,
            points=marks,
            justifications={code: f"Motivazione del criterio {code}" for code in marks},
            submit=True,
        )

    results["consolidation"] = timed(
        f"consolidation: last save_scores(submit) of an application ({len(sample)})", submit_last, len(sample)
    )
    for assignment in sample:
        stored = ConsolidatedScore.objects.get(application=assignment.application)
        expected = expected_consolidated(call, tree, assignment.application.protocol_number)
        assert stored.base_score == expected["base"], (stored.base_score, expected["base"])
        assert stored.spread == expected["spread"]
    assert not Application.objects.filter(call=call, status=ApplicationStatus.ADMISSIBLE).exists()

    # 2. ranking + allocation of the whole call: a first computation (every entry written), a
    # recomputation after one consolidated score moved (only the entries that changed are rewritten), an
    # identical recomputation (nothing written); and the floor of the first one, measured in the same run.
    moment = now()
    checks = []

    def rank(_index):
        ranking = services.compute_ranking(actor=officer, call=call, moment=moment)
        checks.append(ranking)

    def no_proposal(_index):
        RankingEntry.objects.filter(ranking__call=call)._raw_delete(connection.alias)

    results["ranking"] = timed(
        f"ranking + allocation, first computation ({APPLICATIONS:,} applications)", rank, REPEAT, no_proposal
    )
    results["ranking"]["check"] = check_ranking(call, checks[-1])
    print(f"  {results['ranking']['check']}")
    results["ranking"]["baseline"] = write_floor(call)

    def one_score_moves(index):
        # A consensus score: the application at position 6,000 (+ 100 per run) gains 3 points.
        entry = RankingEntry.objects.get(ranking__call=call, position=6000 + 100 * index)
        ConsolidatedScore.objects.filter(application_id=entry.application_id).update(
            total_score=min(entry.score + 3, Decimal(100))
        )

    results["recomputation"] = timed(
        "ranking + allocation, recomputation after one score moved", rank, REPEAT, one_score_moves
    )
    results["recomputation"]["written"] = last_write()
    results["recomputation"]["check"] = check_ranking(call, checks[-1])
    results["identical"] = timed("ranking + allocation, identical recomputation", rank, REPEAT)
    results["identical"]["written"] = last_write()

    # 3. approval set in bulk (not timed), then renunciations with their slide
    ranking = Ranking.objects.get(call=call)
    with transaction.atomic():
        Ranking.objects.filter(pk=ranking.pk).update(
            status=RankingStatus.APPROVED,
            approved_by=officer,
            approved_at=moment,
            determination_number="DD 1/BENCH",
            determination_date=moment.date(),
        )
        entries = RankingEntry.objects.filter(ranking=ranking)
        Application.objects.filter(ranking_entry__in=entries.filter(outcome__in=FUNDED_OUTCOMES)).update(
            status=ApplicationStatus.FUNDED
        )
        Application.objects.filter(
            ranking_entry__in=entries.filter(outcome=EntryOutcome.ELIGIBLE_NOT_FUNDED)
        ).update(status=ApplicationStatus.ELIGIBLE_NOT_FUNDED)
        Application.objects.filter(
            ranking_entry__in=entries.filter(outcome=EntryOutcome.NOT_ELIGIBLE)
        ).update(status=ApplicationStatus.NOT_ELIGIBLE)
    funded = list(
        RankingEntry.objects.filter(ranking=ranking, outcome=EntryOutcome.FUNDED)
        .order_by("position")
        .values_list("application_id", flat=True)[:REPEAT]
    )
    slid = []

    def renounce(index):
        application = Application.objects.get(pk=funded[index])
        slid.append(
            services.record_renunciation(actor=officer, application=application, reason="Rinuncia (bench)")
        )

    results["renunciation"] = timed("renunciation + slide: record_renunciation", renounce, REPEAT)
    results["renunciation"]["funded_by_slide"] = [len(s) for s in slid]
    results["renunciation"]["check"] = check_ranking(call, Ranking.objects.get(pk=ranking.pk))
    return results


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    print(f"machine: {os.cpu_count()} cores, load {load()}")
    started = time.perf_counter()
    call = prepare()
    prepared = time.perf_counter() - started
    load_before = load()
    results = measure(call)
    load_after = load()
    report = {
        "applications": APPLICATIONS,
        "evaluators": EVALUATORS,
        "criteria": len(LEAVES),
        "repeat": REPEAT,
        "prepared_s": prepared,
        "load_before": load_before,
        "load_after": load_after,
        **results,
    }
    Path(OUT).write_text(json.dumps(report, indent=2))
    r, c, s = results["ranking"], results["consolidation"], results["renunciation"]
    again, same = results["recomputation"], results["identical"]
    floor = r["baseline"]["median_s"]
    print()
    print(
        "| date | applications × evaluators × criteria | first computation median / max (÷ floor) "
        "| recomputation after one score moved | identical recomputation "
        "| consolidation per application median / max | renunciation + slide median / max | load avg |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {time.strftime('%Y-%m-%d')} | {APPLICATIONS:,} × {EVALUATORS} × {len(LEAVES)} "
        f"| {r['median_s']:.2f} s / {r['max_s']:.2f} s (floor {floor:.2f} s, × {r['median_s'] / floor:.1f}) "
        f"| {again['median_s']:.2f} s / {again['max_s']:.2f} s ({again['written']['written']:,} rewritten) "
        f"| {same['median_s']:.2f} s / {same['max_s']:.2f} s "
        f"| {c['median_s'] * 1000:.0f} ms / {c['max_s'] * 1000:.0f} ms "
        f"| {s['median_s']:.2f} s / {s['max_s']:.2f} s | {load_before} → {load_after} |"
    )
    print(f"report: {OUT}")


if __name__ == "__main__":
    main()
