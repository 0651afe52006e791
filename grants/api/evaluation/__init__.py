"""API endpoints of the evaluation context (thin: input shapes here, rules in grants.evaluation.services).

Session authentication. Staff endpoints answer 403 to users without the permission; an evaluator reaches
only the assignments given to them (404 otherwise); applicants reach their own integration requests and
notices. Refusals of the services are answered by the API's handlers (``grants/api/urls.py``).

One router for the whole context; its endpoints live in one module per stage of the evaluation, imported in
this order (the order of the OpenAPI document's paths): admissibility (and integration requests), the notice
of intended rejection (art. 10-bis), panel and assignments, the evaluator's work, ranking (and the executive
project of two-phase calls), the sportello of first-come calls (desk), the staff's own calls (workspace: "I
miei bandi").
"""

from ninja import Router
from ninja.security import django_auth

router = Router(tags=["evaluation"], auth=django_auth)

# The endpoints attach to the router as their modules are imported: this order is the OpenAPI document's.
# isort: off
from . import admissibility  # noqa: E402, F401
from . import rejection  # noqa: E402, F401
from . import panel  # noqa: E402, F401
from . import evaluator  # noqa: E402, F401
from . import ranking  # noqa: E402, F401
from . import desk  # noqa: E402, F401
from . import workspace  # noqa: E402, F401

# isort: on

__all__ = ["router"]
