"""Problem+json for what happens under /api/ outside the NinjaAPI's own routes.

The API itself (grants/api/urls.py) already answers every failure as problem+json; this middleware covers the
rest of the /api/ prefix: paths no URL pattern matches (``/api/v2/...``, ``/api/``), a 405 or 500 produced
outside ninja, and exceptions that escape a view. Pages elsewhere keep Django's HTML error pages.

Install it right after ``CommonMiddleware`` in ``MIDDLEWARE``:
``"grants.api.middleware.ApiProblemMiddleware"``.
"""

from django.core.signals import got_request_exception
from django.utils.log import log_response

from .problems import as_problem, problem_response

API_PREFIX = "/api/"


class ApiProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX) and response.status_code >= 400:
            return as_problem(response)
        return response

    def process_exception(self, request, exception):
        if not request.path_info.startswith(API_PREFIX):
            return None
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404):
            return problem_response(404, detail="Risorsa non trovata.")
        if isinstance(exception, PermissionDenied):
            return problem_response(403, detail=str(exception) or "Operazione non consentita.")
        got_request_exception.send(sender=None, request=request)
        response = problem_response(500, detail="Errore interno del server. Il problema è stato registrato.")
        log_response(
            "%s: %s",
            "Internal Server Error",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
