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
    """One list of texts per project, as CSV and JSON write them (``Dataset.format_value``)."""
    columns = dataset.text_columns()
    for row in rows_of(queryset):
        yield [text(row) for text in columns]


_encode_text = json.encoder.encode_basestring  # a str as json.dumps(..., ensure_ascii=False) writes it


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
    # Each object written as json.dumps(dict(zip(headers, values)), ensure_ascii=False) writes it (the values
    # are texts): the keys and their ": " encoded once per export, each value by json's own string encoder.
    headers = dataset.headers
    if len(set(headers)) != len(headers):
        raise ValueError(f"{dataset.slug}: a JSON object cannot hold the same key twice")
    keys = [json.dumps(header, ensure_ascii=False) + ": " for header in headers]
    for values in formatted_rows(dataset, queryset):
        text = (
            "{"
            + ", ".join([key + _encode_text(value) for key, value in zip(keys, values, strict=True)])
            + "}"
        )
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
