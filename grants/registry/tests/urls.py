"""The project's URLs plus the registry pages, for tests run before config/urls.py includes them."""

from django.urls import include, path

from config import urls as project_urls

urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "registry" for pattern in urlpatterns):
    urlpatterns.append(path("", include("grants.registry.urls")))
