"""Demo finance: on the active demo project (grants.demo.projects) a guarantee and the advance paid against
it, and an expense claim with two invoices under check by the demo controller (to try the item checks, the
checklist and the interim payment that follows).

Everything goes through grants.finance.services: the officer proposes and records, the manager approves, the
beneficiary's legal representative claims. Idempotent: each step is skipped when its record exists.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from grants.core.timeutils import in_rome, now
from grants.finance import services
from grants.finance.models import DedicatedAccount, Payment
from grants.finance.services import FinanceError, ItemInput
from grants.finance.states import PaymentKind, PaymentStatus
from grants.programme.models import CostOption
from grants.projects.models import Project
from grants.projects.states import PartnerRole, ProjectStatus

OFFICER_EMAIL = "funzionario@regione.demo"
MANAGER_EMAIL = "responsabile@regione.demo"
CONTROLLER_EMAIL = "controllore@regione.demo"
# A valid partita IVA (check digit right) for the demo suppliers; documents are numbered per project.
DEMO_SUPPLIER_VAT = "02345670018"
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _staff(email: str):
    return get_user_model().objects.filter(email=email, is_active=True).first()


def _demo_project() -> Project | None:
    return (
        Project.objects.filter(status=ProjectStatus.ACTIVE, beneficiary__is_demo=True)
        .exclude(cup="")
        .select_related("call", "application")
        .order_by("pk")
        .first()
    )


def _today():
    return in_rome(now()).date()


@transaction.atomic
def _advance(project: Project, officer, manager) -> str:
    if project.payments.filter(kind=PaymentKind.ADVANCE).exclude(status=PaymentStatus.REJECTED).exists():
        return "anticipo già presente"
    guarantee = project.guarantees.first() or services.record_guarantee(
        actor=officer,
        project=project,
        issuer="[DEMO] Banca Sabauda",
        number=f"DEMO-FID-{project.pk}",
        amount=project.grant,
        issued_on=_today() - timedelta(days=60),
        expires_on=_today() + timedelta(days=730),
    )
    payment = services.propose_payment(
        actor=officer, project=project, kind=PaymentKind.ADVANCE, guarantee=guarantee
    )
    if not DedicatedAccount.objects.filter(project=project).exists():
        # The demo's dedicated account: a well-formed example IBAN, not a real account.
        DedicatedAccount.objects.create(
            project=project,
            iban="IT60X0542811101000000123456",
            holder=project.beneficiary.name[:70],
            bank_name="[DEMO] Banca Sabauda",
            operators=[{"name": "Mario Rossi", "fiscal_code": "RSSMRA80A01L219M"}],
            declared_by=officer,
        )
    payment = services.approve_payment(actor=manager, payment=payment)
    services.mark_paid(
        actor=officer, payment=payment, paid_on=_today() - timedelta(days=30), reference="DEMO-MP-1"
    )
    return f"anticipo di {payment.amount} € erogato"


def _invoice(project: Project, number: int, category_code: str, amount: str, partner, description: str):
    return ItemInput(
        partner=partner,
        category=project.call.cost_categories.get(code=category_code),
        description=description,
        document_type="invoice",
        document_number=f"DEMO-{project.pk}-{number}",
        document_date=_today() - timedelta(days=25),
        supplier_name="[DEMO] Servizi Educativi Piemonte Srl",
        supplier_tax_id=DEMO_SUPPLIER_VAT,
        taxable_amount=Decimal(amount),
        vat_amount=Decimal(amount) * Decimal("0.22"),
        vat_eligible=False,
        amount_claimed=Decimal(amount),
        payment_date=_today() - timedelta(days=15),
        payment_method="bank_transfer",
    )


def _unit_cost_item(project: Project, code: str, partner, description: str, approved: Decimal):
    """A unit-cost expense: half the budgeted quantity (at most 100 units) with its evidence."""
    category = project.call.cost_categories.get(code=code)
    quantity = max(Decimal(1), min(Decimal(100), (approved / category.unit_rate / 2).quantize(Decimal(1))))
    return ItemInput(
        partner=partner,
        category=category,
        description=description,
        document_type="timesheet",
        quantity=quantity,
        quantity_evidence=f"[DEMO] Registro presenze ({category.unit_label or 'unità'})",
    )


@transaction.atomic
def _claim(project: Project, officer, controller) -> str:
    """A claim with two budgeted categories (an invoice for real costs, a timesheet for unit costs); flat
    rates are computed. In one transaction: a refusal leaves no half-made claim behind."""
    if project.expense_claims.exists():
        return "domanda di rimborso già presente"
    user = project.application.created_by
    lead = project.partners.filter(role=PartnerRole.LEAD).first()
    budgeted = {}
    for line in project.budget_lines.select_related("category", "partner").order_by("order", "pk"):
        if line.category.cost_option != CostOption.FLAT_RATE and line.approved_amount > 0:
            budgeted.setdefault(line.category.code, line)
    if not budgeted:
        return "nessuna voce rendicontabile nel budget"
    claim = services.create_claim(actor=user, project=project)
    for number, (code, line) in enumerate(list(budgeted.items())[:2], start=1):
        partner = line.partner or lead
        description = f"[DEMO] {line.category.title}: prima tranche"
        if line.category.cost_option == CostOption.UNIT_COST:
            data = _unit_cost_item(project, code, partner, description, line.approved_amount)
        else:
            amount = min(Decimal("12000.00"), line.approved_amount / 2).quantize(Decimal("0.01"))
            data = _invoice(project, number, code, str(amount), partner, description)
        item = services.add_item(actor=user, claim=claim, data=data)
        services.attach_to_item(
            actor=user,
            item=item,
            uploaded_file=SimpleUploadedFile(
                f"giustificativo-{number}.pdf", DEMO_PDF, content_type="application/pdf"
            ),
        )
    claim = services.submit_claim(actor=user, claim=claim)
    services.assign_controller(actor=officer, claim=claim, controller=controller)
    return f"domanda di rimborso n. {claim.number} ({claim.claimed_total} €) in controllo"


def load_demo_finance() -> list[str]:
    project = _demo_project()
    officer, manager, controller = _staff(OFFICER_EMAIL), _staff(MANAGER_EMAIL), _staff(CONTROLLER_EMAIL)
    if project is None or None in (officer, manager, controller):
        return ["Pagamenti (demo): nessun progetto avviato o personale demo mancante"]
    try:
        advance = _advance(project, officer, manager)
        claim = _claim(project, officer, controller)
    except FinanceError as exc:
        return [f"Pagamenti (demo): {exc.message}"]
    paid = Payment.objects.filter(project=project, status=PaymentStatus.PAID).count()
    return [f"Pagamenti (demo) su «{project.title}»: {advance}; {claim}; {paid} pagamenti erogati"]
