"""API endpoints of the projects context (thin: input shapes here, rules in grants.projects.services).

A beneficiary's members reach their organisations' projects; staff with ``projects.view_project`` read every
project and those with ``projects.manage_project`` decide. Another organisation's project answers 404.
Errors are application/problem+json with field-level ``errors``; a request the project's state does not
allow answers 409 (the API's handlers, ``grants/api/urls.py``).

One router for the whole context; its modules are imported in this order (the order of the OpenAPI
document's paths): reads, the beneficiary's acts, the officers' acts.
"""

from ninja import Router

from ..auth import API_AUTH

router = Router(tags=["projects"], auth=API_AUTH)

# The endpoints attach to the router as their modules are imported: this order is the OpenAPI document's.
# isort: off
from . import reads  # noqa: E402, F401
from . import beneficiary  # noqa: E402, F401
from . import officers  # noqa: E402, F401

# isort: on

__all__ = ["router"]
