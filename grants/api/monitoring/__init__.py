"""API endpoints of the monitoring context (thin: input shapes here, rules in grants.monitoring.services).

A beneficiary's members reach their projects' participants and monitoring reports; staff reach them with the
monitoring permissions (the sensitive categories only with ``monitoring.view_sensitive_data``). Another
organisation's project, participant, import or report answers 404. Errors are application/problem+json with
field-level ``errors`` (the field names are the CSV columns for participants); a request the report's state
does not allow answers 409 (the API's handlers, ``grants/api/urls.py``).

One router for the whole context; its modules are imported in this order (the order of the OpenAPI
document's paths): indicators and targets, participants and their imports, reports, the dashboard.
"""

from ninja import Router

from ..auth import API_AUTH

router = Router(tags=["monitoring"], auth=API_AUTH)

# The endpoints attach to the router as their modules are imported: this order is the OpenAPI document's.
# isort: off
from . import indicators  # noqa: E402, F401
from . import participants  # noqa: E402, F401
from . import reports  # noqa: E402, F401
from . import dashboard  # noqa: E402, F401

# isort: on

__all__ = ["router"]
