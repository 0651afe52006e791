from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "grants.ops"
    label = "ops"
    verbose_name = _("Esercizio del sistema")

    def ready(self):
        from . import receivers, sentry

        receivers.connect()
        sentry.init_sentry()
