"""The ranking matches the call's reserves for all its applications at once (reserves.codes_for, a handful
of queries): the answer is the one the per-application rule (reserves.matching_codes) gives, for every kind
of reserve and every mix of facts."""

from decimal import Decimal

import pytest

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.tests.factories import draft, member_of, open_call
from grants.core.vocabulary import CompanySize, LegalForm
from grants.evaluation import reserves
from grants.evaluation.models import AdmissibilityReview
from grants.programme.models import CallReserve, ReserveKind
from grants.territory.tests.factories import CohesionDistrictFactory, MunicipalityFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def _reserve(call, code, kind, **fields):
    return CallReserve.objects.create(
        call=call, code=code, label=code, kind=kind, amount=Decimal("1000.00"), **fields
    )


def test_bulk_matching_gives_the_per_application_answer():
    call = open_call()
    north, south = ProvinceFactory(), ProvinceFactory()
    town_in_south = MunicipalityFactory(province=south)
    district = CohesionDistrictFactory()
    call_reserves = [
        _reserve(call, "a-nord", ReserveKind.PROVINCE, province=north),
        _reserve(call, "b-sud", ReserveKind.PROVINCE, province=south),
        _reserve(call, "c-distretto", ReserveKind.DISTRICT, district=district),
        _reserve(call, "d-coop", ReserveKind.APPLICANT_TYPE, legal_forms=[LegalForm.SOCIAL_COOPERATIVE]),
        _reserve(
            call,
            "e-micro",
            ReserveKind.APPLICANT_TYPE,
            legal_forms=[LegalForm.COMPANY],
            company_sizes=[CompanySize.MICRO],
        ),
        _reserve(call, "f-linea", ReserveKind.PROJECT_TYPE, legal_forms=[]),
    ]
    cases = [
        # (legal form, company size, provinces, comuni, districts, project lines)
        (LegalForm.THIRD_SECTOR, "", [north], [], [], []),
        (LegalForm.THIRD_SECTOR, "", [], [town_in_south], [district], ["f-linea"]),
        (LegalForm.SOCIAL_COOPERATIVE, "", [north], [town_in_south], [], []),
        (LegalForm.COMPANY, CompanySize.MICRO, [], [], [], ["f-linea"]),
        (LegalForm.COMPANY, CompanySize.LARGE, [], [], [district], []),
        (LegalForm.THIRD_SECTOR, "", [], [], [], []),  # competes for nothing
        (LegalForm.SOCIAL_COOPERATIVE, "", [north], [], [], []),  # the same facts as the third: one match
    ]
    for legal_form, size, provinces, towns, districts, lines in cases:
        user, organisation = member_of(legal_form=legal_form, company_size=size)
        application = draft(call=call, user=user, organisation=organisation)
        application_services.update_general(
            actor=user,
            application=application,
            title="Progetto",
            abstract="Sintesi",
            provinces=provinces,
            municipalities=towns,
            districts=districts,
        )
        if lines:
            AdmissibilityReview.objects.create(application=application, project_lines=lines)

    applications = Application.objects.filter(call=call)
    expected = {}
    for application in reserves.with_territory(applications):
        codes = reserves.matching_codes(call_reserves, application)
        if codes:
            expected[application.pk] = codes

    assert reserves.codes_for(applications, call_reserves) == expected
    assert len(expected) == len(cases) - 1
    assert sorted(expected.values()) == sorted(
        [
            ("a-nord",),
            ("b-sud", "c-distretto", "f-linea"),
            ("a-nord", "b-sud", "d-coop"),
            ("e-micro", "f-linea"),
            ("c-distretto",),
            ("a-nord", "d-coop"),
        ]
    )
    # A call whose reserves look at the territory only reads no applicant column.
    territory_only = [r for r in call_reserves if r.kind == ReserveKind.PROVINCE]
    assert reserves.codes_for(applications, territory_only) == {
        pk: tuple(c for c in codes if c in {"a-nord", "b-sud"})
        for pk, codes in expected.items()
        if {"a-nord", "b-sud"} & set(codes)
    }
