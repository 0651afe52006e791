import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from grants.territory.models import CohesionDistrict, Municipality, Province, Region, SocialServiceBody

from .factories import CohesionDistrictFactory, MunicipalityFactory, SocialServiceBodyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        email="funzionario@example.org", password="x" * 16, is_staff=True
    )
    codenames = [
        f"{action}_{model}"
        for model in ("region", "province", "municipality", "socialservicebody", "cohesiondistrict")
        for action in ("view", "add", "change", "delete")
    ]
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="territory", codename__in=codenames)
    )
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="admin@example.org", password="x" * 16)


@pytest.mark.parametrize("model", [Region, Province, Municipality])
def test_istat_rows_are_read_only_for_staff_even_with_permissions(officer, superuser, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = officer
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    request.user = superuser
    assert model_admin.has_add_permission(request)
    assert model_admin.has_change_permission(request)


@pytest.mark.parametrize("model", [SocialServiceBody, CohesionDistrict])
def test_bodies_and_districts_are_editable_by_staff_with_permissions(officer, model):
    request = RequestFactory().get("/")
    request.user = officer
    assert admin.site._registry[model].has_change_permission(request)


def test_changelists_and_forms_render(client, superuser):
    body = SocialServiceBodyFactory(name="Consorzio di prova")
    district = CohesionDistrictFactory(bodies=[body])
    MunicipalityFactory(name="Comune cercato")
    client.force_login(superuser)
    for name in ("region", "province", "municipality", "socialservicebody", "cohesiondistrict"):
        assert client.get(reverse(f"admin:territory_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:territory_socialservicebody_change", args=[body.pk])).status_code == 200
    assert (
        client.get(reverse("admin:territory_cohesiondistrict_change", args=[district.pk])).status_code == 200
    )
    found = client.get(reverse("admin:territory_municipality_changelist"), {"q": "cercato"})
    assert b"Comune cercato" in found.content


def test_officer_can_autocomplete_comuni_for_a_body(client, officer):
    MunicipalityFactory(name="Pinerolo di prova")
    client.force_login(officer)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "pinerolo",
            "app_label": "territory",
            "model_name": "socialservicebody",
            "field_name": "seat",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        str(Municipality.objects.get(name="Pinerolo di prova"))
    ]
