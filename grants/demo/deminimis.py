"""Demo de minimis register: the demo company (the applicant type of the de minimis demo calls) declares aid
received from another body, so its register shows a declared aid and a headroom below the ceiling.

Declared through the real service (a DPR 445/2000 self-declaration by the company's legal representative).
Idempotent: the aid is found by organisation, source and granting body.
"""

from datetime import date
from decimal import Decimal

from grants.core.vocabulary import LegalForm
from grants.registry import services
from grants.registry.models import DeMinimisAid, DeMinimisSource, Organisation

from .applications import _representative

GRANTING_BODY = "[DEMO] Camera di commercio di Torino"
AMOUNT = Decimal("45000.00")
GRANTED_ON = date(2025, 3, 14)
LEGAL_BASIS = "[DEMO] Bando voucher digitalizzazione PMI 2025, determinazione n. 12/2025"


def load_demo_de_minimis() -> list[str]:
    """Declare the demo company's aid from elsewhere once; returns the report lines."""
    companies = Organisation.objects.filter(is_demo=True, legal_form=LegalForm.COMPANY)
    company = companies.order_by("fiscal_code").first()
    if company is None:
        return ["De minimis (demo): nessuna impresa dimostrativa"]
    existing = DeMinimisAid.objects.filter(
        organisation=company, source=DeMinimisSource.DECLARED, granting_body=GRANTING_BODY
    ).first()
    if existing is not None:
        return [f"De minimis (demo): aiuto dichiarato da {company.name} già presente"]
    actor = _representative(company)
    if actor is None:
        return [f"De minimis (demo): {company.name} non ha un legale rappresentante"]
    services.declare_de_minimis_aid(
        actor=actor,
        organisation=company,
        granted_on=GRANTED_ON,
        granting_body=GRANTING_BODY,
        amount=AMOUNT,
        legal_basis=LEGAL_BASIS,
    )
    return [f"De minimis (demo): {company.name} dichiara un aiuto di 45.000,00 € ricevuto da altri enti"]
