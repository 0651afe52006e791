"""The writers that stream a dataset as CSV, JSON and XLSX in bounded memory, and the file name."""

import csv
import json
import tempfile
from collections.abc import Iterator

from .. import xlsx_stream
from .rows import rows_of
from .schema import Column, Dataset, Kind


def raw_rows(dataset: Dataset, queryset) -> Iterator[list]:
    """One list of native values per project (Decimal, date, str), read in chunks."""
    values = [column.value for column in dataset.columns]
    for row in rows_of(queryset):
        yield [value(row) for value in values]


def formatted_rows(dataset: Dataset, queryset) -> Iterator[list[str]]:
    for values in raw_rows(dataset, queryset):
        yield [
            dataset.format_value(column, value) for column, value in zip(dataset.columns, values, strict=True)
        ]


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(dataset: Dataset, queryset) -> Iterator[str]:
    writer = csv.writer(
        _Echo(), delimiter=dataset.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    yield "\ufeff" + writer.writerow(dataset.headers)  # the BOM makes spreadsheets read UTF-8
    for values in formatted_rows(dataset, queryset):
        yield writer.writerow(values)


def json_chunks(dataset: Dataset, queryset) -> Iterator[str]:
    """A JSON array of objects, one per line, keyed by the column names; values as in the CSV."""
    yield "[\n"
    first = True
    for values in formatted_rows(dataset, queryset):
        text = json.dumps(dict(zip(dataset.headers, values, strict=True)), ensure_ascii=False)
        yield ("" if first else ",\n") + text
        first = False
    yield "\n]\n"


def _xlsx_kind(column: Column) -> str:
    if column.kind in (Kind.AMOUNT, Kind.PERCENT):
        return xlsx_stream.NUMBER
    if column.kind == Kind.DATE:
        return xlsx_stream.DATE
    return xlsx_stream.TEXT


def xlsx_file(dataset: Dataset, queryset):
    """Write the workbook row by row (grants.transparency.xlsx_stream: amounts as numbers, dates as dates,
    a bold header) into a temporary file, and return it rewound: the response streams it from disk."""
    # Not a context manager: the response streams the file and closes it (deleting it) when done.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    xlsx_stream.write(
        handle,
        title=dataset.slug,
        header=dataset.headers,
        kinds=[_xlsx_kind(column) for column in dataset.columns],
        rows=raw_rows(dataset, queryset),
    )
    handle.seek(0)
    return handle


def filename(dataset: Dataset, extension: str) -> str:
    return f"wecare-{dataset.slug}.{extension}"
