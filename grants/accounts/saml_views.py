"""SPID / CIE endpoints: signed metadata, level-2 AuthnRequest, assertion consumer with clear refusals."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from djangosaml2 import views as djangosaml2_views
from djangosaml2.utils import available_idps
from saml2.metadata import entity_descriptor, metadata_tostring_fix, sign_entity_descriptor
from saml2.saml import NAMEID_FORMAT_ENTITY, Issuer
from saml2.sigver import security_context

from . import mfa
from .saml_backend import REFUSAL_REQUEST_ATTRIBUTE
from .saml_config import (
    ATTRIBUTE_CONSUMING_SERVICE_INDEX,
    TWO_FACTOR_LEVELS,
    apply_spid_profile,
    load_sp_config,
)

logger = logging.getLogger(__name__)


def signed_metadata_xml(conf=None) -> str:
    """The service provider's metadata, signed with its own key (what AgID and the IdPs register)."""
    conf = conf or load_sp_config()
    descriptor = entity_descriptor(conf)
    apply_spid_profile(descriptor)
    _, xml = sign_entity_descriptor(
        descriptor, None, security_context(conf), conf.signing_algorithm, conf.digest_algorithm
    )
    text = metadata_tostring_fix(descriptor, {"xs": "http://www.w3.org/2001/XMLSchema"}, xml)
    return text.decode("utf-8") if isinstance(text, bytes) else text


@cache_control(max_age=3600, public=True)
def metadata(request):
    return HttpResponse(signed_metadata_xml(), content_type="application/samlmetadata+xml; charset=utf-8")


def authn_levels(session_info: dict) -> set[str]:
    """AuthnContextClassRef values of the assertion (pysaml2 lists them in ``authn_info``)."""
    return {entry[0] for entry in session_info.get("authn_info") or [] if entry}


def configured_idps(conf) -> dict:
    """Entity ID → display name of the identity providers whose metadata files are configured."""
    if conf.metadata is None:
        return {}
    return available_idps(conf, langpref="it")


class SpidLoginView(djangosaml2_views.LoginView):
    """Starts the sign-in at the chosen identity provider with a signed, SPID level 2 AuthnRequest."""

    wayf_template = "accounts/saml_wayf.html"
    post_binding_form_template = "accounts/saml_post_binding.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated and not configured_idps(self.get_sp_config(request)):
            return render(request, "accounts/saml_unavailable.html", status=503)
        return super().get(request, *args, **kwargs)

    def load_sso_kwargs(self, sso_kwargs):
        entity_id = self.conf.entityid
        sso_kwargs["attribute_consuming_service_index"] = ATTRIBUTE_CONSUMING_SERVICE_INDEX
        sso_kwargs["issuer"] = Issuer(text=entity_id, format=NAMEID_FORMAT_ENTITY, name_qualifier=entity_id)


class SpidAssertionConsumerView(djangosaml2_views.AssertionConsumerServiceView):
    """Receives the identity provider's Response; refuses levels below 2 and explains every refusal."""

    def custom_validation(self, response):
        levels = authn_levels(response.session_info())
        if not levels & TWO_FACTOR_LEVELS:
            self.request._spid_level_refused = True
            raise ValueError(f"Authentication level too low: {sorted(levels)}")

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        reason = getattr(request, REFUSAL_REQUEST_ATTRIBUTE, "")
        if not reason and getattr(request, "_spid_level_refused", False):
            reason = _("Serve un'identità digitale di livello 2 (SPID o CIE con secondo fattore).")
        if not reason:
            reason = _("L'identità digitale non è stata verificata: riprova o usa un altro gestore.")
        logger.info("SPID/CIE sign-in refused: %s (%r)", reason, exception)
        return render(request, "accounts/saml_error.html", {"reason": reason}, status=status)

    def post_login_hook(self, request, user, session_info):
        if authn_levels(session_info) & TWO_FACTOR_LEVELS:
            mfa.mark_session_verified(request, user, "spid")
