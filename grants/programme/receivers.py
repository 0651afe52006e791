"""A call's version moves whenever one of its rules does.

``Call.updated_at`` is the version that processes key their cached copy of a call's rules on (the click-day
submission reads the cost categories and required documents once per process, not once per request). Saving
a call moves it already; these receivers move it when a cost category, a required document or a reserve is
saved or deleted, so no process can apply stale rules to an application.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from grants.core.timeutils import now

from .models import Call, CallReserve, CostCategory, RequiredDocument


@receiver(post_save, sender=CallReserve)
@receiver(post_delete, sender=CallReserve)
@receiver(post_save, sender=CostCategory)
@receiver(post_delete, sender=CostCategory)
@receiver(post_save, sender=RequiredDocument)
@receiver(post_delete, sender=RequiredDocument)
def move_call_version(sender, instance, **kwargs):
    moment = now()
    Call.objects.filter(pk=instance.call_id).update(updated_at=moment)
    # The instance's own call, if loaded, is the one the caller goes on using.
    cached = instance._state.fields_cache.get("call")
    if cached is not None:
        cached.updated_at = moment
