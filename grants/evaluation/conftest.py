"""Until grants.evaluation is in INSTALLED_APPS the suite of this app runs only with its own settings
(DJANGO_SETTINGS_MODULE=grants.evaluation.tests.settings); a full run with the project settings skips it."""

from django.conf import settings

if "grants.evaluation" not in settings.INSTALLED_APPS:
    collect_ignore_glob = ["tests/*"]
