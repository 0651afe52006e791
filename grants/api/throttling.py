"""Rate limit of the API: a fixed window per caller, counted in Django's cache (Redis when configured).

``settings.API_RATE_LIMIT`` is ``"<requests>/<period>"`` with period ``s``, ``min``, ``h`` or ``day`` (default
``"600/min"``); ``None`` or ``""`` turns the limit off. The caller is the personal access token when one is
used, otherwise the signed-in user, otherwise the client address. Over the limit the API answers 429
(problem+json) with ``Retry-After``: the seconds left in the current window.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from ninja.throttling import BaseThrottle

DEFAULT_RATE = "600/min"
_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"600/min"`` → (600, 60); None or empty → None (no limit)."""
    if not rate:
        return None
    try:
        count, period = rate.split("/")
        return int(count), _PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(f"API_RATE_LIMIT non valido: {rate!r} (es. '600/min').") from None


def current_rate() -> tuple[int, int] | None:
    return parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))


class ApiRateThrottle(BaseThrottle):
    """Fixed windows aligned on the clock: the wait is the time left in the window (no per-caller state)."""

    def caller(self, request) -> str:
        token = getattr(request, "access_token", None)
        if token is not None:
            return f"token:{token.pk}"
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{self.get_ident(request)}"

    def allow_request(self, request) -> bool:
        rate = current_rate()
        if rate is None:
            return True
        limit, period = rate
        window = int(time.time()) // period
        key = f"api-rate:{self.caller(request)}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=period + 1)
            count = 1
        return count <= limit

    def wait(self) -> float | None:
        rate = current_rate()
        if rate is None:
            return None
        _limit, period = rate
        return max(1, period - int(time.time()) % period)


api_rate_throttle = ApiRateThrottle()
