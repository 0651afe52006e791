"""Test settings until grants.applications is listed in config/settings.py (harmless afterwards)."""

from config.test_settings import *  # noqa: F403
from config.test_settings import INSTALLED_APPS

if "grants.applications" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "grants.applications"]

ROOT_URLCONF = "grants.applications.tests.urls"
