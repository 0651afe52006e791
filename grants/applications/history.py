"""Applications' history rows written in bulk, with their territory copied as simple-history copies it.

simple-history writes one history row per ``save()`` and then reads the application's three territory link
tables again to copy them into the history (three more reads per save). The click-day paths already hold
those links: the intake read them for the rules, the sequencer reads them once for its whole batch. They
save with ``skip_history_when_saving`` and write the same rows here: the application's tracked fields, its
author (``_history_user``) and reason (``_change_reason``), and one historical link per territory link,
carrying the link's own id as simple-history does.
"""

from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from simple_history.models import HistoricalRecords

from .models import Application

# (link id, application id, territory id): one row of a territory link table.
Link = tuple[int, int, int]


@cache
def territory_fields() -> tuple:
    """The application's many-to-many fields whose links its history copies (fixed with the model)."""
    return tuple(Application.history.model._history_m2m_fields)


def read_links(application_ids: Sequence[int]) -> dict[str, list[Link]]:
    """The territory links of these applications, one read per link table."""
    links: dict[str, list[Link]] = {}
    for field in territory_fields():
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links[field.name] = list(
            field.remote_field.through.objects.filter(**{f"{source}_id__in": list(application_ids)})
            .order_by("pk")
            .values_list("id", f"{source}_id", f"{target}_id")
        )
    return links


def write(applications: Iterable[Application], *, moment, links: Mapping[str, Iterable[Link]]) -> None:
    """One history row per application ("changed", at ``moment`` unless the application carries its own
    ``_history_date``) and its territory links as ``links`` gives them."""
    rows = Application.history.bulk_history_create(list(applications), update=True, default_date=moment)
    history_of = {row.id: row for row in rows}
    for field in territory_fields():
        m2m_history = HistoricalRecords.m2m_models[field]
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=link, history=history_of[owner], **{f"{source}_id": owner, f"{target}_id": other}
                )
                for link, owner, other in links.get(field.name, ())
                if owner in history_of
            ]
        )
