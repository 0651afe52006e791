"""States and vocabularies of the transparency context, declared in one place.

Knowledge-base sheet: draft → submitted → published; submitted or published → returned (to the beneficiary,
with the review note) → submitted again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.projects.states import ProjectStatus


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("In revisione")
    PUBLISHED = "published", _("Pubblicata")
    RETURNED = "returned", _("Da rivedere")


# The beneficiary edits the sheet only in these states (under review it is frozen for the officer).
EDITABLE_SHEET_STATUSES = frozenset({SheetStatus.DRAFT, SheetStatus.RETURNED})


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", _("Laboratorio")
    COACHING = "coaching", _("Affiancamento (coaching)")
    COMMUNITY = "community_of_practice", _("Comunità di pratica")
    SEMINAR = "seminar", _("Seminario informativo")


class Theme(models.TextChoices):
    PROXIMITY_WELFARE = "proximity_welfare", _("Welfare di prossimità")
    HOUSING = "housing", _("Abitare sociale")
    WORK_INCLUSION = "work_inclusion", _("Inclusione lavorativa")
    CARE = "care", _("Cura e domiciliarità")
    WORK_LIFE = "work_life", _("Conciliazione vita-lavoro")
    EDUCATION = "education", _("Povertà educativa")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Impresa sociale")
    COMMUNITY = "community", _("Comunità e partecipazione")


class TargetGroup(models.TextChoices):
    ELDERLY = "elderly", _("Anziani")
    FAMILIES = "families", _("Famiglie")
    CHILDREN = "children", _("Minori")
    YOUNG_PEOPLE = "young_people", _("Giovani")
    DISABILITY = "disability", _("Persone con disabilità")
    MIGRANTS = "migrants", _("Persone di origine straniera")
    UNEMPLOYED = "unemployed", _("Persone disoccupate")
    WORKERS = "workers", _("Lavoratrici e lavoratori")
    CAREGIVERS = "caregivers", _("Caregiver familiari")
    COMMUNITY = "community", _("Intera comunità")


# Projects are public once the grant is accepted (the atto di adesione is signed): Italian practice
# publishes funded operations, not proposals or grants never taken up.
PUBLIC_PROJECT_STATUSES = frozenset(
    {ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED, ProjectStatus.CONCLUDED, ProjectStatus.REVOKED}
)
# A knowledge-base sheet is written for an experiment that is running or has run.
SHEET_PROJECT_STATUSES = frozenset({ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED, ProjectStatus.CONCLUDED})
