"""Writing the entries of a proposed ranking in bulk (a call may rank tens of thousands of applications).

A recomputation writes only what changed: the entries of the previous proposal that the new one keeps as
they are stay untouched (same row, same history), the others are deleted and written again, so a consensus
score that moves a few applications rewrites a few rows and an identical recomputation none. Every entry
written or deleted still gets its simple-history row ('+' or '-', with who and why), by one
INSERT … SELECT rather than a signal per row. On PostgreSQL the new rows go in by one COPY.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from grants.core.timeutils import now

from .models import Ranking, RankingEntry

_JSON_FIELDS = ("funded_from", "reserves")
# Keep SQLite's limit on bound parameters far away; PostgreSQL takes one array instead.
_CHUNK = 900


class EntryRow(NamedTuple):
    """An entry as the allocation computes it; equal rows mean an unchanged entry."""

    application_id: int
    position: int | None
    score: Decimal
    outcome: str
    requested: Decimal
    granted: Decimal
    funded_from: dict
    reserves: list
    tie_break_note: str


@dataclass(frozen=True)
class WriteCounts:
    before: int  # entries of the previous proposal
    kept: int  # unchanged, not rewritten
    removed: int  # deleted: changed or no longer ranked
    written: int  # inserted: changed or new


def replace_entries(ranking: Ranking, entries: Sequence[EntryRow], *, actor) -> WriteCounts:
    """Make the entries of ``ranking`` exactly ``entries``, rewriting only the rows that differ."""
    current = {row.application_id: row for row in _current(ranking)}
    wanted = {entry.application_id: entry for entry in entries}
    stale = [key for key, row in current.items() if wanted.get(key) != row]
    fresh = [entry for entry in entries if current.get(entry.application_id) != entry]
    if stale:
        everything = len(stale) == len(current)
        _history(
            ranking,
            "-",
            actor=actor,
            reason="Graduatoria ricalcolata",
            application_ids=None if everything else stale,
        )
        doomed = RankingEntry.objects.filter(ranking=ranking)
        if not everything:
            doomed = doomed.filter(application_id__in=stale)
        # Nothing refers to an entry: one DELETE, no per-row signals (the history is written above).
        doomed._raw_delete(RankingEntry.objects.db)
    if fresh:
        _insert(ranking, fresh)
        everything = len(fresh) == len(entries)
        _history(
            ranking,
            "+",
            actor=actor,
            reason="Graduatoria",
            application_ids=None if everything else [entry.application_id for entry in fresh],
        )
    return WriteCounts(
        before=len(current), kept=len(entries) - len(fresh), removed=len(stale), written=len(fresh)
    )


def _current(ranking: Ranking) -> Iterable[EntryRow]:
    """The entries the database holds, as rows to compare. Their JSON is read as text and parsed once per
    distinct text: most entries share theirs ("{}" for the unfunded, a few reserve lists)."""
    as_text = {name: Cast(name, TextField()) for name in _JSON_FIELDS}
    fields = [f"{name}_text" if name in _JSON_FIELDS else name for name in EntryRow._fields]
    rows = (
        RankingEntry.objects.filter(ranking=ranking)
        .annotate(**{f"{name}_text": expression for name, expression in as_text.items()})
        .values_list(*fields)
    )
    parsed: dict[str, object] = {}
    for values in rows:
        row = EntryRow(*values)
        yield row._replace(**{name: _parse(getattr(row, name), parsed) for name in _JSON_FIELDS})


def _parse(text: str, parsed: dict):
    if text not in parsed:
        parsed[text] = json.loads(text)
    return parsed[text]


def _history(ranking: Ranking, history_type: str, *, actor, reason: str, application_ids=None) -> None:
    """History rows for the entries of ``ranking`` as the database holds them (all, or those of
    ``application_ids``), by INSERT … SELECT into simple-history's table: what its signals write row by
    row ('+' after the entries are created, '-' before they are deleted)."""
    history = RankingEntry.history.model
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in RankingEntry._meta.concrete_fields]
    extra = [
        quote(history._meta.get_field(name).column) for name in ("history_date", "history_change_reason")
    ]
    extra += [quote(history._meta.get_field("history_type").column), quote("history_user_id")]
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    # Table and column names from the models' metadata; values as parameters.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns + extra)}) "  # noqa: S608
        f"SELECT {', '.join(columns)}, %s, %s, %s, %s FROM {quote(RankingEntry._meta.db_table)} "
        f"WHERE {quote(RankingEntry._meta.get_field('ranking').column)} = %s"
    )
    params = [now(), reason[:100], history_type, user_id, ranking.pk]
    application = quote(RankingEntry._meta.get_field("application").column)
    with connection.cursor() as cursor:
        if application_ids is None:
            cursor.execute(sql, params)
        elif connection.vendor == "postgresql":
            cursor.execute(f"{sql} AND {application} = ANY(%s)", [*params, list(application_ids)])
        else:
            for chunk in _chunks(application_ids):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} AND {application} IN ({marks})", [*params, *chunk])


def _chunks(values: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _insert(ranking: Ranking, entries: Sequence[EntryRow]) -> None:
    """New rows in bulk: on PostgreSQL one COPY, elsewhere bulk_create. The values come from the
    allocation, whose invariants the database's constraints check again (granted within the request,
    money only to the funded, one entry per position and per application)."""
    if connection.vendor != "postgresql":
        RankingEntry.objects.bulk_create(
            [RankingEntry(ranking=ranking, **entry._asdict()) for entry in entries], batch_size=2000
        )
        return
    names = ["created_at", "updated_at", "ranking", *EntryRow._fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(RankingEntry._meta.get_field(name).column) for name in names)
    table = quote(RankingEntry._meta.db_table)
    moment = now().isoformat()
    stamp = f"{moment}\t{moment}\t{ranking.pk}"
    reserves_json: dict[tuple, str] = {}
    lines = []
    for entry in entries:
        key = tuple(entry.reserves)
        if key not in reserves_json:
            reserves_json[key] = copy_text(json.dumps(entry.reserves))
        lines.append(
            f"{stamp}\t{entry.application_id}\t{copy_text(entry.position)}\t{entry.score}\t"
            f"{entry.outcome}\t{entry.requested}\t{entry.granted}\t"
            f"{copy_text(json.dumps(entry.funded_from)) if entry.funded_from else '{}'}\t"
            f"{reserves_json[key]}\t{copy_text(entry.tie_break_note)}\n"
        )
    # Table and columns from the model's metadata; the rows in COPY's text format.
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write("".join(lines))


def copy_text(value) -> str:
    """A value in PostgreSQL COPY's text format: NULL as \\N, backslash, tab and line breaks escaped."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
