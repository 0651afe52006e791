"""API endpoints of the projects context (thin: input shapes here, rules in grants.projects.services)."""

from ninja import Router

from .auth import API_AUTH

router = Router(tags=["projects"], auth=API_AUTH)
