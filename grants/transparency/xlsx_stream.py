"""A one-sheet XLSX written row by row into a zip stream: what the open-data export needs for 100,000
projects in bounded memory and in seconds.

openpyxl (without lxml, as installed here) builds an element tree per cell and spends ~1.4 ms per row of 27
cells on it: four fifths of the time of the whole export. This writer emits the SpreadsheetML of the sheet
directly (ECMA-376 part 1: inline strings, numbers, dates as serial numbers with a date format), streamed into
a deflated zip entry, a few hundred rows at a time. The fixed parts (content types, relationships, workbook,
styles) are constants. Files it writes are read back by openpyxl in the tests.

    write(handle, title="progetti", header=["CUP", ...], kinds=[TEXT, AMOUNT, ...], rows=iterator)

Values: None → empty cell; TEXT → string (characters XML 1.0 forbids are dropped); NUMBER → Decimal/int,
written as is, format ``#,##0.00``; DATE → ``datetime.date``, format ``DD/MM/YYYY``.
"""

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from xml.sax.saxutils import quoteattr

TEXT, NUMBER, DATE = "text", "number", "date"

# Styles (cellXfs): 0 default, 1 bold header, 2 date DD/MM/YYYY (custom format 164), 3 #,##0.00 (built-in 4).
_HEADER_STYLE, _DATE_STYLE, _NUMBER_STYLE = 1, 2, 3
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_WRITE = 500
_DEFLATE_LEVEL = 3

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>\
</Relationships>"""

_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
</Relationships>"""

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

_SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" \
state="frozen"/></sheetView></sheetViews><sheetData>"""
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value) -> str:
    """The value as XML text: characters XML 1.0 forbids dropped, then ``&``, ``<``, ``>`` escaped."""
    return _ILLEGAL_XML.sub("", str(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(column: str, number: int, value) -> str:
    if value is None or value == "":
        return ""
    return f'<c r="{column}{number}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def _number_cell(column: str, number: int, value) -> str:
    if value is None or value == "":
        return ""
    return f'<c r="{column}{number}" s="{_NUMBER_STYLE}"><v>{value}</v></c>'


def _date_cell(column: str, number: int, value) -> str:
    if not isinstance(value, date):  # a date the source could not give: written as the text it is
        return _text_cell(column, number, value)
    return f'<c r="{column}{number}" s="{_DATE_STYLE}"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'


_CELLS = {TEXT: _text_cell, NUMBER: _number_cell, DATE: _date_cell}


def write(
    handle, *, title: str, header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """Write the workbook into the binary file ``handle``; ``rows`` is consumed once, as it comes."""
    letters = [column_letter(i) for i in range(len(header))]
    # Deflate level 3, not zlib's default 6: measured on the sheet of 100,000 projects, about 40% less time
    # for a file about a third larger (the export waits on compression, the download hardly on size).
    with zipfile.ZipFile(
        handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_DEFLATE_LEVEL
    ) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml", _WORKBOOK.format(name=quoteattr(_ILLEGAL_XML.sub("", title[:31])))
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            heading = "".join(
                f'<c r="{letter}1" s="{_HEADER_STYLE}" t="inlineStr"><is><t>{_text(name)}</t></is></c>'
                for letter, name in zip(letters, header, strict=True)
            )
            sheet.write(f'{_SHEET_HEAD}<row r="1">{heading}</row>'.encode())
            buffer = []
            # Each column's cell writer chosen once, not per cell (100,000 rows are millions of cells).
            writers = [_CELLS.get(kind, _text_cell) for kind in kinds]
            if len(writers) != len(letters):
                raise ValueError("one kind per column")
            columns = list(zip(writers, letters, strict=True))
            for number, values in enumerate(rows, start=2):
                cells = "".join(
                    [
                        cell(letter, number, value)
                        for (cell, letter), value in zip(columns, values, strict=True)
                    ]
                )
                buffer.append(f'<row r="{number}">{cells}</row>')
                if len(buffer) >= _ROWS_PER_WRITE:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write(("".join(buffer) + _SHEET_TAIL).encode())
