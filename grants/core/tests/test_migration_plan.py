"""A fresh database migrates through the squashed migrations, in a bounded number of operations.

Django re-renders the related historical models after every operation of ``migrate`` (with about 200 models,
all related through the user and the history tables, an operation costs up to 0.2 s of CPU), so the time of
migrating a fresh database grows with the number of operations: 632 took 96 s, the squashed 327 take 41 s.
CI migrates three fresh databases. When new migrations push the count past the budget, squash them
(``squashmigrations``, keeping ``replaces``) rather than raising it.
"""

from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration

OPERATIONS_BUDGET = 450


def _fresh_plan(settings) -> list[Migration]:
    settings.MIGRATION_MODULES = {}  # the test database is made without migrations (pyproject.toml)
    executor = MigrationExecutor(None)  # no database: nothing applied, the squashed migrations stand in
    targets = executor.loader.graph.leaf_nodes()
    return [migration for migration, _backwards in executor.migration_plan(targets, clean_start=True)]


def test_a_fresh_database_applies_the_squashed_migrations(settings):
    plan = _fresh_plan(settings)
    ours = [m for m in plan if m.__module__.startswith("grants.")]
    replaced = {key for m in ours for key in m.replaces}
    assert replaced, "the squashed migrations replace the original ones"
    assert not replaced & {(m.app_label, m.name) for m in plan}


def test_a_fresh_database_applies_a_bounded_number_of_operations(settings):
    operations = sum(len(m.operations) for m in _fresh_plan(settings))
    assert operations <= OPERATIONS_BUDGET, (
        f"{operations} operations to migrate a fresh database (budget {OPERATIONS_BUDGET}): squash the new "
        "migrations, see this module's docstring"
    )
