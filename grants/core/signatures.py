"""Digitally signed documents: CAdES (``.p7m``) and PAdES (signed PDF), verified against a trust store.

What is checked, for each format:

- the signature is cryptographically valid and the signed content was not changed afterwards (for a PDF: the
  signature covers the whole file, or later revisions only add what the signature allows);
- the signer's certificate chains up to a CA certificate of ``SIGNATURE_TRUST_ROOTS`` (a directory of PEM
  files: the EU trusted list's qualified CAs in production, a test CA in the tests), was valid at the signing
  time and allows non-repudiation (the key usage of qualified signatures);
- the signer's codice fiscale is read from the certificate subject's ``serialNumber`` (``TINIT-<CF>``).

The signing time is the one the signature declares (``signing-time``; a PDF's ``/M``), never later than now:
without a trusted timestamp it is the signer's own statement. Revocation is checked against what the signature
embeds and the certificate revocation lists of ``SIGNATURE_CRLS`` (a directory of CRL files, refreshed by the
operator's periodic job: no network here, ``allow_fetching`` is off); a certificate a list names as revoked
before the signing time is refused, one whose status cannot be known is not.

pyHanko (and its certvalidator) does the cryptography and the path validation for both formats: the same
validation rules, one library. The CMS itself is read with asn1crypto, on which pyHanko is built.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import cms, pem, x509
from django.conf import settings
from stdnum.it import codicefiscale

logger = logging.getLogger(__name__)

CADES = "CAdES"
PADES = "PAdES"
P7M = "application/pkcs7-mime"
# A .p7m may wrap another .p7m (a document signed twice in sequence); deeper nesting is not a real document.
MAX_NESTING = 3
_TRUST_ROOT_SUFFIXES = (".pem", ".crt", ".cer")
_CRL_SUFFIXES = (".crl", ".pem", ".der")


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of a verification: ``valid``, who signed and when, and in Italian why it failed."""

    valid: bool
    format: str = ""
    reason: str = ""  # empty when valid
    code: str = ""  # machine-readable reason, e.g. "signature_tampered"
    signer_name: str = ""
    fiscal_code: str = ""
    signing_time: datetime | None = None
    content: bytes = b""  # CAdES: the signed document, extracted from the envelope

    @property
    def summary(self) -> str:
        if not self.valid:
            return self.reason
        when = f" il {self.signing_time:%d/%m/%Y %H:%M}" if self.signing_time else ""
        cf = f" (codice fiscale {self.fiscal_code})" if self.fiscal_code else ""
        return f"Firma {self.format} valida di {self.signer_name or 'firmatario senza nome'}{cf}{when}."


def _refused(code: str, reason: str, **fields) -> SignatureCheck:
    return SignatureCheck(valid=False, code=code, reason=reason, **fields)


# --- reading ------------------------------------------------------------------------------------------------


