"""Writes of the territory context: ISTAT comuni, enti gestori and Distretti della Coesione Sociale.

Every load is repeatable (a second run changes nothing), runs in one transaction and returns a ``LoadReport``
that says what it created, what it updated (field by field) and what the database holds that the source no
longer lists. Nothing is ever deleted: applications and organisations may reference any of these rows.

One module per sub-domain: common (report, error, diff and CSV reading), istat (region, provinces, comuni),
bodies (enti gestori), districts (distretti), shipped (the bundled files and ``load_territory``); this package
re-exports their public names.
"""

from .bodies import BODY_COLUMNS, import_social_service_bodies
from .common import (
    CSV_LIST_SEPARATOR,
    SOURCE_URL_SEPARATOR,
    LoadReport,
    RecordChange,
    RecordRef,
    TerritoryImportError,
    normalise_name,
)
from .districts import DISTRICT_COLUMNS, import_districts
from .istat import (
    COL_CADASTRAL_CODE,
    COL_MUNICIPALITY_CODE,
    COL_MUNICIPALITY_NAME,
    COL_PLATE,
    COL_REGION_CODE,
    COL_REGION_NAME,
    COL_UTS_CODE,
    COL_UTS_NAME,
    ISTAT_DELIMITER,
    ISTAT_ENCODING,
    ISTAT_LINE,
    ISTAT_PACKAGE,
    ISTAT_PATH_LABEL,
    ISTAT_REASON,
    ISTAT_RESOURCE,
    istat_csv_rows,
    load_istat_municipalities,
)
from .shipped import DATA_DIR, DISTRICTS_FILE, SOCIAL_SERVICE_BODIES_FILE, load_territory

__all__ = [
    "BODY_COLUMNS",
    "COL_CADASTRAL_CODE",
    "COL_MUNICIPALITY_CODE",
    "COL_MUNICIPALITY_NAME",
    "COL_PLATE",
    "COL_REGION_CODE",
    "COL_REGION_NAME",
    "COL_UTS_CODE",
    "COL_UTS_NAME",
    "CSV_LIST_SEPARATOR",
    "DATA_DIR",
    "DISTRICTS_FILE",
    "DISTRICT_COLUMNS",
    "ISTAT_DELIMITER",
    "ISTAT_ENCODING",
    "ISTAT_LINE",
    "ISTAT_PACKAGE",
    "ISTAT_PATH_LABEL",
    "ISTAT_REASON",
    "ISTAT_RESOURCE",
    "SOCIAL_SERVICE_BODIES_FILE",
    "SOURCE_URL_SEPARATOR",
    "LoadReport",
    "RecordChange",
    "RecordRef",
    "TerritoryImportError",
    "import_districts",
    "import_social_service_bodies",
    "istat_csv_rows",
    "load_istat_municipalities",
    "load_territory",
    "normalise_name",
]
