"""The fingerprint of a submission: SHA-256 (hex) over the canonical JSON of the data sent.

Canonical JSON: keys sorted, no whitespace, UTF-8, Decimals as their plain string with two decimals (money)
or as given (quantities, percentages): the same data always gives the same bytes, on any machine.
"""

import hashlib
import json
from decimal import Decimal


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"Not serialisable in a submission snapshot: {type(value).__name__}")


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def fingerprint_of(data) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
