from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from grants.api.urls import api

admin.site.site_header = "WECARE – Back-office"
admin.site.site_title = "WECARE back-office"
admin.site.index_title = _("Configurazione di programmi, misure e bandi")

# A database that does not answer: 503 + Retry-After (problem+json under /api/); other errors: the 500 page.
handler500 = "grants.core.views.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The back-office signs in at /accedi/, where staff pass their second factor.
    path("backoffice/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("backoffice/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("grants.core.urls")),
    path("", include("grants.accounts.urls")),
    path("account/", include("allauth.urls")),
    path("saml2/", include("grants.accounts.saml_urls")),
    path("", include("grants.registry.urls")),
    path("", include("grants.applications.urls")),
    path("", include("grants.evaluation.urls")),
    path("", include("grants.notifications.urls")),
    path("", include("grants.projects.urls")),
    path("", include("grants.finance.urls")),
    path("", include("grants.monitoring.urls")),
    path("", include("grants.ops.urls")),
    path("", include("grants.transparency.urls")),
]
