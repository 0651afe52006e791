"""API endpoints of the programme context (thin: validation here, rules in grants.programme.services)."""

from ninja import Router

router = Router(tags=["programme"])
