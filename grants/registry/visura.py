"""The de minimis "visura" the RNA (Registro Nazionale Aiuti) gives for a beneficiary, read from the file it
returns: a CSV export (RNA's column names, ``;`` or ``,``) or the XML of its open data (``LISTA_AIUTI`` /
``AIUTO`` with ``COMPONENTI_AIUTO`` / ``STRUMENTI_AIUTO``). Pure: bytes in, rows out, no database.

One row per concession (COR): the aid element (``Elemento di aiuto``, the gross grant equivalent) of its
instruments is summed. Any malformed row makes the whole file refused, with every problem listed.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

from grants.core.money import ZERO, parse_amount, round_money

MAX_BYTES = 5 * 1024 * 1024


class VisuraError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class VisuraAid:
    cor: str
    car: str
    measure_title: str
    granted_on: date
    aid_amount: Decimal
    regulation: str
    granting_body: str
    beneficiary_fiscal_code: str


def _key(name: str) -> str:
    """``Data concessione``, ``DATA_CONCESSIONE`` and ``data_concessione`` are one column."""
    return re.sub(r"[\s_]+", " ", (name or "").strip().strip("\ufeff")).lower()


COLUMNS = {
    "cor": ("cor", "codice cor"),
    "car": ("car", "codice car"),
    "measure_title": ("titolo misura",),
    "granted_on": ("data concessione",),
    "aid_amount": ("elemento di aiuto", "elemento aiuto"),
    "regulation": ("regolamento", "des regolamento", "regolamento ue"),
    "granting_body": ("soggetto concedente", "autorita concedente", "autorità concedente"),
    "fiscal_code": ("codice fiscale beneficiario", "cf beneficiario", "codice fiscale"),
}
REQUIRED = ("cor", "granted_on", "aid_amount")


def _date(text: str) -> date | None:
    text = (text or "").strip()[:10]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _amount(text: str) -> Decimal | None:
    try:
        value = round_money(parse_amount(text))
    except (ValueError, ArithmeticError):
        return None
    return value if value >= 0 else None


@dataclass
class _Partial:
    cor: str
    car: str
    measure_title: str
    granted_on: date
    regulation: str
    granting_body: str
    fiscal_code: str
    amount: Decimal = ZERO


def _merge(found: dict[str, _Partial], problems: list[str], where: str, values: dict[str, str]) -> None:
    cor = re.sub(r"\s", "", values.get("cor", ""))
    day = _date(values.get("granted_on", ""))
    amount = _amount(values.get("aid_amount", ""))
    if not re.fullmatch(r"\d{1,20}", cor):
        problems.append(_("%(where)s: il codice COR «%(cor)s» non è valido.") % {"where": where, "cor": cor})
    if day is None:
        problems.append(
            _("%(where)s: la data di concessione «%(day)s» non è una data.")
            % {"where": where, "day": values.get("granted_on", "")}
        )
    if amount is None:
        problems.append(
            _("%(where)s: l'elemento di aiuto «%(amount)s» non è un importo.")
            % {"where": where, "amount": values.get("aid_amount", "")}
        )
    if day is None or amount is None or not re.fullmatch(r"\d{1,20}", cor):
        return
    row = found.get(cor)
    if row is None:
        row = found[cor] = _Partial(
            cor=cor,
            car=values.get("car", "").strip(),
            measure_title=values.get("measure_title", "").strip(),
            granted_on=day,
            regulation=values.get("regulation", "").strip(),
            granting_body=values.get("granting_body", "").strip(),
            fiscal_code=re.sub(r"\s", "", values.get("fiscal_code", "")).upper(),
        )
    elif row.granted_on != day:
        problems.append(
            _("%(where)s: il COR %(cor)s compare con due date di concessione diverse.")
            % {"where": where, "cor": cor}
        )
    row.amount = round_money(row.amount + amount)


def _rows(found: dict[str, _Partial]) -> list[VisuraAid]:
    return [
        VisuraAid(
            cor=r.cor,
            car=r.car,
            measure_title=r.measure_title,
            granted_on=r.granted_on,
            aid_amount=r.amount,
            regulation=r.regulation,
            granting_body=r.granting_body,
            beneficiary_fiscal_code=r.fiscal_code,
        )
        for r in found.values()
    ]


def _text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise VisuraError([_("Il file non è un testo leggibile (CSV o XML).")])


def parse_csv(text: str) -> list[VisuraAid]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None) or []
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        for field, names in COLUMNS.items():
            if _key(name) in names and field not in positions:
                positions[field] = index
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in positions]
    if missing:
        raise VisuraError(
            [
                _("Mancano le colonne della visura RNA: %(columns)s.")
                % {"columns": ", ".join(f"«{m.capitalize()}»" for m in missing)}
            ]
        )
    found: dict[str, _Partial] = {}
    problems: list[str] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {field: record[index] if index < len(record) else "" for field, index in positions.items()}
        _merge(found, problems, _("Riga %(n)d") % {"n": number}, values)
    if problems:
        raise VisuraError(problems)
    return _rows(found)


def _child(element, *names: str) -> str:
    for name in names:
        found = element.find(name)
        if found is not None and found.text:
            return found.text.strip()
    return ""


def parse_xml(content: bytes) -> list[VisuraAid]:
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise VisuraError([_("Il file XML non può contenere dichiarazioni DOCTYPE o ENTITY.")])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise VisuraError([_("Il file XML non è ben formato: %(error)s.") % {"error": error}]) from None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]  # the names are read without their namespace
    aids = [root] if root.tag == "AIUTO" else list(root.iter("AIUTO"))
    if not aids:
        raise VisuraError([_("Il file XML non contiene aiuti (elementi AIUTO).")])
    found: dict[str, _Partial] = {}
    problems: list[str] = []
    for number, aid in enumerate(aids, start=1):
        instruments = list(aid.iter("STRUMENTO_AIUTO")) or [aid]
        components = list(aid.iter("COMPONENTE_AIUTO"))
        regulation = _child(components[0], "DES_REGOLAMENTO", "COD_REGOLAMENTO") if components else ""
        base = {
            "cor": _child(aid, "COR"),
            "car": _child(aid, "CAR"),
            "measure_title": _child(aid, "TITOLO_MISURA"),
            "granted_on": _child(aid, "DATA_CONCESSIONE"),
            "regulation": regulation or _child(aid, "REGOLAMENTO"),
            "granting_body": _child(aid, "SOGGETTO_CONCEDENTE"),
            "fiscal_code": _child(aid, "CODICE_FISCALE_BENEFICIARIO"),
        }
        for instrument in instruments:
            values = {**base, "aid_amount": _child(instrument, "ELEMENTO_DI_AIUTO")}
            _merge(found, problems, _("Aiuto %(n)d") % {"n": number}, values)
    if problems:
        raise VisuraError(problems)
    return _rows(found)


def parse_visura(content: bytes) -> list[VisuraAid]:
    """The concessions of the file (CSV or XML, told by its first character); ``VisuraError`` lists every
    problem of a malformed file."""
    if not content or not content.strip():
        raise VisuraError([_("Il file è vuoto.")])
    if len(content) > MAX_BYTES:
        raise VisuraError([_("Il file supera i 5 MB: non è una visura de minimis.")])
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        rows = parse_xml(content)
    else:
        rows = parse_csv(_text(content))
    if not rows:
        raise VisuraError([_("La visura non contiene aiuti.")])
    return rows
