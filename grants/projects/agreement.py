"""The grant agreement (atto di adesione e obbligo) of a project, as a PDF rendered by WeasyPrint from
grants/projects/templates/projects/agreement.html, with the look of the application receipt
(grants.applications.receipt: same fonts, same fetcher that reaches nothing but the bundled fonts).

It is generated from the live project (the beneficiary downloads it, signs it and uploads it back): parties,
CUP, grant and co-financing, approved budget by category and partner, phases, obligations and deadlines.
Always in Italian, times in Europe/Rome.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from grants.applications.receipt import _font_uris, html_to_pdf
from grants.core.money import ZERO, round_money
from grants.core.timeutils import in_rome, now

from .models import Project, rules_for


@dataclass(frozen=True)
class CategoryRow:
    title: str
    cost_option: str
    amount: Decimal


def _category_rows(project: Project) -> list[CategoryRow]:
    rows: dict[int, CategoryRow] = {}
    for line in project.budget_lines.select_related("category").order_by("order", "pk"):
        current = rows.get(line.category_id)
        amount = round_money((current.amount if current else ZERO) + line.approved_amount)
        rows[line.category_id] = CategoryRow(line.category.title, line.get_cost_option_display(), amount)
    return list(rows.values())


def agreement_context(project: Project) -> dict:
    rules = rules_for(project.call)
    return {
        "project": project,
        "call": project.call,
        "beneficiary": project.beneficiary,
        "partners": list(project.partners.filter(withdrawn_on__isnull=True).order_by("order", "pk")),
        "categories": _category_rows(project),
        "phases": list(project.phases.order_by("order", "pk")),
        "rules": rules,
        "region": project.call.measure.programme.region.name,
        "generated_at": in_rome(now()),
        "acceptance_deadline": in_rome(project.acceptance_deadline),
        "fonts": _font_uris(),
    }


def render_agreement_html(project: Project) -> str:
    with translation.override("it"):
        return render_to_string("projects/agreement.html", agreement_context(project))


def render_agreement_pdf(project: Project) -> bytes:
    return html_to_pdf(render_agreement_html(project))


def agreement_filename(project: Project) -> str:
    return f"atto-di-adesione-{project.cup or project.pk}.pdf"
