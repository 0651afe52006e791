"""Factories of the projects context (the finance context builds on them).

``ProjectFactory()`` makes, through the real services, an application submitted to a call with three cost
categories (staff at real costs, equipment at real costs spent by a partner, indirect costs at a 15% flat
rate on staff), funded, and its project: by default active, with a CUP, the signed agreement and the start
communicated. ``ProjectFactory(status="to_accept")`` stops before the acceptance; ``cup=""`` leaves it
without CUP; ``grant=`` funds it partly (the budget is scaled).

Budget of the default project: personale 60.000 (lead), attrezzature 20.000 (partner), indiretti 9.000;
total 89.000 €, aid intensity 80%: grant 71.200 €, co-financing 17.800 €.
"""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, PartnerRole
from grants.applications.tests.factories import member_of, open_call
from grants.core.timeutils import in_rome, now
from grants.core.vocabulary import LegalForm
from grants.programme.models import Call, CostOption
from grants.programme.tests.factories import CostCategoryFactory
from grants.projects import services
from grants.projects.models import Project
from grants.projects.states import ProjectStatus
from grants.registry.tests.factories import staff_user

PROJECT_OFFICER_PERMISSIONS = ("projects.view_project", "projects.manage_project", "programme.view_call")
_cup_numbers = itertools.count(1)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def signed_pdf(name: str = "atto-firmato.pdf", content: bytes = MINIMAL_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def next_cup() -> str:
    """A well-formed CUP never used before in this test run."""
    return f"J11B26{next(_cup_numbers):09d}"


def staff(*permission_names: str, **kwargs):
    return staff_user(*permission_names, **kwargs)


def project_officer(**kwargs):
    return staff(*PROJECT_OFFICER_PERMISSIONS, **kwargs)


def project_call(**kwargs) -> Call:
    """An open call (no partner confirmation, 80% aid intensity) with categories personale, attrezzature
    and indiretti (15% flat rate on personale)."""
    kwargs.setdefault("requires_partner_confirmation", False)
    kwargs.setdefault("max_aid_intensity", Decimal(80))
    call = open_call(**kwargs)
    CostCategoryFactory(
        call=call, code="attrezzature", title="Attrezzature", cost_option=CostOption.REAL_COSTS, order=2
    )
    CostCategoryFactory(
        call=call,
        code="indiretti",
        title="Costi indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal(15),
        flat_rate_base=["personale"],
        order=3,
    )
    return call


def funded_application(
    *,
    call: Call | None = None,
    user=None,
    organisation=None,
    staff_amount: Decimal = Decimal("60000.00"),
    equipment_amount: Decimal = Decimal("20000.00"),
) -> Application:
    """An application submitted to ``call`` with a partner, then funded (the evaluation's outcome is set
    directly: the ranking itself is the evaluation's tests' business)."""
    call = call or project_call()
    if user is None:
        user, organisation = member_of(organisation)
    application = application_services.create_draft(actor=user, organisation=organisation, call=call)
    application_services.update_general(
        actor=user,
        application=application,
        title="Welfare di comunità in rete",
        abstract="Servizi di prossimità per anziani e famiglie nei quartieri.",
    )
    application_services.set_partners(
        actor=user,
        application=application,
        partners=[
            application_services.PartnerInput(
                name="Comune di Prova", legal_form=LegalForm.PUBLIC_BODY, share_percent=Decimal(25)
            )
        ],
    )
    partner = application.partners.get(role=PartnerRole.PARTNER)
    application_services.set_budget(
        actor=user,
        application=application,
        lines=[
            application_services.BudgetLineInput(
                category="personale", amount=staff_amount, description="Educatori"
            ),
            application_services.BudgetLineInput(
                category="attrezzature", amount=equipment_amount, description="Arredi", partner=partner
            ),
        ],
    )
    application = application_services.submit(
        actor=user, application=application, idempotency_key=f"p-{application.pk}", declarations_accepted=True
    ).application
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.FUNDED)
    application.refresh_from_db()
    return application


class ProjectFactory:
    """``ProjectFactory(**options)`` returns a saved Project (see the module docstring)."""

    def __new__(
        cls,
        *,
        call: Call | None = None,
        user=None,
        organisation=None,
        grant: Decimal | None = None,
        cup: str | None = None,
        status: str = ProjectStatus.ACTIVE,
        officer=None,
        start_date=None,
    ) -> Project:
        application = funded_application(call=call, user=user, organisation=organisation)
        beneficiary_user = user or application.created_by
        officer = officer or project_officer()
        project = services.create_project_from_application(
            actor=None,
            application=application,
            granted_amount=grant if grant is not None else application.requested_grant,
            granted_by=officer,
        )
        cup = next_cup() if cup is None else cup
        if cup:
            project = services.assign_cup(actor=officer, project=project, cup=cup)
        if status == ProjectStatus.TO_ACCEPT:
            return Project.objects.get(pk=project.pk)
        project = services.upload_signed_agreement(
            actor=beneficiary_user, project=project, uploaded_file=signed_pdf()
        )
        project = services.communicate_start(
            actor=beneficiary_user,
            project=project,
            start_date=start_date or in_rome(now()).date() - timedelta(days=1),
        )
        if status == ProjectStatus.SUSPENDED:
            project = services.suspend(actor=officer, project=project, reason="Verifica in corso")
        return Project.objects.get(pk=project.pk)

    @classmethod
    def create(cls, **kwargs) -> Project:
        return cls(**kwargs)
