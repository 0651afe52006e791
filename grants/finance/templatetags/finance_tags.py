"""Small template helpers of the finance pages."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``form|lookup:name``: the value of ``key`` in a dict or QueryDict, empty when absent."""
    if not mapping:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
