"""SIEG, agricultural and fishery de minimis apart from the general one: the RNA visura's ``Regolamento``
field says which regulation each aid was granted under, and each counts as the regulations' cumulation rules
say (Reg. (UE) 2023/2831 art. 5, Reg. (UE) 2023/2832 art. 3(2) and 5): SIEG aid does not use up the general
EUR 300,000, but all de minimis aid together stays within the SIEG EUR 750,000."""

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.core.timeutils import in_rome, now
from grants.core.vocabulary import LegalForm
from grants.registry import deminimis, selectors, services
from grants.registry.deminimis_services import ceiling_message
from grants.registry.models import DeMinimisAid, DeMinimisFamily

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "CAR;Titolo misura;COR;Data concessione;Soggetto concedente;Codice fiscale beneficiario;Regolamento;"
    "Elemento di aiuto\n"
)


def _visura(cf: str, *rows: tuple[str, int, str, str]) -> bytes:
    """Rows of (COR, days ago, regulation as the RNA writes it, aid element)."""
    today = in_rome(now()).date()
    lines = [
        f"1;Misura;{cor};{(today - timedelta(days=ago)).strftime('%d/%m/%Y')};Ente;{cf};{regulation};{amount}"
        for cor, ago, regulation, amount in rows
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.fixture
def member():
    user = UserFactory()
    company = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user)
    return user, company


def _import(member, *rows):
    user, company = member
    return services.import_de_minimis_visura(
        actor=user, organisation=company, content=_visura(company.fiscal_code, *rows)
    )


# --- the rules, pure ---------------------------------------------------------------------------------------
def test_a_general_grant_fits_the_general_ceiling_without_sieg_aid_and_the_sieg_ceiling_with_it():
    rules = deminimis.cumulation_rules(
        deminimis.GENERAL, Decimal(300_000), general_ceiling=Decimal(300_000), sieg_ceiling=Decimal(750_000)
    )
    used = {
        deminimis.GENERAL: Decimal(100_000),
        deminimis.SIEG: Decimal(400_000),
        deminimis.AGRICULTURE: Decimal(20_000),
    }
    general, combined = deminimis.checks(rules, used)
    assert (general.rule.ceiling, general.used, general.headroom) == (300_000, 120_000, 180_000)
    assert (combined.rule.ceiling, combined.used, combined.headroom) == (750_000, 520_000, 230_000)
    assert deminimis.binding((general, combined)) is general


def test_a_sieg_grant_counts_every_de_minimis_aid_against_750000():
    (rule,) = deminimis.cumulation_rules(
        deminimis.SIEG, Decimal(750_000), general_ceiling=Decimal(300_000), sieg_ceiling=Decimal(750_000)
    )
    assert rule.families == frozenset(deminimis.FAMILIES)


def test_agricultural_aid_has_its_own_ceiling_and_shares_the_general_one():
    rules = deminimis.cumulation_rules(
        deminimis.AGRICULTURE,
        Decimal(50_000),
        general_ceiling=Decimal(300_000),
        sieg_ceiling=Decimal(750_000),
    )
    own, general, combined = deminimis.checks(
        rules, {deminimis.AGRICULTURE: Decimal(45_000), deminimis.GENERAL: Decimal(280_000)}
    )
    assert (own.headroom, general.headroom, combined.headroom) == (5_000, 0, 425_000)


# --- the visura: each aid under its own regulation --------------------------------------------------------
def test_the_visura_regulation_field_puts_each_aid_under_its_own_regulation(member):
    result = _import(
        member,
        ("1000001", 30, "Reg. UE 2023/2831 de minimis generale", "100.000,00"),
        ("1000002", 60, "Regolamento (UE) 2023/2832 - SIEG", "400.000,00"),
        ("1000003", 90, "Reg. UE 1408/2013 de minimis agricolo", "20.000,00"),
        ("1000004", 120, "De minimis SIEG", "1.000,00"),
        ("1000005", 150, "Aiuti de minimis nel settore della pesca e dell'acquacoltura", "2.000,00"),
    )
    codes = {aid.source_reference: aid.regulation.code for aid in result.created}
    assert codes == {
        "1000001": "ue-2023-2831",
        "1000002": "ue-2023-2832",
        "1000003": "ue-1408-2013",
        "1000004": "ue-2023-2832",
        "1000005": "ue-717-2014",
    }


def test_sieg_aid_does_not_use_up_the_general_ceiling(member):
    _import(
        member,
        ("1000001", 30, "Reg. UE 2023/2831 de minimis generale", "100.000,00"),
        ("1000002", 60, "Reg. UE 2023/2832 de minimis SIEG", "400.000,00"),
        ("1000003", 90, "Reg. UE 1408/2013 de minimis agricolo", "20.000,00"),
    )
    position = selectors.de_minimis_position(member[1])
    # Before: all 520,000 counted against 300,000 (no headroom). Now: 120,000 of 300,000 (general +
    # agricultural), 520,000 of 750,000 (everything): 180,000 still grantable.
    assert position.regulation.code == "ue-2023-2831"
    assert [(c.rule.ceiling, c.used) for c in position.checks] == [(300_000, 120_000), (750_000, 520_000)]
    assert position.headroom == Decimal("180000.00")
    assert (position.ceiling, position.used) == (Decimal("300000.00"), Decimal("120000.00"))


def test_much_sieg_aid_leaves_only_what_the_750000_allows(member):
    _import(
        member,
        ("1000001", 30, "Reg. UE 2023/2831", "10.000,00"),
        ("1000002", 60, "Reg. UE 2023/2832", "700.000,00"),
    )
    position = selectors.de_minimis_position(member[1])
    assert position.headroom == Decimal("40000.00")
    assert (position.ceiling, position.used) == (Decimal("750000.00"), Decimal("710000.00"))
    message = ceiling_message(position, Decimal(50_000))
    assert "SIEG compresi" in message and "750.000" in message


def test_a_grant_past_the_combined_ceiling_is_refused(member):
    _import(member, ("1000002", 60, "Reg. UE 2023/2832", "740.000,00"))
    staff = UserFactory(is_staff=True)
    with pytest.raises(services.DeMinimisCeilingExceeded):
        services.record_de_minimis_concession(
            actor=staff,
            organisation=member[1],
            amount=Decimal(20_000),
            granted_on=in_rome(now()).date(),
            granting_body="Regione",
            legal_basis="Bando",
            source_reference="",
        )


def test_the_sieg_position_counts_general_aid_too(member):
    _import(
        member,
        ("1000001", 30, "Reg. UE 2023/2831", "250.000,00"),
        ("1000002", 60, "Reg. UE 2023/2832", "300.000,00"),
    )
    position = selectors.de_minimis_position(member[1], family=DeMinimisFamily.SIEG)
    assert (position.ceiling, position.used, position.headroom) == (750_000, 550_000, 200_000)


def test_the_general_regulation_in_force_is_still_the_general_one():
    today = in_rome(now()).date()
    assert selectors.regulation_in_force(today).code == "ue-2023-2831"
    assert selectors.regulation_in_force(today, DeMinimisFamily.SIEG).code == "ue-2023-2832"
    assert not DeMinimisAid.objects.exists()
