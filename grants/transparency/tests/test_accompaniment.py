"""FSE4 accompaniment: staff record activities and materials (checked by content), everyone reads the
published ones; nobody else writes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.core.models import AuditEvent
from grants.registry.tests.factories import UserFactory
from grants.territory.tests.factories import ProvinceFactory

from .. import services
from ..models import AccompanimentActivity
from .factories import accompaniment_manager, activity

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _input(**overrides) -> services.ActivityInput:
    data = {
        "kind": "workshop",
        "title": "Laboratorio",
        "topics": "budget",
        "organiser": "Regione Piemonte",
        "starts_on": date(2026, 3, 2),
        "ends_on": date(2026, 3, 2),
        "hours": "2.5",
        "participants_count": 12,
        "province": ProvinceFactory(),
    }
    data.update(overrides)
    return services.ActivityInput(**data)


def test_a_manager_records_an_activity_with_audit():
    manager = accompaniment_manager()
    recorded = services.create_activity(actor=manager, data=_input())
    assert recorded.hours == Decimal("2.5")
    assert AuditEvent.objects.filter(action="accompaniment.created", object_id=str(recorded.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": date(2026, 3, 1)}, "ends_on"),
        ({"hours": "0"}, "hours"),
        ({"hours": "tre"}, "hours"),
        ({"participants_count": -1}, "participants_count"),
        ({"province": None}, "district"),
        ({"kind": "party"}, "kind"),
        ({"topics": " "}, "topics"),
    ],
)
def test_bad_input_names_the_field(overrides, field):
    with pytest.raises(ValidationError) as error:
        services.create_activity(actor=accompaniment_manager(), data=_input(**overrides))
    assert field in error.value.message_dict


def test_without_the_permission_nobody_records_or_uploads():
    staff_without = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.create_activity(actor=staff_without, data=_input())
    recorded = activity()
    with pytest.raises(PermissionDenied):
        services.add_material(
            actor=staff_without,
            activity=recorded,
            title="x",
            uploaded_file=SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf"),
        )


def test_materials_are_judged_by_content_and_downloaded_with_audit(client):
    manager = accompaniment_manager()
    recorded = activity(actor=manager)
    fake = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.add_material(actor=manager, activity=recorded, title="Slide", uploaded_file=fake)
    assert "file" in error.value.message_dict

    material = services.add_material(
        actor=manager,
        activity=recorded,
        title="Slide",
        uploaded_file=SimpleUploadedFile("slide.pdf", PDF, content_type="application/pdf"),
    )
    response = client.get(reverse("transparency:material_download", args=[material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="accompaniment_material.downloaded").count() == 1


def test_unpublished_activities_and_their_materials_are_hidden_from_the_public(client):
    manager = accompaniment_manager()
    hidden = activity(actor=manager, is_published=False, title="Riunione interna")
    material = services.add_material(
        actor=manager,
        activity=hidden,
        title="Verbale",
        uploaded_file=SimpleUploadedFile("v.pdf", PDF, content_type="application/pdf"),
    )
    assert "Riunione interna" not in client.get(reverse("transparency:activity_list")).content.decode()
    assert client.get(reverse("transparency:activity_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("transparency:material_download", args=[material.pk])).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("transparency:activity_detail", args=[hidden.pk])).status_code == 200


def test_public_list_filters_and_totals(client):
    shown = activity(title="Comunità di pratica Cuneo", kind="community_of_practice", participants_count=30)
    activity(title="Coaching Asti", kind="coaching", participants_count=5)
    body = client.get(
        reverse("transparency:activity_list"), {"tipo": "community_of_practice"}
    ).content.decode()
    assert shown.title in body
    assert "Coaching Asti" not in body
    assert "30 partecipanti" in body


def test_staff_pages_create_and_refuse(client):
    manager = accompaniment_manager()
    province = ProvinceFactory()
    client.force_login(manager)
    assert client.get(reverse("transparency:activity_create")).status_code == 200
    data = {
        "kind": "workshop",
        "title": "Laboratorio di budget",
        "topics": "budget, rendicontazione",
        "organiser": "Regione Piemonte",
        "province": province.pk,
        "starts_on": "2026-04-10",
        "ends_on": "2026-04-09",
        "hours": "3",
        "participants_count": "15",
        "is_published": "on",
    }
    refused = client.post(reverse("transparency:activity_create"), data)
    assert refused.status_code == 422
    assert "La data di fine non può precedere quella di inizio." in refused.content.decode()
    assert "Laboratorio di budget" in refused.content.decode()  # nothing typed is lost

    data["ends_on"] = "2026-04-10"
    created = client.post(reverse("transparency:activity_create"), data)
    recorded = AccompanimentActivity.objects.get(title="Laboratorio di budget")
    assert created.status_code == 302
    assert created["Location"] == reverse("transparency:activity_detail", args=[recorded.pk])

    client.force_login(UserFactory())
    assert client.get(reverse("transparency:staff_activity_list")).status_code == 403
    assert client.post(reverse("transparency:activity_update", args=[recorded.pk]), data).status_code == 403
