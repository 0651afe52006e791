"""Test settings until grants.evaluation is listed in config/settings.py (harmless afterwards)."""

from config.test_settings import *  # noqa: F403
from config.test_settings import INSTALLED_APPS

if "grants.evaluation" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "grants.evaluation"]

ROOT_URLCONF = "grants.evaluation.tests.urls"
