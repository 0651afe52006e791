"""URLs for the API tests: the applications router on an API carrying the project's problem+json
handlers (a router can be mounted on several APIs), so the tests do not depend on grants.api.urls."""

from django.http import Http404
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from grants.api import applications
from grants.api import urls as project_api

api = NinjaAPI(urls_namespace="applications-test-api")
api.add_exception_handler(ValidationError, project_api.on_validation_error)
api.add_exception_handler(Http404, project_api.on_not_found)
api.add_exception_handler(AuthenticationError, project_api.on_unauthenticated)
api.add_exception_handler(HttpError, project_api.on_http_error)
api.add_router("/", applications.router)

urlpatterns = [path("api/v1/", api.urls)]
