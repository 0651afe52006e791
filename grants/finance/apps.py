"""Payments (advance, interim, balance), guarantees, loans, expense claims, first-level control,
recoveries."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "grants.finance"
    label = "finance"
    verbose_name = _("Pagamenti e rendicontazione")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
        from .rna import receivers as rna_receivers  # noqa: F401
