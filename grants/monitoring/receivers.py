"""Keep the dashboards' finance summary fresh: a change to a project, a payment, a claim or an expense item
asks for the project's summary to be recomputed once the transaction commits (grants.monitoring.tasks)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from grants.core.timeutils import now
from grants.finance.models import ExpenseClaim, ExpenseItem, Payment
from grants.projects.models import Project
from grants.projects.signals import project_granted


def _ask(project_id: int | None) -> None:
    if project_id is None:
        return
    from .tasks import refresh_finance_summary

    asked = now().isoformat()
    transaction.on_commit(lambda: refresh_finance_summary.delay(project_id, asked))


@receiver([post_save, post_delete], sender=Project, dispatch_uid="monitoring.summary_on_project")
def _project_changed(sender, instance, **kwargs):
    _ask(instance.pk)


@receiver([post_save, post_delete], sender=Payment, dispatch_uid="monitoring.summary_on_payment")
@receiver([post_save, post_delete], sender=ExpenseClaim, dispatch_uid="monitoring.summary_on_claim")
def _money_changed(sender, instance, **kwargs):
    _ask(instance.project_id)


@receiver([post_save, post_delete], sender=ExpenseItem, dispatch_uid="monitoring.summary_on_item")
def _item_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if ExpenseItem._meta.get_field("claim").is_cached(instance):
        _ask(instance.claim.project_id)
    else:
        _ask(ExpenseClaim.objects.filter(pk=instance.claim_id).values_list("project_id", flat=True).first())


@receiver(project_granted, dispatch_uid="monitoring.targets_on_grant")
def _granted(sender, project, previous=None, **kwargs):
    """On funding, the targets proposed in the application become the project's (officers then confirm or
    correct them); a later top-up of the grant (``previous`` set) changes nothing."""
    if previous is None:
        from .proposals import copy_proposed_targets

        copy_proposed_targets(project)
