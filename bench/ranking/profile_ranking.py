"""cProfile of one ``compute_ranking`` (or one consolidation) on a database filled by bench/ranking/bench.py.

    KEEP_DB=1 BENCH_RANKING_DB=bench_ranking bench/ranking/run.sh      # fill once (or a full run)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ranking \
        .venv/bin/python bench/ranking/profile_ranking.py [ranking|consolidation] [rows]

Prints the functions by cumulative time and the number of SQL statements.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def main():
    from grants.accounts.models import User
    from grants.core.timeutils import now
    from grants.evaluation import services
    from grants.evaluation.models import Assignment, AssignmentStatus
    from grants.programme.models import Call

    what = sys.argv[1] if len(sys.argv) > 1 else "ranking"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    call = Call.objects.get(code=bench.CALL_CODE)
    officer = User.objects.get(email="bench-officer@example.org")
    if what == "renunciation":
        # On the approved ranking a full run of bench.py leaves behind: the next funded application renounces.
        from grants.applications.models import Application
        from grants.evaluation.models import EntryOutcome, RankingEntry

        entry = (
            RankingEntry.objects.filter(ranking__call=call, outcome=EntryOutcome.FUNDED)
            .order_by("position")
            .first()
        )
        application = Application.objects.get(pk=entry.application_id)

        def action():
            services.record_renunciation(actor=officer, application=application, reason="Rinuncia (profilo)")

        return profile(what, action, rows)
    bench.reset(call)
    if what == "consolidation":
        assignment = (
            Assignment.objects.filter(application__call=call, status=AssignmentStatus.ACTIVE)
            .select_related("member__user", "application")
            .first()
        )
        number = assignment.application.protocol_number
        marks = {
            code: str(bench.points(number, bench.EVALUATORS - 1, leaf, max_points))
            for leaf, (code, max_points) in enumerate(bench.LEAVES)
        }

        def action():
            services.save_scores(
                actor=assignment.member.user,
                assignment=assignment,
                points=marks,
                justifications=dict.fromkeys(marks, "Motivazione"),
                submit=True,
            )
    else:
        # Every application must be evaluated: send the SAMPLE's last evaluations first (not profiled).
        for pending in Assignment.objects.filter(
            application__call=call, status=AssignmentStatus.ACTIVE
        ).select_related("member__user", "application"):
            number = pending.application.protocol_number
            marks = {
                code: str(bench.points(number, bench.EVALUATORS - 1, leaf, max_points))
                for leaf, (code, max_points) in enumerate(bench.LEAVES)
            }
            services.save_scores(
                actor=pending.member.user,
                assignment=pending,
                points=marks,
                justifications=dict.fromkeys(marks, "Motivazione"),
                submit=True,
            )
        moment = now()

        def action():
            services.compute_ranking(actor=officer, call=call, moment=moment)

    profile(what, action, rows)


def profile(what, action, rows):
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profiler.enable()
        action()
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(f"{what}: {elapsed:.2f} s, {len(queries)} SQL statements, load {bench.load()}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(rows)


if __name__ == "__main__":
    main()
