"""API endpoints of the finance context (thin: input shapes here, rules in grants.finance.services).

A project's money and claims are visible to the beneficiary's members and to finance staff; a controller
reaches the projects they are assigned to and the claims assigned to them one by one. To anyone else the
object does not exist (404). Staff actions without the permission answer 403; rule refusals 422 with
field-level ``errors``, wrong states 409 (the API's handlers, ``grants/api/urls.py``).

One router for the whole context, its endpoints in three modules imported in this order (the order of the
OpenAPI document's paths): a project's money (payment plan, payments, guarantees, loans), expense claims, a
project's controllers.
"""

from ninja import Router

from ..auth import API_AUTH

router = Router(tags=["finance"], auth=API_AUTH)

# The endpoints attach to the router as their modules are imported: this order is the OpenAPI document's.
# isort: off
from . import money  # noqa: E402, F401
from . import claims  # noqa: E402, F401
from . import controllers  # noqa: E402, F401
from . import bank  # noqa: E402, F401
from . import einvoices  # noqa: E402, F401
from . import rna  # noqa: E402, F401

# isort: on

__all__ = ["router"]
