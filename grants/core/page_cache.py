"""Server-side cache of the public pages, for anonymous readers only (Django's cache: Redis in production).

A page is kept under a key made of its view, the active language, the request's host, path, sorted query
string and htmx target, the *generation* of every group of data it shows, and the *epoch* of the programme's
timetable. Writers never delete pages: a change bumps the generation of its group
(``invalidate("programme")``), so every page that shows that group gets a new key and the old copies expire by
themselves (``PUBLIC_PAGE_CACHE_SECONDS``, the safety net). The epoch is how many opening and closing times of
calls have passed: when a call opens at 9:00 no page says "upcoming" at 9:00:01, and ``max-age`` never lasts
past the next such time.

Never cached: anything but GET/HEAD, a request with a session or messages cookie (a signed-in user, a pending
message, a half-done sign-in), an answer other than 200, and a page that put a CSRF token in its HTML. Cached
answers say ``Cache-Control: public, max-age=…`` (``PUBLIC_PAGE_MAX_AGE``) for nginx and browsers, with
``Vary: Accept-Language, Cookie, HX-Request``; the same page for someone with a session says ``private``.
"""

import bisect
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

PREFIX = "pubpage"
MESSAGES_COOKIE = "messages"
VARY = ("Accept-Language", "Cookie", "HX-Request")
MAX_FUTURE_BOUNDARIES = 2000

# A timetable: the epoch times (seconds) at which what a page shows changes without any write.
Boundaries = Callable[[], Iterable[float]]


def _generation_key(group: str) -> str:
    return f"{PREFIX}:gen:{group}"


def _fresh_generation() -> int:
    # A generation lost (evicted, Redis flushed) restarts from the clock, never from a number already used.
    return time.time_ns() // 1000


def generations(groups: Iterable[str]) -> list[int]:
    """The current generation of each group (one round trip when they all exist)."""
    keys = [_generation_key(group) for group in groups]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _fresh_generation(), timeout=None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def bump(*groups: str) -> None:
    for group in groups:
        key = _generation_key(group)
        try:
            cache.incr(key)
        except ValueError:  # not there yet (or evicted): any fresh value is new
            cache.set(key, _fresh_generation(), timeout=None)


def invalidate(*groups: str) -> None:
    """Pages showing these groups are rebuilt on their next read: now, and again when the transaction
    commits (a read between the write and the commit would otherwise keep the old data under the new
    generation). A cache that does not answer never fails the write."""
    try:
        bump(*groups)
    except Exception:
        logger.warning("public page cache: cannot bump %s", groups, exc_info=True)
    transaction.on_commit(lambda: _bump_quietly(groups), robust=True)


def _bump_quietly(groups) -> None:
    try:
        bump(*groups)
    except Exception:
        logger.warning("public page cache: cannot bump %s after commit", groups, exc_info=True)


def is_cacheable_request(request) -> bool:
    """An anonymous GET/HEAD with nothing personal in its session: no session cookie, no pending message."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _epoch(group_generation: int, group: str, boundaries: Boundaries) -> tuple[int, float | None]:
    """(epoch, seconds to the next boundary or None): the timetable is read once per generation."""
    key = f"{PREFIX}:timetable:{group}"
    stored = cache.get(key)
    moment = time.time()
    if stored is None or stored[0] != group_generation:
        future = sorted(value for value in boundaries() if value > moment)[:MAX_FUTURE_BOUNDARIES]
        stored = (group_generation, future)
        cache.set(key, stored, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    future = stored[1]
    passed = bisect.bisect_right(future, moment)
    until_next = future[passed] - moment if passed < len(future) else None
    return passed, until_next


def _page_key(request, view_name: str, parts: list) -> str:
    query = sorted((key, tuple(values)) for key, values in request.GET.lists())
    htmx = (request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""))
    raw = repr((request.get_host(), request.is_secure(), request.path, query, htmx, parts))
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"{PREFIX}:page:{view_name}:{get_language()}:{digest}"


def _public_headers(response, until_next: float | None) -> None:
    max_age = settings.PUBLIC_PAGE_MAX_AGE
    if until_next is not None:
        max_age = max(0, min(max_age, int(until_next)))
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, VARY)


def _may_keep(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the HTML holds someone's CSRF token
        and not response.has_header("Cache-Control")
    )


def public_page(*groups: str, timetable: tuple[str, Boundaries] | None = None):
    """Decorate a public view: anonymous readers share one rendered copy per language and query.

    ``groups``: the data the page shows (bumped by ``invalidate``); ``timetable``: (group, callable) giving
    the times at which the page changes by itself (the group's generation says when to read it again).
    """

    def decorate(view):
        view_name = f"{view.__module__}.{view.__name__}"

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_cacheable_request(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, max_age=0)
                patch_vary_headers(response, VARY)
                return response
            key = until_next = None
            if settings.PUBLIC_PAGE_CACHE_SECONDS:
                try:
                    key, until_next = _lookup_key(request, view_name, groups, timetable)
                    hit = cache.get(key)
                except Exception:
                    logger.warning("public page cache unavailable", exc_info=True)
                    key = hit = None
                if hit is not None:
                    content_type, content = hit
                    response = HttpResponse(content, content_type=content_type)
                    _public_headers(response, until_next)
                    return response
            response = view(request, *args, **kwargs)
            if _may_keep(request, response):
                if key is not None:
                    _store(key, response)
                _public_headers(response, until_next)
            return response

        return wrapper

    return decorate


def _store(key: str, response) -> None:
    try:
        cache.set(
            key, (response["Content-Type"], response.content), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS
        )
    except Exception:
        logger.warning("public page cache: cannot store a page", exc_info=True)


def _lookup_key(request, view_name, groups, timetable) -> tuple[str, float | None]:
    names = list(groups)
    if timetable is not None and timetable[0] not in names:
        names.append(timetable[0])
    current = generations(names) if names else []
    parts: list = list(current)
    until_next = None
    if timetable is not None:
        group, boundaries = timetable
        epoch, until_next = _epoch(current[names.index(group)], group, boundaries)
        parts.append(epoch)
    return _page_key(request, view_name, parts), until_next
