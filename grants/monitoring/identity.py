"""A participant's codice fiscale: validated (python-stdnum), then kept only as a keyed hash.

HMAC-SHA256 with ``settings.PARTICIPANT_ID_HASH_KEY``: the same person gives the same hash in a project
(counted once), nobody can recompute it without the key, and the clear code is never stored or logged.
"""

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale


def _key() -> bytes:
    return settings.PARTICIPANT_ID_HASH_KEY.encode()


def normalise_fiscal_code(value: str) -> str:
    """The validated personal codice fiscale in upper case (ValidationError in Italian otherwise)."""
    code = codicefiscale.compact(value or "")
    if not code:
        raise ValidationError(_("Indicare il codice fiscale."), code="required")
    if len(code) != 16:
        raise ValidationError(
            _("Il codice fiscale di una persona è di 16 caratteri (ne sono stati indicati %(n)s).")
            % {"n": len(code)},
            code="length",
        )
    try:
        return codicefiscale.validate(code)
    except StdnumError:
        raise ValidationError(
            _("Codice fiscale non valido (controllare i caratteri e il carattere di controllo)."),
            code="invalid",
        ) from None


def person_hash(fiscal_code: str) -> str:
    """HMAC-SHA256 of the validated code, hex."""
    return hmac.new(_key(), normalise_fiscal_code(fiscal_code).encode(), hashlib.sha256).hexdigest()


def birth_date(fiscal_code: str) -> date:
    return codicefiscale.get_birth_date(normalise_fiscal_code(fiscal_code))


def age_on(fiscal_code: str, day: date) -> int:
    born = birth_date(fiscal_code)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
