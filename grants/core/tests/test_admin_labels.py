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
