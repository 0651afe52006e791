"""The dashboard's numbers as chart data (for static/js/dashboard.js through json_script), XLSX and CSV.

The tables of the page, the charts and the files are built from the same ``Dashboard`` (grants.monitoring.
dashboard.build): what a chart draws is what the table says and what the file contains.
"""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from grants.core.timeutils import in_rome, now

from .dashboard import DIMENSIONS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _num(value):
    return None if value is None else float(value)  # chart coordinates only: never used for money


def chart_data(data) -> dict:
    return {
        "money": {
            "labels": [row.label for row in data.money],
            "series": [
                {"label": _("Dotazione"), "values": [_num(r.budget) for r in data.money]},
                {"label": _("Concesso"), "values": [_num(r.granted) for r in data.money]},
                {"label": _("Pagato"), "values": [_num(r.paid) for r in data.money]},
                {"label": _("Spesa ammessa"), "values": [_num(r.certified) for r in data.money]},
            ],
        },
        "statuses": {
            "label": _("Progetti"),
            "labels": [label for _code, label, _n in data.statuses],
            "values": [n for _code, _label, n in data.statuses],
        },
        "applications": {
            "label": _("Domande inviate"),
            "labels": [month for month, _n in data.applications_by_month],
            "values": [n for _month, n in data.applications_by_month],
        },
        "indicators": {
            "actual_label": _("Valore"),
            "target_label": _("Target"),
            "labels": [row.indicator.code for row in data.indicators],
            "actual": [_num(row.actual.total) for row in data.indicators],
            "target": [_num(row.target) for row in data.indicators],
        },
    }


def sheets(data) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for every table of the dashboard; money as Decimal."""
    money_header = [
        str(DIMENSIONS[data.filters.per]),
        _("Dotazione"),
        _("Concesso"),
        _("Pagato"),
        _("Rendicontato"),
        _("Spesa ammessa"),
        _("Progetti"),
    ]
    money_rows = [
        [r.label, r.budget, r.granted, r.paid, r.claimed, r.certified, r.projects]
        for r in [*data.money, data.money_total]
    ]
    outcome_header = [_("Bando"), *[label for _code, label in data.outcomes], _("Totale")]
    outcome_rows = [[row["call"].title, *row["counts"], row["total"]] for row in data.applications_by_call]
    indicator_header = [
        _("Codice"),
        _("Indicatore"),
        _("Valore"),
        _("Donne"),
        _("Uomini"),
        _("Non binari / n.d."),
        _("Target del bando"),
        _("Target dei progetti"),
    ]
    indicator_rows = [
        [
            row.indicator.code,
            row.indicator.title,
            row.actual.total,
            row.actual.women,
            row.actual.men,
            row.actual.non_binary,
            row.call_target,
            row.project_target,
        ]
        for row in data.indicators
    ]
    return [
        (_("Risorse"), money_header, money_rows),
        (
            _("Progetti per stato"),
            [_("Stato"), _("Progetti")],
            [[label, n] for _c, label, n in data.statuses],
        ),
        (
            _("Domande per mese"),
            [_("Mese"), _("Domande inviate")],
            [list(row) for row in data.applications_by_month],
        ),
        (_("Domande per esito"), outcome_header, outcome_rows),
        (_("Indicatori"), indicator_header, indicator_rows),
    ]


def _filename(ext: str) -> str:
    return f"cruscotto-monitoraggio-{in_rome(now()):%Y%m%d-%H%M}.{ext}"


def xlsx_response(data) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets(data):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = cell.font.copy(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


def csv_response(data) -> HttpResponse:
    """One CSV with the tables one after the other, each under its title (semicolon, decimal point)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for title, header, rows in sheets(data):
        writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        writer.writerow([])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response
