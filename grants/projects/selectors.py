"""Reads of the projects context: querysets tuned for the pages, the API and the exports."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Project
from .states import ProjectStatus


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
