"""What the cached public pages show, and the receivers that renew them (grants/core/page_cache.py).

Three groups of data, each with its generation:

- ``programme``: programmes, funds, measures, calls and everything of a call (phases, criteria, documents,
  reserves…), written by the loader, the back-office or the services; also the programme's timetable (when
  calls open and close), which moves the pages by itself;
- ``rankings``: rankings and their rows (approving a ranking publishes it);
- ``projects``: funded projects, their partners and changes, payments, beneficiaries' organisations and
  what transparency publishes about them.

Any save or delete of one of those models (and of its history rows) renews every page that shows its
group. Writes that bypass signals (``QuerySet.update``, ``bulk_create``) are left to the cache's lifetime:
the services do not use them on these models, except the ranking rows, always written before the ranking is
approved (which saves the ranking).
"""

from django.db.models.signals import post_delete, post_save

from grants.core.page_cache import invalidate, public_page
from grants.programme import selectors as programme_selectors

PROGRAMME = "programme"
RANKINGS = "rankings"
PROJECTS = "projects"

# app label → groups for every model of the app, or {model name: groups} for some of them.
WATCHED: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = {
    "programme": (PROGRAMME,),
    "evaluation": {"ranking": (RANKINGS,), "rankingentry": (RANKINGS,)},
    "projects": (PROJECTS,),
    "finance": {"payment": (PROJECTS,)},
    "registry": {"organisation": (PROJECTS,)},
    "transparency": {"measurepublication": (PROGRAMME, PROJECTS)},
}
# Who staffs a call is not public.
IGNORED = frozenset({"programme.callstaff"})


def groups_of(model) -> tuple[str, ...]:
    meta = model._meta
    name = meta.model_name.removeprefix("historical")
    if f"{meta.app_label}.{name}" in IGNORED:
        return ()
    watched = WATCHED.get(meta.app_label, ())
    if isinstance(watched, dict):
        return watched.get(name, ())
    return watched


def _renew(sender, **kwargs) -> None:
    groups = groups_of(sender)
    if groups:
        invalidate(*groups)


def connect() -> None:
    post_save.connect(_renew, dispatch_uid="transparency_page_cache_save")
    post_delete.connect(_renew, dispatch_uid="transparency_page_cache_delete")


def renew_all() -> None:
    """After a write that sends no signals (a bulk load): every public page is rebuilt."""
    invalidate(PROGRAMME, RANKINGS, PROJECTS)


TIMETABLE = (PROGRAMME, lambda: programme_selectors.timetable())

# The decorators of the public views.
programme_page = public_page(PROGRAMME, RANKINGS, timetable=TIMETABLE)
ranking_page = public_page(PROGRAMME, RANKINGS)
project_page = public_page(PROGRAMME, PROJECTS)
static_page = public_page(PROGRAMME)
