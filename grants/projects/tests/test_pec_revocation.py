"""The revocation's formal notice by PEC (#18): issued in the revocation's transaction to the beneficiary's
PEC, naming the act, the call, the protocol and the terms; without a PEC the revocation happens and the
notice is recorded as undeliverable."""

from decimal import Decimal

import pytest
from django.db import transaction

from grants.notifications.pec.models import PecKind, PecNotice, PecStatus
from grants.projects import services
from grants.projects.states import ProjectStatus

from .factories import ProjectFactory, project_officer

pytestmark = pytest.mark.django_db


def test_a_partial_revocation_goes_by_pec_to_the_beneficiary():
    project = ProjectFactory()
    officer = project_officer()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.revoke(
            actor=officer, project=project, new_grant=Decimal("51200.00"), reason="Spese non ammesse"
        )
        raise RuntimeError
    assert not PecNotice.objects.exists()  # rolled back with the act

    services.revoke(actor=officer, project=project, new_grant=Decimal("51200.00"), reason="Spese non ammesse")

    notice = PecNotice.objects.get(kind=PecKind.REVOCATION)
    assert notice.target == project and notice.call == project.call and notice.created_by == officer
    assert notice.recipient == project.beneficiary.pec and notice.status == PecStatus.QUEUED
    for text in (
        "revoca parziale",
        project.application.protocol,
        project.call.title,
        "71.200,00",
        "51.200,00",
        "Spese non ammesse",
        "entro 60 giorni",
    ):
        assert text in notice.body
    assert notice.term_days == 60


def test_without_pec_the_revocation_happens_and_the_notice_is_undeliverable():
    project = ProjectFactory()
    project.beneficiary.pec = ""
    project.beneficiary.save(update_fields=["pec"])

    project = services.revoke(
        actor=project_officer(), project=project, new_grant=Decimal(0), reason="Mai avviato"
    )

    assert project.status == ProjectStatus.REVOKED
    notice = PecNotice.objects.get(kind=PecKind.REVOCATION)
    assert notice.status == PecStatus.UNDELIVERABLE and "non ha un indirizzo PEC" in notice.error
    assert "revoca totale" in notice.body
