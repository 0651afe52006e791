"""Helpers for tests that share expensive data across a module."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def module_transaction():
    """An outer transaction for data shared by several tests, rolled back at the end (like Django's
    ``TestCase.setUpTestData``): each test's own transaction becomes a savepoint inside it, so a test still
    sees only the shared data plus its own. Use it with ``django_db_blocker.unblock()`` in a module-scoped
    fixture, and hand each test a ``copy.deepcopy`` of the shared objects."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # durable=True blocks inside tests behave as inside TestCase
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
