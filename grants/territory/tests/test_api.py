import pytest

from grants.territory.models import SocialServiceBodyForm

from .factories import (
    CohesionDistrictFactory,
    MunicipalityFactory,
    ProvinceFactory,
    RegionFactory,
    SocialServiceBodyFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def territory():
    region = RegionFactory()
    torino = ProvinceFactory(region=region, istat_code="201", abbreviation="TO", name="Torino")
    cuneo = ProvinceFactory(region=region, istat_code="004", abbreviation="CN", name="Cuneo")
    comuni = {
        "torino": MunicipalityFactory(
            province=torino, istat_code="001272", name="Torino", cadastral_code="L219"
        ),
        "baldissero": MunicipalityFactory(province=torino, istat_code="001018", name="Baldissero Torinese"),
        "pinerolo": MunicipalityFactory(province=torino, istat_code="001191", name="Pinerolo"),
        "cuneo": MunicipalityFactory(province=cuneo, istat_code="004078", name="Cuneo"),
        "alba": MunicipalityFactory(province=cuneo, istat_code="004003", name="Alba"),
    }
    ciss = SocialServiceBodyFactory(
        name="Consorzio Intercomunale Servizi Sociali (Pinerolo)",
        short_name="C.I.S.S.",
        province=torino,
        seat=comuni["pinerolo"],
        source_url="https://example.org/a | https://example.org/b",
    )
    city = SocialServiceBodyFactory(
        name="Città di Torino",
        short_name="",
        legal_form=SocialServiceBodyForm.MUNICIPALITY,
        province=torino,
        seat=comuni["torino"],
    )
    csac = SocialServiceBodyFactory(
        name="Consorzio Socio-Assistenziale del Cuneese",
        short_name="CSAC",
        province=cuneo,
        seat=comuni["cuneo"],
    )
    pinerolese = CohesionDistrictFactory(
        code="DCS-TO-PINEROLO", name="Pinerolese", provinces=[torino], bodies=[ciss]
    )
    torino_district = CohesionDistrictFactory(
        code="DCS-TO-TORINO", name="Torino (Città di Torino)", provinces=[torino], bodies=[city]
    )
    return {
        "provinces": {"TO": torino, "CN": cuneo},
        "comuni": comuni,
        "bodies": {"ciss": ciss, "city": city, "csac": csac},
        "districts": {"pinerolese": pinerolese, "torino": torino_district},
    }


def assert_problem_404(response):
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["title"] == "Not Found"


def test_provinces_are_listed_by_name_with_their_region(client, territory):
    response = client.get(f"{API}/provinces")
    assert response.status_code == 200
    assert response.json() == [
        {
            "istat_code": "004",
            "abbreviation": "CN",
            "name": "Cuneo",
            "region_code": "01",
            "region_name": "Piemonte",
        },
        {
            "istat_code": "201",
            "abbreviation": "TO",
            "name": "Torino",
            "region_code": "01",
            "region_name": "Piemonte",
        },
    ]


def test_municipalities_are_paginated_and_ordered_by_name(client, territory):
    response = client.get(f"{API}/municipalities")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [m["name"] for m in body["items"]] == [
        "Alba",
        "Baldissero Torinese",
        "Cuneo",
        "Pinerolo",
        "Torino",
    ]
    assert body["items"][4] == {
        "istat_code": "001272",
        "name": "Torino",
        "cadastral_code": "L219",
        "province": "TO",
        "province_name": "Torino",
    }

    page = client.get(f"{API}/municipalities", {"page": 2, "page_size": 2}).json()
    assert page["count"] == 5
    assert [m["name"] for m in page["items"]] == ["Cuneo", "Pinerolo"]


def test_municipalities_with_the_same_name_keep_a_stable_order(client, territory):
    MunicipalityFactory(province=territory["provinces"]["CN"], istat_code="004999", name="Torino")
    names = [
        (m["name"], m["istat_code"]) for m in client.get(f"{API}/municipalities?q=torin").json()["items"]
    ]
    assert names == [("Baldissero Torinese", "001018"), ("Torino", "001272"), ("Torino", "004999")]


def test_municipalities_filter_by_province_and_substring(client, territory):
    by_province = client.get(f"{API}/municipalities", {"province": "cn"}).json()
    assert [m["istat_code"] for m in by_province["items"]] == ["004003", "004078"]

    by_text = client.get(f"{API}/municipalities", {"q": "TORIN"}).json()
    assert [m["name"] for m in by_text["items"]] == ["Baldissero Torinese", "Torino"]

    both = client.get(f"{API}/municipalities", {"q": "torin", "province": "CN"}).json()
    assert both == {"items": [], "count": 0}


def test_municipality_by_istat_code(client, territory):
    response = client.get(f"{API}/municipalities/004003")
    assert response.status_code == 200
    assert response.json()["name"] == "Alba"
    assert response.json()["province"] == "CN"


def test_unknown_municipality_is_a_problem_404(client, territory):
    assert_problem_404(client.get(f"{API}/municipalities/999999"))


def test_districts_with_provinces_and_bodies(client, territory):
    response = client.get(f"{API}/districts")
    assert response.status_code == 200
    body = response.json()
    assert [d["code"] for d in body] == ["DCS-TO-PINEROLO", "DCS-TO-TORINO"]
    pinerolese = body[0]
    assert pinerolese["provinces"] == [{"abbreviation": "TO", "name": "Torino"}]
    assert pinerolese["bodies"] == [
        {
            "id": territory["bodies"]["ciss"].pk,
            "name": "Consorzio Intercomunale Servizi Sociali (Pinerolo)",
            "short_name": "C.I.S.S.",
        }
    ]
    assert pinerolese["is_demo"] is False


def test_districts_filter_by_province(client, territory):
    CohesionDistrictFactory(code="DCS-CN-BRA", name="Bra", provinces=[territory["provinces"]["CN"]])
    codes = [d["code"] for d in client.get(f"{API}/districts", {"province": "CN"}).json()]
    assert codes == ["DCS-CN-BRA"]


def test_district_by_code_and_unknown_code(client, territory):
    response = client.get(f"{API}/districts/DCS-TO-TORINO")
    assert response.status_code == 200
    assert response.json()["bodies"][0]["name"] == "Città di Torino"
    assert_problem_404(client.get(f"{API}/districts/DCS-XX-NOWHERE"))


def test_social_service_bodies_list_and_filters(client, territory):
    body = client.get(f"{API}/social-service-bodies").json()
    assert [b["name"] for b in body] == [
        "Città di Torino",
        "Consorzio Intercomunale Servizi Sociali (Pinerolo)",
        "Consorzio Socio-Assistenziale del Cuneese",
    ]
    ciss = body[1]
    assert ciss == {
        "id": territory["bodies"]["ciss"].pk,
        "name": "Consorzio Intercomunale Servizi Sociali (Pinerolo)",
        "short_name": "C.I.S.S.",
        "legal_form": "consorzio",
        "legal_form_label": "Consorzio",
        "province": "TO",
        "seat": {"istat_code": "001191", "name": "Pinerolo", "province": "TO"},
        "districts": ["DCS-TO-PINEROLO"],
        "notes": "",
        "source_urls": ["https://example.org/a", "https://example.org/b"],
        "is_demo": False,
    }

    in_cuneo = client.get(f"{API}/social-service-bodies", {"province": "CN"}).json()
    assert [b["short_name"] for b in in_cuneo] == ["CSAC"]
    in_district = client.get(f"{API}/social-service-bodies", {"district": "DCS-TO-TORINO"}).json()
    assert [b["name"] for b in in_district] == ["Città di Torino"]
    serving = client.get(f"{API}/social-service-bodies", {"municipality": "001191"}).json()
    assert [b["short_name"] for b in serving] == ["C.I.S.S."]


def test_body_without_seat_or_province(client, territory):
    SocialServiceBodyFactory(name="ASL di prova", province=None, seat=None)
    body = next(b for b in client.get(f"{API}/social-service-bodies").json() if b["name"] == "ASL di prova")
    assert (body["province"], body["seat"]) == (None, None)


def test_endpoints_are_public_and_read_only(client, territory):
    assert client.post(f"{API}/provinces").status_code == 405
    assert client.get(f"{API}/provinces").status_code == 200  # no login needed
