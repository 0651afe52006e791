"""Programme definition files: a whole programme (funds, measures, calls, their rules) in one YAML/JSON file.

``load_programme_file(path)`` validates the file (shape with pydantic, rules with the same functions the
back-office uses), then upserts everything by code in ONE transaction: loading the same file twice changes
nothing, and what the file no longer lists is removed. Any problem raises ``ProgrammeFileError`` naming the
file, the entry (``measures[2].calls[0]`` and its code) and the field, and leaves the database as it was.

One module per step: reading (the file), schema (its shape), report (problems and counts), writer (the
upserts in one transaction); this package re-exports their public names.
"""

from .reading import parse_programme_file, read_programme_file
from .report import Counts, LoadReport, Problem, ProgrammeFileError
from .schema import (
    CallIn,
    CallPhaseIn,
    Code,
    CostCategoryIn,
    CriterionIn,
    Day,
    FundIn,
    MeasureIn,
    MeasurePhaseIn,
    Moment,
    Money,
    Percent,
    PeriodIn,
    Points,
    ProgrammeFileIn,
    ProgrammeIn,
    RequiredDocumentIn,
    ReserveIn,
    Text,
)
from .writer import load_programme_file

__all__ = [
    "CallIn",
    "CallPhaseIn",
    "Code",
    "CostCategoryIn",
    "Counts",
    "CriterionIn",
    "Day",
    "FundIn",
    "LoadReport",
    "MeasureIn",
    "MeasurePhaseIn",
    "Moment",
    "Money",
    "Percent",
    "PeriodIn",
    "Points",
    "Problem",
    "ProgrammeFileError",
    "ProgrammeFileIn",
    "ProgrammeIn",
    "RequiredDocumentIn",
    "ReserveIn",
    "Text",
    "load_programme_file",
    "parse_programme_file",
    "read_programme_file",
]
