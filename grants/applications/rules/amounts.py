"""Rules on the money: budget totals, project cost, requested grant, co-financing and intensity, category
caps."""

from decimal import Decimal

from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur, percent_of, round_money

from ..budget import compute_budget, funding_split, max_grant_for
from .common import ApplicationFacts, CallTerms, Violation, format_percent


def budget_totals(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if facts.total_cost <= 0:
        return [Violation("budget_empty", "budget", _("Il piano finanziario è vuoto."))]
    result = compute_budget(terms.categories, facts.lines)
    grant, cofinancing = funding_split(
        result.total, max_aid_intensity=terms.max_aid_intensity, min_cofinancing=terms.min_cofinancing
    )
    if (result.total, grant, cofinancing) != (facts.total_cost, facts.requested_grant, facts.cofinancing):
        return [
            Violation(
                "totals_inconsistent",
                "budget",
                _(
                    "I totali non corrispondono al piano finanziario: costo totale %(stored)s, "
                    "somma delle voci %(computed)s. Salvare di nuovo il piano finanziario."
                )
                % {"stored": format_eur(facts.total_cost), "computed": format_eur(result.total)},
            )
        ]
    return []


def project_cost(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    cost = facts.total_cost
    if terms.min_project_cost is not None and cost < terms.min_project_cost:
        return [
            Violation(
                "project_cost_too_low",
                "total_cost",
                _("Il costo totale del progetto (%(cost)s) è inferiore al minimo del bando (%(min)s).")
                % {"cost": format_eur(cost), "min": format_eur(terms.min_project_cost)},
            )
        ]
    if terms.max_project_cost is not None and cost > terms.max_project_cost:
        return [
            Violation(
                "project_cost_too_high",
                "total_cost",
                _("Il costo totale del progetto (%(cost)s) supera il massimo del bando (%(max)s).")
                % {"cost": format_eur(cost), "max": format_eur(terms.max_project_cost)},
            )
        ]
    return []


def requested_grant(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    grant = facts.requested_grant
    if terms.min_grant is not None and grant < terms.min_grant:
        return [
            Violation(
                "grant_too_low",
                "requested_grant",
                _("Il contributo richiesto (%(grant)s) è inferiore al minimo del bando (%(min)s).")
                % {"grant": format_eur(grant), "min": format_eur(terms.min_grant)},
            )
        ]
    if terms.max_grant is not None and grant > terms.max_grant:
        return [
            Violation(
                "grant_too_high",
                "requested_grant",
                _("Il contributo richiesto (%(grant)s) supera il massimo del bando (%(max)s).")
                % {"grant": format_eur(grant), "max": format_eur(terms.max_grant)},
            )
        ]
    return []


def cofinancing_and_intensity(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    found = []
    total = facts.total_cost
    max_by_intensity = percent_of(total, terms.max_aid_intensity)
    if facts.requested_grant > max_by_intensity:
        found.append(
            Violation(
                "aid_intensity_too_high",
                "requested_grant",
                _(
                    "Il contributo richiesto (%(grant)s) supera l'intensità massima dell'aiuto "
                    "(%(percent)s del costo totale, pari a %(max)s)."
                )
                % {
                    "grant": format_eur(facts.requested_grant),
                    "percent": format_percent(terms.max_aid_intensity),
                    "max": format_eur(max_by_intensity),
                },
            )
        )
    # The minimum co-financing is what is left once the largest grant the call allows is taken, so that a
    # split computed by budget.funding_split never fails this check by a rounding cent.
    min_cofinancing = round_money(
        total - max_grant_for(total, max_aid_intensity=Decimal(100), min_cofinancing=terms.min_cofinancing)
    )
    if facts.cofinancing < min_cofinancing:
        found.append(
            Violation(
                "cofinancing_too_low",
                "cofinancing",
                _(
                    "Il cofinanziamento (%(cofinancing)s) è inferiore al minimo del bando "
                    "(%(percent)s del costo totale, pari a %(min)s)."
                )
                % {
                    "cofinancing": format_eur(facts.cofinancing),
                    "percent": format_percent(terms.min_cofinancing),
                    "min": format_eur(min_cofinancing),
                },
            )
        )
    return found


def category_caps(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    result = compute_budget(terms.categories, facts.lines)
    total = result.total
    found = []
    for category in terms.categories:
        if category.cap_percent is None:
            continue
        amount = result.category_totals.get(category.code, ZERO)
        cap = percent_of(total, category.cap_percent)
        if amount > cap:
            found.append(
                Violation(
                    "category_cap_exceeded",
                    f"budget.{category.code}",
                    _(
                        "La voce «%(title)s» (%(amount)s) supera il massimale del %(percent)s "
                        "del costo totale (%(cap)s)."
                    )
                    % {
                        "title": category.title,
                        "amount": format_eur(amount),
                        "percent": format_percent(category.cap_percent),
                        "cap": format_eur(cap),
                    },
                )
            )
    return found
