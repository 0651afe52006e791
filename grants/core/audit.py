"""Every write made by a service leaves a history row that names who did it and why.

django-simple-history records the before/after of each model; this module lets services that run outside a
request (API, commands, background tasks) attach the acting user and the reason to that row.
"""

from django.db import models


def save_audited(instance: models.Model, *, actor=None, reason: str = "", **save_kwargs) -> models.Model:
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    if reason:
        instance._change_reason = reason[:100]
    instance.full_clean()
    instance.save(**save_kwargs)
    return instance
