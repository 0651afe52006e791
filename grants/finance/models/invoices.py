"""Electronic invoices (FatturaPA) imported into an expense claim: what was read from the file, kept beside
the expense item it became, with the XML for the controller to read."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField

from .claims import ExpenseItem

# The FatturaPA document types (TipoDocumento) in words, for the readers of the invoice.
DOCUMENT_TYPES = {
    "TD01": _("Fattura"),
    "TD02": _("Acconto o anticipo su fattura"),
    "TD03": _("Acconto o anticipo su parcella"),
    "TD04": _("Nota di credito"),
    "TD05": _("Nota di debito"),
    "TD06": _("Parcella"),
    "TD16": _("Integrazione fattura reverse charge interno"),
    "TD17": _("Integrazione o autofattura per acquisto servizi dall'estero"),
    "TD18": _("Integrazione per acquisto di beni intracomunitari"),
    "TD19": _("Integrazione o autofattura per acquisto di beni ex art. 17 c. 2 DPR 633/72"),
    "TD20": _("Autofattura per regolarizzazione e integrazione delle fatture"),
    "TD24": _("Fattura differita (art. 21, c. 4, lett. a, DPR 633/72)"),
    "TD25": _("Fattura differita (art. 21, c. 4, terzo periodo, lett. b, DPR 633/72)"),
    "TD26": _("Cessione di beni ammortizzabili e passaggi interni"),
    "TD27": _("Fattura per autoconsumo o per cessioni gratuite senza rivalsa"),
}


class EInvoice(TimeStampedModel):
    item = models.OneToOneField(
        ExpenseItem, verbose_name=_("voce di spesa"), on_delete=models.CASCADE, related_name="einvoice"
    )
    supplier_country = models.CharField(_("paese del fornitore"), max_length=2, default="IT")
    supplier_vat = models.CharField(_("partita IVA del fornitore"), max_length=28)
    supplier_name = models.CharField(_("fornitore"), max_length=255)
    customer_name = models.CharField(_("cliente (cessionario)"), max_length=255, blank=True)
    customer_tax_id = models.CharField(_("identificativo fiscale del cliente"), max_length=28, blank=True)
    document_type = models.CharField(_("tipo di documento (TipoDocumento)"), max_length=4)
    number = models.CharField(_("numero"), max_length=20)
    date = models.DateField(_("data"))
    currency = models.CharField(_("divisa"), max_length=3, default="EUR")
    total = MoneyField(_("importo totale del documento"), null=True, blank=True)
    taxable_amount = MoneyField(_("imponibile"), default=ZERO)
    vat_amount = MoneyField(_("IVA"), default=ZERO)
    causale = models.TextField(_("causale"), blank=True)
    cup_codes = models.JSONField(_("CUP indicati nella fattura"), default=list, blank=True)
    # [{"number", "description", "quantity", "unit_price", "total", "vat_rate"}] as strings (Decimal).
    lines = models.JSONField(_("righe"), default=list)
    signed = models.BooleanField(_("firmata (.p7m)"), default=False)
    xml = models.TextField(_("XML della fattura"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fattura elettronica")
        verbose_name_plural = _("fatture elettroniche")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.supplier_name} n. {self.number} del {self.date:%d/%m/%Y}"

    @property
    def document_type_label(self) -> str:
        """The document type in words, with its code: «Fattura (TD01)»."""
        label = DOCUMENT_TYPES.get(self.document_type)
        return f"{label} ({self.document_type})" if label else self.document_type

    @property
    def audit_organisation(self):
        return self.item.claim.project.beneficiary
