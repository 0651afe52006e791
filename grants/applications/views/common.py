"""What the applications pages share: the sections of the draft page and the violations that send the
reader there, the application one may read (404 otherwise)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors
from ..models import Application

# Section anchors of the draft page and the violations (rules.Violation.field) that send the reader there.
SECTIONS = {
    "generale": gettext_lazy("Dati generali e territorio"),
    "partenariato": gettext_lazy("Partenariato"),
    "piano-finanziario": gettext_lazy("Piano finanziario"),
    "documenti": gettext_lazy("Documenti"),
    "invio": gettext_lazy("Dichiarazioni e invio"),
}
BUDGET_FIELDS = {"budget", "total_cost", "requested_grant", "cofinancing"}


def section_of(violation_field: str) -> str:
    if violation_field.startswith("partners"):
        return "partenariato"
    if violation_field.split(".")[0] in BUDGET_FIELDS:
        return "piano-finanziario"
    if violation_field.startswith("documents"):
        return "documenti"
    if violation_field == "declarations_accepted" or violation_field.startswith("stamp_duty"):
        return "invio"
    return "generale"


def _application_or_404(user, pk: int) -> Application:
    try:
        return selectors.application_for_user(user, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None


def _detail_url(application: Application, anchor: str = "") -> str:
    """The draft page; a section's anchor opens that step of the stepper (``?sezione=``) and scrolls to it."""
    url = reverse("applications:application_detail", args=[application.pk])
    if anchor in SECTIONS:
        return f"{url}?sezione={anchor}#{anchor}"
    return f"{url}#{anchor}" if anchor else url
