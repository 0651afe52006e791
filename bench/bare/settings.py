"""The ceiling of the public-pages benchmark: Django with one view, no middleware, no templates, no apps.

``gunicorn bench.bare.wsgi`` (DJANGO_SETTINGS_MODULE=bench.bare.settings) serves ``/`` with one ``SELECT 1``
on the benchmark's PostgreSQL database: what any page of the platform costs at least on this machine.
"""

import os

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-bare-not-secret")
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
USE_TZ = True
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"), conn_max_age=600
    )
}
