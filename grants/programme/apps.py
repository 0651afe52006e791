from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "grants.programme"
    label = "programme"
    verbose_name = _("Programmi, misure e bandi")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
