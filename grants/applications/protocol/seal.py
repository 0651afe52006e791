"""The seal of the Region's AOO on the segnatura: an enveloped XAdES signature (baseline B, ETSI EN
319 132-1), the ``ds:Signature`` that AgID's schema requires after ``Descrizione``
(``schemas/segnatura_protocollo.xsd``). signxml writes it: the maintained XML Signature and XAdES library
for Python, on lxml and cryptography.

Configured by ``PROTOCOL_SEAL_KEY_FILE`` and ``PROTOCOL_SEAL_CERT_FILE`` (PEM: the AOO's electronic seal,
an RSA or EC key, with its certificate and, after it in the same file, the chain if wanted;
``PROTOCOL_SEAL_KEY_PASSWORD`` if the key is encrypted). Without them the segnatura stays unsigned, and
``segnatura.validation_errors`` excuses only that missing signature; with them every segnatura the platform
gives (download, API, the external register) is sealed and valid against the schema in full.
"""

from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from signxml import methods
from signxml.xades import XAdESDataObjectFormat, XAdESSigner

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}


def configured() -> bool:
    return bool(settings.PROTOCOL_SEAL_KEY_FILE and settings.PROTOCOL_SEAL_CERT_FILE)


@cache
def _material(key_file: str, cert_file: str, password: str) -> tuple[object, list[str], str]:
    """(private key, certificate chain as PEM texts, signature algorithm), read once per process."""
    try:
        key = load_pem_private_key(Path(key_file).read_bytes(), password=password.encode() or None)
        chain = x509.load_pem_x509_certificates(Path(cert_file).read_bytes())
    except (OSError, ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"Sigillo della segnatura non leggibile: {error}") from error
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm = "rsa-sha256"
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = "ecdsa-sha256"
    else:
        raise ImproperlyConfigured("Il sigillo della segnatura deve essere una chiave RSA o EC.")
    if chain[0].public_key().public_numbers() != key.public_key().public_numbers():
        raise ImproperlyConfigured("Il certificato del sigillo non corrisponde alla sua chiave.")
    return key, [certificate.public_bytes(Encoding.PEM).decode("ascii") for certificate in chain], algorithm


def seal(xml: bytes) -> bytes:
    """The segnatura ``xml`` with the AOO's seal appended (enveloped XAdES, SHA-256)."""
    key, chain, algorithm = _material(
        settings.PROTOCOL_SEAL_KEY_FILE, settings.PROTOCOL_SEAL_CERT_FILE, settings.PROTOCOL_SEAL_KEY_PASSWORD
    )
    root = etree.fromstring(xml, etree.XMLParser(**_PARSER_OPTIONS))
    signer = XAdESSigner(
        method=methods.enveloped,
        signature_algorithm=algorithm,
        digest_algorithm="sha256",
        data_object_format=XAdESDataObjectFormat(
            Description="Segnatura di protocollo (AgID, Allegato 6)", MimeType="application/xml"
        ),
    )
    signed = signer.sign(root, key=key, cert=chain)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def sealed(xml: bytes) -> bytes:
    """``xml`` sealed when a seal is configured, as it is otherwise."""
    return seal(xml) if configured() else xml
