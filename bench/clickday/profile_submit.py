"""Profile submissions in one process (cProfile), through the whole Django stack, with prepared applicants.

Needs a database prepared by run.sh with KEEP_DB=1 and the same SECRET_KEY (the sessions are signed with it)::

    SECRET_KEY=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/clickday DJANGO_ENV=production \\
        ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false \\
        python bench/clickday/profile_submit.py --lines lines.tsv --skip 2000 --count 300

The call's window must be open (prepare.py open --at now). Prints the functions by cumulative and own time.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=Path, required=True)
    parser.add_argument("--skip", type=int, default=0, help="lines already used by a run")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", type=Path, help="also write the profile here (pstats format)")
    parser.add_argument(
        "--time-only",
        action="store_true",
        help="no profiler: the submissions' time per request beside /health/'s, in the same process",
    )
    args = parser.parse_args()
    rows = [line.split("\t") for line in args.lines.read_text().splitlines()][
        args.skip : args.skip + args.count
    ]
    client = Client(HTTP_HOST="127.0.0.1")

    def submit(row):
        app, session, key, csrf, _user = row
        client.cookies.clear()
        client.cookies["sessionid"] = session
        client.cookies["csrftoken"] = csrf
        return client.post(
            f"/api/v1/applications/{app}/submit",
            data='{"declarations_accepted": true}',
            content_type="application/json",
            headers={"X-CSRFToken": csrf, "Idempotency-Key": key},
        )

    with CaptureQueriesContext(connection) as queries:  # one submission's queries, for the record
        response = submit(rows[0])
    print(f"first: {response.status_code} {response.content[:120]!r}, {len(queries)} queries")
    for q in queries.captured_queries:
        print(f"  {q['time']}s {q['sql'][:160]}")
    reset_queries()
    if args.time_only:
        started = time.perf_counter()
        for _ in rows[1:]:
            client.get("/health/")
        health = (time.perf_counter() - started) / len(rows[1:])
        started = time.perf_counter()
        statuses = [submit(row).status_code for row in rows[1:]]
        each = (time.perf_counter() - started) / len(statuses)
        print(
            f"{len(statuses)} submissions: {each * 1000:.2f} ms each ({1 / each:.1f}/s in one process), "
            f"statuses {sorted(set(statuses))}; /health/ {health * 1000:.2f} ms; ratio {each / health:.1f}"
        )
        return
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    statuses = [submit(row).status_code for row in rows[1:]]
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{len(statuses)} submissions in {elapsed:.2f} s = {len(statuses) / elapsed:.1f}/s in one process;")
    print(f"statuses {sorted(set(statuses))}")
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
