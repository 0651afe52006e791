from django.contrib import admin
from django.urls import include, path

from grants.api.urls import api

admin.site.site_header = "WECARE – Back-office"
admin.site.site_title = "WECARE back-office"
admin.site.index_title = "Configurazione di programmi, misure e bandi"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("grants.core.urls")),
    path("", include("grants.accounts.urls")),
    path("", include("grants.registry.urls")),
    path("", include("grants.applications.urls")),
    path("", include("grants.ops.urls")),
    path("", include("grants.transparency.urls")),
]
