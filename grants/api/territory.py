"""API endpoints of the territory context (thin: validation here, rules in grants.territory.services)."""

from ninja import Router

router = Router(tags=["territory"])
