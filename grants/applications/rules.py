"""The checks an application must pass against its call, as pure functions over plain data.

``selectors.rule_inputs(application)`` reads the database once and builds the two inputs; each rule returns
a list of ``Violation`` (code, field, Italian message with the numbers). ``check`` runs them all: the
``/checks`` endpoint shows the result live, and ``services.submit`` refuses while any is left.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur, percent_of, round_money
from grants.core.vocabulary import LegalForm

from .budget import CategoryRule, LineAmount, compute_budget, funding_split, max_grant_for

DE_MINIMIS = "de_minimis"  # programme.StateAidRegime.DE_MINIMIS (rules stay free of models)
PUBLIC_LEGAL_FORMS = frozenset({LegalForm.PUBLIC_BODY, LegalForm.SOCIAL_SERVICE_BODY})


@dataclass(frozen=True)
class Violation:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DocumentRule:
    code: str
    title: str
    is_mandatory: bool
    per_partner: bool


@dataclass(frozen=True)
class CallTerms:
    lead_legal_forms: tuple[str, ...] = ()
    partner_legal_forms: tuple[str, ...] = ()
    lead_company_sizes: tuple[str, ...] = ()
    min_partners: int = 0
    max_partners: int | None = None
    requires_partner_confirmation: bool = False
    requires_public_private_partnership: bool = False
    territorial_scope: str = "region"
    min_project_cost: Decimal | None = None
    max_project_cost: Decimal | None = None
    min_grant: Decimal | None = None
    max_grant: Decimal | None = None
    max_aid_intensity: Decimal = Decimal(100)
    min_cofinancing: Decimal = Decimal(0)
    categories: tuple[CategoryRule, ...] = ()
    documents: tuple[DocumentRule, ...] = ()
    state_aid_regime: str = "none"
    requires_stamp_duty: bool = False


@dataclass(frozen=True)
class DeMinimisFacts:
    """Where the applicant's single undertaking stands today (grants.registry.selectors.de_minimis_position);
    ``regulation`` empty: no de minimis regulation is in force."""

    regulation: str
    ceiling: Decimal
    used: Decimal
    headroom: Decimal
    period_start: str = ""  # dd/mm/yyyy


@dataclass(frozen=True)
class PartnerFacts:
    name: str
    legal_form: str
    share_percent: Decimal = ZERO
    confirmed: bool = False
    company_size: str = ""


@dataclass(frozen=True)
class ApplicationFacts:
    title: str = ""
    abstract: str = ""
    applicant_name: str = ""
    applicant_legal_form: str = ""
    applicant_company_size: str = ""
    lead_share_percent: Decimal = Decimal(100)
    partners: tuple[PartnerFacts, ...] = ()  # without the lead
    lines: tuple[LineAmount, ...] = ()  # typed lines only (real and unit costs)
    total_cost: Decimal = ZERO
    requested_grant: Decimal = ZERO
    cofinancing: Decimal = ZERO
    municipality_count: int = 0
    district_count: int = 0
    province_count: int = 0
    document_counts: dict[str, int] = field(default_factory=dict)
    de_minimis: DeMinimisFacts | None = None  # read only for de minimis calls
    has_stamp_duty: bool = False  # a marca da bollo or an exemption recorded


Rule = Callable[[CallTerms, ApplicationFacts], list[Violation]]


def format_percent(value: Decimal) -> str:
    """30 → '30%', 12.5 → '12,5%'."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",") + "%"


def _legal_form_label(code: str) -> str:
    try:
        return str(LegalForm(code).label)
    except ValueError:
        return code or _("non indicata")


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


