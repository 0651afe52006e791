"""Stamp duty (imposta di bollo) on an application: the 14-digit identifier of the marca da bollo and its
issue date, or the exemption that applies, with its legal basis.

A marca da bollo is cancelled by its use: its identifier is unique across all applications (enforced by the
database), whatever their state.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core.vocabulary import LegalForm

STAMP_NUMBER = re.compile(r"^[0-9]{14}$")


class StampDutyExemption(models.TextChoices):
    NONE = "", _("Nessuna (marca da bollo)")
    THIRD_SECTOR = "third_sector", _("Ente del terzo settore")
    PUBLIC_BODY = "public_body", _("Amministrazione pubblica")
    OTHER = "other", _("Altra esenzione prevista dalla legge")


# The legal basis recorded when the applicant does not state another one.
DEFAULT_LEGAL_BASIS = {
    StampDutyExemption.THIRD_SECTOR: "art. 82, comma 5, D.Lgs. 117/2017",
    StampDutyExemption.PUBLIC_BODY: "art. 16, Tabella allegato B, DPR 642/1972",
}

# Who may claim each exemption (an "other" exemption is open to all, with its legal basis stated).
EXEMPTION_LEGAL_FORMS = {
    StampDutyExemption.THIRD_SECTOR: frozenset(
        {LegalForm.THIRD_SECTOR, LegalForm.SOCIAL_COOPERATIVE, LegalForm.VOLUNTEER_ASSOCIATION}
    ),
    StampDutyExemption.PUBLIC_BODY: frozenset({LegalForm.PUBLIC_BODY, LegalForm.SOCIAL_SERVICE_BODY}),
}
