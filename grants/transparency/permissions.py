"""Who may do what in the transparency context: one policy for services, pages and the API.

- Accompaniment activities: staff with ``transparency.manage_accompaniment`` create and edit them and upload
  materials; everyone reads the published ones and their materials.
- Knowledge-base sheets: the beneficiary's members (legal representative, delegates) write their project's
  sheet; staff with ``transparency.review_experimentsheet`` publish it or send it back, for the projects of
  the calls they work on (``grants.programme.permissions``); everyone reads the published ones. To anyone
  else an unpublished sheet does not exist (404).
- Replication interest: any signed-in member of an organisation other than the beneficiary.
"""

from django.db.models import QuerySet

from grants.applications.permissions import acting_organisation_ids, can_act_for
from grants.programme.permissions import is_call_staff
from grants.projects.models import Project
from grants.registry.models import Organisation

from .models import AccompanimentActivity, AccompanimentMaterial, ExperimentSheet
from .states import SheetStatus


def _is_staff(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def can_manage_accompaniment(user) -> bool:
    return _is_staff(user) and user.has_perm("transparency.manage_accompaniment")


def can_read_activity(user, activity: AccompanimentActivity) -> bool:
    return activity.is_published or can_manage_accompaniment(user)


def can_read_material(user, material: AccompanimentMaterial) -> bool:
    return can_read_activity(user, material.activity)


def can_review_sheets(user, sheet: ExperimentSheet | None = None) -> bool:
    """The reviewers' role; with ``sheet``, also working on the call of its project."""
    return (
        _is_staff(user)
        and user.has_perm("transparency.review_experimentsheet")
        and (sheet is None or is_call_staff(user, sheet.project.call_id))
    )


def can_write_sheet(user, project: Project) -> bool:
    return can_act_for(user, project.beneficiary)


def can_read_sheet(user, sheet: ExperimentSheet) -> bool:
    return (
        sheet.status == SheetStatus.PUBLISHED
        or can_review_sheets(user, sheet)
        or can_write_sheet(user, sheet.project)
    )


def interest_organisations(user, sheet: ExperimentSheet) -> QuerySet[Organisation]:
    """The organisations the user may declare an interest for: theirs, except the experiment's owner."""
    return (
        Organisation.objects.filter(pk__in=acting_organisation_ids(user))
        .exclude(pk=sheet.project.beneficiary_id)
        .order_by("name")
    )
