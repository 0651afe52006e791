"""Filters of the public pages: money, percentages and times written the Italian way."""

from decimal import Decimal, InvalidOperation

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

from grants.core.money import format_eur
from grants.core.timeutils import in_rome
from grants.programme.models import CallPhaseStatus

register = template.Library()

BADGE_CLASSES = {
    CallPhaseStatus.OPEN: "bg-success",
    CallPhaseStatus.UPCOMING: "bg-primary",
    CallPhaseStatus.CLOSED: "bg-secondary",
    CallPhaseStatus.RANKING_APPROVED: "bg-dark",
    CallPhaseStatus.ARCHIVED: "bg-secondary",
    CallPhaseStatus.DRAFT: "bg-secondary",
}


@register.filter
def eur(value) -> str:
    """1.234.567,89 € (an empty value shows as a dash)."""
    if value in (None, ""):
        return format_eur(None)
    return format_eur(Decimal(value))


@register.filter
def percent(value) -> str:
    """80 %, 12,5 % — Italian decimal comma, no useless zeros."""
    if value in (None, ""):
        return "–"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " %"


@register.filter
def points(value) -> str:
    """A score: 30, 12,5."""
    if value in (None, ""):
        return "–"
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def rome_datetime(moment) -> str:
    """02/11/2017 ore 09:00, in Europe/Rome whatever the server's zone."""
    if not moment:
        return "–"
    local = in_rome(moment)
    return gettext("%(date)s ore %(time)s") % {
        "date": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M"),
    }


@register.filter
def it_date(day) -> str:
    """02/11/2017."""
    if not day:
        return "–"
    return day.strftime("%d/%m/%Y")


@register.filter
def status_badge(status) -> str:
    """The Bootstrap Italia background class for a call's phase status."""
    return BADGE_CLASSES.get(status, "bg-secondary")


@register.filter
def localized(obj, field: str) -> str:
    """The English text of a bilingual model field when the reader uses English and one exists."""
    if obj is None:
        return ""
    return obj.localized(field)


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    """A decorative Bootstrap Italia sprite icon (hidden from assistive technology)."""
    classes = f"icon {extra_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        static("vendor/bootstrap-italia/svg/sprites.svg"),
        name,
    )
