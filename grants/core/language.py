"""The language switch of every page: a GET (no CSRF token), so that a page shared by every anonymous reader
(grants/core/page_cache.py) holds nobody's token and the switch still works from it.

Choosing a language only sets the language cookie: a third-party site that makes someone switch it gains
nothing. Django's POST ``set_language`` (/i18n/setlang/, with its token) stays for any other caller.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def switch_language(request):
    """``?language=en&next=/bandi/``: the cookie set, back to ``next`` (only a path of this site)."""
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(next_url if next_url and safe else "/")
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
