"""The PDF of an approved ranking (graduatoria), rendered by WeasyPrint from
templates/transparency/ranking_pdf.html with the receipt's renderer (grants.applications.receipt): the
bundled Titillium Web fonts and nothing else may be fetched.

It prints the public rows (``grants.evaluation.selectors.public_ranking_rows``: never a natural person's
name), the determinazione that approved the ranking, each row's outcome with the money granted and the
reserve it competes for or is paid from, and the totals. A ranking not approved has no PDF. Always in
Italian, times in Europe/Rome; it shows the ranking as it stands when downloaded (after a slide, with the
new grants), and says when it was generated.
"""

from collections import Counter
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from grants.applications.receipt import font_uris, html_to_pdf
from grants.core.money import ZERO, format_eur
from grants.core.timeutils import now
from grants.evaluation import selectors as evaluation_selectors
from grants.evaluation.models import EntryOutcome, Ranking, RankingStage, RankingStatus
from grants.programme.models import Call, CallReserve


class RankingNotPublished(ValueError):
    """Only an approved ranking has a PDF."""


def _outcome_text(row: dict) -> str:
    label = str(row["outcome_label"])
    if row["outcome"] == EntryOutcome.PARTIALLY_FUNDED:
        return f"{label} ({format_eur(row['granted'])} su {format_eur(row['requested'])} richiesti)"
    return label


def _reserve_text(row: dict, labels: dict[str, str]) -> str:
    """The reserves the application competes for; with the money each one pays, when it does."""
    parts = []
    for code in row["reserves"]:
        amount = Decimal(row["funded_from"].get(code) or ZERO)
        label = labels.get(code, code)
        parts.append(f"{label}: {format_eur(amount)}" if amount > 0 else label)
    return "; ".join(parts)


def ranking_pdf_context(call: Call, ranking: Ranking) -> dict:
    if ranking.status != RankingStatus.APPROVED:
        raise RankingNotPublished("The ranking has not been approved.")
    labels = dict(CallReserve.objects.filter(call=call).values_list("code", "label"))
    rows = [
        {**row, "outcome_text": _outcome_text(row), "reserve_text": _reserve_text(row, labels)}
        for row in evaluation_selectors.public_ranking_rows(ranking)
    ]
    counts = Counter(row["outcome"] for row in rows)
    return {
        "call": call,
        "ranking": ranking,
        "is_final": ranking.stage == RankingStage.FINAL,
        "rows": rows,
        "totals": evaluation_selectors.ranking_totals(ranking),
        "counts": [
            (str(EntryOutcome(outcome).label), counts[outcome])
            for outcome in EntryOutcome.values
            if counts[outcome]
        ],
        "generated_at": now(),
        "fonts": font_uris(),
    }


def render_ranking_html(call: Call, ranking: Ranking) -> str:
    with translation.override("it"):
        return render_to_string("transparency/ranking_pdf.html", ranking_pdf_context(call, ranking))


def render_ranking_pdf(call: Call, ranking: Ranking) -> bytes:
    """The approved ranking as PDF bytes; ``RankingNotPublished`` for a proposal."""
    return html_to_pdf(render_ranking_html(call, ranking))


def ranking_pdf_filename(call: Call, ranking: Ranking) -> str:
    return f"graduatoria-{call.code}-{ranking.stage}.pdf"
