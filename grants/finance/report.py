"""The budget report of a project (budget vs claimed vs admitted vs paid, by partner and category) as XLSX
(openpyxl) and PDF (WeasyPrint, through the receipts' fonts-only renderer). Always in Italian."""

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from grants.applications.receipt import html_to_pdf
from grants.core.timeutils import in_rome, now

from .selectors import ProjectReport

HEADERS = ["Soggetto", "Voce di spesa", "Budget approvato", "Rendicontato", "Ammesso"]
EURO_FORMAT = "#,##0.00 €"


def report_xlsx(report: ProjectReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Prospetto"
    project = report.project
    sheet.append([f"Progetto: {project.title}", f"CUP: {project.cup or '–'}"])
    sheet.append(["Contributo concesso", project.grant, "Pagato", report.paid, "Impegnato", report.committed])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in [*report.rows, report.totals]:
        sheet.append([row.partner, row.category, row.budget, row.claimed, row.admitted])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column > 2 or (cell.row == 2 and cell.column in (2, 4, 6)):
                cell.number_format = EURO_FORMAT
    for column, width in zip("ABCDEF", (36, 36, 18, 18, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def report_pdf(report: ProjectReport) -> bytes:
    with translation.override("it"):
        html = render_to_string(
            "finance/report_pdf.html",
            {"report": report, "project": report.project, "generated_at": in_rome(now())},
        )
    return html_to_pdf(html)
