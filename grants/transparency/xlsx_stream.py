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
from xml.sax.saxutils import escape, quoteattr

TEXT, NUMBER, DATE = "text", "number", "date"

# Styles (cellXfs): 0 default, 1 bold header, 2 date DD/MM/YYYY (custom format 164), 3 #,##0.00 (built-in 4).
_HEADER_STYLE, _DATE_STYLE, _NUMBER_STYLE = 1, 2, 3
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_WRITE = 500

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
    return escape(_ILLEGAL_XML.sub("", str(value)))


def _cell(reference: str, kind: str, value) -> str:
    if value is None or value == "":
        return ""
    if kind == NUMBER:
        return f'<c r="{reference}" s="{_NUMBER_STYLE}"><v>{value}</v></c>'
    if kind == DATE and isinstance(value, date):
        return f'<c r="{reference}" s="{_DATE_STYLE}"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def write(
    handle, *, title: str, header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """Write the workbook into the binary file ``handle``; ``rows`` is consumed once, as it comes."""
    letters = [column_letter(i) for i in range(len(header))]
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
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
            for number, values in enumerate(rows, start=2):
                cells = "".join(
                    _cell(f"{letter}{number}", kind, value)
                    for letter, kind, value in zip(letters, kinds, values, strict=True)
                )
                buffer.append(f'<row r="{number}">{cells}</row>')
                if len(buffer) >= _ROWS_PER_WRITE:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write(("".join(buffer) + _SHEET_TAIL).encode())
