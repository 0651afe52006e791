"""The registration of a submitted application in the protocol register (grants.applications.protocol):
the number, day and register the register gave. With the internal register it repeats the submission's own
number; with the Region's protocol system (an external register) it is that system's number, kept so the
segnatura and the pages show it without asking the register again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import Application


class ProtocolRegistration(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="protocol_registration"
    )
    number = models.CharField(_("numero di registrazione"), max_length=32)
    registered_on = models.DateField(_("data di registrazione"))
    register_code = models.CharField(_("registro"), max_length=64)
    adapter = models.CharField(_("registro di protocollo usato"), max_length=255)
    created_at = models.DateTimeField(_("registrata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("registrazione di protocollo")
        verbose_name_plural = _("registrazioni di protocollo")

    def __str__(self) -> str:
        return f"{self.register_code} n. {self.number} del {self.registered_on:%d/%m/%Y}"
