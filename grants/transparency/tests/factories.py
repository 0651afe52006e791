"""Factories of the transparency context, on top of the projects' ``ProjectFactory`` (real services).

``public_project()`` is an active, accepted project (grant 71.200 €, fund shares 50/35/15);
``natural_person_project()`` one whose beneficiary is a sole trader (16-character codice fiscale);
``paid(project, amount)`` records a payment made to it.
"""

from datetime import date, timedelta
from decimal import Decimal

from grants.core.vocabulary import LegalForm
from grants.finance.models import Payment
from grants.finance.states import PaymentKind, PaymentStatus
from grants.projects.tests.factories import ProjectFactory, project_call, staff
from grants.registry.tests.factories import OrganisationFactory, UserFactory, person_fiscal_code

from .. import services
from ..models import AccompanimentActivity
from ..states import ActivityKind, TargetGroup, Theme

NATURAL_PERSON_NAME = "Mario Bianchi ditta individuale"


def public_project(**kwargs):
    return ProjectFactory(**kwargs)


def natural_person_project(serial: int = 4242):
    call = project_call(lead_legal_forms=[LegalForm.COMPANY.value])
    person = OrganisationFactory(
        name=NATURAL_PERSON_NAME, legal_form=LegalForm.COMPANY, fiscal_code=person_fiscal_code(serial)
    )
    return ProjectFactory(call=call, organisation=person)


def paid(project, amount: Decimal, *, kind: str = PaymentKind.ADVANCE, on: date | None = None) -> Payment:
    return Payment.objects.create(
        project=project,
        kind=kind,
        status=PaymentStatus.PAID,
        amount=amount,
        proposed_by=UserFactory(is_staff=True),
        paid_on=on or date.today(),
    )


def accompaniment_manager(**kwargs):
    return staff("transparency.manage_accompaniment", **kwargs)


def sheet_reviewer(**kwargs):
    return staff("transparency.review_experimentsheet", **kwargs)


def activity(actor=None, **overrides) -> AccompanimentActivity:
    from grants.territory.tests.factories import ProvinceFactory

    data = {
        "kind": ActivityKind.WORKSHOP,
        "title": "Laboratorio di coprogettazione",
        "topics": "coprogettazione, valutazione d'impatto",
        "organiser": "Regione Piemonte",
        "starts_on": date.today() - timedelta(days=10),
        "ends_on": date.today() - timedelta(days=10),
        "hours": Decimal("3.5"),
        "participants_count": 18,
        "province": None,
        "district": None,
        "project": None,
        "is_published": True,
    }
    data.update(overrides)
    if data["province"] is None and data["district"] is None and data["project"] is None:
        data["province"] = ProvinceFactory()
    return services.create_activity(
        actor=actor or accompaniment_manager(), data=services.ActivityInput(**data)
    )


COMPLETE_SHEET = {
    "need": "Anziani soli nei quartieri periferici, senza rete di prossimità.",
    "solution": "Portinerie di comunità gestite da volontari e operatori.",
    "themes": [Theme.PROXIMITY_WELFARE.value, Theme.CARE.value],
    "target_groups": [TargetGroup.ELDERLY.value, TargetGroup.CAREGIVERS.value],
    "results": "320 persone raggiunte, 45 volontari attivi.",
    "costs": "Personale 60%, attrezzature 25%, indiretti 15%.",
    "replication_requirements": "Un locale al piano terra, un ente gestore partner, 2 operatori.",
    "sustainability": "Convenzione triennale con il Comune dopo il finanziamento.",
}


def published_sheet(project=None, reviewer=None):
    project = project or public_project()
    owner = project.beneficiary.memberships.first().user
    sheet = services.save_sheet(actor=owner, project=project, data=services.SheetInput(**COMPLETE_SHEET))
    sheet = services.submit_sheet(actor=owner, sheet=sheet)
    return services.publish_sheet(actor=reviewer or sheet_reviewer(), sheet=sheet)
