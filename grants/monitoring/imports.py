"""Read a participants file (CSV or XLSX) into numbered rows of column → value.

The header row names the columns of grants.monitoring.participant_data (case, spaces and accents do not
matter: "Codice fiscale", "DISABILITÀ"). Lines are numbered as a spreadsheet shows them (header = 1), so an
error names the line the user sees. A file that cannot be read at all raises ``ImportFileError``.
"""

import csv
import io
import unicodedata
import zipfile

from django.utils.translation import gettext as _

from .participant_data import COLUMNS, REQUIRED_COLUMNS


class ImportFileError(ValueError):
    pass


def _column(name) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return "_".join(text.strip().lower().replace("-", " ").split())


def _rows(header: list, body, max_rows: int) -> list[tuple[int, dict]]:
    columns = [_column(name) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            _("Mancano le colonne obbligatorie: %(columns)s. Colonne previste: %(all)s.")
            % {"columns": ", ".join(missing), "all": ", ".join(COLUMNS)}
        )
    rows = []
    for line, values in body:
        values = list(values)
        if not any(str(v).strip() for v in values if v is not None):
            continue  # blank lines are not participants
        if len(rows) >= max_rows:
            raise ImportFileError(
                _("Il file ha più di %(n)s righe: dividerlo in più file.") % {"n": max_rows}
            )
        rows.append((line, {c: values[i] if i < len(values) else None for i, c in enumerate(columns) if c}))
    return rows


def _read_csv(data: bytes, max_rows: int) -> list[tuple[int, dict]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ImportFileError(_("Il file non è un testo leggibile (usare UTF-8)."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        delimiter = ";" if text.count(";") >= text.count(",") else ","
        dialect = type("Fallback", (csv.excel,), {"delimiter": delimiter})
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("Il file è vuoto.")) from None
    return _rows(header, ((reader.line_num, row) for row in reader), max_rows)


def _read_xlsx(data: bytes, max_rows: int) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("Il file XLSX non si può aprire: salvarlo di nuovo da Excel o LibreOffice.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        try:
            header = next(iterator)
        except StopIteration:
            raise ImportFileError(_("Il foglio è vuoto.")) from None
        return _rows(list(header), ((line, row) for line, row in enumerate(iterator, start=2)), max_rows)
    finally:
        workbook.close()


def read_rows(handle, name: str, *, max_rows: int) -> list[tuple[int, dict]]:
    data = handle.read()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, max_rows)
    if name.lower().endswith(".xlsx"):
        raise ImportFileError(_("Il file non è un XLSX valido."))
    return _read_csv(data, max_rows)
