"""The demo edition's dates are moved to today, keeping the wall-clock time in Rome across summer time; the
README's TOTP command runs as written."""

import os
import subprocess
import sys
from datetime import date

from django.conf import settings

from grants.demo.calls import ANCHOR, shift_days, shifted


def test_every_date_moves_by_the_days_from_the_anchor_and_the_rest_stays():
    data = {
        "programme": {"code": "x", "period": {"start": "2026-09-01", "end": "2028-12-31"}},
        "measures": [
            {
                "budget": "1000.00",
                "calls": [
                    {
                        "opens_at": "2026-10-01T09:00:00+02:00",  # summer time
                        "closes_at": "2027-03-31T12:00:00+02:00",
                        "published_at": None,
                        "phases": [{"opens_at": "2026-10-01T09:00:00+02:00", "code": "idea"}],
                    }
                ],
            }
        ],
    }

    moved = shifted(data, 30)

    call = moved["measures"][0]["calls"][0]
    assert call["opens_at"] == "2026-10-31T09:00:00+01:00"  # winter time: still 9:00 in Rome
    assert call["closes_at"] == "2027-04-30T12:00:00+02:00"
    assert call["published_at"] is None and call["phases"][0]["code"] == "idea"
    assert call["phases"][0]["opens_at"] == call["opens_at"]
    assert moved["programme"]["period"] == {"start": "2026-10-01", "end": "2029-01-30"}
    assert moved["measures"][0]["budget"] == "1000.00"


def test_the_shift_is_the_days_from_the_anchor():
    assert shift_days(ANCHOR) == 0
    assert shift_days(date(2027, 1, 1)) == 39


def test_the_readme_totp_command_works_as_written():
    """README: `.venv/bin/python manage.py demo_totp`, from the checkout, with no DJANGO_SETTINGS_MODULE."""
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "manage.py", "demo_totp"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().isdigit() and len(done.stdout.strip()) == 6
