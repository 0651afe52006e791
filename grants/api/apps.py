from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "grants.api"
    label = "api"
    verbose_name = "API"
