"""config.warm: what a gunicorn master loads before forking its workers runs without the database."""

from django.db import connections

from config.warm import warm


def test_warm_compiles_the_templates_without_touching_the_database():
    done = warm()  # no django_db mark: any query would raise
    assert done["templates"] > 20
    assert all(connection.connection is None for connection in connections.all())
