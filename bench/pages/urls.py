"""Print the public pages the benchmark reads, one ``name path`` per line, from the loaded programme:
home, programme, a measure, the call list, a call, a ranking, funded projects, grants publication, open
data. Run with the benchmark's settings: ``python bench/pages/urls.py``."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.urls import reverse  # noqa: E402

from grants.evaluation.models import Ranking, RankingStatus  # noqa: E402
from grants.programme import selectors  # noqa: E402
from grants.programme.models import CallStatus  # noqa: E402


def pages() -> list[tuple[str, str]]:
    programme = selectors.default_programme()
    measure = selectors.measure_list(programme=programme.code).filter(has_public_calls=True).first()
    call = selectors.open_calls().first() or selectors.call_list().first()
    ranking = Ranking.objects.filter(status=RankingStatus.APPROVED).select_related("call").first()
    # Without an approved ranking here, a call whose ranking was approved elsewhere has a page too.
    ranked = (
        ranking.call if ranking else selectors.call_list().filter(status=CallStatus.RANKING_APPROVED).first()
    )
    found = [
        ("home", reverse("transparency:home")),
        ("programme", reverse("transparency:programme")),
        ("measure", reverse("transparency:measure", args=[measure.code])),
        ("calls", reverse("transparency:call_list")),
        ("call", reverse("transparency:call_detail", args=[call.code])),
    ]
    if ranked is not None:
        found.append(("ranking", reverse("transparency:ranking", args=[ranked.code])))
    found += [
        ("projects", reverse("transparency:project_list")),
        ("grants", reverse("transparency:grant_publication")),
        ("opendata", reverse("transparency:opendata")),
    ]
    return found


if __name__ == "__main__":
    for name, path in pages():
        print(name, path)
