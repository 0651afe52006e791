"""Knowledge base: the beneficiary writes the sheet, staff publish or return it, the public searches the
published ones, another organisation declares interest and the owners are notified."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grants.applications.tests.factories import member_of
from grants.notifications.models import Notification

from .. import services
from ..knowledge_selectors import SheetFilters, search_sheets
from ..models import ReplicationInterest
from ..states import SheetStatus
from .factories import COMPLETE_SHEET, public_project, published_sheet, sheet_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return public_project()


def _owner(project):
    return project.beneficiary.memberships.first().user


def test_the_sheet_goes_from_draft_to_review_to_published(project):
    owner, reviewer = _owner(project), sheet_reviewer()
    sheet = services.save_sheet(
        actor=owner, project=project, data=services.SheetInput(need="Solo il bisogno")
    )
    with pytest.raises(ValidationError) as error:
        services.submit_sheet(actor=owner, sheet=sheet)
    assert {"solution", "themes", "target_groups", "sustainability"} <= set(error.value.message_dict)

    sheet = services.save_sheet(actor=owner, project=project, data=services.SheetInput(**COMPLETE_SHEET))
    sheet = services.submit_sheet(actor=owner, sheet=sheet)
    assert sheet.status == SheetStatus.SUBMITTED
    with pytest.raises(services.WrongState):
        services.save_sheet(actor=owner, project=project, data=services.SheetInput(**COMPLETE_SHEET))
    with pytest.raises(PermissionDenied):
        services.publish_sheet(actor=owner, sheet=sheet)
    with pytest.raises(ValidationError):
        services.return_sheet(actor=reviewer, sheet=sheet, note=" ")

    sheet = services.return_sheet(actor=reviewer, sheet=sheet, note="Aggiungere i costi per voce.")
    assert sheet.status == SheetStatus.RETURNED
    assert Notification.objects.filter(user=owner, subject__contains="da rivedere").exists()
    sheet = services.submit_sheet(actor=owner, sheet=sheet)
    sheet = services.publish_sheet(actor=reviewer, sheet=sheet)
    assert sheet.status == SheetStatus.PUBLISHED and sheet.published_at is not None


def test_unknown_vocabulary_values_are_refused(project):
    with pytest.raises(ValidationError) as error:
        services.save_sheet(
            actor=_owner(project), project=project, data=services.SheetInput(themes=["magia"])
        )
    assert "themes" in error.value.message_dict


def test_another_organisation_cannot_write_the_sheet(project):
    stranger, _ = member_of()
    with pytest.raises(PermissionDenied):
        services.save_sheet(actor=stranger, project=project, data=services.SheetInput(**COMPLETE_SHEET))


def test_search_by_theme_target_group_and_territory(project):
    sheet = published_sheet(project)
    province = project.beneficiary.seat.province.istat_code

    def found(**filters):
        return list(search_sheets(SheetFilters(**filters)))

    assert found(theme="care") == [sheet]
    assert found(theme="housing") == []
    assert found(target_group="elderly") == [sheet]
    assert found(target_group="children") == []
    assert found(province=province) == [sheet]
    assert found(query="portinerie") == [sheet]


def test_interest_in_replicating_notifies_the_owners(client, project):
    sheet = published_sheet(project)
    user, organisation = member_of(name="Comune di Altrove")
    client.force_login(user)

    page = client.get(reverse("transparency:knowledge_detail", args=[sheet.pk]))
    assert (
        "Dichiara l&#x27;interesse" in page.content.decode()
        or "Dichiara l'interesse" in page.content.decode()
    )
    empty = client.post(
        reverse("transparency:declare_interest", args=[sheet.pk]), {"organisation": organisation.pk}
    )
    assert empty.status_code == 422
    response = client.post(
        reverse("transparency:declare_interest", args=[sheet.pk]),
        {"organisation": organisation.pk, "message": "Vorremmo replicarla in Val Susa."},
    )
    assert response.status_code == 302
    assert ReplicationInterest.objects.filter(sheet=sheet, organisation=organisation).count() == 1
    notice = Notification.objects.get(user=_owner(project), event="replication_interest")
    assert "Comune di Altrove" in notice.subject
    again = client.post(
        reverse("transparency:declare_interest", args=[sheet.pk]),
        {"organisation": organisation.pk, "message": "Di nuovo"},
    )
    assert again.status_code == 422
    assert ReplicationInterest.objects.filter(sheet=sheet).count() == 1


def test_the_owner_cannot_declare_interest_in_its_own_experiment(client, project):
    sheet = published_sheet(project)
    client.force_login(_owner(project))
    response = client.post(
        reverse("transparency:declare_interest", args=[sheet.pk]),
        {"organisation": project.beneficiary.pk, "message": "Noi"},
    )
    assert response.status_code == 403


def test_pages_hide_unpublished_sheets_and_let_the_beneficiary_write(client, project):
    owner = _owner(project)
    client.force_login(owner)
    url = reverse("transparency:sheet_edit", args=[project.pk])
    assert client.get(url).status_code == 200
    data = dict(COMPLETE_SHEET)
    data["solution"] = ""
    data["invia"] = "1"
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert COMPLETE_SHEET["need"] in refused.content.decode()  # nothing typed is lost
    sheet = services.sheet_for(project)
    assert sheet.status == SheetStatus.DRAFT

    client.logout()
    assert client.get(reverse("transparency:knowledge_detail", args=[sheet.pk])).status_code == 404
    stranger, _ = member_of()
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("transparency:review_list")).status_code == 403

    client.force_login(sheet_reviewer())
    services.submit_sheet(
        actor=owner,
        sheet=services.save_sheet(actor=owner, project=project, data=services.SheetInput(**COMPLETE_SHEET)),
    )
    review = reverse("transparency:review_sheet", args=[sheet.pk])
    assert client.post(review, {"decision": "return", "note": ""}).status_code == 422
    assert client.post(review, {"decision": "publish", "note": ""}).status_code == 302
    client.logout()
    public = client.get(reverse("transparency:knowledge_detail", args=[sheet.pk]))
    assert public.status_code == 200
    assert COMPLETE_SHEET["replication_requirements"] in public.content.decode()
