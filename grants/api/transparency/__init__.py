"""API of the transparency context (thin: rules in grants.transparency.services and selectors).

Public reads need no authentication: funded projects, datasets (with their download and DCAT-AP_IT
metadata URLs), accompaniment activities, published knowledge-base sheets. Writes authenticate (session or
token): staff record accompaniment activities; the beneficiary writes and submits its project's sheet; staff
review it; another organisation declares interest in replicating a published experiment. Errors are
problem+json (the API's handlers, ``grants/api/urls.py``): 422 with field errors, 403, 404 for what the
caller may not see, 409 for a state conflict.

One router for the whole context; its modules are imported in this order (the order of the OpenAPI
document's paths): public data, accompaniment, knowledge base.
"""

from ninja import Router

router = Router(tags=["transparency"])

# The endpoints attach to the router as their modules are imported: this order is the OpenAPI document's.
# isort: off
from . import public  # noqa: E402, F401
from . import accompaniment  # noqa: E402, F401
from . import knowledge  # noqa: E402, F401

# isort: on

__all__ = ["router"]
