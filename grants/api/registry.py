"""API endpoints of the registry context (thin: validation here, rules in grants.registry.services)."""

from ninja import Router

router = Router(tags=["registry"])
