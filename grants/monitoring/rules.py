"""How an indicator's actual value is obtained: the computations an indicator of the catalogue may name.

The catalogue itself (codes, titles, which rule) is data (grants/monitoring/data/*.yaml, back-office); the
rules are the few computations the data can choose from:

- participant rules: a filter on the project's participants (each person once per project), counted and
  split by sex;
- entity rules: computed from the project's beneficiary and partners;
- ``reported``: the beneficiary types the value in each monitoring report.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.core.vocabulary import CompanySize, LegalForm

from .states import EmploymentStatus

REPORTED = "reported"

_UNEMPLOYED = [EmploymentStatus.UNEMPLOYED, EmploymentStatus.LONG_TERM_UNEMPLOYED]
_INACTIVE = [EmploymentStatus.INACTIVE, EmploymentStatus.INACTIVE_IN_EDUCATION]

# rule code → (label, filter on Participant)
PARTICIPANT_RULES: dict[str, tuple[str, Q]] = {
    "participants_all": (_("Tutti i partecipanti"), Q()),
    "participants_unemployed": (
        _("Disoccupati, compresi quelli di lunga durata"),
        Q(employment_status__in=_UNEMPLOYED),
    ),
    "participants_long_term_unemployed": (
        _("Disoccupati di lunga durata"),
        Q(employment_status=EmploymentStatus.LONG_TERM_UNEMPLOYED),
    ),
    "participants_inactive": (_("Inattivi"), Q(employment_status__in=_INACTIVE)),
    "participants_inactive_not_in_education": (
        _("Inattivi che non seguono corsi di istruzione o formazione"),
        Q(employment_status=EmploymentStatus.INACTIVE),
    ),
    "participants_employed": (
        _("Occupati, compresi i lavoratori autonomi"),
        Q(employment_status=EmploymentStatus.EMPLOYED),
    ),
    "participants_under_25": (_("Persone di età inferiore a 25 anni"), Q(age_at_entry__lt=25)),
    "participants_over_54": (_("Persone di età superiore a 54 anni"), Q(age_at_entry__gt=54)),
    "participants_over_54_out_of_work": (
        _("Persone di età superiore a 54 anni disoccupate o inattive non in istruzione"),
        Q(age_at_entry__gt=54) & Q(employment_status__in=[*_UNEMPLOYED, EmploymentStatus.INACTIVE]),
    ),
    "participants_isced_0_2": (
        _("Titolo di studio ISCED 0–2 (primario o secondario inferiore)"),
        Q(education_level__in=["0", "1", "2"]),
    ),
    "participants_isced_3_4": (
        _("Titolo di studio ISCED 3–4 (secondario superiore o post-secondario)"),
        Q(education_level__in=["3", "4"]),
    ),
    "participants_isced_5_8": (
        _("Titolo di studio ISCED 5–8 (terziario)"),
        Q(education_level__in=["5", "6", "7", "8"]),
    ),
    "participants_migrants": (
        _("Migranti, partecipanti di origine straniera"),
        Q(is_migrant=True),
    ),
    "participants_minorities": (
        _("Minoranze (comprese le comunità emarginate come i Rom)"),
        Q(is_minority=True),
    ),
    "participants_disability": (_("Partecipanti con disabilità"), Q(has_disability=True)),
    "participants_other_disadvantaged": (_("Altre persone svantaggiate"), Q(is_other_disadvantaged=True)),
    "participants_homeless": (
        _("Senzatetto o persone colpite da esclusione abitativa"),
        Q(is_homeless=True),
    ),
    "participants_jobless_household": (
        _("Partecipanti che vivono in una famiglia senza occupati"),
        Q(household_jobless=True),
    ),
    "participants_jobless_with_children": (
        _("Partecipanti che vivono in una famiglia senza occupati, con figli a carico"),
        Q(household_jobless=True, household_dependent_children=True),
    ),
    "participants_single_adult_with_children": (
        _("Partecipanti che vivono in una famiglia di un solo adulto, con figli a carico"),
        Q(household_single_adult=True, household_dependent_children=True),
    ),
    "participants_rural_areas": (_("Partecipanti residenti in zone rurali"), Q(lives_in_rural_area=True)),
    "participants_job_searching_on_exit": (
        _("Inattivi che cercano lavoro alla conclusione della partecipazione"),
        Q(employment_status__in=_INACTIVE, job_searching_on_exit=True),
    ),
    "participants_in_education_on_exit": (
        _("Partecipanti in istruzione o formazione alla conclusione"),
        Q(in_education_on_exit=True),
    ),
    "participants_qualification_on_exit": (
        _("Partecipanti che ottengono una qualifica alla conclusione"),
        Q(qualification_on_exit=True),
    ),
    "participants_employed_on_exit": (
        _("Partecipanti occupati alla conclusione (anche autonomi)"),
        Q(employed_on_exit=True),
    ),
}

NGO_OR_SOCIAL_PARTNER_FORMS = frozenset(
    {LegalForm.THIRD_SECTOR, LegalForm.SOCIAL_COOPERATIVE, LegalForm.VOLUNTEER_ASSOCIATION}
)
SME_SIZES = frozenset({CompanySize.MICRO, CompanySize.SMALL, CompanySize.MEDIUM})

ENTITY_RULES: dict[str, str] = {
    "entities_ngo_projects": _("Progetti attuati in tutto o in parte da parti sociali o ONG"),
    "entities_public_administration_projects": _("Progetti destinati alle pubbliche amministrazioni"),
    "entities_smes": _("Micro, piccole e medie imprese sostenute (anche cooperative e imprese sociali)"),
}

RULE_CHOICES = [
    (REPORTED, _("Dichiarato dal beneficiario nella relazione")),
    *[(code, label) for code, (label, _q) in PARTICIPANT_RULES.items()],
    *ENTITY_RULES.items(),
]


def is_participant_rule(rule: str) -> bool:
    return rule in PARTICIPANT_RULES


def is_entity_rule(rule: str) -> bool:
    return rule in ENTITY_RULES


def participant_filter(rule: str) -> Q:
    return PARTICIPANT_RULES[rule][1]


def entity_value(rule: str, partners: list[tuple[str, str]]) -> int:
    """The value of an entity rule for one project, from its active partners as (legal form, company size),
    the lead first."""
    if rule == "entities_ngo_projects":
        return int(any(form in NGO_OR_SOCIAL_PARTNER_FORMS for form, _size in partners))
    if rule == "entities_public_administration_projects":
        return int(
            bool(partners) and partners[0][0] in (LegalForm.PUBLIC_BODY, LegalForm.SOCIAL_SERVICE_BODY)
        )
    if rule == "entities_smes":
        return sum(1 for form, size in partners if form == LegalForm.COMPANY and size in SME_SIZES)
    raise KeyError(rule)
