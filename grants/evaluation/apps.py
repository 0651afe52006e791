from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "grants.evaluation"
    label = "evaluation"
    verbose_name = _("Istruttoria e valutazione")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
