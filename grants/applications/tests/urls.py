"""The project's URLs, plus the applications API for tests run before grants/api/urls.py mounts it.

Once the router is mounted on the project API this module adds nothing. The API modules are loaded by name:
grants.applications sits below grants.api in the import layers, and only this test scaffolding reaches up.
"""

from importlib import import_module

from django.http import Http404
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from config import urls as project_urls

router = import_module("grants.api.applications").router
urlpatterns = list(project_urls.urlpatterns)

if not any(mounted is router for _prefix, mounted in project_urls.api._routers):
    handlers = import_module("grants.api.urls")
    api = NinjaAPI(urls_namespace="applications-test-api")
    api.add_exception_handler(ValidationError, handlers.on_validation_error)
    api.add_exception_handler(Http404, handlers.on_not_found)
    api.add_exception_handler(AuthenticationError, handlers.on_unauthenticated)
    api.add_exception_handler(HttpError, handlers.on_http_error)
    api.add_router("/", router)
    urlpatterns.insert(0, path("api/v1/", api.urls))
