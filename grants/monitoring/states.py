"""The kinds and states of the monitoring context, declared in one place (transitions are on the models).

Monitoring report (relazione di monitoraggio, with each SAL): draft → submitted → approved; an officer may
send a submitted report back (returned), which the beneficiary corrects and submits again.
Participant import: queued → running → done | failed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Indicatore di output")
    RESULT = "result", _("Indicatore di risultato")


class IndicatorSubject(models.TextChoices):
    PARTICIPANTS = "participants", _("Partecipanti")
    ENTITIES = "entities", _("Soggetti / entità")
    OTHER = "other", _("Altro")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("In compilazione")
    SUBMITTED = "submitted", _("Inviata")
    RETURNED = "returned", _("Restituita per correzioni")
    APPROVED = "approved", _("Approvata")


# The beneficiary writes the values of a report in these states.
EDITABLE_REPORT_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In elaborazione")
    DONE = "done", _("Completata")
    FAILED = "failed", _("Non riuscita")


class Sex(models.TextChoices):
    FEMALE = "F", _("Donna")
    MALE = "M", _("Uomo")
    NON_BINARY = "X", _("Non binario / non dichiarato")


class EmploymentStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Disoccupato/a (meno di 12 mesi)")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Disoccupato/a di lunga durata (12 mesi e oltre)")
    INACTIVE = "inactive", _("Inattivo/a")
    INACTIVE_IN_EDUCATION = "inactive_in_education", _("Inattivo/a, in istruzione o formazione")
    EMPLOYED = "employed", _("Occupato/a (anche autonomo/a)")


class EducationLevel(models.TextChoices):
    """ISCED 2011 levels (the ESF reports them grouped: 0–2, 3–4, 5–8)."""

    ISCED_0 = "0", _("ISCED 0 – nessun titolo / prescolare")
    ISCED_1 = "1", _("ISCED 1 – licenza elementare")
    ISCED_2 = "2", _("ISCED 2 – licenza media")
    ISCED_3 = "3", _("ISCED 3 – diploma di scuola superiore / qualifica professionale")
    ISCED_4 = "4", _("ISCED 4 – post-diploma non terziario (IFTS)")
    ISCED_5 = "5", _("ISCED 5 – ITS / terziario breve")
    ISCED_6 = "6", _("ISCED 6 – laurea triennale")
    ISCED_7 = "7", _("ISCED 7 – laurea magistrale / master")
    ISCED_8 = "8", _("ISCED 8 – dottorato")


# Special categories of personal data (GDPR art. 9) or data revealing social hardship: written by the
# beneficiary, read back only by staff holding monitoring.view_sensitive_data.
SENSITIVE_FIELDS = ("is_migrant", "is_minority", "has_disability", "is_other_disadvantaged", "is_homeless")
