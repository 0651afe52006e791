"""ATECO sectors (issue #21.5): the call's admitted sectors and the sectors de minimis excludes, as rules and
on a real application."""

from dataclasses import replace

import pytest

from grants.applications import rules, selectors
from grants.applications.rules import ApplicationFacts, CallTerms, PartnerFacts
from grants.registry.ateco import excluded_sectors, matches

from .factories import open_call, ready_application

TERMS = CallTerms(admitted_ateco_prefixes=("88", "87.3"))
FACTS = ApplicationFacts(applicant_name="Cooperativa Alfa", applicant_ateco="88.10.00")


def codes(found):
    return [v.code for v in found]


def test_a_code_inside_the_admitted_sectors_passes():
    assert rules.ateco_sectors(TERMS, FACTS) == []
    assert rules.ateco_sectors(TERMS, replace(FACTS, applicant_ateco="87.30.00")) == []
    assert rules.ateco_sectors(CallTerms(), replace(FACTS, applicant_ateco="")) == []


def test_a_code_outside_the_call_is_a_rule_error_in_italian():
    [violation] = rules.ateco_sectors(TERMS, replace(FACTS, applicant_ateco="62.10.00"))
    assert (violation.code, violation.field) == ("ateco_not_admitted", "applicant")
    assert "62.10.00" in violation.message and "88, 87.3" in violation.message
    assert codes(rules.ateco_sectors(TERMS, replace(FACTS, applicant_ateco=""))) == ["ateco_missing"]


def test_de_minimis_excludes_fishery_and_primary_agriculture():
    terms = CallTerms(state_aid_regime="de_minimis", excluded_ateco_sectors=excluded_sectors("ue-2023-2831"))
    fishery = replace(FACTS, applicant_ateco="03.12.00")
    [violation] = rules.ateco_sectors(terms, fishery)
    assert violation.code == "ateco_excluded_de_minimis"
    assert "pesca e acquacoltura" in violation.message
    farm_partner = replace(
        FACTS, partners=(PartnerFacts(name="Azienda Agricola", legal_form="company", ateco_code="01.13.10"),)
    )
    assert [(v.code, v.field) for v in rules.ateco_sectors(terms, farm_partner)] == [
        ("ateco_excluded_de_minimis", "partners")
    ]
    # Support activities to agriculture are no primary production; other regimes exclude nothing.
    assert rules.ateco_sectors(terms, replace(FACTS, applicant_ateco="01.61.00")) == []
    assert rules.ateco_sectors(replace(terms, state_aid_regime="none"), fishery) == []


def test_prefixes_compare_the_digits():
    assert matches("88.10.00", "88") and matches("88.10.00", "88.1") and not matches("81.10.00", "88")
    assert not matches("", "88")


@pytest.mark.django_db
def test_an_application_outside_the_calls_sectors_cannot_be_sent():
    call = open_call(admitted_ateco_prefixes=["88"])
    application = ready_application(call=call)
    application.applicant.ateco_code = "62.10.00"
    application.applicant.save()
    found = selectors.check_application(application)
    assert "ateco_not_admitted" in codes(found)
    application.applicant.ateco_code = "88.99"
    application.applicant.save()
    assert "ateco_not_admitted" not in codes(selectors.check_application(application))
