"""Rules on the application itself: its general section, its territory and the applicant's legal form."""

from django.utils.translation import gettext as _

from grants.core.vocabulary import LegalForm

from .common import ApplicationFacts, CallTerms, Violation, _legal_form_label


# --- the rules ---------------------------------------------------------------------------------------------
def general_section(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    found = []
    if not facts.title.strip():
        found.append(Violation("title_missing", "title", _("Indicare il titolo del progetto.")))
    if not facts.abstract.strip():
        found.append(Violation("abstract_missing", "abstract", _("Indicare la sintesi del progetto.")))
    return found


def territory(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if terms.territorial_scope == "district" and facts.district_count == 0:
        return [
            Violation(
                "territory_missing",
                "districts",
                _("Il bando è per Distretto della Coesione Sociale: indicare il distretto di intervento."),
            )
        ]
    if terms.territorial_scope == "province" and facts.province_count == 0:
        return [
            Violation(
                "territory_missing",
                "provinces",
                _("Il bando è per provincia: indicare la provincia di intervento."),
            )
        ]
    return []


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
