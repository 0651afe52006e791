"""API endpoints of the applications context (thin: input shapes here, rules in grants.applications.services).

Session authentication (the applicant's browser); another organisation's application does not exist (404).
Refusals of the services are answered by the API's handlers (``grants/api/urls.py``), in
application/problem+json with field-level ``errors``.

One router for the whole context; its endpoints live in one module per audience, imported in this order
(the order of the OpenAPI document's paths): the applicant's drafts, their submission, the partners'
confirmations, the officers' exports and document archives.
"""

from ninja import Router

from ..auth import API_AUTH

router = Router(tags=["applications"], auth=API_AUTH)

# The endpoints attach to the router as their modules are imported: this order is the OpenAPI document's.
# isort: off
from . import drafts  # noqa: E402, F401
from . import submission  # noqa: E402, F401
from . import partnerships  # noqa: E402, F401
from . import officers  # noqa: E402, F401

# isort: on

__all__ = ["router"]
