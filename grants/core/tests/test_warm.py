"""config.warm: what a gunicorn master loads before forking its workers runs without the database."""

from django.db import connections

from config.warm import warm


def test_warm_compiles_the_templates_without_opening_a_database_connection():
    closed = [alias for alias in connections if connections[alias].connection is None]
    done = warm()  # no django_db mark: any query would raise
    assert done["templates"] > 20
    # (The test database of an earlier test may stay open: in-memory SQLite is never closed by Django.)
    assert all(connections[alias].connection is None for alias in closed)
