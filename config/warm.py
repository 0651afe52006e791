"""Warm a process before it takes traffic: what Django otherwise loads on the first request.

Under gunicorn ``preload_app`` the master calls ``warm()`` once after loading the application
(deploy/gunicorn.conf.py ``when_ready``), so every worker it forks, and every worker that replaces a recycled
one, starts warm. Nothing here touches the database (a connection opened in the master would be shared by
the forked workers); the connections are closed at the end all the same.
"""

import importlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# Pages the anonymous crowd reads first: their URL names are reversed and their templates compiled.
PUBLIC_URL_NAMES = (
    "transparency:home",
    "transparency:programme",
    "transparency:call_list",
    "transparency:grant_publication",
    "transparency:project_list",
    "transparency:opendata",
    "core:health",
)


def _project_templates() -> list[str]:
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.html"))


def warm() -> dict:
    """Load URLs, templates, translations, the static manifest and the cache's client library; returns what
    was done (for the log)."""
    started = time.perf_counter()
    resolver = get_resolver()
    resolver.resolve("/")  # populates the URL patterns and the reverse dictionaries
    for name in PUBLIC_URL_NAMES:
        reverse(name)
    engine = engines["django"]
    compiled = 0
    for name in _project_templates():
        try:
            engine.get_template(name)  # the cached loader keeps the compiled template
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.debug("warm: template %s not compiled", name, exc_info=True)
    engine.engine.template_context_processors  # noqa: B018 - imports the context processors (cached)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Bandi aperti")  # loads the catalogue of the language
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        staticfiles_storage.url("css/wecare.css")  # reads the manifest of hashed names once
    except ValueError:
        logger.debug("warm: static manifest missing (collectstatic not run)", exc_info=True)
    # The Redis client library is imported by the cache backend on its first use (~1 s): import it here,
    # without connecting (redis-py's pools are created in each worker, and reset themselves after a fork).
    if any("redis" in options["BACKEND"].lower() for options in settings.CACHES.values()):
        importlib.import_module("redis")
    connections.close_all()
    done = {"templates": compiled, "seconds": round(time.perf_counter() - started, 3)}
    logger.info("process warmed", extra=done)
    return done
