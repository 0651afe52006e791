"""The back-office speaks Italian: every field of the project's own models shown in the admin has an Italian
name, not the English one Django derives from the field's code name (#17)."""

from django.contrib import admin

# Words Italian offices use as they are.
ITALIAN_AS_IS = {"user agent", "target", "traceback", "password", "email"}


def test_every_field_of_the_projects_models_in_the_admin_has_an_italian_name():
    derived = []
    for model in admin.site._registry:
        if not model.__module__.startswith("grants."):
            continue
        for field in model._meta.get_fields():
            label = getattr(field, "verbose_name", None)
            if label is None:
                continue
            label = str(label)
            if label == field.name.replace("_", " ") and label not in ITALIAN_AS_IS and label.isascii():
                derived.append(f"{model._meta.label}.{field.name}: {label}")
    assert derived == []


def test_every_amount_listed_in_the_back_office_reads_in_euro():
    """A list column of an amount shows 1.234.567,89 €, as the rest of the platform (#17), and still sorts."""
    from decimal import Decimal

    from django.test import RequestFactory

    from grants.core.admin_columns import is_money

    request = RequestFactory().get("/")
    bare = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("grants."):
            continue
        for column in model_admin.get_list_display(request):
            if isinstance(column, str) and is_money(model, column):
                bare.append(f"{model._meta.label}.{column}")
            elif callable(column) and getattr(column, "__name__", "").endswith("_in_euro"):
                instance = model(**{column.admin_order_field: Decimal("1234567.891")})
                assert column(instance) == "1.234.567,89 €"
    assert bare == []
