import pytest

from grants.core.vocabulary import LegalForm
from grants.territory.tests.factories import MunicipalityFactory

from .factories import UserFactory, body_fiscal_code, person_fiscal_code, staff_user


@pytest.fixture
def seat(db):
    return MunicipalityFactory()


@pytest.fixture
def applicant(db):
    return UserFactory(first_name="Giulia", last_name="Bianchi", fiscal_code=person_fiscal_code(4242))


@pytest.fixture
def registration(seat, applicant):
    """What an applicant states to register a social cooperative (plain data, as a form or the API sends)."""
    return {
        "name": "Cooperativa Sociale Il Ponte",
        "legal_form": LegalForm.SOCIAL_COOPERATIVE,
        "fiscal_code": body_fiscal_code(777),
        "seat": seat.istat_code,
        "pec": "ilponte@pec.esempio.test",
    }


def staff_with(*codenames: str, **extra):
    return staff_user(*codenames, **extra)
