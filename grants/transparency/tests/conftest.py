import pytest

from .sample import build_sample


@pytest.fixture
def sample(db, settings):
    settings.DEFAULT_PROGRAMME_CODE = "wecare"
    return build_sample()
