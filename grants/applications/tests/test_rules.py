"""Each rule of the call, with a case that fails (code, field, Italian message with the numbers) and one that
passes."""

from dataclasses import replace
from decimal import Decimal

from grants.applications import rules
from grants.applications.budget import REAL, CategoryRule, LineAmount
from grants.applications.rules import ApplicationFacts, CallTerms, DocumentRule, PartnerFacts

STAFF = CategoryRule(code="personale", title="Personale", cost_option=REAL)
TRAVEL = CategoryRule(code="viaggi", title="Viaggi e trasferte", cost_option=REAL, cap_percent=Decimal("10"))

TERMS = CallTerms(
    lead_legal_forms=("third_sector",),
    partner_legal_forms=("third_sector", "public_body"),
    min_partners=1,
    max_partners=3,
    requires_partner_confirmation=True,
    min_project_cost=Decimal("50000.00"),
    max_project_cost=Decimal("300000.00"),
    min_grant=Decimal("40000.00"),
    max_grant=Decimal("200000.00"),
    max_aid_intensity=Decimal("80"),
    min_cofinancing=Decimal("20"),
    categories=(STAFF, TRAVEL),
    documents=(DocumentRule(code="statuto", title="Statuto", is_mandatory=True, per_partner=True),),
)
GOOD = ApplicationFacts(
    title="Welfare di comunità",
    abstract="Servizi di prossimità.",
    applicant_name="Cooperativa Alfa",
    applicant_legal_form="third_sector",
    lead_share_percent=Decimal("70"),
    partners=(
        PartnerFacts(
            name="Comune di Beta", legal_form="public_body", share_percent=Decimal("30"), confirmed=True
        ),
    ),
    lines=(LineAmount("personale", Decimal("95000.00")), LineAmount("viaggi", Decimal("5000.00"))),
    total_cost=Decimal("100000.00"),
    requested_grant=Decimal("80000.00"),
    cofinancing=Decimal("20000.00"),
    document_counts={"statuto": 2},
)


def codes(found):
    return [v.code for v in found]


def test_a_complete_application_passes_every_rule():
    assert rules.check(TERMS, GOOD) == []


def test_general_section():
    found = rules.general_section(TERMS, replace(GOOD, title=" ", abstract=""))
    assert [(v.code, v.field) for v in found] == [
        ("title_missing", "title"),
        ("abstract_missing", "abstract"),
    ]
    assert rules.general_section(TERMS, GOOD) == []


def test_territory_for_a_district_call():
    terms = replace(TERMS, territorial_scope="district")
    [violation] = rules.territory(terms, GOOD)
    assert (violation.code, violation.field) == ("territory_missing", "districts")
    assert rules.territory(terms, replace(GOOD, district_count=1)) == []


def test_district_call_one_district_led_by_its_ente_gestore_on_its_comuni():
    terms = replace(TERMS, territorial_scope="district")
    district = rules.DistrictFacts(
        code="DCS-TO-PINEROLO",
        name="Distretto di Pinerolo",
        municipality_codes=frozenset({"001191", "001189"}),
        lead_is_body=True,
    )
    ok = replace(
        GOOD,
        applicant_name="C.I.S.S.",
        district_count=1,
        districts=(district,),
        municipalities=(("001191", "Pinerolo"),),
    )
    assert rules.territory(terms, ok) == []
    [two] = rules.territory(terms, replace(ok, district_count=2))
    assert two.code == "district_one" and "un solo distretto" in two.message
    [lead] = rules.territory(terms, replace(ok, districts=(replace(district, lead_is_body=False),)))
    assert (lead.code, lead.field) == ("lead_not_district_body", "applicant")
    assert lead.message == (
        "Il capofila deve essere un ente gestore delle funzioni socio-assistenziali del Distretto "
        "«Distretto di "
        "Pinerolo»: C.I.S.S. non è tra i suoi enti gestori."
    )
    outside = replace(ok, municipalities=(("001191", "Pinerolo"), ("001272", "Torino"), ("006003", "Acqui")))
    [comuni] = rules.territory(terms, outside)
    assert (comuni.code, comuni.field) == ("municipality_outside_district", "municipalities")
    assert comuni.message.endswith("suoi enti gestori): Acqui, Torino.")
    # Comuni not known for the district: they cannot be checked, nothing is refused on them.
    unknown = replace(outside, districts=(replace(district, municipality_codes=frozenset()),))
    assert rules.territory(terms, unknown) == []
    [taken] = rules.territory(
        terms, replace(ok, districts=(replace(district, taken_by="domanda prot. 2026/7"),))
    )
    assert taken.code == "district_taken" and "(domanda prot. 2026/7)" in taken.message


