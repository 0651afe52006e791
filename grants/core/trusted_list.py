"""The EU trusted lists (ETSI TS 119 612) as the trust store of signed documents (``SIGNATURE_TRUST_ROOTS``).

In production the CAs that issue qualified signature certificates are those of the national trusted list
(for Italy, AgID's, reached from the EU's list of trusted lists). The operator downloads the list (XML) and
imports it with ``manage.py import_trusted_list``: the platform never fetches anything at run time.

The rule: a certificate is trusted for signatures when its service is a qualified CA
(``Svctype/CA/QC``) whose current status is ``granted``. Withdrawn services, and the history of a service,
are left out (a signature made while a CA was granted is still only checked against the CAs granted now:
the conservative choice). The list is signed by its scheme operator: with the operator's certificate
(published by the Commission) the import first verifies the list's XML signature with xmlsec1 and refuses a
list whose signature does not hold.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem, x509
from lxml import etree

NS = {"tsl": "http://uri.etsi.org/02231/v2#"}
QUALIFIED_CA = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
GRANTED = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
FILE_PREFIX = "tsl-"  # files this import writes (and replaces) in the trust store directory


class TrustedListError(ValueError):
    """The file is not a trusted list, or its signature does not hold."""


@dataclass(frozen=True)
class TrustedCA:
    provider: str
    service: str
    der: bytes

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def pem(self) -> bytes:
        return pem.armor("CERTIFICATE", self.der)


def _name(element) -> str:
    names = element.findall("tsl:Name", NS) if element is not None else []
    chosen = next((n for n in names if n.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"), None)
    chosen = chosen if chosen is not None else (names[0] if names else None)
    return (chosen.text or "").strip() if chosen is not None else ""


def parse(data: bytes) -> tuple[str, list[TrustedCA]]:
    """(the scheme territory, the qualified CAs granted now) of a trusted list."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise TrustedListError(f"Il file non è un XML leggibile: {error}") from None
    if etree.QName(root).localname != "TrustServiceStatusList" or etree.QName(root).namespace != NS["tsl"]:
        raise TrustedListError("Il file non è una lista di fiducia ETSI TS 119 612 (TrustServiceStatusList).")
    territory = (
        root.findtext("tsl:SchemeInformation/tsl:SchemeTerritory", default="", namespaces=NS)
    ).strip()
    found = []
    for provider in root.iterfind("tsl:TrustServiceProviderList/tsl:TrustServiceProvider", NS):
        provider_name = _name(provider.find("tsl:TSPInformation/tsl:TSPName", NS))
        for info in provider.iterfind("tsl:TSPServices/tsl:TSPService/tsl:ServiceInformation", NS):
            kind = (info.findtext("tsl:ServiceTypeIdentifier", default="", namespaces=NS)).strip()
            status = (info.findtext("tsl:ServiceStatus", default="", namespaces=NS)).strip()
            if kind != QUALIFIED_CA or status != GRANTED:
                continue
            service_name = _name(info.find("tsl:ServiceName", NS))
            for encoded in info.iterfind("tsl:ServiceDigitalIdentity/tsl:DigitalId/tsl:X509Certificate", NS):
                try:
                    der = base64.b64decode("".join((encoded.text or "").split()), validate=True)
                    x509.Certificate.load(der).native  # noqa: B018 - parse now, refuse a broken one
                except (binascii.Error, ValueError) as error:
                    raise TrustedListError(
                        f"Certificato illeggibile nel servizio «{service_name}» di «{provider_name}»: {error}"
                    ) from None
                found.append(TrustedCA(provider=provider_name, service=service_name, der=der))
    return territory, found


def verify_signature(data: bytes, operator_certificate: bytes) -> None:
    """Check the list's enveloped XML signature against the scheme operator's certificate (PEM), with
    xmlsec1 (already needed by SAML); TrustedListError when it does not hold."""
    with tempfile.TemporaryDirectory() as work:
        listing = Path(work, "tsl.xml")
        certificate = Path(work, "operator.pem")
        listing.write_bytes(data)
        certificate.write_bytes(operator_certificate)
        binary = shutil.which("xmlsec1")
        if binary is None:
            raise TrustedListError("xmlsec1 non è installato: la firma della lista non si può verificare.")
        result = subprocess.run(  # noqa: S603 - fixed program and arguments, no shell, files we wrote
            [
                binary,
                "--verify",
                "--pubkey-cert-pem",
                str(certificate),
                "--id-attr:Id",
                "TrustServiceStatusList",
                str(listing),
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
    if result.returncode != 0:
        raise TrustedListError(
            "La firma della lista di fiducia non è valida per il certificato del gestore indicato."
        )


def install(cas: list[TrustedCA], directory: str | Path) -> tuple[int, int]:
    """Write the CAs as PEM files (named by fingerprint) into the trust store, replacing those of a previous
    import; files put there by hand are left alone. (written, removed)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    wanted = {f"{FILE_PREFIX}{ca.fingerprint[:32]}.pem": ca for ca in cas}
    removed = 0
    for path in target.glob(f"{FILE_PREFIX}*.pem"):
        if path.name not in wanted:
            path.unlink()
            removed += 1
    for name, ca in wanted.items():
        (target / name).write_bytes(ca.pem)
    return len(wanted), removed
