import pytest


@pytest.fixture(autouse=True)
def esf_catalogue(request):
    """The ESF common indicators (the data migration's rows are gone after any transactional test)."""
    if "django_db" not in {m.name for m in request.node.iter_markers()} and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from grants.monitoring.catalogue import COMMON_CATALOGUE, load_catalogue

    load_catalogue(COMMON_CATALOGUE)
