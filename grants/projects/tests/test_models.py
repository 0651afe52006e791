"""The models H5 builds on: the factory, the CUP validator, the payment gate and the revocation signal."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants.projects.models import Project
from grants.projects.selectors import can_receive_payments
from grants.projects.states import ProjectStatus
from grants.projects.validators import validate_cup

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_factory_makes_an_active_project_with_cup_budget_and_partner():
    project = ProjectFactory()
    assert project.status == ProjectStatus.ACTIVE
    assert len(project.cup) == 15
    assert project.actual_start_date is not None
    assert project.signed_agreement_sha256
    lines = {line.category.code: line.approved_amount for line in project.budget_lines.all()}
    assert lines == {
        "personale": Decimal("60000.00"),
        "attrezzature": Decimal("20000.00"),
        "indiretti": Decimal("9000.00"),
    }
    assert project.total_eligible_cost == Decimal("89000.00")
    assert project.grant == Decimal("71200.00")
    assert project.cofinancing == Decimal("17800.00")
    roles = sorted(p.role for p in project.partners.all())
    assert roles == ["lead", "partner"]
    partner = project.partners.get(role="partner")
    assert partner.budget_share == Decimal("20000.00")
    assert project.partners.get(role="lead").budget_share == Decimal("69000.00")
    assert project.phases.exists() and project.milestones.exists()


@pytest.mark.parametrize(
    "value, code",
    [
        ("J11B1700003000", "cup_length"),
        ("j11b17000030007", "cup_characters"),
        ("J11B17000030-07", "cup_characters"),
        ("111B17000030007", "cup_structure"),
        ("J1AB17000030007", "cup_structure"),
    ],
)
def test_cup_validator_refuses_malformed_codes(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_cup(value)
    assert caught.value.code == code


def test_cup_validator_accepts_a_real_shape():
    validate_cup("J11B17000030007")


def test_payments_need_a_cup_and_an_active_project():
    project = ProjectFactory(cup="")
    allowed, reason = can_receive_payments(project)
    assert not allowed and "CUP" in reason
    project = ProjectFactory()
    assert can_receive_payments(project) == (True, "")
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.SUSPENDED)
    project.refresh_from_db()
    allowed, reason = can_receive_payments(project)
    assert not allowed and "sospeso" in reason
    to_accept = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    allowed, reason = can_receive_payments(to_accept)
    assert not allowed and "non è avviato" in reason
