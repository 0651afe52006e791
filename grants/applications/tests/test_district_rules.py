"""FSE1 (calls by Distretto della Coesione Sociale): one proposal per district and call, led by one of the
district's enti gestori, on the comuni its enti gestori serve; read from the database by the selectors."""

import pytest

from grants.applications import selectors, services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.timeutils import now
from grants.core.vocabulary import LegalForm
from grants.programme.models import TerritorialScope
from grants.territory.tests.factories import (
    CohesionDistrictFactory,
    MunicipalityFactory,
    SocialServiceBodyFactory,
)

from .factories import OrganisationFactory, member_of, open_call, ready_application

pytestmark = pytest.mark.django_db


def _district_world():
    pinerolo, torre = MunicipalityFactory(name="Pinerolo"), MunicipalityFactory(name="Torre Pellice")
    torino = MunicipalityFactory(name="Torino")
    body = SocialServiceBodyFactory(name="C.I.S.S. Pinerolo", municipalities=[pinerolo, torre])
    district = CohesionDistrictFactory(name="Distretto del Pinerolese", bodies=[body])
    call = open_call(
        territorial_scope=TerritorialScope.DISTRICT,
        lead_legal_forms=[LegalForm.SOCIAL_SERVICE_BODY],
    )
    return call, district, body, (pinerolo, torre, torino)


def _proposal(call, district, organisation, comuni):
    user, organisation = member_of(organisation)
    application = ready_application(call=call, user=user, organisation=organisation)
    return services.update_general(
        actor=user,
        application=application,
        title=application.title,
        abstract=application.abstract,
        municipalities=list(comuni),
        districts=[district],
    )


def _violations(application):
    return {v.code: v.message for v in selectors.check_application(application)}


def test_the_districts_ente_gestore_on_its_comuni_passes():
    call, district, body, (pinerolo, torre, _torino) = _district_world()
    lead = OrganisationFactory(legal_form=LegalForm.SOCIAL_SERVICE_BODY, social_service_body=body)
    application = _proposal(call, district, lead, [pinerolo, torre])
    assert not {"lead_not_district_body", "municipality_outside_district", "district_taken"} & set(
        _violations(application)
    )


def test_another_lead_and_comuni_outside_the_district_are_refused_in_italian():
    call, district, _body, (pinerolo, _torre, torino) = _district_world()
    other_body = SocialServiceBodyFactory(name="Consorzio di Torino")
    lead = OrganisationFactory(
        name="Consorzio di Torino", legal_form=LegalForm.SOCIAL_SERVICE_BODY, social_service_body=other_body
    )
    found = _violations(_proposal(call, district, lead, [pinerolo, torino]))
    assert found["lead_not_district_body"] == (
        "Il capofila deve essere un ente gestore delle funzioni socio-assistenziali del Distretto «Distretto "
        "del Pinerolese»: Consorzio di Torino non è tra i suoi enti gestori."
    )
    assert found["municipality_outside_district"].endswith("serviti dai suoi enti gestori): Torino.")


def test_one_proposal_per_district_and_call():
    call, district, body, (pinerolo, _torre, _torino) = _district_world()
    first = _proposal(
        call,
        district,
        OrganisationFactory(legal_form=LegalForm.SOCIAL_SERVICE_BODY, social_service_body=body),
        [pinerolo],
    )
    second_body = SocialServiceBodyFactory(municipalities=[pinerolo])
    district.bodies.add(second_body)
    second = _proposal(
        call,
        district,
        OrganisationFactory(legal_form=LegalForm.SOCIAL_SERVICE_BODY, social_service_body=second_body),
        [pinerolo],
    )
    # A draft does not take the district; a sent proposal does.
    assert "district_taken" not in _violations(second)
    Application.objects.filter(pk=first.pk).update(
        status=ApplicationStatus.SUBMITTED, protocol_year=2026, protocol_number=7, submitted_at=now()
    )
    taken = _violations(second)["district_taken"]
    assert "«Distretto del Pinerolese» è già stata presentata una proposta su questo bando" in taken
    assert first.title not in taken or "prot." in taken
    # On another call the district is free.
    other_call = open_call(
        territorial_scope=TerritorialScope.DISTRICT, lead_legal_forms=[LegalForm.SOCIAL_SERVICE_BODY]
    )
    third = _proposal(
        other_call,
        district,
        OrganisationFactory(
            legal_form=LegalForm.SOCIAL_SERVICE_BODY, social_service_body=SocialServiceBodyFactory()
        ),
        [pinerolo],
    )
    assert "district_taken" not in _violations(third)
