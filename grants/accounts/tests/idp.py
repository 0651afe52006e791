"""A SPID-like identity provider running inside the test suite (pysaml2 ``Server``, own key and metadata).

It reads our service provider's real signed metadata, checks the signature of the AuthnRequests it receives
(HTTP-Redirect binding) and answers with a signed Response and signed assertion for the HTTP-POST binding,
as the SPID and CIE identity providers do.
"""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.server import Server

from grants.accounts.saml_config import ATTRIBUTE_MAPS_DIR, NAME_FORMAT_BASIC, SPID_L2, xmlsec_binary
from grants.accounts.saml_views import signed_metadata_xml

ENTITY_ID = "https://idp.spid-test.example/metadata"
SSO_URL = "https://idp.spid-test.example/sso"


def write_key_pair(directory: Path, common_name: str) -> tuple[Path, Path]:
    """A fresh self-signed RSA key and certificate (PEM) in ``directory``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / "idp.key", directory / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class ReceivedRequest:
    """An AuthnRequest as the identity provider received it (signature already checked)."""

    def __init__(self, parsed, relay_state: str):
        self.parsed = parsed
        self.message = parsed.message
        self.relay_state = relay_state

    @property
    def authn_context_class_refs(self) -> list[str]:
        context = self.message.requested_authn_context
        return [ref.text for ref in context.authn_context_class_ref] if context else []


class TestIdentityProvider:
    __test__ = False  # not a test class for pytest

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        key_path, cert_path = write_key_pair(directory, "idp.spid-test.example")
        sp_metadata = directory / "sp-metadata.xml"
        sp_metadata.write_text(signed_metadata_xml())
        self.config = IdPConfig().load(
            {
                "entityid": ENTITY_ID,
                "xmlsec_binary": xmlsec_binary(),
                "attribute_map_dir": str(ATTRIBUTE_MAPS_DIR),
                "key_file": str(key_path),
                "cert_file": str(cert_path),
                "metadata": {"local": [str(sp_metadata)]},
                "accepted_time_diff": 60,
                "service": {
                    "idp": {
                        "name": "IdP di test",
                        "endpoints": {
                            "single_sign_on_service": [
                                (SSO_URL, BINDING_HTTP_REDIRECT),
                                (SSO_URL, BINDING_HTTP_POST),
                            ]
                        },
                        "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                        "want_authn_requests_signed": True,
                        "sign_response": True,
                        "sign_assertion": True,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 15},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_BASIC,
                            }
                        },
                    }
                },
            }
        )
        self.server = Server(config=self.config)
        self.metadata_path = directory / "idp-metadata.xml"
        metadata = create_metadata_string(None, config=self.config, sign=False)
        self.metadata_path.write_bytes(metadata if isinstance(metadata, bytes) else metadata.encode("utf-8"))

    def receive(self, location: str) -> ReceivedRequest:
        """Parse (and verify the signature of) the AuthnRequest of an HTTP-Redirect to our SSO URL."""
        parts = urlsplit(location)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == SSO_URL, location
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        parsed = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        return ReceivedRequest(parsed, query.get("RelayState", ""))

    def respond(self, request: ReceivedRequest, identity: dict, *, level: str = SPID_L2) -> str:
        """A signed Response (signed assertion inside), base64-encoded for the HTTP-POST binding."""
        binding_info = self.server.response_args(request.message, [BINDING_HTTP_POST])
        binding_info.pop("binding", None)
        response = self.server.create_authn_response(
            identity={name: [value] for name, value in identity.items()},
            userid=identity.get("fiscalNumber", "anonymous"),
            authn={"class_ref": level, "authn_auth": ENTITY_ID},
            sign_response=True,
            sign_assertion=True,
            **binding_info,
        )
        return base64.b64encode(str(response).encode("utf-8")).decode("ascii")

    def acs_url(self, request: ReceivedRequest) -> str:
        return self.server.response_args(request.message, [BINDING_HTTP_POST])["destination"]
