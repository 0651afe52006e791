"""API endpoints of the monitoring context (thin: input shapes here, rules in grants.monitoring.services)."""

from ninja import Router

from .auth import API_AUTH

router = Router(tags=["monitoring"], auth=API_AUTH)
