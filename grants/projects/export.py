"""XLSX export of the officers' project list (openpyxl). The list of one call's projects is at most a few
hundred rows, written in well under a second: it is answered directly, without a background task."""

from io import BytesIO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from grants.core.timeutils import in_rome

from .models import Project

HEADERS = [
    ("call", "Bando"),
    ("measure", "Misura"),
    ("cup", "CUP"),
    ("title", "Titolo"),
    ("beneficiary", "Beneficiario"),
    ("fiscal_code", "Codice fiscale"),
    ("province", "Provincia"),
    ("status", "Stato"),
    ("total", "Costo totale ammissibile"),
    ("grant", "Contributo concesso"),
    ("original_grant", "Contributo concesso in origine"),
    ("cofinancing", "Cofinanziamento"),
    ("planned_start", "Inizio previsto"),
    ("planned_end", "Fine prevista"),
    ("actual_start", "Avvio effettivo"),
    ("accepted_at", "Accettato il"),
]
MONEY_FORMAT = "#,##0.00"


def projects_xlsx(projects: QuerySet[Project]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Progetti")
    sheet.append([label for _key, label in HEADERS])
    for project in projects:
        seat = project.beneficiary.seat
        sheet.append(
            [
                project.call.code,
                project.call.measure.code,
                project.cup,
                project.title,
                project.beneficiary.name,
                project.beneficiary.fiscal_code,
                seat.province.name if seat else "",
                project.get_status_display(),
                project.total_eligible_cost,
                project.grant,
                project.original_grant,
                project.cofinancing,
                project.planned_start_date,
                project.planned_end_date,
                project.actual_start_date,
                in_rome(project.accepted_at).replace(tzinfo=None) if project.accepted_at else None,
            ]
        )
    for column in range(9, 13):
        for cell in sheet.iter_cols(min_col=column, max_col=column, min_row=2):
            for item in cell:
                item.number_format = MONEY_FORMAT
    for index, (_key, label) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(label) + 2)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
