from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from . import profile, tokens, views

app_name = "accounts"
urlpatterns = [
    path("accedi/", views.LoginView.as_view(), name="login"),
    path("registrati/", views.SignupView.as_view(), name="signup"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    # allauth's own sign-in address and the admin's login lead to /accedi/, where the second factor is asked.
    path("account/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("profilo/", profile.profile_page, name="profile"),
    # Personal access tokens for the API (grants/accounts/tokens.py).
    path("profilo/token/", tokens.tokens_page, name="tokens"),
    path("profilo/token/revoca/", tokens.revoke_token_view, name="token_revoke"),
]
