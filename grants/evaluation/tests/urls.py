"""The project's URLs, plus the evaluation pages and API for tests run before config/urls.py and
grants/api/urls.py mount them.

Once both are mounted this module adds nothing. The API module is loaded by name: grants.evaluation sits below
grants.api in the import layers, and only this test scaffolding reaches up.
"""

from importlib import import_module

from django.http import Http404
from django.urls import URLResolver, include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from config import urls as project_urls

router = import_module("grants.api.evaluation").router
urlpatterns = list(project_urls.urlpatterns)

if not any(isinstance(p, URLResolver) and p.app_name == "evaluation" for p in urlpatterns):
    urlpatterns.insert(0, path("", include("grants.evaluation.urls")))

if not any(mounted is router for _prefix, mounted in project_urls.api._routers):
    handlers = import_module("grants.api.urls")
    api = NinjaAPI(urls_namespace="evaluation-test-api")
    api.add_exception_handler(ValidationError, handlers.on_validation_error)
    api.add_exception_handler(Http404, handlers.on_not_found)
    api.add_exception_handler(AuthenticationError, handlers.on_unauthenticated)
    api.add_exception_handler(HttpError, handlers.on_http_error)
    api.add_router("/", router)
    urlpatterns.insert(0, path("api/v1/", api.urls))
