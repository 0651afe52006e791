"""The open datasets: their columns (the data dictionary is generated from them), and the writers that
stream them as CSV, JSON and XLSX in bounded memory: one query of plain values (``values_list``, the paid
total as an annotation) read with ``iterator()`` in chunks, one more query per chunk for the comuni of
intervention, the calls' data once per call; rows are produced one at a time, never held in a list.

Three datasets:
- ``operazioni``: the list of operations of Reg. (EU) 2021/1060 art. 49(3) (ISO dates, dot decimals);
- ``progetti-opencoesione``: one row per project in the OpenCoesione layout (dates YYYYMMDD, ``;`` as
  separator and the decimal comma, as OpenCoesione publishes its files);
- ``concessioni``: the grants published under D.Lgs. 33/2013 artt. 26-27.

Nothing private is in any of them: natural persons are never named (see public_projects), and no
participant data exists at this level.

One module per concern: schema (column, dataset and row types, licence), datasets (the three datasets,
formats), rows (the chunked query and the Row per project), writers (CSV, JSON, XLSX, file name); this
package re-exports their public names.
"""

from .datasets import CONTENT_TYPES, DATASETS, FORMATS, GRANTS, OPENCOESIONE, OPERATIONS
from .rows import export_queryset, rows_of
from .schema import (
    CHUNK_SIZE,
    COUNTRY,
    LICENCE_TITLE,
    LICENCE_URL,
    CallData,
    Column,
    Dataset,
    Kind,
    Place,
    Row,
    grant_legal_basis,
)
from .writers import csv_chunks, filename, formatted_rows, json_chunks, raw_rows, xlsx_file

__all__ = [
    "CHUNK_SIZE",
    "CONTENT_TYPES",
    "COUNTRY",
    "DATASETS",
    "FORMATS",
    "GRANTS",
    "LICENCE_TITLE",
    "LICENCE_URL",
    "OPENCOESIONE",
    "OPERATIONS",
    "CallData",
    "Column",
    "Dataset",
    "Kind",
    "Place",
    "Row",
    "csv_chunks",
    "export_queryset",
    "filename",
    "formatted_rows",
    "grant_legal_basis",
    "json_chunks",
    "raw_rows",
    "rows_of",
    "xlsx_file",
]
