from django.utils.cache import add_never_cache_headers

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
