"""A programme held as data: Programme → Fund → Measure → Call, and the rules each call carries.

A new programme, measure or call is configured (back-office or a definition file), never coded.

One module per sub-domain: common (BilingualMixin), structure (programme, fund, measure and its phases), calls
(call, its choices and phases), rules (reserves, cost categories, criteria, required documents). This package
imports every model so that Django finds them and re-exports every public name; ``BilingualMixin`` stays
importable here, where the migrations reference it.
"""

from .calls import (
    INDICATIVE_FIELDS,
    AidInstrument,
    Call,
    CallMode,
    CallPhase,
    CallPhaseStatus,
    CallProjectPhase,
    CallStatus,
    StateAidRegime,
    TerritorialScope,
)
from .common import BilingualMixin
from .rules import CallReserve, CostCategory, CostOption, Criterion, RequiredDocument, ReserveKind
from .staff import CallStaff, CallStaffRole
from .structure import Fund, Measure, MeasurePhase, Programme

__all__ = [
    "INDICATIVE_FIELDS",
    "AidInstrument",
    "BilingualMixin",
    "Call",
    "CallMode",
    "CallPhase",
    "CallPhaseStatus",
    "CallProjectPhase",
    "CallReserve",
    "CallStaff",
    "CallStaffRole",
    "CallStatus",
    "CostCategory",
    "CostOption",
    "Criterion",
    "Fund",
    "Measure",
    "MeasurePhase",
    "Programme",
    "RequiredDocument",
    "ReserveKind",
    "StateAidRegime",
    "TerritorialScope",
]
