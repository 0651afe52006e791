"""Render form fields with Bootstrap Italia classes and accessible error/help links."""

from django import template

register = template.Library()

_CHECK_TYPES = {"checkbox", "radio"}


@register.filter
def bootstrap_widget(field):
    """The widget with ``form-control`` (or ``form-check-input``) and aria links to help and errors."""
    widget_type = getattr(field.field.widget, "input_type", "")
    attrs = {"class": "form-check-input" if widget_type in _CHECK_TYPES else "form-control"}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
        attrs["class"] += " is-invalid"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def is_check(field) -> bool:
    return getattr(field.field.widget, "input_type", "") in _CHECK_TYPES
