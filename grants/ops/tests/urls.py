"""The project's URLs plus the ops pages, for tests run before config/urls.py includes them.

Once config/urls.py has ``path("", include("grants.ops.urls"))`` this module adds nothing.
"""

from django.urls import URLResolver, include, path

from config import urls as project_urls

urlpatterns = list(project_urls.urlpatterns)

if not any(isinstance(p, URLResolver) and p.app_name == "ops" for p in urlpatterns):
    urlpatterns.append(path("", include("grants.ops.urls")))
