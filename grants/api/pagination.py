"""How every list of the API pages and orders, in one place.

- **Pagination** (:class:`Pagination`, the only paginator of the API): ``?page=`` from 1 to :data:`MAX_PAGE`,
  ``?page_size=`` from 1 to :data:`MAX_PAGE_SIZE` (each list has its default). The answer is
  ``{"items": [...], "count": <total>}``. A page past the last has no items (the rows are not read: the count
  already says there are none); a ``page`` or ``page_size`` out of range is a 422 problem, never a scan or an
  overflowing OFFSET.
- **Ordering** (:class:`Ordering`): ``?ordering=<name>`` or ``-<name>`` (descending) among the names a list
  publishes (an enum in the OpenAPI document, so anything else is a 422). The primary key always breaks ties,
  in the same direction, and empty values go last either way: the order is total and the same on SQLite and
  PostgreSQL, so pages never overlap or skip a row.
- :class:`LazyRows` lets a list answer plain dicts (``_summary(obj)``) while the paginator slices the
  queryset: only the rows of the page served are converted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.db.models import F, QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class Pagination(PageNumberPagination):
    """Page-number pagination with bounded inputs: ``@paginate(Pagination, page_size=50)``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Numero di pagina, dalla 1")
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description="Elementi per pagina (se omesso, la dimensione predefinita dell'elenco)",
        )

    def __init__(self, *, page_size: int = DEFAULT_PAGE_SIZE, **kwargs: Any) -> None:
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(page_size=page_size, **kwargs)

    def paginate_queryset(self, queryset, pagination: Input, request, **params: Any) -> dict:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = self._items_count(queryset)
        items = queryset[offset : offset + page_size] if offset < count else []
        return {self.items_attribute: items, "count": count}


class LazyRows:
    """A sliceable, countable view of ``queryset`` whose rows become ``convert(row)`` only when served."""

    def __init__(self, queryset: QuerySet, convert: Callable[[Any], Any]) -> None:
        self.queryset, self.convert = queryset, convert

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.convert(row) for row in self.queryset[index]]
        return self.convert(self.queryset[index])


class Ordering:
    """The orderings a list offers: ``Ordering("-created_at", created_at="created_at", call="call__code")``.

    Each keyword is a public name and the model field(s) it sorts by (a string or a tuple); the first argument
    is the default. ``Ordering.choices`` is the ``Literal`` to annotate the ``ordering`` query parameter with.
    """

    def __init__(self, default: str, **fields: str | tuple[str, ...]) -> None:
        self.fields = {
            name: (value,) if isinstance(value, str) else tuple(value) for name, value in fields.items()
        }
        self.names = tuple(value for name in self.fields for value in (name, f"-{name}"))
        if default not in self.names:
            raise ValueError(f"default ordering {default!r} is not one of {self.names}")
        self.default = default
        self.choices = Literal[self.names]  # type: ignore[valid-type]

    def description(self) -> str:
        return (
            "Ordinamento: "
            + ", ".join(self.fields)
            + " (con - davanti: decrescente); predefinito "
            + (self.default)
        )

    def field(self):
        """The ``ordering`` field of a filter schema: ``ordering: ORDER.choices = ORDER.field()``."""
        return Field(self.default, description=self.description())

    def apply(self, queryset: QuerySet, value: str | None = None) -> QuerySet:
        value = value or self.default
        descending = value.startswith("-")
        columns = self.fields[value.removeprefix("-")]
        if descending:
            expressions = [F(column).desc(nulls_last=True) for column in columns]
        else:
            expressions = [F(column).asc(nulls_last=True) for column in columns]
        return queryset.order_by(*expressions, "-pk" if descending else "pk")
