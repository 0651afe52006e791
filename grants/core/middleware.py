from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

from . import requestcontext


class PrivateCacheMiddleware:
    """Pages and API answers for a signed-in user may hold personal data: never let a cache keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class RequestContextMiddleware:
    """Capture IP address, user agent and request id for the audit trail; echo the id on the response.

    The id is the client's ``X-Request-ID`` when it is a plain token (a proxy or the API client chose it),
    a new UUID otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = requestcontext.context_from(request)
        request.request_context = context
        request.request_id = context.request_id
        token = requestcontext.activate(context)
        try:
            response = self.get_response(request)
        finally:
            requestcontext.deactivate(token)
        response[requestcontext.REQUEST_ID_HEADER] = context.request_id
        return response


# --- middleware the pages need and the API does not ------------------------------------------------------
# Paths served without them: the JSON API and the health probes (no HTML, no messages, no htmx, no SAML, no
# allauth redirects, no frame or content-security policy for a document nobody renders). Every request of a
# click day is one of these, so what a page needs is not paid on them (bench/README.md, middleware cost).
# The API's HTML documentation (Swagger UI) is a page and keeps them all.
PAGE_ONLY_EXEMPT_PREFIXES = ("/api/", "/health/")
API_HTML_SUFFIX = "/docs"


class PagesOnly:
    """Run the middleware named by ``inner`` (a dotted path) for pages only; API and health requests go
    straight to the next one. Its hooks (process_view, process_exception, process_template_response) are
    forwarded for pages."""

    inner = ""

    def __init__(self, get_response):
        self.get_response = get_response
        self.wrapped = import_string(self.inner)(get_response)

    @staticmethod
    def exempt(request) -> bool:
        path = request.path_info
        return path.startswith(PAGE_ONLY_EXEMPT_PREFIXES) and not path.rstrip("/").endswith(API_HTML_SUFFIX)

    def __call__(self, request):
        if self.exempt(request):
            return self.get_response(request)
        return self.wrapped(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        hook = getattr(self.wrapped, "process_view", None)
        if hook is None or self.exempt(request):
            return None
        return hook(request, view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        hook = getattr(self.wrapped, "process_exception", None)
        if hook is None or self.exempt(request):
            return None
        return hook(request, exception)

    def process_template_response(self, request, response):
        hook = getattr(self.wrapped, "process_template_response", None)
        if hook is None or self.exempt(request):
            return response
        return hook(request, response)


class PageSamlSession(PagesOnly):
    inner = "djangosaml2.middleware.SamlSessionMiddleware"


class PageHtmx(PagesOnly):
    inner = "django_htmx.middleware.HtmxMiddleware"


# A JSON answer or a probe is never rendered as a document: it may load nothing and be framed by nobody.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class PageCSP(PagesOnly):
    """django-csp's policy, built per response, for pages; the API and the probes get a constant policy that
    allows nothing (what OWASP advises for APIs), without building it on every request."""

    inner = "csp.middleware.CSPMiddleware"

    def __call__(self, request):
        if not self.exempt(request):
            return self.wrapped(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", API_CONTENT_SECURITY_POLICY)
        return response
