"""API endpoints of the notifications context (thin: shapes here, rules in grants.notifications.services)."""

from ninja import Router

from .auth import API_AUTH

router = Router(tags=["notifications"], auth=API_AUTH)
