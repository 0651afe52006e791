"""Open-data export benchmark (not a test): N public projects on PostgreSQL, each file streamed to the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_opendata_h8 .venv/bin/python bench/opendata/run.py

Creates the database if missing, migrates, fills it once with ``PROJECTS`` (default 100,000) accepted
projects in bulk (the services are exercised by the tests; here only volume matters), then exports the
OpenCoesione file as CSV, JSON and XLSX through the real view (the streamed response consumed chunk by chunk,
as a client would), measuring per format the wall and CPU time (tracemalloc off), the process peak RSS, and in
a second pass the peak Python memory (tracemalloc; ``MEMORY=0`` skips it). Prints and writes the result as
JSON (``OUT``, default /tmp/bench_opendata.json).
"""

import json
import os
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_opendata_h8")
PROJECTS = int(os.environ.get("PROJECTS", "100000"))
BATCH = 5000
# Separators, quotes and a line break: what the CSV writer must escape.
SUMMARY = (
    'Servizi di prossimità per anziani e famiglie; sintesi; con «virgolette», "doppi apici" e a capo\nqui.'
)


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fill() -> None:
    from django.contrib.auth import get_user_model

    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus
    from grants.core.timeutils import now
    from grants.programme.tests.factories import CallFactory
    from grants.projects.models import Project
    from grants.projects.states import ProjectStatus
    from grants.registry.tests.factories import OrganisationFactory, UserFactory

    existing = Project.objects.count()
    if existing >= PROJECTS:
        print(f"{existing} projects already there")
        return
    call = CallFactory(code="bench-opendata", title="Bando del benchmark")
    user = (
        UserFactory(email="bench-opendata@example.test")
        if not get_user_model().objects.filter(email="bench-opendata@example.test").exists()
        else get_user_model().objects.get(email="bench-opendata@example.test")
    )
    organisations = [OrganisationFactory() for _ in range(200)]
    moment = now()
    start = date(2026, 1, 1)
    for offset in range(existing, PROJECTS, BATCH):
        size = min(BATCH, PROJECTS - offset)
        applications = Application.objects.bulk_create(
            Application(
                call=call,
                applicant=organisations[(offset + i) % len(organisations)],
                created_by=user,
                title=f"Progetto {offset + i}",
                abstract=SUMMARY,
                status=ApplicationStatus.FUNDED,
            )
            for i in range(size)
        )
        Project.objects.bulk_create(
            Project(
                application=application,
                call=call,
                beneficiary=application.applicant,
                cup=f"J11B26{offset + i:09d}",
                title=application.title,
                summary=application.abstract,
                grant=Decimal("71200.00"),
                original_grant=Decimal("71200.00"),
                cofinancing=Decimal("17800.00"),
                total_eligible_cost=Decimal("89000.00"),
                planned_start_date=start,
                planned_end_date=start + timedelta(days=730),
                actual_start_date=start,
                status=ProjectStatus.ACTIVE,
                acceptance_deadline=moment,
                accepted_at=moment,
                started_at=moment,
            )
            for i, application in enumerate(applications)
        )
        print(f"{offset + size} projects", flush=True)


def _max_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(label: str, produce) -> dict:
    """Two passes: timed (wall and CPU, tracemalloc off: it slows Python allocations three- to fivefold),
    then the peak Python memory under tracemalloc (MEMORY=0 skips it)."""
    began, cpu = time.perf_counter(), time.process_time()
    size = produce()
    result = {
        "format": label,
        "seconds": round(time.perf_counter() - began, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "bytes": size,
        "max_rss_mib_after": _max_rss_mib(),
        "load_average": os.getloadavg(),
    }
    if os.environ.get("MEMORY", "1") != "0":
        tracemalloc.start()
        produce()
        result["peak_python_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: it would grow with the rows and distort the memory figures
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    fill()
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them on a live database
        cursor.execute("ANALYZE")
    from grants.transparency import opendata
    from grants.transparency.public_projects import public_projects

    count = public_projects().count()
    client = Client()
    client.get("/dati-aperti/")  # the URLconf and templates loaded, as in a running server
    rss_before = _max_rss_mib()

    def streamed(extension):
        def run():
            response = client.get(f"/dati-aperti/progetti-opencoesione.{extension}")
            assert response.status_code == 200, response.status_code
            return sum(len(chunk) for chunk in response.streaming_content)

        return run

    results = [measure(ext, streamed(ext)) for ext in ("csv", "json", "xlsx")]
    report = {
        "projects": count,
        "dataset": opendata.OPENCOESIONE.slug,
        "chunk_size": opendata.CHUNK_SIZE,
        "results": results,
        "max_rss_mib_before_exports": rss_before,
        "max_rss_mib": _max_rss_mib(),
        "load_average": os.getloadavg(),
    }
    out = Path(os.environ.get("OUT", "/tmp/bench_opendata.json"))  # noqa: S108 - a report, not a secret
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
