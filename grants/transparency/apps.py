from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "grants.transparency"
    label = "transparency"
    verbose_name = _("Trasparenza e pagine pubbliche")

    def ready(self):
        from . import page_cache

        # The cached public pages are renewed when what they show changes.
        page_cache.connect()
