"""Sign-in pages: e-mail and password (django-allauth, so staff pass their second factor) and SPID/CIE."""

from allauth.account import views as allauth_views
from django.conf import settings


class LoginView(allauth_views.LoginView):
    """/accedi/: allauth's sign-in (with the TOTP step for accounts that have one) in our template."""

    template_name = "accounts/login.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            # Clients written for Django's own login form post the e-mail as "username".
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["spid_enabled"] = bool(getattr(settings, "SAML_IDP_METADATA", []))
        return context


class SignupView(allauth_views.SignupView):
    """/registrati/: a local account for applicants (e-mail and password; e-mail verified in production)."""

    template_name = "accounts/signup.html"
