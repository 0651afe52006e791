"""SPID / CIE (SAML2) endpoints, mounted at /saml2/ (djangosaml2's URL names, so its views reverse them)."""

from django.urls import path
from djangosaml2 import views as djangosaml2_views

from . import saml_views

urlpatterns = [
    path("metadata/", saml_views.metadata, name="saml2_metadata"),
    path("login/", saml_views.SpidLoginView.as_view(), name="saml2_login"),
    path("acs/", saml_views.SpidAssertionConsumerView.as_view(), name="saml2_acs"),
    path("logout/", djangosaml2_views.LogoutInitView.as_view(), name="saml2_logout"),
    path("ls/", djangosaml2_views.LogoutView.as_view(), name="saml2_ls"),
    path("ls/post/", djangosaml2_views.LogoutView.as_view(), name="saml2_ls_post"),
]
