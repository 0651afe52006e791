"""API endpoints of the territory context (thin: validation here, rules in grants.territory.services).

Public and read-only: provinces, comuni (ISTAT), Distretti della Coesione Sociale and enti gestori.
"""

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from grants.territory import selectors

from .pagination import Ordering, Pagination

router = Router(tags=["territory"])

MUNICIPALITIES_PAGE_SIZE = 50


# --- Schemas --------------------------------------------------------------------------------------


class ProvinceOut(Schema):
    istat_code: str = Field(description="Codice ISTAT della provincia o città metropolitana (3 cifre)")
    abbreviation: str = Field(description="Sigla automobilistica, es. TO")
    name: str
    region_code: str = Field(description="Codice ISTAT della regione")
    region_name: str

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.istat_code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class ProvinceRef(Schema):
    abbreviation: str
    name: str


class MunicipalityOut(Schema):
    istat_code: str = Field(description="Codice ISTAT del comune (6 cifre)")
    name: str
    cadastral_code: str = Field(description="Codice catastale (Belfiore)")
    province: str = Field(description="Sigla della provincia")
    province_name: str

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.abbreviation

    @staticmethod
    def resolve_province_name(obj) -> str:
        return obj.province.name


class MunicipalityRef(Schema):
    istat_code: str
    name: str
    province: str

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.abbreviation


class SocialServiceBodyRef(Schema):
    id: int
    name: str
    short_name: str


class DistrictOut(Schema):
    code: str = Field(description="Codice del distretto (etichetta del progetto, non ufficiale)")
    name: str
    provinces: list[ProvinceRef]
    bodies: list[SocialServiceBodyRef] = Field(description="Enti gestori del distretto")
    source_urls: list[str]
    is_demo: bool

    @staticmethod
    def resolve_provinces(obj) -> list:
        return list(obj.provinces.all())

    @staticmethod
    def resolve_bodies(obj) -> list:
        return list(obj.bodies.all())

    @staticmethod
    def resolve_source_urls(obj) -> list[str]:
        return _split_urls(obj.source_url)


class SocialServiceBodyOut(Schema):
    id: int
    name: str
    short_name: str
    legal_form: str = Field(description="consorzio, comune, unione di comuni, unione montana, ...")
    legal_form_label: str
    province: str | None = Field(description="Sigla della provincia")
    seat: MunicipalityRef | None = Field(description="Comune sede, se noto")
    districts: list[str] = Field(description="Codici dei distretti")
    notes: str
    source_urls: list[str]
    is_demo: bool

    @staticmethod
    def resolve_legal_form_label(obj) -> str:
        return str(obj.get_legal_form_display())

    @staticmethod
    def resolve_province(obj) -> str | None:
        return obj.province.abbreviation if obj.province_id else None

    @staticmethod
    def resolve_districts(obj) -> list[str]:
        return [d.code for d in obj.districts.all()]

    @staticmethod
    def resolve_source_urls(obj) -> list[str]:
        return _split_urls(obj.source_url)


def _split_urls(value: str) -> list[str]:
    return [url.strip() for url in value.split("|") if url.strip()]


MUNICIPALITY_ORDERING = Ordering("name", name="name", istat_code="istat_code")


class MunicipalityFilters(Schema):
    province: str = Field("", description="Sigla della provincia, es. TO")
    q: str = Field("", max_length=100, description="Testo contenuto nella denominazione (o codice ISTAT)")
    ordering: MUNICIPALITY_ORDERING.choices = MUNICIPALITY_ORDERING.field()


class SocialServiceBodyFilters(Schema):
    province: str = Field("", description="Sigla della provincia, es. CN")
    district: str = Field("", description="Codice del distretto")
    municipality: str = Field("", description="Codice ISTAT di un comune servito")
    legal_form: str = Field("", description="Forma giuridica (consorzio, comune, unione di comuni, ...)")
    q: str = Field("", max_length=100, description="Testo contenuto nel nome o nel nome breve")


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/provinces", response=list[ProvinceOut], summary="Province e città metropolitana")
def list_provinces(request):
    return selectors.list_provinces()


@router.get("/municipalities", response=list[MunicipalityOut], summary="Comuni (ricerca, paginata)")
@paginate(Pagination, page_size=MUNICIPALITIES_PAGE_SIZE)
def list_municipalities(request, filters: Query[MunicipalityFilters]):
    municipalities = selectors.search_municipalities(q=filters.q, province=filters.province)
    return MUNICIPALITY_ORDERING.apply(municipalities, filters.ordering)


@router.get("/municipalities/{istat_code}", response=MunicipalityOut, summary="Un comune per codice ISTAT")
def get_municipality(request, istat_code: str):
    municipality = selectors.municipality_by_istat_code(istat_code)
    if municipality is None:
        raise Http404
    return municipality


@router.get("/districts", response=list[DistrictOut], summary="Distretti della Coesione Sociale")
def list_districts(request, province: str = ""):
    return selectors.list_districts(province=province)


@router.get("/districts/{code}", response=DistrictOut, summary="Un distretto per codice")
def get_district(request, code: str):
    district = selectors.district_by_code(code)
    if district is None:
        raise Http404
    return district


@router.get("/social-service-bodies", response=list[SocialServiceBodyOut], summary="Enti gestori")
def list_social_service_bodies(request, filters: Query[SocialServiceBodyFilters]):
    return selectors.list_social_service_bodies(
        province=filters.province,
        district=filters.district,
        municipality=filters.municipality,
        legal_form=filters.legal_form,
        q=filters.q,
    )