def test_applicant_legal_form():
    [violation] = rules.applicant_legal_form(TERMS, replace(GOOD, applicant_legal_form="company"))
    assert violation.code == "applicant_legal_form"
    assert violation.field == "applicant"
    assert "Impresa" in violation.message and "Ente del terzo settore (ETS)" in violation.message
    assert rules.applicant_legal_form(TERMS, GOOD) == []


def test_applicant_company_size():
    terms = replace(TERMS, lead_legal_forms=("company",), lead_company_sizes=("micro", "small"))
    company = replace(GOOD, applicant_legal_form="company", applicant_company_size="large")
    assert codes(rules.applicant_legal_form(terms, company)) == ["applicant_company_size"]
    assert rules.applicant_legal_form(terms, replace(company, applicant_company_size="small")) == []


def test_partner_legal_forms():
    partners = (*GOOD.partners, PartnerFacts(name="Impresa Gamma", legal_form="company"))
    [violation] = rules.partner_legal_forms(TERMS, replace(GOOD, partners=partners))
    assert (violation.code, violation.field) == ("partner_legal_form", "partners[1]")
    assert "Impresa Gamma" in violation.message
    assert rules.partner_legal_forms(TERMS, GOOD) == []


def test_partner_count_minimum_and_maximum():
    [few] = rules.partner_count(TERMS, replace(GOOD, partners=()))
    assert few.code == "partners_too_few"
    assert "0 partner" in few.message and "almeno 1" in few.message
    many = tuple(PartnerFacts(name=f"P{i}", legal_form="third_sector") for i in range(4))
    [too_many] = rules.partner_count(TERMS, replace(GOOD, partners=many))
    assert too_many.code == "partners_too_many"
    assert "4 partner" in too_many.message and "al massimo 3" in too_many.message
    assert rules.partner_count(TERMS, GOOD) == []


def test_partner_shares_sum_to_100():
    [violation] = rules.partner_shares(TERMS, replace(GOOD, lead_share_percent=Decimal("60")))
    assert violation.code == "partner_shares"
    assert "90%" in violation.message
    assert rules.partner_shares(TERMS, GOOD) == []


def test_partner_confirmation():
    unconfirmed = (replace(GOOD.partners[0], confirmed=False),)
    [violation] = rules.partner_confirmation(TERMS, replace(GOOD, partners=unconfirmed))
    assert (violation.code, violation.field) == ("partner_not_confirmed", "partners[0]")
    typed_by_name = (replace(GOOD.partners[0], confirmed=False, registered=False),)
    [explained] = rules.partner_confirmation(TERMS, replace(GOOD, partners=typed_by_name))
    assert explained.code == "partner_not_registered" and "registrare l'organizzazione" in explained.message
    assert "codice fiscale" in explained.message and "Adesioni ai partenariati" in explained.message
    assert (
        rules.partner_confirmation(
            replace(TERMS, requires_partner_confirmation=False), replace(GOOD, partners=unconfirmed)
        )
        == []
    )
    assert rules.partner_confirmation(TERMS, GOOD) == []


def test_public_private_partnership():
    terms = replace(TERMS, requires_public_private_partnership=True)
    private_only = replace(GOOD, partners=(PartnerFacts(name="Coop", legal_form="social_cooperative"),))
    assert codes(rules.public_private_partnership(terms, private_only)) == ["public_private_partnership"]
    assert rules.public_private_partnership(terms, GOOD) == []


def test_requested_grant_minimum_with_the_numbers():
    facts = replace(GOOD, requested_grant=Decimal("50000.00"))
    terms = replace(TERMS, min_grant=Decimal("85000.00"))
    [violation] = rules.requested_grant(terms, facts)
    assert violation.code == "grant_too_low"
    assert violation.field == "requested_grant"
    assert (
        violation.message
        == "Il contributo richiesto (50.000,00 €) è inferiore al minimo del bando (85.000,00 €)."
    )


def test_requested_grant_maximum():
    [violation] = rules.requested_grant(replace(TERMS, max_grant=Decimal("75000.00")), GOOD)
    assert violation.code == "grant_too_high"
    assert "80.000,00 €" in violation.message and "75.000,00 €" in violation.message
    assert rules.requested_grant(TERMS, GOOD) == []


