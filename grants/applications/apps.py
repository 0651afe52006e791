from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "grants.applications"
    label = "applications"
    verbose_name = _("Domande di contributo")

    def ready(self):
        # Registers the receipt as an e-mail attachment provider and the receipt task.
        from . import receipt_mail  # noqa: F401
