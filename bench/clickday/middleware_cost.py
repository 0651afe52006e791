"""What each middleware costs a request, measured in one process: the same requests through the full stack and
through the stack without that one middleware, the difference per request (a profile, not a benchmark).

    DJANGO_ENV=production SECRET_KEY=x PARTICIPANT_ID_HASH_KEY=y ALLOWED_HOSTS=testserver \\
        SECURE_SSL_REDIRECT=false DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/clickday/middleware_cost.py [--requests 2000] [--path /health/]

Prints the full stack's time per request, then one line per middleware: the microseconds per request it adds
(the full stack's time less the time without it). bench/clickday/run.sh does not run
it; bench/README.md records its output with the load average.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402


def per_request(middleware: list[str], path: str, requests: int, rounds: int = 3) -> float:
    """Median over ``rounds`` of the mean seconds per request of ``requests`` GETs of ``path``."""
    with override_settings(MIDDLEWARE=middleware):
        client = Client(raise_request_exception=True)
        for _ in range(50):  # warm: imports, connection, caches
            client.get(path)
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(requests):
                response = client.get(path)
            samples.append((time.perf_counter() - start) / requests)
            assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--path", default="/health/")
    args = parser.parse_args()
    stack = list(settings.MIDDLEWARE)
    full = per_request(stack, args.path, args.requests)
    print(f"{args.path}: full stack {full * 1e6:.0f} µs/request; load average {os.getloadavg()[0]:.2f}")
    for name in stack:
        try:
            without = per_request([m for m in stack if m != name], args.path, args.requests)
        except Exception as exc:  # the path needs it (or another one needs it): nothing to measure
            print(f"{'needed':>8}     {name} ({type(exc).__name__})")
            continue
        print(f"{(full - without) * 1e6:8.0f} µs  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
