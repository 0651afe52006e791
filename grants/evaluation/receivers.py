"""Reactions of the evaluation context to the PEC channel below it (connected in EvaluationConfig.ready)."""

from grants.notifications.pec.models import PecKind
from grants.notifications.pec.signals import notice_delivered

from . import services
from .models import IntegrationRequest, RejectionNotice


def integration_delivered(sender, *, notice, **kwargs) -> None:
    """The PEC of an integration request was delivered: its term starts. Runs inside the receipt's
    transaction, so the deadline moves with the recorded receipt or not at all."""
    if notice.kind != PecKind.INTEGRATION_REQUEST or notice.target_type_id is None:
        return
    if notice.target_type.model_class() is IntegrationRequest:
        services.set_deadline_from_delivery(notice=notice)


def rejection_notice_delivered(sender, *, notice, **kwargs) -> None:
    """The PEC of a notice of intended rejection was delivered: the term for observations starts."""
    if notice.kind != PecKind.REJECTION_NOTICE or notice.target_type_id is None:
        return
    if notice.target_type.model_class() is RejectionNotice:
        services.set_observation_deadline_from_delivery(notice=notice)


def connect() -> None:
    notice_delivered.connect(integration_delivered, dispatch_uid="evaluation.integration_delivered")
    notice_delivered.connect(rejection_notice_delivered, dispatch_uid="evaluation.rejection_notice_delivered")
