"""What the transparency endpoints share."""

from decimal import Decimal

PAGE_SIZE = 50


def decimal_text(value) -> str:
    return f"{Decimal(value):.2f}"
