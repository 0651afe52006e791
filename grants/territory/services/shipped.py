"""The sources shipped with the app (``data/``) and the load of all of them in order."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from .bodies import import_social_service_bodies
from .common import LoadReport
from .districts import import_districts
from .istat import load_istat_municipalities

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SOCIAL_SERVICE_BODIES_FILE = DATA_DIR / "enti_gestori.csv"
DISTRICTS_FILE = DATA_DIR / "distretti_coesione_sociale.csv"


@transaction.atomic
def load_territory(*, actor=None) -> list[LoadReport]:
    """ISTAT comuni of Piemonte, then the shipped districts, then the shipped enti gestori (in that order)."""
    return [
        load_istat_municipalities(actor=actor),
        import_districts(path=DISTRICTS_FILE, actor=actor),
        import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE, actor=actor),
    ]
