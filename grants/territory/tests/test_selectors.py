import pytest

from grants.territory import selectors

from .factories import CohesionDistrictFactory, MunicipalityFactory, ProvinceFactory, SocialServiceBodyFactory

pytestmark = pytest.mark.django_db


def test_list_districts_prefetches_provinces_and_bodies(django_assert_num_queries):
    for _ in range(4):
        province = ProvinceFactory()
        bodies = SocialServiceBodyFactory.create_batch(3, province=province)
        CohesionDistrictFactory(provinces=[province, ProvinceFactory()], bodies=bodies)

    with django_assert_num_queries(3):  # districts, their provinces, their bodies (with province and seat)
        rendered = [
            (
                d.code,
                [p.abbreviation for p in d.provinces.all()],
                [(str(b), str(b.seat), b.province.name) for b in d.bodies.all()],
            )
            for d in selectors.list_districts()
        ]
    assert len(rendered) == 4
    assert all(len(provinces) == 2 and len(bodies) == 3 for _code, provinces, bodies in rendered)


def test_list_social_service_bodies_prefetches_districts(django_assert_num_queries):
    province = ProvinceFactory()
    for _ in range(3):
        CohesionDistrictFactory(
            provinces=[province], bodies=SocialServiceBodyFactory.create_batch(2, province=province)
        )
    with django_assert_num_queries(2):
        rows = [
            (b.province.abbreviation, b.seat.name, [d.code for d in b.districts.all()])
            for b in selectors.list_social_service_bodies()
        ]
    assert len(rows) == 6
    assert all(len(codes) == 1 for _p, _s, codes in rows)


def test_search_municipalities_prefix_contains_province_and_code():
    to = ProvinceFactory(abbreviation="QT", istat_code="919")
    cn = ProvinceFactory(abbreviation="QC", istat_code="902")
    MunicipalityFactory(province=to, istat_code="991001", name="San Mauro Torinese")
    MunicipalityFactory(province=to, istat_code="991002", name="Mauro Alto")
    MunicipalityFactory(province=cn, istat_code="991003", name="Sanfront")

    def names(**kwargs):
        return [m.name for m in selectors.search_municipalities(**kwargs)]

    assert names(q="mauro") == ["Mauro Alto", "San Mauro Torinese"]
    assert names(q="mauro", starts_with=True) == ["Mauro Alto"]
    assert names(q="san", province="qt") == ["San Mauro Torinese"]
    assert names(province="QC") == ["Sanfront"]
    assert names(q="991003") == ["Sanfront"]
    assert names(q="  san   mauro ") == ["San Mauro Torinese"]


def test_lookups_by_code_return_none_when_unknown():
    municipality = MunicipalityFactory(istat_code="990123")
    district = CohesionDistrictFactory(code="DCS-QQ-X")
    assert selectors.municipality_by_istat_code("990123") == municipality
    assert selectors.municipality_by_istat_code("990124") is None
    assert selectors.district_by_code("DCS-QQ-X") == district
    assert selectors.district_by_code("nope") is None
    assert (
        selectors.province_by_abbreviation(municipality.province.abbreviation.lower())
        == municipality.province
    )
    assert selectors.municipalities_by_istat_codes(["990123", "000000"]) == {"990123": municipality}


def test_body_filters():
    province = ProvinceFactory()
    consortium = SocialServiceBodyFactory(name="Consorzio Alfa", short_name="CA", province=province)
    union = SocialServiceBodyFactory(name="Unione Beta", short_name="UB", legal_form="unione di comuni")
    demo = SocialServiceBodyFactory(name="Consorzio Demo", is_demo=True)

    def names(**kwargs):
        return [b.name for b in selectors.list_social_service_bodies(**kwargs)]

    assert names() == ["Consorzio Alfa", "Consorzio Demo", "Unione Beta"]
    assert names(province=province.abbreviation) == ["Consorzio Alfa"]
    assert names(legal_form="unione di comuni") == ["Unione Beta"]
    assert names(q="ub") == ["Unione Beta"]
    assert names(include_demo=False) == ["Consorzio Alfa", "Unione Beta"]
    assert names(municipality=consortium.seat.istat_code) == ["Consorzio Alfa"]
    assert selectors.social_service_body_by_id(union.pk) == union
    assert selectors.social_service_body_by_id(demo.pk + 1000) is None
