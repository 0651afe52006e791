from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "grants.applications"
    label = "applications"
    verbose_name = _("Domande di contributo")

    def ready(self):
        # Registers the receipt as an e-mail attachment provider and the receipt task, and the task that
        # builds the officers' document archives (workers import the apps).
        from . import bulk_download, receipt_mail  # noqa: F401
