"""Small parsing helpers for the monitoring pages (the rules themselves are in services)."""

from datetime import date, datetime

from django.utils.translation import gettext as _


def parse_date(value) -> tuple[date | None, str]:
    """(date, "") or (None, an Italian message); accepts AAAA-MM-GG (date inputs) and GG/MM/AAAA."""
    text = (value or "").strip()
    if not text:
        return None, _("Indicare la data.")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date(), ""
        except ValueError:
            continue
    return None, _("Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA.")
