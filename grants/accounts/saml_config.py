"""The SPID / CIE service provider configuration for pysaml2, built from plain settings.

The settings hold only what differs between installations (entity ID, key and certificate files, the identity
providers' metadata files); the SAML profile required by SPID (signed requests, level 2 authentication, the
attributes requested, transient NameID) is fixed here, in one place.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import saml2
from django.conf import settings
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

SPID_L1 = "https://www.spid.gov.it/SpidL1"
SPID_L2 = "https://www.spid.gov.it/SpidL2"
SPID_L3 = "https://www.spid.gov.it/SpidL3"
# Levels at which the identity provider itself checked two factors (SPID L2/L3; CIE uses the same URIs).
TWO_FACTOR_LEVELS = frozenset({SPID_L2, SPID_L3})

NAME_FORMAT_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
REQUESTED_ATTRIBUTES = ["fiscalNumber", "name", "familyName", "email"]
# pysaml2 numbers the single AttributeConsumingService of the metadata "1"; requests point to it.
ATTRIBUTE_CONSUMING_SERVICE_INDEX = "1"
# SPID: exactly one default AssertionConsumerService, with index 0 (technical rules, AgID notice 29).
ASSERTION_CONSUMER_SERVICE_INDEX = "0"
# The namespace of AgID's metadata extensions (spid:IPACode, spid:Public, ...).
SPID_EXTENSIONS_NS = "https://spid.gov.it/saml-extensions"

ATTRIBUTE_MAPS_DIR = Path(__file__).resolve().parent / "saml" / "attribute_maps"
DEV_DIR = Path(__file__).resolve().parent / "saml" / "dev"


def base_url() -> str:
    """Scheme and host the identity providers send people back to (``SAML_BASE_URL`` or the entity ID's)."""
    configured = getattr(settings, "SAML_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(settings.SAML_ENTITY_ID)
    return f"{parts.scheme}://{parts.netloc}"


def xmlsec_binary() -> str:
    return getattr(settings, "SAML_XMLSEC_BINARY", "") or shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def sp_config_dict() -> dict:
    """The pysaml2 configuration dictionary of our service provider."""
    root = base_url()
    config = {
        "entityid": settings.SAML_ENTITY_ID,
        "name": ("WECARE – Regione Piemonte", "it"),
        "xmlsec_binary": xmlsec_binary(),
        "attribute_map_dir": str(ATTRIBUTE_MAPS_DIR),
        "allow_unknown_attributes": True,
        "accepted_time_diff": getattr(settings, "SAML_ACCEPTED_TIME_DIFF", 60),
        "key_file": settings.SAML_KEY_FILE,
        "cert_file": settings.SAML_CERT_FILE,
        "encryption_keypairs": [{"key_file": settings.SAML_KEY_FILE, "cert_file": settings.SAML_CERT_FILE}],
        "metadata_key_usage": "signing",
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "service": {
            "sp": {
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "name_id_policy_format": NAMEID_FORMAT_TRANSIENT,
                "endpoints": {
                    "assertion_consumer_service": [
                        (f"{root}/saml2/acs/", saml2.BINDING_HTTP_POST, ASSERTION_CONSUMER_SERVICE_INDEX)
                    ],
                    "single_logout_service": [
                        (f"{root}/saml2/ls/post/", saml2.BINDING_HTTP_POST),
                        (f"{root}/saml2/ls/", saml2.BINDING_HTTP_REDIRECT),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_response_signed": True,
                "want_assertions_signed": True,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": False,
                # SPID: level 2 or more, and ForceAuthn for every level above 1.
                "requested_authn_context": {"authn_context_class_ref": [SPID_L2], "comparison": "minimum"},
                "force_authn": True,
                "required_attributes": list(REQUESTED_ATTRIBUTES),
                "requested_attribute_name_format": NAME_FORMAT_BASIC,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
        "organization": {
            "name": [("Regione Piemonte", "it")],
            "display_name": [("Regione Piemonte – WECARE", "it")],
            "url": [(getattr(settings, "SAML_ORGANIZATION_URL", "https://www.regione.piemonte.it/"), "it")],
        },
        "contact_person": [
            {
                "contact_type": "technical",
                "email_address": settings.SAML_CONTACT_EMAIL,
            }
        ],
    }
    metadata_files = [path for path in settings.SAML_IDP_METADATA if path]
    if metadata_files:
        config["metadata"] = {"local": metadata_files}
    return config


def load_sp_config(request=None) -> SPConfig:
    """djangosaml2's SAML_CONFIG_LOADER: a fresh SPConfig per request (metadata files re-read on change)."""
    conf = SPConfig()
    conf.load(sp_config_dict())
    return conf


def spid_contact_person():
    """The ContactPerson of type "other" SPID requires of a public administration's service provider.

    It carries the administration's code in the IPA index (``spid:IPACode``), the ``spid:Public`` marker and
    the contact e-mail (and the telephone when configured); pysaml2 knows none of these extensions, so the
    element is built here and added to the descriptor before it is signed (``signed_metadata_xml``).
    """
    from saml2 import ExtensionElement, md

    extensions = [ExtensionElement("IPACode", namespace=SPID_EXTENSIONS_NS, text=settings.SAML_IPA_CODE)]
    extensions.append(ExtensionElement("Public", namespace=SPID_EXTENSIONS_NS))
    contact = md.ContactPerson(
        contact_type="other",
        extensions=md.Extensions(extension_elements=extensions),
        email_address=[md.EmailAddress(text=settings.SAML_CONTACT_EMAIL)],
    )
    phone = getattr(settings, "SAML_CONTACT_PHONE", "")
    if phone:
        contact.telephone_number = [md.TelephoneNumber(text=phone)]
    return contact


def apply_spid_profile(descriptor) -> None:
    """Adds to pysaml2's EntityDescriptor what the SPID profile asks and pysaml2 cannot express.

    The AssertionConsumerService with index 0 becomes the default one (``isDefault="true"``), and the public
    administration's ContactPerson of type "other" is added next to the technical one.
    """
    for acs in descriptor.spsso_descriptor.assertion_consumer_service:
        acs.is_default = "true" if acs.index == ASSERTION_CONSUMER_SERVICE_INDEX else None
    descriptor.contact_person.append(spid_contact_person())