def load_signed_data(data: bytes) -> cms.SignedData | None:
    """The CMS SignedData of a ``.p7m`` (DER/BER, or base64 or PEM of it), or None if it is not one."""
    raw = data
    if not raw.startswith(b"\x30"):
        text = raw.strip()
        if text.startswith(b"-----BEGIN"):
            try:
                _, _, raw = pem.unarmor(text)
            except ValueError:
                return None
        else:
            try:
                raw = base64.b64decode(b"".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                return None
        if not raw.startswith(b"\x30"):
            return None
    try:
        info = cms.ContentInfo.load(raw)
        if info["content_type"].native != "signed_data":
            return None
        signed_data = info["content"]
        signed_data["encap_content_info"]["content_type"].native  # noqa: B018 - parse now, fail here
        return signed_data
    except (ValueError, TypeError, KeyError):
        return None


def is_cades(data: bytes) -> bool:
    return load_signed_data(data) is not None


def signed_content(data: bytes) -> bytes | None:
    """The document inside a ``.p7m`` (nested envelopes unwrapped), or None if not one or detached."""
    content = data
    for _ in range(MAX_NESTING):
        signed_data = load_signed_data(content)
        if signed_data is None:
            return content if content is not data else None
        inner = signed_data["encap_content_info"]["content"].native
        if inner is None:
            return None
        content = inner
    return None if load_signed_data(content) is not None else content


def fiscal_code_of(certificate: x509.Certificate) -> str:
    """The codice fiscale in the subject's serialNumber (``TINIT-RSSMRA85T10A562S``), or "" if none."""
    serial = certificate.subject.native.get("serial_number") or ""
    if isinstance(serial, list):
        serial = serial[0] if serial else ""
    value = serial.strip().upper()
    if value.startswith("TINIT-"):
        value = value[len("TINIT-") :]
    return value if codicefiscale.is_valid(value) else ""


def signer_name_of(certificate: x509.Certificate) -> str:
    subject = certificate.subject.native
    full = " ".join(part for part in (subject.get("given_name"), subject.get("surname")) if part)
    return full or subject.get("common_name") or ""


def trust_roots(directory: str | None = None) -> list[x509.Certificate]:
    """The CA certificates of ``SIGNATURE_TRUST_ROOTS`` (every PEM or DER ``.pem``/``.crt``/``.cer`` file)."""
    directory = directory if directory is not None else getattr(settings, "SIGNATURE_TRUST_ROOTS", "")
    if not directory or not Path(directory).is_dir():
        return []
    roots = []
    for path in sorted(Path(directory).iterdir()):
        if path.suffix.lower() not in _TRUST_ROOT_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        try:
            if pem.detect(data):
                roots.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
            else:
                roots.append(x509.Certificate.load(data))
        except ValueError:
            logger.warning("Not a certificate, skipped from SIGNATURE_TRUST_ROOTS: %s", path)
    return roots


def revocation_lists(directory: str | None = None) -> list:
    """The certificate revocation lists of ``SIGNATURE_CRLS`` (PEM or DER ``.crl``/``.pem``/``.der``)."""
    from asn1crypto import crl

    directory = directory if directory is not None else getattr(settings, "SIGNATURE_CRLS", "")
    if not directory or not Path(directory).is_dir():
        return []
    lists = []
    for path in sorted(Path(directory).iterdir()):
        if path.suffix.lower() not in _CRL_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        try:
            ders = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            for der in ders:
                found = crl.CertificateList.load(der)
                _ = found.native  # parse now: a broken file is skipped here, not during a verification
                lists.append(found)
        except ValueError:
            logger.warning("Not a revocation list, skipped from SIGNATURE_CRLS: %s", path)
    return lists


# --- verification -------------------------------------------------------------------------------------------


def _signing_moment(claimed: datetime | None) -> datetime:
    now = datetime.now(UTC)
    return min(claimed, now) if claimed else now


def _validation_context(moment: datetime, roots, other_certs=()):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=roots,
        other_certs=list(other_certs),
        moment=moment,
        allow_fetching=False,
        crls=revocation_lists(),
    )


def _judge(status, fmt: str, moment: datetime, **extra) -> SignatureCheck:
    """Turn a pyHanko status into a SignatureCheck with the first thing that failed, in Italian."""
    from pyhanko.sign.ades.report import AdESIndeterminate

    cert = status.signing_cert
    who = {
        "format": fmt,
        "signer_name": signer_name_of(cert) if cert else "",
        "fiscal_code": fiscal_code_of(cert) if cert else "",
        "signing_time": moment,
        **extra,
    }
    if not status.intact:
        return _refused(
            "signature_tampered",
            "Il documento è stato modificato dopo la firma: la firma non vale più.",
            **who,
        )
    if not status.valid:
        return _refused(
            "signature_invalid", "La firma digitale non è valida (verifica crittografica fallita).", **who
        )
    if not status.trusted:
        problem = status.trust_problem_indic
        if cert is not None and cert.not_valid_after < moment:
            when = cert.not_valid_after.strftime("%d/%m/%Y")
            return _refused(
                "signature_expired",
                f"Il certificato di firma era scaduto il {when}, prima della firma.",
                **who,
            )
        if cert is not None and cert.not_valid_before > moment:
            return _refused(
                "signature_not_yet_valid",
                "Il certificato di firma non era ancora valido al momento della firma.",
                **who,
            )
        if problem in (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE):
            return _refused("signature_revoked", "Il certificato di firma è stato revocato.", **who)
        if problem in (
            AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
            AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
            None,
        ):
            return _refused(
                "signature_untrusted",
                "Il certificato di firma non è stato emesso da un'autorità di certificazione riconosciuta.",
                **who,
            )
        return _refused(
            "signature_untrusted",
            "Il certificato di firma non è utilizzabile per una firma qualificata "
            f"({getattr(problem, 'name', problem)}).",
            **who,
        )
    return SignatureCheck(valid=True, **who)


