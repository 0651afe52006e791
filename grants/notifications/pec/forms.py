"""The upload of a PEC receipt (.eml), shared by the officer's page and the API."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RECEIPT_MAX_BYTES = 10 * 1024 * 1024


class ReceiptUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Ricevuta PEC (file .eml)"),
        error_messages={"required": gettext_lazy("Scegli il file .eml della ricevuta.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".eml"):
            raise forms.ValidationError(_("Carica il messaggio della ricevuta in formato .eml."))
        if uploaded.size > RECEIPT_MAX_BYTES:
            raise forms.ValidationError(_("Il file supera i 10 MB."))
        return uploaded.read()