def test_project_cost_range():
    [low] = rules.project_cost(replace(TERMS, min_project_cost=Decimal("150000.00")), GOOD)
    assert (low.code, low.field) == ("project_cost_too_low", "total_cost")
    assert "100.000,00 €" in low.message and "150.000,00 €" in low.message
    [high] = rules.project_cost(replace(TERMS, max_project_cost=Decimal("99999.99")), GOOD)
    assert high.code == "project_cost_too_high"
    assert rules.project_cost(TERMS, GOOD) == []


def test_cofinancing_and_aid_intensity():
    greedy = replace(GOOD, requested_grant=Decimal("90000.00"), cofinancing=Decimal("10000.00"))
    found = rules.cofinancing_and_intensity(TERMS, greedy)
    assert codes(found) == ["aid_intensity_too_high", "cofinancing_too_low"]
    assert "80%" in found[0].message and "80.000,00 €" in found[0].message
    assert "10.000,00 €" in found[1].message and "20.000,00 €" in found[1].message
    assert rules.cofinancing_and_intensity(TERMS, GOOD) == []


def test_category_cap():
    heavy = replace(
        GOOD, lines=(LineAmount("personale", Decimal("85000.00")), LineAmount("viaggi", Decimal("15000.00")))
    )
    [violation] = rules.category_caps(TERMS, heavy)
    assert (violation.code, violation.field) == ("category_cap_exceeded", "budget.viaggi")
    assert violation.message == (
        "La voce «Viaggi e trasferte» (15.000,00 €) supera il massimale del 10% "
        "del costo totale (10.000,00 €)."
    )
    assert rules.category_caps(TERMS, GOOD) == []


def test_totals_must_match_the_lines():
    [violation] = rules.budget_totals(TERMS, replace(GOOD, total_cost=Decimal("120000.00")))
    assert (violation.code, violation.field) == ("totals_inconsistent", "budget")
    assert "120.000,00 €" in violation.message and "100.000,00 €" in violation.message
    assert codes(rules.budget_totals(TERMS, replace(GOOD, lines=(), total_cost=Decimal("0")))) == [
        "budget_empty"
    ]
    assert rules.budget_totals(TERMS, GOOD) == []


def test_documents_per_partner():
    [violation] = rules.documents(TERMS, replace(GOOD, document_counts={"statuto": 1}))
    assert (violation.code, violation.field) == ("document_missing", "documents.statuto")
    assert "1 caricati su 2" in violation.message
    assert rules.documents(TERMS, GOOD) == []


# --- de minimis -------------------------------------------------------------------------------------------
DE_MINIMIS_TERMS = replace(TERMS, state_aid_regime="de_minimis")
POSITION = rules.DeMinimisFacts(
    regulation="Reg. (UE) 2023/2831",
    ceiling=Decimal("300000.00"),
    used=Decimal("230000.00"),
    headroom=Decimal("70000.00"),
    period_start="02/12/2023",
)


def test_de_minimis_ceiling_refuses_a_grant_beyond_the_headroom_with_the_numbers():
    found = rules.de_minimis_ceiling(DE_MINIMIS_TERMS, replace(GOOD, de_minimis=POSITION))
    assert [(v.code, v.field) for v in found] == [("de_minimis_ceiling", "requested_grant")]
    for number in ("80.000,00 €", "300.000,00 €", "230.000,00 €", "70.000,00 €", "02/12/2023"):
        assert number in found[0].message


def test_de_minimis_ceiling_passes_within_the_headroom_and_outside_de_minimis_calls():
    roomy = replace(POSITION, used=Decimal("220000.00"), headroom=Decimal("80000.00"))
    assert rules.de_minimis_ceiling(DE_MINIMIS_TERMS, replace(GOOD, de_minimis=roomy)) == []
    assert rules.de_minimis_ceiling(TERMS, replace(GOOD, de_minimis=POSITION)) == []


def test_de_minimis_without_a_regulation_in_force_is_refused():
    none = rules.DeMinimisFacts(regulation="", ceiling=Decimal(0), used=Decimal(0), headroom=Decimal(0))
    found = rules.de_minimis_ceiling(DE_MINIMIS_TERMS, replace(GOOD, de_minimis=none))
    assert codes(found) == ["de_minimis_no_regulation"]
