"""What every rule shares: the two inputs (the call's terms, the application's facts), the violation it
returns, the rule type and the formatting helpers."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.core.money import ZERO
from grants.core.vocabulary import LegalForm

from ..budget import CategoryRule, LineAmount

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
    admitted_ateco_prefixes: tuple[str, ...] = ()  # empty: every sector
    # (ATECO prefix, sector) the de minimis regulation in force excludes (grants.registry.ateco).
    excluded_ateco_sectors: tuple[tuple[str, str], ...] = ()


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
class MemberDeMinimis:
    """One member of the partnership on a de minimis call, lead first (grants.applications.de_minimis).

    ``share_percent`` is its effective share of the partnership (the lead's fills what the partners leave);
    ``is_undertaking``: a company or social cooperative (the lead always), whose share is aid to check;
    ``registered`` False: not in the registry, so it has no register to check; ``undertaking_key`` is the same
    for members of one single undertaking (their shares draw on one headroom)."""

    name: str
    share_percent: Decimal
    is_undertaking: bool
    registered: bool = True
    used: Decimal = ZERO
    headroom: Decimal = ZERO
    undertaking_key: int = 0


@dataclass(frozen=True)
class PartnerFacts:
    name: str
    legal_form: str
    share_percent: Decimal = ZERO
    confirmed: bool = False
    registered: bool = True  # a registered organisation (it may confirm); False: a body typed by name
    company_size: str = ""
    ateco_code: str = ""


@dataclass(frozen=True)
class DistrictFacts:
    """A Distretto della Coesione Sociale the application chose (read only on calls by district)."""

    code: str
    name: str
    municipality_codes: frozenset[str] = frozenset()  # comuni served by its enti gestori (empty: unknown)
    lead_is_body: bool = False  # the applicant is one of the district's enti gestori
    taken_by: str = ""  # another proposal on the call for this district (its protocol number or title)


@dataclass(frozen=True)
class ApplicationFacts:
    title: str = ""
    abstract: str = ""
    applicant_name: str = ""
    applicant_legal_form: str = ""
    applicant_company_size: str = ""
    applicant_ateco: str = ""
    lead_share_percent: Decimal = Decimal(100)
    partners: tuple[PartnerFacts, ...] = ()  # without the lead
    lines: tuple[LineAmount, ...] = ()  # typed lines only (real and unit costs)
    total_cost: Decimal = ZERO
    requested_grant: Decimal = ZERO
    cofinancing: Decimal = ZERO
    municipality_count: int = 0
    district_count: int = 0
    province_count: int = 0
    municipalities: tuple[tuple[str, str], ...] = ()  # (ISTAT code, name) of the chosen comuni
    districts: tuple[DistrictFacts, ...] = ()  # calls by district only
    document_counts: dict[str, int] = field(default_factory=dict)
    de_minimis: DeMinimisFacts | None = None  # read only for de minimis calls
    de_minimis_members: tuple[MemberDeMinimis, ...] = ()  # lead first; empty: the lead alone is checked
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
