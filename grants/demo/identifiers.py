"""Valid but invented identifiers for demo records (the check digits are computed, never faked)."""

from stdnum import luhn
from stdnum.it import codicefiscale


def body_fiscal_code(serial: int) -> str:
    """An 11-digit code for a body: 7-digit serial, office code 001, Luhn check digit (as partita IVA)."""
    base = f"{9_000_000 + serial:07d}001"
    return base + luhn.calc_check_digit(base)


def person_fiscal_code(stem: str) -> str:
    """A 16-character codice fiscale from its first 15 characters."""
    return stem + codicefiscale.calc_check_digit(stem)
