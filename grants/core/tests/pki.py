"""A throw-away PKI for the signature tests: a CA, signers with a codice fiscale, CAdES and PAdES."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SIGNER_CF = "RSSMRA85T10A562S"
CRL_URL = "http://crl.ca-di-prova.invalid/ca.crl"


@dataclass
class Identity:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))


def _name(*attributes) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def make_ca(common_name: str = "CA di prova WECARE") -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(
        (NameOID.COUNTRY_NAME, "IT"), (NameOID.ORGANIZATION_NAME, "Prova"), (NameOID.COMMON_NAME, common_name)
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(key, certificate)


def make_signer(
    ca: Identity,
    *,
    fiscal_code: str = SIGNER_CF,
    given_name: str = "Mario",
    surname: str = "Rossi",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    subject = _name(
        (NameOID.COUNTRY_NAME, "IT"),
        (NameOID.GIVEN_NAME, given_name),
        (NameOID.SURNAME, surname),
        (NameOID.SERIAL_NUMBER, f"TINIT-{fiscal_code}"),
        (NameOID.COMMON_NAME, f"{given_name} {surname}"),
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=30))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=True,  # non-repudiation: the key usage of qualified signatures
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        # Where the CA publishes its revocation list, as every qualified certificate says: revocation is
        # checked for certificates that name one (grants.core.signatures, SIGNATURE_CRLS).
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Identity(key, certificate)


def revocation_list(ca: Identity, *revoked: Identity, revoked_on: datetime | None = None) -> bytes:
    """A CRL of ``ca`` (DER) naming ``revoked`` as revoked on ``revoked_on`` (default: a day ago)."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for identity in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(identity.certificate.serial_number)
            .revocation_date(revoked_on or now - timedelta(days=1))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _pyhanko_signer(signer: Identity, ca: Identity):
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = signer.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SimpleSigner(
        signing_cert=signer.asn1,
        signing_key=keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([ca.asn1]),
    )


def cades(content: bytes, signer: Identity, ca: Identity, *, encoding: str = "der") -> bytes:
    """A .p7m: the content enveloped in a CAdES-BES signature (DER, or base64 as some tools save it)."""
    info = asyncio.run(
        _pyhanko_signer(signer, ca).async_sign_general_data(content, "sha256", detached=False, use_cades=True)
    )
    der = info.dump()
    return base64.encodebytes(der) if encoding == "base64" else der


def simple_pdf(text: str = "Dichiarazione sostitutiva") -> bytes:
    """A one-page PDF written by hand (objects, xref and trailer), enough for pyHanko to sign."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pades(pdf: bytes, signer: Identity, ca: Identity) -> bytes:
    """The PDF with a PAdES signature over the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Firma", subfilter=SigSeedSubFilter.PADES)
    output = signers.sign_pdf(writer, meta, signer=_pyhanko_signer(signer, ca))
    return output.getvalue()


def write_trust_roots(directory, *cas: Identity) -> str:
    for index, ca in enumerate(cas):
        (directory / f"ca{index}.pem").write_bytes(ca.pem)
    return str(directory)
