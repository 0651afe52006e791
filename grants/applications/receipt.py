"""The PDF receipt of a submitted application (ricevuta di invio), rendered by WeasyPrint from
templates/applications/receipt.html.

It prints what was sent — the snapshot stored at submission, whose SHA-256 is the fingerprint — not the live
rows, so a receipt downloaded today says exactly what the receipt of the day of submission said. Always in
Italian, times in Europe/Rome. The renderer fetches nothing but the bundled Titillium Web fonts.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from grants.core.money import ZERO, round_money
from grants.core.timeutils import in_rome
from grants.core.vocabulary import LegalForm

from .models import Application
from .stamp_duty import StampDutyExemption
from .states import PartnerRole

FONT_FILES = {
    "regular": "vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf",
    "bold": "vendor/bootstrap-italia/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.ttf",
}


# WeasyPrint reports every rendering step at INFO: one receipt would write seven log lines.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class ReceiptNotAvailable(ValueError):
    """Only an application that received a protocol number has a receipt."""


def _fonts_only_fetcher(allowed: set[str]):
    """A WeasyPrint URL fetcher that serves the bundled fonts and refuses every other URL (no network, no
    other file of the server). WeasyPrint is imported here, when a PDF is made, not when Django starts."""
    from weasyprint.urls import URLFetcher

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"Receipt resources are limited to the bundled fonts: {url}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=["file"], allow_redirects=False)


def _font_uris() -> dict[str, str]:
    uris = {}
    for weight, relative in FONT_FILES.items():
        found = finders.find(relative)
        if found:
            uris[weight] = Path(found).resolve().as_uri()
    return uris


def font_uris() -> dict[str, str]:
    """The bundled fonts as file: URIs ("regular", "bold"), for the @font-face rules of a PDF template: the
    only URLs ``html_to_pdf`` lets WeasyPrint fetch."""
    return _font_uris()


@dataclass(frozen=True)
class CategoryTotal:
    code: str
    title: str
    amount: Decimal


def _decimal(value) -> Decimal:
    try:
        return round_money(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError):
        return ZERO


def _legal_form_label(code: str) -> str:
    try:
        return str(LegalForm(code).label)
    except ValueError:
        return code or "–"


def _stamp_duty_text(stamp: dict) -> str:
    if stamp.get("number"):
        issued = stamp.get("issued_on") or ""
        day = "/".join(reversed(issued.split("-"))) if issued else "–"
        return f"marca da bollo n. {stamp['number']} del {day}"
    if stamp.get("exemption"):
        label = str(StampDutyExemption(stamp["exemption"]).label)
        return f"esente: {label} ({stamp.get('legal_basis', '')})"
    return ""


def receipt_context(application: Application) -> dict:
    if application.protocol_number is None or application.submitted_at is None:
        raise ReceiptNotAvailable("The application has not been submitted.")
    snapshot = application.submitted_data or {}
    titles = {c.code: c.title for c in application.call.cost_categories.all()}
    # Documents by the call's own title, never by their internal code.
    document_titles = {d.code: d.title for d in application.call.required_documents.all()}
    totals: dict[str, Decimal] = {}
    for line in snapshot.get("budget", []):
        totals[line["category"]] = totals.get(line["category"], ZERO) + _decimal(line.get("amount"))
    partners = [
        {
            "name": p.get("name", ""),
            "key": p.get("key", ""),
            "legal_form": _legal_form_label(p.get("legal_form", "")),
            "role": str(PartnerRole(p["role"]).label) if p.get("role") in PartnerRole.values else "",
            "share_percent": _decimal(p.get("share_percent")),
            "confirmed": bool(p.get("confirmed_at")),
        }
        for p in snapshot.get("partners", [])
    ]
    snapshot_totals = snapshot.get("totals", {})
    return {
        "application": application,
        "call": application.call,
        "protocol": application.protocol,
        "submitted_at": in_rome(application.submitted_at),
        "submitted_by": application.submitted_by,
        "applicant": snapshot.get("applicant", {}),
        "title": snapshot.get("title", application.title),
        "abstract": snapshot.get("abstract", ""),
        "partnership_name": snapshot.get("partnership_name", ""),
        "partners": partners,
        "category_totals": [
            CategoryTotal(code=code, title=titles.get(code, code), amount=round_money(amount))
            for code, amount in totals.items()
        ],
        "total_cost": _decimal(snapshot_totals.get("total_cost", application.total_cost)),
        "requested_grant": _decimal(snapshot_totals.get("requested_grant", application.requested_grant)),
        "cofinancing": _decimal(snapshot_totals.get("cofinancing", application.cofinancing)),
        "documents": [
            {**document, "title": document_titles.get(document.get("code"), document.get("code", ""))}
            for document in snapshot.get("documents", [])
        ],
        "lines_total": round_money(sum(totals.values(), ZERO)),
        "stamp_duty": _stamp_duty_text(snapshot.get("stamp_duty") or {}),
        "fingerprint": application.fingerprint,
        "booking_outcome": application.get_booking_outcome_display() if application.booking_outcome else "",
        "fonts": _font_uris(),
    }


def render_receipt_html(application: Application) -> str:
    with translation.override("it"):
        return render_to_string("applications/receipt.html", receipt_context(application))


def html_to_pdf(html: str) -> bytes:
    """A PDF from an HTML string; only the bundled fonts may be fetched."""
    from weasyprint import HTML

    fetcher = _fonts_only_fetcher(set(_font_uris().values()))
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()


def render_receipt_pdf(application: Application) -> bytes:
    """The receipt as PDF bytes. Raises ``ReceiptNotAvailable`` for an application never submitted."""
    return html_to_pdf(render_receipt_html(application))


def receipt_filename(application: Application) -> str:
    return f"ricevuta-{application.protocol.replace('/', '-')}.pdf"
