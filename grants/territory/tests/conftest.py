"""The full ISTAT load (1,180 comuni) runs once per test module that asks for it, not once per test."""

import pytest

from grants.territory.models import CohesionDistrict, Municipality, Province, Region, SocialServiceBody
from grants.territory.services import load_istat_municipalities

TERRITORY_MODELS = (CohesionDistrict, SocialServiceBody, Municipality, Province, Region)


def _wipe_territory():
    for model in TERRITORY_MODELS:
        model.objects.all().delete()
        model.history.all().delete()


@pytest.fixture(scope="module")
def istat_loaded(django_db_setup, django_db_blocker):
    """Piemonte, its provinces and comuni loaded outside the per-test transactions; returns the first report.

    Tests run inside a transaction that is rolled back, so what they change is undone and the loaded rows stay
    for the next test of the module; the fixture removes them when the module ends.
    """
    with django_db_blocker.unblock():
        _wipe_territory()
        report = load_istat_municipalities()
    yield report
    with django_db_blocker.unblock():
        _wipe_territory()
