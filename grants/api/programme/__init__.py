"""API endpoints of the programme context (thin: validation here, rules in grants.programme.services).

Money is a string with two decimals ("6400000.00"), datetimes are ISO 8601 with the Europe/Rome offset,
drafts are visible only to staff allowed to see them. One router; its endpoints live in ``public`` (the
reference data everyone reads) and ``staff`` (who works on a call), imported in this order (the OpenAPI
document's).
"""

from ninja import Router

router = Router(tags=["programme"])

# isort: off
from . import public  # noqa: E402, F401
from . import staff  # noqa: E402, F401

# isort: on

__all__ = ["router"]
