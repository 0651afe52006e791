"""API endpoints of the finance context (thin: input shapes here, rules in grants.finance.services)."""

from ninja import Router

from .auth import API_AUTH

router = Router(tags=["finance"], auth=API_AUTH)