def partner_legal_forms(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.partner_legal_forms:
        return []
    allowed = ", ".join(_legal_form_label(code) for code in terms.partner_legal_forms)
    return [
        Violation(
            "partner_legal_form",
            f"partners[{index}]",
            _("Il partner %(name)s (%(form)s) non è ammesso dal bando: sono ammessi %(allowed)s.")
            % {"name": partner.name, "form": _legal_form_label(partner.legal_form), "allowed": allowed},
        )
        for index, partner in enumerate(facts.partners)
        if partner.legal_form not in terms.partner_legal_forms
    ]


def partner_count(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    count = len(facts.partners)
    if count < terms.min_partners:
        return [
            Violation(
                "partners_too_few",
                "partners",
                _(
                    "Il partenariato ha %(count)d partner oltre al capofila: "
                    "il bando ne richiede almeno %(min)d."
                )
                % {"count": count, "min": terms.min_partners},
            )
        ]
    if terms.max_partners is not None and count > terms.max_partners:
        return [
            Violation(
                "partners_too_many",
                "partners",
                _(
                    "Il partenariato ha %(count)d partner oltre al capofila: "
                    "il bando ne ammette al massimo %(max)d."
                )
                % {"count": count, "max": terms.max_partners},
            )
        ]
    return []


def partner_shares(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not facts.partners:
        return []
    total = facts.lead_share_percent + sum((p.share_percent for p in facts.partners), ZERO)
    if total != Decimal(100):
        return [
            Violation(
                "partner_shares",
                "partners",
                _("Le quote di partecipazione sommano al %(total)s invece che al 100%%.")
                % {"total": format_percent(total)},
            )
        ]
    return []


def partner_confirmation(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.requires_partner_confirmation:
        return []
    return [
        Violation(
            "partner_not_confirmed",
            f"partners[{index}]",
            _("Il partner %(name)s non ha ancora confermato l'adesione al progetto.")
            % {"name": partner.name},
        )
        for index, partner in enumerate(facts.partners)
        if not partner.confirmed
    ]


def public_private_partnership(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.requires_public_private_partnership:
        return []
    forms = {facts.applicant_legal_form, *(p.legal_form for p in facts.partners)}
    if forms & PUBLIC_LEGAL_FORMS and forms - PUBLIC_LEGAL_FORMS:
        return []
    return [
        Violation(
            "public_private_partnership",
            "partners",
            _(
                "Il bando richiede un partenariato pubblico-privato: "
                "servono almeno un soggetto pubblico e uno privato."
            ),
        )
    ]


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


def documents(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    members = 1 + len(facts.partners)
    found = []
    for document in terms.documents:
        if not document.is_mandatory:
            continue
        needed = members if document.per_partner else 1
        have = facts.document_counts.get(document.code, 0)
        if have < needed:
            found.append(
                Violation(
                    "document_missing",
                    f"documents.{document.code}",
                    _("Manca il documento «%(title)s» (%(have)d caricati su %(needed)d richiesti).")
                    % {"title": document.title, "have": have, "needed": needed},
                )
            )
    return found


def de_minimis_ceiling(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    """De minimis calls: the requested grant must fit in the headroom of the applicant's single undertaking
    under the regulation in force today (the grant would be given no earlier)."""
    if terms.state_aid_regime != DE_MINIMIS or facts.de_minimis is None:
        return []
    position = facts.de_minimis
    if not position.regulation:
        return [
            Violation(
                "de_minimis_no_regulation",
                "requested_grant",
                _("Nessun regolamento de minimis è in vigore: il contributo non può essere concesso."),
            )
        ]
    if facts.requested_grant <= position.headroom:
        return []
    return [
        Violation(
            "de_minimis_ceiling",
            "requested_grant",
            _(
                "Il contributo richiesto (%(requested)s) supera l'importo de minimis ancora concedibile "
                "all'impresa unica: massimale %(ceiling)s (%(regulation)s), già utilizzati %(used)s dal "
                "%(start)s, disponibili %(headroom)s."
            )
            % {
                "requested": format_eur(facts.requested_grant),
                "ceiling": format_eur(position.ceiling),
                "regulation": position.regulation,
                "used": format_eur(position.used),
                "start": position.period_start,
                "headroom": format_eur(position.headroom),
            },
        )
    ]


def stamp_duty(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.requires_stamp_duty or facts.has_stamp_duty:
        return []
    return [
        Violation(
            "stamp_duty_missing",
            "stamp_duty_number",
            _(
                "Il bando richiede l'imposta di bollo: indicare l'identificativo (14 cifre) e la data della "
                "marca da bollo, oppure l'esenzione che si applica con la sua base giuridica."
            ),
        )
    ]


RULES: tuple[Rule, ...] = (
    general_section,
    territory,
    applicant_legal_form,
    partner_legal_forms,
    partner_count,
    partner_shares,
    partner_confirmation,
    public_private_partnership,
    budget_totals,
    project_cost,
    requested_grant,
    cofinancing_and_intensity,
    category_caps,
    de_minimis_ceiling,
    documents,
    stamp_duty,
)


def check(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    found: list[Violation] = []
    for rule in RULES:
        found.extend(rule(terms, facts))
    return found
