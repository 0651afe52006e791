"""The project's URLs, plus what is written but not mounted yet, so that the security suite covers it.

- the application pages (through grants/applications/tests/urls.py, which adds them only when missing);
- the audit API router (grants/api/audit.py), on its own NinjaAPI under /api/v1/ when the project's API does
  not include it yet. Once grants/api/urls.py has ``api.add_router("/", audit.router)`` this adds nothing.
"""

from django.urls import path
from ninja import NinjaAPI

from grants.api import audit
from grants.api.urls import api as project_api
from grants.applications.tests import urls as application_urls

urlpatterns = list(application_urls.urlpatterns)
EXTRA_APIS: list[NinjaAPI] = []

if not any(router is audit.router for _, router in project_api._routers):
    audit_api = NinjaAPI(
        title="audit (test mount)",
        version="audit-test",
        urls_namespace="audit_test_api",
        docs_url=None,
        openapi_url="/audit-openapi.json",
    )
    for exception_class, handler in project_api._exception_handlers.items():
        audit_api.add_exception_handler(exception_class, handler)
    audit_api.add_router("/", audit.router)
    EXTRA_APIS.append(audit_api)
    urlpatterns.append(path("api/v1/", audit_api.urls))
