"""The demo finance loader: an advance paid and a claim under check on the active demo project, twice."""

import pytest

from grants.demo import finance as demo
from grants.finance.states import ClaimStatus, PaymentStatus
from grants.finance.tests import factories as f
from grants.registry.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_demo_finance_is_loaded_once_through_the_services():
    project = f.ProjectFactory()
    Organisation.objects.filter(pk=project.beneficiary_id).update(is_demo=True)
    f.officer(email=demo.OFFICER_EMAIL)
    f.manager(email=demo.MANAGER_EMAIL)
    f.controller(email=demo.CONTROLLER_EMAIL)

    first = demo.load_demo_finance()
    second = demo.load_demo_finance()

    assert "erogato" in first[0] and "in controllo" in first[0]
    assert "già presente" in second[0]
    payment = project.payments.get()
    assert payment.status == PaymentStatus.PAID and payment.guarantee is not None
    claim = project.expense_claims.get()
    assert claim.status == ClaimStatus.UNDER_CHECK
    assert claim.controller.email == demo.CONTROLLER_EMAIL
    assert claim.items.count() == 2 and all(item.attachments.exists() for item in claim.items.all())


def test_without_a_demo_project_nothing_is_loaded():
    assert "nessun progetto" in demo.load_demo_finance()[0]
