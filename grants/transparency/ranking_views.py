"""The approved rankings (graduatorie) of a call, public: a page, a CSV and a PDF.

Only approved rankings are shown; rows come from ``grants.evaluation.selectors.public_ranking_rows``, which
never names a natural person. A two-phase call has a preliminary ranking (ideas admitted to the second
window) and a
final one; ``?fase=preliminary`` selects the first.
"""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grants.evaluation import selectors as evaluation_selectors
from grants.evaluation.models import RankingStage
from grants.programme import selectors as programme_selectors
from grants.programme.models import CallStatus

from . import page_cache as cached
from .ranking_pdf import ranking_pdf_filename, render_ranking_pdf

CSV_HEADER = (
    "posizione",
    "protocollo",
    "soggetto",
    "progetto",
    "punteggio",
    "esito",
    "richiesto",
    "concesso",
)


def published_or_404(code: str, stage: str):
    """(call, approved ranking of that stage); Http404 for a call not published, an unknown stage or a
    ranking not approved (the page, the CSV, the PDF and the API all answer the same)."""
    call = programme_selectors.public_call(code)
    return call, _stage_or_404(evaluation_selectors.published_rankings(call), stage)


def _stage_or_404(published: list, stage: str):
    if stage not in RankingStage.values:
        raise Http404(_("Fase della graduatoria sconosciuta."))
    for ranking in published:
        if ranking.stage == stage:
            return ranking
    raise Http404(_("La graduatoria di questo bando non è ancora stata approvata."))


@require_safe
@cached.ranking_page
def ranking_page(request, code: str):
    """The approved ranking of the stage asked (``?fase=``); without one, the final ranking if approved, else
    the approved preliminary one. A call whose ranking was approved outside the platform (its status says so,
    no ranking here) gets a page that says where to find it, not a 404."""
    call = programme_selectors.public_call(code)
    published = evaluation_selectors.published_rankings(call)
    stage = request.GET.get("fase")
    if stage is None:
        if not published:
            if call.status == CallStatus.RANKING_APPROVED:
                return render(request, "transparency/ranking_elsewhere.html", {"call": call})
            raise Http404(_("La graduatoria di questo bando non è ancora stata approvata."))
        stage = published[-1].stage  # the final one when approved (the list ends with it)
    ranking = _stage_or_404(published, stage)
    context = {
        "call": call,
        "ranking": ranking,
        "rows": evaluation_selectors.public_ranking_rows(ranking),
        "totals": evaluation_selectors.ranking_totals(ranking),
        "stage": stage,
        "other_rankings": [r for r in published if r.pk != ranking.pk],
    }
    return render(request, "transparency/ranking.html", context)


@require_safe
def ranking_csv(request, code: str):
    stage = request.GET.get("fase", RankingStage.FINAL)
    call, ranking = published_or_404(code, stage)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="graduatoria-{call.code}-{stage}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in evaluation_selectors.public_ranking_rows(ranking):
        writer.writerow(
            [
                row["position"],
                row["protocol"],
                row["applicant"],
                row["title"],
                "" if row["score"] is None else f"{row['score']:.2f}",
                row["outcome_label"],
                f"{row['requested']:.2f}",
                f"{row['granted']:.2f}",
            ]
        )
    return response


@require_safe
def ranking_pdf(request, code: str):
    stage = request.GET.get("fase", RankingStage.FINAL)
    call, ranking = published_or_404(code, stage)
    response = HttpResponse(render_ranking_pdf(call, ranking), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{ranking_pdf_filename(call, ranking)}"'
    return response
