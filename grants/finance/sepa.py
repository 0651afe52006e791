"""The SEPA bank file adapter: approved payments as one SEPA credit transfer (ISO 20022 pain.001.001.03),
built with sepaxml and validated against the schema shipped in ``grants/finance/schemas`` (no network).

Pure: takes plain transfer rows and the debtor, answers bytes or raises ``SepaError``; the service
(``grants.finance.services.sepa``) chooses the payments, checks the permission and writes the audit.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree
from sepaxml import SepaTransfer

SCHEMA_PATH = Path(__file__).parent / "schemas" / "pain.001.001.03.xsd"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"


class SepaError(Exception):
    """The file could not be built or does not validate."""


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str  # at most 35 characters, unique in the file
    creditor_name: str
    iban: str
    amount: Decimal  # euro, two decimals
    remittance: str  # the unstructured remittance information (max 140 characters)


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def validate(content: bytes) -> None:
    """Raise ``SepaError`` with the first schema error if ``content`` is no valid pain.001.001.03."""
    try:
        document = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise SepaError(str(error)) from error
    xsd = schema()
    if not xsd.validate(document):
        raise SepaError(str(xsd.error_log.last_error))


def credit_transfer(debtor: Debtor, transfers: list[Transfer], *, execution_date: date) -> bytes:
    """One pain.001.001.03 document with one batch of the given transfers, validated."""
    if not transfers:
        raise SepaError("no transfers")
    config = {"name": debtor.name, "IBAN": debtor.iban, "batch": True, "currency": "EUR"}
    if debtor.bic:
        config["BIC"] = debtor.bic
    sepa = SepaTransfer(config, clean=True)
    for row in transfers:
        cents = int((row.amount * 100).to_integral_value())
        sepa.add_payment(
            {
                "name": row.creditor_name,
                "IBAN": row.iban,
                "amount": cents,
                "execution_date": execution_date,
                "description": row.remittance,
                "endtoend_id": row.end_to_end_id[:35],
            }
        )
    content = sepa.export(validate=False)
    validate(content)
    return content
