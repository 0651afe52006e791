"""The staff's work menu ("Area di lavoro"): one entry per piece of work the user's rights reach, so every
officer, head of measure, evaluator and controller starts their work from the menu, and staff are not shown
the applicants' own entries. Each entry is decided by the permission function of its context (the pages
themselves check the same functions); computed only for staff, and only when a page renders the menu."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from grants.evaluation import permissions as evaluation_permissions
from grants.evaluation.models import PanelMember
from grants.finance import permissions as finance_permissions
from grants.monitoring.permissions import can_view_dashboard
from grants.notifications.pec.permissions import can_manage_pec
from grants.projects import permissions as project_permissions


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    testid: str
    active_names: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def entries_for(user) -> list[Entry]:
    """The work entries of ``user`` in menu order (empty for anyone who is not staff)."""
    if not _is_staff(user):
        return []
    found = []
    if evaluation_permissions.can_view_evaluation(user) or user.has_perm("applications.view_application"):
        found.append(
            Entry(_("I miei bandi"), "evaluation:my_calls", "nav-my-calls", ("evaluation:my_calls",))
        )
    if user.has_perm("evaluation.change_admissibilityreview"):
        found.append(
            Entry(
                _("Sportello"),
                "evaluation:desk_calls",
                "nav-desk",
                ("evaluation:desk_calls", "evaluation:desk_queue"),
            )
        )
    if PanelMember.objects.filter(user=user, is_active=True).exists():
        found.append(
            Entry(
                _("Domande da valutare"),
                "evaluation:my_assignments",
                "nav-assignments",
                ("evaluation:my_assignments", "evaluation:assignment_detail", "evaluation:consensus_list"),
            )
        )
    if project_permissions.can_view_all_projects(user):
        found.append(
            Entry(
                _("Progetti"),
                "projects:officer_project_list",
                "nav-projects",
                ("projects:officer_project_list",),
            )
        )
    if finance_permissions.can_view_all_finance(user):
        found.append(Entry(_("Pagamenti"), "finance:payments", "nav-payments", ("finance:payments",)))
    if finance_permissions.can_be_controller(user):
        found.append(
            Entry(_("Controlli"), "finance:controller_claims", "nav-checks", ("finance:controller_claims",))
        )
    if finance_permissions.can_manage_rna(user):
        found.append(
            Entry(_("RNA"), "finance:rna_list", "nav-rna", ("finance:rna_list", "finance:rna_detail"))
        )
    if can_manage_pec(user):
        found.append(
            Entry(
                _("Comunicazioni PEC"), "notifications:pec_notices", "nav-pec", ("notifications:pec_notices",)
            )
        )
    if can_view_dashboard(user):
        found.append(
            Entry(_("Cruscotto"), "monitoring:dashboard", "nav-dashboard", ("monitoring:dashboard",))
        )
    return found


def work_menu(request) -> dict:
    """Context processor: ``work_menu``, the user's entries (evaluated on first use)."""
    return {"work_menu": SimpleLazyObject(lambda: entries_for(getattr(request, "user", None)))}
