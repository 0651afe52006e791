"""Warm a process before it takes traffic: what Django otherwise loads on the first request.

Under gunicorn ``preload_app`` the master calls ``warm()`` once after loading the application
(deploy/gunicorn.conf.py ``when_ready``), so every worker it forks, and every worker that replaces a recycled
one, starts warm. Nothing here touches the database (a connection opened in the master would be shared by
the forked workers); the connections are closed at the end all the same.

Then each worker, before it takes traffic (``post_worker_init``), calls ``warm_worker()``: it reads the public
pages through the application itself, so what only a process of its own can hold is ready before the first
reader comes: its database connection and its Redis pool, the first compilation of the pages' queries, the
models' lazily built metadata, the per-process copies the pages keep. A worker that cannot warm (the database
down at boot) logs it and serves all the same.
"""

import importlib
import logging
import os
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

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


# What a new worker reads before it takes traffic: the pages a click-day crowd reloads, and the probe.
WORKER_WARM_PATHS = ("/health/", "/", "/bandi/", "/programma/", "/progetti-finanziati/")


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


def _warm_host() -> str:
    """A host name the application accepts (a literal one from ALLOWED_HOSTS, else localhost)."""
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"


def warm_worker(paths=WORKER_WARM_PATHS) -> dict:
    """Read ``paths`` with GET through the WSGI application of this process, as an anonymous HTTPS visitor
    would; returns the status of each and the time taken. Never raises: a worker that could not warm still
    serves (its first reader pays what the warm-up would have)."""
    from config.wsgi import application

    started = time.perf_counter()
    statuses: dict[str, str] = {}
    # Each page twice: as the crowd reads it (the page cache's lookup, a hit once a worker has stored it), and
    # with a session cookie that names no session, which the page cache never serves from its copies: the
    # view renders (its queries, templates, per-process copies) and the session store is asked once.
    visits = [(path, "") for path in paths]
    visits += [(path, f"{settings.SESSION_COOKIE_NAME}=warm-{os.getpid()}") for path in paths]
    for path, cookie in visits:
        label = path + (" (rendered)" if cookie else "")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "HTTP_HOST": _warm_host(),
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "443",
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_USER_AGENT": "wecare-warm",
            "REMOTE_ADDR": "127.0.0.1",
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        setup_testing_defaults(environ)
        environ["wsgi.url_scheme"] = "https"
        outcome: dict[str, str] = {}

        def start_response(status, headers, exc_info=None, outcome=outcome):
            outcome["status"] = status
            return lambda data: None

        try:
            body = application(environ, start_response)
            try:
                for _chunk in body:
                    pass
            finally:
                getattr(body, "close", lambda: None)()
            statuses[label] = outcome.get("status", "?").split(" ", 1)[0]
        except Exception:  # a worker that cannot warm must still start
            logger.warning("warm: %s failed", label, exc_info=True)
            statuses[label] = "error"
    done = {
        "pages": len(statuses),
        "ok": sum(status == "200" for status in statuses.values()),
        "seconds": round(time.perf_counter() - started, 3),
    }
    logger.info("worker warmed", extra=done)
    return {**done, "statuses": statuses}
