"""The trusted list (ETSI TS 119 612) becomes the trust store: only granted qualified CAs, the list's own
signature verified with the scheme operator's certificate, a re-import replaces what the last one wrote."""

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from grants.core import signatures, trusted_list

from . import pki

DECLARATION = pki.simple_pdf("Dichiarazione firmata con una CA della lista di fiducia")
SIGNATURE_TEMPLATE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>
<ds:Reference URI="#tsl"><ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>
</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"""


def _service(identity: pki.Identity, kind: str, status: str, name: str) -> str:
    der = identity.certificate.public_bytes(serialization.Encoding.DER)
    return f"""<TSPService><ServiceInformation>
<ServiceTypeIdentifier>{kind}</ServiceTypeIdentifier>
<ServiceName><Name xml:lang="it">{name} (it)</Name><Name xml:lang="en">{name}</Name></ServiceName>
<ServiceDigitalIdentity><DigitalId><X509Certificate>{base64.b64encode(der).decode()}</X509Certificate>
</DigitalId></ServiceDigitalIdentity>
<ServiceStatus>{status}</ServiceStatus><StatusStartingTime>2024-01-01T00:00:00Z</StatusStartingTime>
</ServiceInformation></TSPService>"""


def trusted_list_xml(
    granted: pki.Identity, withdrawn: pki.Identity, timestamping: pki.Identity, signed=False
):
    withdrawn_status = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"
    services = "".join(
        [
            _service(granted, trusted_list.QUALIFIED_CA, trusted_list.GRANTED, "CA qualificata"),
            _service(withdrawn, trusted_list.QUALIFIED_CA, withdrawn_status, "CA cessata"),
            _service(
                timestamping,
                "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST",
                trusted_list.GRANTED,
                "Marca temporale",
            ),
        ]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" Id="tsl" TSLTag="http://uri.etsi.org/19612/TSLTag">
<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><SchemeTerritory>IT</SchemeTerritory>
</SchemeInformation>
<TrustServiceProviderList><TrustServiceProvider>
<TSPInformation><TSPName><Name xml:lang="en">Prestatore di prova S.p.A.</Name></TSPName></TSPInformation>
<TSPServices>{services}</TSPServices>
</TrustServiceProvider></TrustServiceProviderList>
{SIGNATURE_TEMPLATE if signed else ""}
</TrustServiceStatusList>""".encode()


@pytest.fixture(scope="module")
def cas():
    return pki.make_ca("CA qualificata"), pki.make_ca("CA cessata"), pki.make_ca("TSA")


def _sign(xml: bytes, operator: pki.Identity, work: Path) -> bytes:
    template, key, out = work / "tmpl.xml", work / "key.pem", work / "signed.xml"
    template.write_bytes(xml)
    key.write_bytes(
        operator.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (work / "cert.pem").write_bytes(operator.pem)
    subprocess.run(  # noqa: S603 - the test signs its own list with xmlsec1
        [
            shutil.which("xmlsec1"),
            "--sign",
            "--privkey-pem",
            f"{key},{work / 'cert.pem'}",
            "--id-attr:Id",
            "TrustServiceStatusList",
            "--output",
            str(out),
            str(template),
        ],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def test_only_the_granted_qualified_cas_are_taken(cas):
    territory, found = trusted_list.parse(trusted_list_xml(*cas))
    assert territory == "IT"
    assert [(ca.provider, ca.service) for ca in found] == [("Prestatore di prova S.p.A.", "CA qualificata")]


def test_the_import_installs_the_store_and_a_signature_by_such_a_ca_is_valid(cas, tmp_path, settings):
    granted = cas[0]
    listing = tmp_path / "it.xml"
    listing.write_bytes(trusted_list_xml(*cas))
    store = tmp_path / "store"
    store.mkdir()
    (store / "manuale.pem").write_bytes(pki.make_ca("Aggiunta a mano").pem)
    (store / "tsl-vecchia.pem").write_bytes(pki.make_ca("Della lista precedente").pem)
    settings.SIGNATURE_TRUST_ROOTS = str(store)

    call_command("import_trusted_list", str(listing))

    assert sorted(p.name for p in store.iterdir() if p.name.startswith("tsl-")) == [
        f"tsl-{trusted_list.TrustedCA('', '', granted.asn1.dump()).fingerprint[:32]}.pem"
    ]
    assert (store / "manuale.pem").exists()  # what the operator put there stays
    check = signatures.verify_signed_document(pki.cades(DECLARATION, pki.make_signer(granted), granted))
    assert check.valid, check.reason
    withdrawn = cas[1]
    refused = signatures.verify_signed_document(pki.cades(DECLARATION, pki.make_signer(withdrawn), withdrawn))
    assert refused.code == "signature_untrusted"


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 is a system package of CI")
def test_a_signed_list_is_verified_with_the_operators_certificate(cas, tmp_path):
    operator, impostor = pki.make_ca("AgID, gestore della lista"), pki.make_ca("Impostore")
    signed = _sign(trusted_list_xml(*cas, signed=True), operator, tmp_path)
    trusted_list.verify_signature(signed, operator.pem)
    with pytest.raises(trusted_list.TrustedListError):
        trusted_list.verify_signature(signed, impostor.pem)
    tampered = signed.replace(b"CA qualificata</Name>", b"CA alterata</Name>", 1)
    with pytest.raises(trusted_list.TrustedListError):
        trusted_list.verify_signature(tampered, operator.pem)

    listing, certificate, store = tmp_path / "it.xml", tmp_path / "impostor.pem", tmp_path / "store"
    listing.write_bytes(signed)
    certificate.write_bytes(impostor.pem)
    with pytest.raises(CommandError, match="firma della lista"):
        call_command(
            "import_trusted_list", str(listing), "--operator-cert", str(certificate), "--into", str(store)
        )
    assert not store.exists() or not list(store.iterdir())  # nothing installed


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<nope", "XML leggibile"), (b"<a xmlns='x'/>", "TrustServiceStatusList")],
)
def test_a_file_that_is_not_a_trusted_list_is_refused(content, message):
    with pytest.raises(trusted_list.TrustedListError, match=message):
        trusted_list.parse(content)
