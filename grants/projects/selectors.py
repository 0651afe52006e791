"""Reads of the projects context: querysets tuned for the pages, the API and the exports."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus

from .models import Project, ProjectChange
from .states import ChangeStatus, ProjectStatus


def can_receive_payments(project: Project) -> tuple[bool, str]:
    """Whether money may be paid to the project now, and why not (Italian, for the officer and the
    beneficiary). Finance adds its own conditions (ceilings, open recoveries) on top of this."""
    if not project.cup:
        return False, _("Il progetto non ha ancora un CUP: nessun pagamento può essere erogato senza CUP.")
    if project.status == ProjectStatus.SUSPENDED:
        return False, _("Il progetto è sospeso: i pagamenti riprendono con la revoca della sospensione.")
    if project.status != ProjectStatus.ACTIVE:
        return False, _("Il progetto non è avviato (stato: %(status)s): non può ricevere pagamenti.") % {
            "status": project.get_status_display()
        }
    return True, ""


def projects_with_related() -> QuerySet[Project]:
    return Project.objects.select_related(
        "call", "call__measure", "beneficiary", "beneficiary__seat__province"
    )


def filtered_projects(
    queryset: QuerySet[Project],
    *,
    call=None,
    measure=None,
    status: str | None = None,
    province=None,
    search: str = "",
) -> QuerySet[Project]:
    """The officers' list: filters by call, measure, status, province of the beneficiary's seat, text."""
    if call is not None:
        queryset = queryset.filter(call=call)
    if measure is not None:
        queryset = queryset.filter(call__measure=measure)
    if status:
        queryset = queryset.filter(status=status)
    if province is not None:
        queryset = queryset.filter(beneficiary__seat__province=province)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search)
            | Q(cup__iexact=search.replace(" ", "").upper())
            | Q(beneficiary__name__icontains=search)
            | Q(beneficiary__fiscal_code__iexact=search)
        )
    return queryset.select_related(
        "call", "call__measure", "beneficiary", "beneficiary__seat__province"
    ).order_by("call__code", "title", "pk")


def funded_applications_without_project(call=None) -> QuerySet[Application]:
    """Funded applications whose project does not exist yet (the officer creates them)."""
    queryset = Application.objects.filter(status=ApplicationStatus.FUNDED, project__isnull=True)
    if call is not None:
        queryset = queryset.filter(call=call)
    return queryset.select_related("call", "applicant").order_by(
        "call__code", "protocol_year", "protocol_number"
    )


@dataclass(frozen=True)
class BudgetRow:
    category: str
    partner: str
    cost_option: str
    requested: Decimal
    approved: Decimal


def budget_rows(project: Project) -> list[BudgetRow]:
    return [
        BudgetRow(
            category=line.category.title,
            partner=line.partner.name if line.partner_id else "",
            cost_option=line.get_cost_option_display(),
            requested=line.requested_amount,
            approved=line.approved_amount,
        )
        for line in project.budget_lines.select_related("category", "partner").order_by("order", "pk")
    ]


def changes_of(project: Project) -> QuerySet[ProjectChange]:
    return (
        project.changes.select_related("requested_by", "decided_by", "partner", "organisation")
        .prefetch_related("variation_items__budget_line__category")
        .order_by("-created_at", "-pk")
    )


def pending_changes(queryset: QuerySet[Project] | None = None) -> QuerySet[ProjectChange]:
    changes = ProjectChange.objects.filter(status=ChangeStatus.PENDING)
    if queryset is not None:
        changes = changes.filter(project__in=queryset)
    return changes.select_related("project", "requested_by").order_by("created_at", "pk")
