"""Uploaded files are judged by their content, never by the name or the Content-Type the browser sends."""

import re

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

from . import signatures

PDF = "application/pdf"
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
]
# Active or locked content a reviewer must never be made to open: scripts, auto-actions, embedded files,
# encryption (unreadable to the office and to the fingerprint's meaning).
_PDF_FORBIDDEN = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|Encrypt)\b")


class UploadRefused(ValueError):
    """The file is not what it claims to be, or carries content that is not accepted; ``code`` says which."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def sniff_content_type(head: bytes) -> str:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return "application/octet-stream"


def _read_all(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    data = b"".join(uploaded_file.chunks())
    uploaded_file.seek(0)
    return data


def check_upload(
    uploaded_file,
    *,
    allowed_types: list[str],
    max_bytes: int,
    declared_type: str = "",
    allow_signed: bool = False,
) -> str:
    """Return the content type found in the file, or raise UploadRefused with an Italian reason.

    With ``allow_signed``, a ``.p7m`` (CAdES envelope) is accepted when the document it carries passes the
    same checks (its content type must be allowed, a PDF inside must be plain): the result is then
    ``P7M``. Whether the signature is valid, and whose, is for ``signatures.verify_signed_document``.
    """
    if uploaded_file.size > max_bytes:
        raise UploadRefused(
            f"Il file supera la dimensione massima di {max_bytes // (1024 * 1024)} MB.",
            code="document_too_large",
        )
    if uploaded_file.size == 0:
        raise UploadRefused("Il file è vuoto.", code="document_empty")
    data = _read_all(uploaded_file)
    if allow_signed and allowed_types and signatures.is_cades(data):
        inner = signatures.signed_content(data)
        if not inner:
            raise UploadRefused(
                "Il file .p7m non contiene il documento firmato (firma separata o buste annidate "
                "illeggibili): carica il file .p7m completo.",
                code="document_signed_content",
            )
        try:
            _judge_content(inner, allowed_types=allowed_types, declared_type="")
        except UploadRefused as refusal:
            raise UploadRefused(
                f"Documento contenuto nel file firmato .p7m: {refusal}", code=refusal.code
            ) from None
        return signatures.P7M
    return _judge_content(data, allowed_types=allowed_types, declared_type=declared_type)


def _judge_content(data: bytes, *, allowed_types: list[str], declared_type: str) -> str:
    content_type = sniff_content_type(data[:16])
    if allowed_types and content_type not in allowed_types:
        # Name what the file is; when its content is unrecognisable, what the browser said it was.
        shown = content_type if content_type != "application/octet-stream" else declared_type or content_type
        raise UploadRefused(
            f"Formato non ammesso ({shown}): sono ammessi {', '.join(allowed_types)}. "
            "Il formato si riconosce dal contenuto del file, non dal nome.",
            code="document_type",
        )
    if content_type == PDF and _PDF_FORBIDDEN.search(data):
        raise UploadRefused(
            "Il PDF contiene script, azioni automatiche, file incorporati o una cifratura: "
            "salvalo di nuovo come PDF semplice (ad esempio «Stampa in PDF») e ricaricalo.",
            code="document_active_content",
        )
    return content_type


def safe_filename(name: str) -> str:
    """The last path component, reduced to safe characters, at most 255 long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base)[:255]
    except SuspiciousFileOperation:  # nothing usable left of the name
        return "documento"
