import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename

PLAIN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LIMIT = 10 * 1024 * 1024


def upload(content: bytes, name="documento.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_plain_pdf_is_accepted_by_its_content():
    assert check_upload(upload(PLAIN_PDF), allowed_types=[PDF], max_bytes=LIMIT) == PDF


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n....", b"MZ\x90\x00 an executable", b"just text pretending"],
    ids=["png", "exe", "text"],
)
def test_a_file_named_pdf_whose_content_is_not_pdf_is_refused(content):
    with pytest.raises(UploadRefused) as refusal:
        check_upload(upload(content), allowed_types=[PDF], max_bytes=LIMIT)
    assert refusal.value.code == "document_type"
    assert "contenuto del file" in str(refusal.value)


@pytest.mark.parametrize("marker", [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/Encrypt"])
def test_pdfs_with_active_or_encrypted_content_are_refused(marker):
    content = PLAIN_PDF.replace(b"<<>>", b"<<" + marker + b" 2 0 R>>", 1)
    with pytest.raises(UploadRefused) as refusal:
        check_upload(upload(content), allowed_types=[PDF], max_bytes=LIMIT)
    assert refusal.value.code == "document_active_content"


def test_size_limit_and_empty_files():
    with pytest.raises(UploadRefused, match="10 MB"):
        check_upload(upload(PLAIN_PDF + b" " * LIMIT), allowed_types=[PDF], max_bytes=LIMIT)
    with pytest.raises(UploadRefused, match="vuoto"):
        check_upload(upload(b""), allowed_types=[PDF], max_bytes=LIMIT)


def test_the_file_can_still_be_read_after_the_check():
    file = upload(PLAIN_PDF)
    check_upload(file, allowed_types=[PDF], max_bytes=LIMIT)
    assert file.read() == PLAIN_PDF


def test_names_are_sanitised():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\rossi\\Domanda firmata.pdf") == "Domanda_firmata.pdf"
    assert safe_filename("<script>.pdf") == "script.pdf"
    assert safe_filename("///") == "documento"
