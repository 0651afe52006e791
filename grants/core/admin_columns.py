"""The back-office's list columns of amounts in euro, written as the rest of the platform writes them
(``1.234.567,89 €``, grants.core.money.format_eur) instead of Django's bare ``1234567,89``."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .money import format_eur


def is_money(model, name: str) -> bool:
    """A MoneyField (grants.core.money): a DecimalField of 14 digits, 2 decimals."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a method or an annotation: not a field of the model
        return False
    return isinstance(field, models.DecimalField) and (field.max_digits, field.decimal_places) == (14, 2)


def euro_column(model, name: str):
    """A list_display column showing the field ``name`` in euro, sortable by it, titled as the field."""

    def column(obj):
        return format_eur(getattr(obj, name))

    column.short_description = model._meta.get_field(name).verbose_name
    column.admin_order_field = name
    column.__name__ = f"{name}_in_euro"
    return column


class EuroAmountsMixin:
    """For a ModelAdmin: its list's amount columns in euro."""

    def get_list_display(self, request):
        return [
            euro_column(self.model, name) if isinstance(name, str) and is_money(self.model, name) else name
            for name in super().get_list_display(request)
        ]
