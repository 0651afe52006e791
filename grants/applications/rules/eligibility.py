"""Rules on the application itself: its general section, its territory and the applicant's legal form."""

from django.utils.translation import gettext as _

from grants.core.vocabulary import LegalForm
from grants.registry.ateco import matches

from .common import DE_MINIMIS, ApplicationFacts, CallTerms, Violation, _legal_form_label


# --- the rules ---------------------------------------------------------------------------------------------
def general_section(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    found = []
    if not facts.title.strip():
        found.append(Violation("title_missing", "title", _("Indicare il titolo del progetto.")))
    if not facts.abstract.strip():
        found.append(Violation("abstract_missing", "abstract", _("Indicare la sintesi del progetto.")))
    return found


def territory(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if terms.territorial_scope == "district":
        if facts.district_count == 0:
            return [
                Violation(
                    "territory_missing",
                    "districts",
                    _(
                        "Il bando è per Distretto della Coesione Sociale: "
                        "indicare il distretto di intervento."
                    ),
                )
            ]
        return district_rules(facts)
    if terms.territorial_scope == "province" and facts.province_count == 0:
        return [
            Violation(
                "territory_missing",
                "provinces",
                _("Il bando è per provincia: indicare la provincia di intervento."),
            )
        ]
    return []


def district_rules(facts: ApplicationFacts) -> list[Violation]:
    """FSE1: one proposal per Distretto per call, led by one of the district's enti gestori, on comuni of the
    district (the comuni its enti gestori serve; not checked while the territory data do not list them)."""
    if facts.district_count > 1:
        return [
            Violation(
                "district_one",
                "districts",
                _(
                    "Il bando ammette una proposta per Distretto della Coesione Sociale: indicare un solo "
                    "distretto (ne sono indicati %(count)d)."
                )
                % {"count": facts.district_count},
            )
        ]
    found = []
    for district in facts.districts:
        if not district.lead_is_body:
            found.append(
                Violation(
                    "lead_not_district_body",
                    "applicant",
                    _(
                        "Il capofila deve essere un ente gestore delle funzioni socio-assistenziali del "
                        "Distretto «%(district)s»: %(applicant)s non è tra i suoi enti gestori."
                    )
                    % {"district": district.name, "applicant": facts.applicant_name},
                )
            )
        outside = [name for code, name in facts.municipalities if code not in district.municipality_codes]
        if district.municipality_codes and outside:
            found.append(
                Violation(
                    "municipality_outside_district",
                    "municipalities",
                    _(
                        "Questi comuni non appartengono al Distretto «%(district)s» (non sono serviti dai "
                        "suoi enti gestori): %(names)s."
                    )
                    % {"district": district.name, "names": ", ".join(sorted(outside))},
                )
            )
        if district.taken_by:
            found.append(
                Violation(
                    "district_taken",
                    "districts",
                    _(
                        "Per il Distretto «%(district)s» è già stata presentata una proposta su questo bando "
                        "(%(other)s): il bando ne ammette una sola per distretto."
                    )
                    % {"district": district.name, "other": district.taken_by},
                )
            )
    return found


def applicant_legal_form(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    found = []
    if terms.lead_legal_forms and facts.applicant_legal_form not in terms.lead_legal_forms:
        allowed = ", ".join(_legal_form_label(code) for code in terms.lead_legal_forms)
        found.append(
            Violation(
                "applicant_legal_form",
                "applicant",
                _(
                    "Il soggetto proponente (%(form)s) non può presentare domanda come capofila: "
                    "sono ammessi %(allowed)s."
                )
                % {"form": _legal_form_label(facts.applicant_legal_form), "allowed": allowed},
            )
        )
    if (
        terms.lead_company_sizes
        and facts.applicant_legal_form == LegalForm.COMPANY
        and facts.applicant_company_size not in terms.lead_company_sizes
    ):
        found.append(
            Violation(
                "applicant_company_size",
                "applicant",
                _("La dimensione d'impresa del soggetto proponente non è tra quelle ammesse dal bando."),
            )
        )
    return found


def ateco_sectors(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    """The applicant's ATECO code among the call's admitted sectors; on a de minimis call, neither the
    applicant nor a company partner in a sector the regulation excludes (Reg. UE 2023/2831, art. 1)."""
    found = []
    code = facts.applicant_ateco
    if terms.admitted_ateco_prefixes:
        admitted = ", ".join(terms.admitted_ateco_prefixes)
        if not code:
            found.append(
                Violation(
                    "ateco_missing",
                    "applicant",
                    _(
                        "Il bando è riservato ai settori ATECO %(admitted)s: indicare il codice ATECO 2025 "
                        "nel profilo dell'organizzazione."
                    )
                    % {"admitted": admitted},
                )
            )
        elif not any(matches(code, prefix) for prefix in terms.admitted_ateco_prefixes):
            found.append(
                Violation(
                    "ateco_not_admitted",
                    "applicant",
                    _(
                        "Il codice ATECO del soggetto proponente (%(code)s) non rientra nei settori ammessi "
                        "dal bando (%(admitted)s)."
                    )
                    % {"code": code, "admitted": admitted},
                )
            )
    if terms.state_aid_regime == DE_MINIMIS and terms.excluded_ateco_sectors:
        subjects = [(facts.applicant_name, code, "applicant")]
        subjects += [(p.name, p.ateco_code, "partners") for p in facts.partners]
        for name, subject_code, field in subjects:
            sector = next(
                (s for prefix, s in terms.excluded_ateco_sectors if matches(subject_code, prefix)), None
            )
            if sector:
                found.append(
                    Violation(
                        "ateco_excluded_de_minimis",
                        field,
                        _(
                            "%(name)s opera nel settore %(sector)s (ATECO %(code)s), escluso dagli aiuti "
                            "de minimis: non può ricevere il contributo di questo bando."
                        )
                        % {"name": name, "sector": sector, "code": subject_code},
                    )
                )
    return found
