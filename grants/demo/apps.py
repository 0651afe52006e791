from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: every capability adds its part here, always clearly marked as demo."""

    name = "grants.demo"
    label = "demo"
    verbose_name = "Dati dimostrativi"
