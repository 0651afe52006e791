from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grants.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from grants.core.fsm import skip_historical_models
        from grants.core.historical_models import gate_receivers

        skip_historical_models()
        # Every real model is prepared by now (the registry imports all models before any ready()).
        gate_receivers()
