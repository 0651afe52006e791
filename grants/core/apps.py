from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grants.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from grants.core.fsm import skip_historical_models

        skip_historical_models()
