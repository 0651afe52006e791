from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "grants.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoraggio")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
