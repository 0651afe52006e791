"""Factories of the finance context, built on grants.projects.tests.factories.ProjectFactory.

The default project (see that module): grant 71.200 € on an eligible cost of 89.000 € (80%); categories
personale (lead), attrezzature (partner), indiretti (15% flat rate on personale).
"""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from grants.core.timeutils import in_rome, now
from grants.finance import services
from grants.finance.models import ExpenseClaim, ExpenseItem, Guarantee
from grants.finance.services import ItemInput
from grants.projects.models import Project
from grants.projects.states import PartnerRole
from grants.projects.tests.factories import MINIMAL_PDF, ProjectFactory, staff

OFFICER_PERMISSIONS = (
    "finance.view_payment",
    "finance.add_payment",
    "finance.add_guarantee",
    "finance.add_loan",
    "finance.change_recovery",
    "finance.assign_claim",
    "finance.change_paymentplan",
    "projects.view_project",
)
MANAGER_PERMISSIONS = (*OFFICER_PERMISSIONS, "finance.approve_payment")
CONTROLLER_PERMISSIONS = ("finance.check_claim",)

# Valid partite IVA (check digit right), one per supplier.
SUPPLIER_VAT_NUMBERS = ("01234560017", "12345670017", "02345670018", "03456780018")
_document_numbers = itertools.count(1)


def officer(**kwargs):
    return staff(*OFFICER_PERMISSIONS, **kwargs)


def manager(**kwargs):
    return staff(*MANAGER_PERMISSIONS, **kwargs)


def controller(**kwargs):
    return staff(*CONTROLLER_PERMISSIONS, **kwargs)


def today():
    return in_rome(now()).date()


def beneficiary_user(project: Project):
    return project.application.created_by


def lead(project: Project):
    return project.partners.get(role=PartnerRole.LEAD)


def partner(project: Project):
    return project.partners.get(role=PartnerRole.PARTNER)


def category(project: Project, code: str):
    return project.call.cost_categories.get(code=code)


def pdf(name: str = "fattura.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def invoice(
    project: Project, *, code: str = "personale", amount="1000.00", number: str | None = None, **kwargs
):
    """An ItemInput for a paid invoice of ``amount`` (taxable, VAT not eligible) on category ``code``."""
    holder = partner(project) if code == "attrezzature" else lead(project)
    values = {
        "partner": holder,
        "category": category(project, code),
        "description": f"Fattura {code}",
        "document_type": "invoice",
        "document_number": number or f"FT-{next(_document_numbers)}",
        "document_date": today() - timedelta(days=10),
        "supplier_name": "Fornitore Srl",
        "supplier_tax_id": SUPPLIER_VAT_NUMBERS[0],
        "taxable_amount": Decimal(amount),
        "vat_amount": Decimal(amount) * Decimal("0.22"),
        "vat_eligible": False,
        "amount_claimed": Decimal(amount),
        "payment_date": today() - timedelta(days=5),
        "payment_method": "bank_transfer",
    }
    values.update(kwargs)
    return ItemInput(**values)


def claim_with(
    project: Project, *items: ItemInput, is_final: bool = False, submit: bool = True
) -> ExpenseClaim:
    user = beneficiary_user(project)
    claim = services.create_claim(actor=user, project=project, is_final=is_final)
    for data in items:
        item = services.add_item(actor=user, claim=claim, data=data)
        services.attach_to_item(actor=user, item=item, uploaded_file=pdf())
    if submit:
        claim = services.submit_claim(actor=user, claim=claim)
    return ExpenseClaim.objects.get(pk=claim.pk)


def checked_claim(
    project: Project, *items: ItemInput, is_final: bool = False, officer_user=None, controller_user=None
):
    """A claim submitted, assigned, every item admitted, the checklist satisfied, the check closed."""
    claim = claim_with(project, *items, is_final=is_final)
    controller_user = controller_user or controller()
    services.assign_controller(actor=officer_user or officer(), claim=claim, controller=controller_user)
    for item in ExpenseItem.objects.filter(claim=claim):
        services.check_item(actor=controller_user, item=item, outcome="admitted")
    services.save_checklist(
        actor=controller_user, claim=claim, answers={a.code: (True, "") for a in claim.checklist.all()}
    )
    return services.close_check(actor=controller_user, claim=claim)


def guarantee(project: Project, *, amount="50000.00", expires_in_days: int = 365, actor=None) -> Guarantee:
    return services.record_guarantee(
        actor=actor or officer(),
        project=project,
        issuer="Banca di Prova",
        number=f"FID-{project.pk}-{next(_document_numbers)}",
        amount=Decimal(amount),
        issued_on=today() - timedelta(days=400),
        expires_on=today() + timedelta(days=expires_in_days),
    )


# A valid Italian IBAN and a valid codice fiscale of a person (check characters right).
IBAN = "IT60X0542811101000000123456"
OPERATOR = {"name": "Mario Rossi", "fiscal_code": "RSSMRA80A01L219M"}


def dedicated_account(project: Project, *, iban: str = IBAN, holder: str | None = None):
    return services.declare_dedicated_account(
        actor=beneficiary_user(project),
        project=project,
        iban=iban,
        holder=holder or project.beneficiary.name[:70],
        operators=[OPERATOR],
    )


__all__ = ["ProjectFactory"]