def _no_trust_roots(fmt: str) -> SignatureCheck:
    return _refused(
        "signature_no_trust_roots",
        "La verifica delle firme non è configurata (nessuna autorità di certificazione riconosciuta): "
        "contatta l'assistenza.",
        format=fmt,
    )


def verify_cades(data: bytes, *, roots: list | None = None) -> SignatureCheck:
    """Verify a ``.p7m`` (CAdES, attached content; every nested envelope) and extract the document."""
    from pyhanko.sign.validation.generic_cms import async_validate_cms_signature, extract_self_reported_ts
    from pyhanko.sign.validation.status import StandardCMSSignatureStatus

    roots = trust_roots() if roots is None else roots
    content, result = data, None
    for _ in range(MAX_NESTING):
        signed_data = load_signed_data(content)
        if signed_data is None:
            break
        if result is None and not roots:
            return _no_trust_roots(CADES)
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) == 0:
            return _refused("signature_missing", "La busta .p7m non contiene alcuna firma.", format=CADES)
        inner = signed_data["encap_content_info"]["content"].native
        if inner is None:
            return _refused(
                "signature_detached",
                "La busta .p7m non contiene il documento firmato (firma separata): "
                "carica il file .p7m completo.",
                format=CADES,
            )
        moment = _signing_moment(extract_self_reported_ts(signer_infos[0]))
        certs = [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
        context = _validation_context(moment, roots, certs)
        try:
            status = asyncio.run(
                async_validate_cms_signature(
                    signed_data, status_cls=StandardCMSSignatureStatus, validation_context=context
                )
            )
        except Exception as exc:  # a malformed envelope: pyHanko raises many types
            logger.info("CAdES signature not verifiable: %r", exc)
            return _refused("signature_malformed", "La firma della busta .p7m non è leggibile.", format=CADES)
        check = _judge(status, CADES, moment)
        if not check.valid:
            return check
        result = result or check  # the outermost signature is the one that names the signer
        content = inner
    if result is None:
        return _refused("signature_missing", "Il file non è una busta firmata .p7m (CAdES).", format=CADES)
    if load_signed_data(content) is not None:
        return _refused("signature_malformed", "La busta .p7m contiene troppe firme annidate.", format=CADES)
    return SignatureCheck(
        valid=True,
        format=CADES,
        signer_name=result.signer_name,
        fiscal_code=result.fiscal_code,
        signing_time=result.signing_time,
        content=content,
    )


def has_pdf_signature(data: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return bool(PdfFileReader(BytesIO(data), strict=False).embedded_signatures)
    except Exception:
        return False


def verify_pades(data: bytes, *, roots: list | None = None) -> SignatureCheck:
    """Verify every signature of a PDF (PAdES); the result names the signer of the last one."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature

    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:
        logger.info("PDF not readable for signatures: %r", exc)
        return _refused(
            "signature_malformed", "Il PDF non è leggibile: non è possibile verificarne la firma."
        )
    if not signatures:
        return _refused("signature_missing", "Il PDF non contiene una firma digitale (PAdES).", format=PADES)
    roots = trust_roots() if roots is None else roots
    if not roots:
        return _no_trust_roots(PADES)
    check = None
    for signature in signatures:
        moment = _signing_moment(signature.self_reported_timestamp)
        context = _validation_context(moment, roots)
        try:
            status = asyncio.run(async_validate_pdf_signature(signature, signer_validation_context=context))
        except Exception as exc:
            logger.info("PAdES signature not verifiable: %r", exc)
            return _refused("signature_malformed", "La firma del PDF non è leggibile.", format=PADES)
        check = _judge(status, PADES, moment)
        if not check.valid:
            return check
        if not status.bottom_line:
            return _refused(
                "signature_tampered",
                "Il PDF è stato modificato dopo la firma in un modo che la firma non consente.",
                format=PADES,
                signer_name=check.signer_name,
                fiscal_code=check.fiscal_code,
                signing_time=check.signing_time,
            )
    return check


def verify_signed_document(data: bytes, *, roots: list | None = None) -> SignatureCheck:
    """Verify a signed document whatever its format: a ``.p7m`` envelope, or a PDF with signatures."""
    if is_cades(data):
        return verify_cades(data, roots=roots)
    if data.startswith(b"%PDF-"):
        return verify_pades(data, roots=roots)
    return _refused(
        "signature_missing",
        "Il documento non è firmato digitalmente: carica un PDF firmato (PAdES) o un file .p7m (CAdES).",
    )
