"""Test database set-up shared by the whole suite.

The test databases are created from the models (``--no-migrations`` in pyproject.toml): replaying the
migrations costs each xdist worker 60-90 s of CPU (Django re-renders the related model states after every
operation), while creating the tables directly takes a few seconds. The migrations themselves still run on
PostgreSQL in CI (click-day smoke and scale-out test migrate a fresh database), and ``makemigrations --check``
keeps them equal to the models. What migrations do beyond the schema — reference data and the audit trail's
trigger — is replayed here from the migration files themselves, so a new data migration needs no change here.
"""

import importlib
import os
import pkgutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard would refuse the
# ORM calls the live-server tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Tests that need to run once per CI run, not once per database engine: browser journeys, the schemathesis
# contract and the demo loader run in the PostgreSQL pass only (``make test`` runs them everywhere else).
SINGLE_PASS_MARKERS = ("e2e", "single_pass")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("WECARE_SKIP_SINGLE_PASS") != "1":
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass of CI only (WECARE_SKIP_SINGLE_PASS=1)")
    for item in items:
        if any(item.get_closest_marker(name) for name in SINGLE_PASS_MARKERS):
            item.add_marker(skip)


def _data_operations():
    """The RunPython operations of the migrations a fresh database applies, app by app in INSTALLED_APPS
    order, each app's migrations in their file order (they are numbered); a squashed migration stands for
    the ones it replaces."""
    from django.apps import apps
    from django.db import migrations

    for config in apps.get_app_configs():
        if not config.name.startswith("grants."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name[:4].isdigit())
        loaded = {name: importlib.import_module(f"{package.__name__}.{name}").Migration for name in names}
        # A fresh database applies a squashed migration instead of those it replaces: replay it, not them.
        replaced = {n for m in loaded.values() for app, n in (m.replaces or ()) if app == config.label}
        for name in names:
            if name in replaced:
                continue
            migration = loaded[name]
            for operation in migration.operations:
                if isinstance(operation, migrations.RunSQL):
                    raise AssertionError(
                        f"{config.label}.{name}: RunSQL is not replayed on the test databases; "
                        "write it as a RunPython (see conftest.py)"
                    )
                if isinstance(operation, migrations.RunPython):
                    yield operation


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """After pytest-django has made the test database, replay the migrations' data operations on it."""
    if not request.config.getoption("nomigrations", False):
        return
    from django.apps import apps
    from django.db import connection

    with django_db_blocker.unblock(), connection.schema_editor() as schema_editor:
        for operation in _data_operations():
            operation.code(apps, schema_editor)


@pytest.fixture(scope="session", autouse=True)
def _test_staff_on_every_new_call():
    """Staff rights are per call. The staff of the tests (``registry.tests.factories.staff_user``) are
    officers of every call, also of those made after them, unless they were made for some calls only; so
    is any staff user a test makes otherwise (``UserFactory(is_staff=True)``)."""
    from django.db.models.signals import post_save

    from grants.accounts.models import User
    from grants.programme.models import Call, CallStaff
    from grants.registry.tests.factories import SCOPED_STAFF_DOMAIN

    def assign(sender, instance, created, raw=False, **kwargs):
        if not created or raw:
            return
        staff = User.objects.filter(is_staff=True).exclude(email__endswith=f"@{SCOPED_STAFF_DOMAIN}")
        CallStaff.objects.bulk_create(
            [
                CallStaff(call=instance, user_id=pk, role="officer")
                for pk in staff.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )

    def assign_every_call(sender, instance, created, raw=False, **kwargs):
        if not created or raw or not instance.is_staff or instance.email.endswith(f"@{SCOPED_STAFF_DOMAIN}"):
            return
        CallStaff.objects.bulk_create(
            [
                CallStaff(call_id=pk, user=instance, role="officer")
                for pk in Call.objects.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )

    post_save.connect(assign, sender=Call, dispatch_uid="tests_staff_on_every_new_call")
    post_save.connect(assign_every_call, sender=User, dispatch_uid="tests_new_staff_on_every_call")
    yield
    post_save.disconnect(sender=Call, dispatch_uid="tests_staff_on_every_new_call")
    post_save.disconnect(sender=User, dispatch_uid="tests_new_staff_on_every_call")
