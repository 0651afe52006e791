"""Codice fiscale and partita IVA, checked with python-stdnum and explained in Italian.

stdnum tells *what kind* of error a number has (its exception classes); these validators turn that into a
message that says exactly what to correct: how many characters were typed, which character is not allowed
and where, or that the final check character does not match.

- ``validate_person_fiscal_code``: a person's codice fiscale, 16 characters.
- ``validate_body_fiscal_code``: an organisation's codice fiscale: 11 digits for bodies (same structure
  and check digit as a partita IVA) or 16 characters for a sole trader (ditta individuale).
- ``validate_vat_number``: a partita IVA, 11 digits with a Luhn check digit (an ``IT`` prefix is accepted).

Every validator accepts spaces, dots, dashes and lower case (see ``normalise_fiscal_code``) and raises
``django.core.exceptions.ValidationError`` with an Italian message and a stable ``code``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.it import codicefiscale, iva

PERSON_CODE_LENGTH = 16
BODY_CODE_LENGTH = 11

_SEPARATORS = re.compile(r"[\s.\-:/]+")

# Omocodia: when two people share a code, digits of the date and place may be replaced by these letters.
_DIGITS = "0123456789"
_OMOCODE_DIGITS = _DIGITS + "LMNPQRSTUV"
_MONTH_LETTERS = "ABCDEHLMPRST"

# What each of the 16 positions of a person's code may hold, with the words that explain it.
_PERSON_LAYOUT: list[tuple[str, str]] = (
    [("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "una lettera del cognome o del nome")] * 6
    + [(_OMOCODE_DIGITS, "una cifra dell'anno di nascita")] * 2
    + [(_MONTH_LETTERS, "la lettera del mese di nascita (A, B, C, D, E, H, L, M, P, R, S, T)")]
    + [(_OMOCODE_DIGITS, "una cifra del giorno di nascita")] * 2
    + [("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "la lettera iniziale del codice del comune o dello Stato di nascita")]
    + [(_OMOCODE_DIGITS, "una cifra del codice del comune o dello Stato di nascita")] * 3
    + [("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "la lettera di controllo")]
)

CHECK_MESSAGE = "Il carattere di controllo finale non è corretto."


def normalise_fiscal_code(value) -> str:
    """Upper case, without spaces, dots, dashes, slashes or colons.

    "rss mrc 80a01 h501u" → "RSSMRC80A01H501U"."""
    if value is None:
        return ""
    return _SEPARATORS.sub("", str(value)).upper()


def normalise_vat_number(value) -> str:
    """As ``normalise_fiscal_code``, also dropping the ``IT`` country prefix of an intra-EU VAT number."""
    number = normalise_fiscal_code(value)
    if number.startswith("IT") and _is_digits(number[2:]):
        number = number[2:]
    return number


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _check_error() -> ValidationError:
    return _error(_(CHECK_MESSAGE), "checksum")


def _is_digits(number: str) -> bool:
    """ASCII digits only (str.isdigit() also accepts "²" or "٣")."""
    return bool(number) and all(char in _DIGITS for char in number)


def _first_non_digit(number: str) -> tuple[int, str] | None:
    for position, char in enumerate(number, start=1):
        if char not in _DIGITS:
            return position, char
    return None


def _eleven_digit_error(number: str, subject: str) -> ValidationError:
    """Explain why stdnum refused an 11-digit code (partita IVA, or codice fiscale of a body)."""
    try:
        iva.validate(number)
    except InvalidFormat as exc:  # InvalidLength is a kind of InvalidFormat
        bad = _first_non_digit(number)
        if bad is not None:
            return _error(
                _(
                    "%(subject)s contiene solo cifre: il carattere «%(char)s» in posizione %(position)d "
                    "non è ammesso."
                )
                % {"subject": subject, "char": bad[1], "position": bad[0]},
                "invalid_characters",
            )
        if isinstance(exc, InvalidLength) or len(number) != BODY_CODE_LENGTH:
            typed = ngettext(
                "ne è stata inserita %(count)d.", "ne sono state inserite %(count)d.", len(number)
            ) % {"count": len(number)}
            return _error(
                _("%(subject)s è di 11 cifre: %(typed)s") % {"subject": subject, "typed": typed},
                "invalid_length",
            )
        return _error(
            _("Le prime 7 cifre (numero di matricola) non possono essere tutte zero."), "invalid_serial"
        )
    except InvalidComponent:
        return _error(
            _(
                "Le cifre dalla 8ª alla 10ª («%(office)s») devono indicare l'ufficio provinciale che ha "
                "attribuito il numero: da 001 a 100, oppure 120, 121, 888, 999."
            )
            % {"office": number[7:10]},
            "invalid_office",
        )
    except InvalidChecksum:
        return _check_error()
    raise ValueError(f"{number!r} is a valid number")


def _person_code_error(number: str) -> ValidationError:
    """Explain why a person's code is refused (stdnum decides; the message says where the problem is)."""
    if len(number) != PERSON_CODE_LENGTH:
        typed = ngettext(
            "ne è stato inserito %(count)d.", "ne sono stati inseriti %(count)d.", len(number)
        ) % {"count": len(number)}
        return _error(
            _("Il codice fiscale di una persona è di 16 caratteri: %(typed)s") % {"typed": typed},
            "invalid_length",
        )
    try:
        codicefiscale.validate(number)
    except InvalidFormat:
        for position, (allowed, meaning) in enumerate(_PERSON_LAYOUT, start=1):
            char = number[position - 1]
            if char not in allowed:
                return _error(
                    _(
                        "Il carattere «%(char)s» in posizione %(position)d non è ammesso: "
                        "in quella posizione va %(meaning)s."
                    )
                    % {"char": char, "position": position, "meaning": meaning},
                    "invalid_format",
                )
        return _error(_("Il codice fiscale non rispetta lo schema previsto."), "invalid_format")
    except InvalidChecksum:
        return _check_error()
    except InvalidComponent:
        return _error(
            _("La data di nascita contenuta nel codice fiscale (caratteri dal 7° all'11°) non esiste."),
            "invalid_birth_date",
        )
    raise ValueError(f"{number!r} is a valid number")


def _is_valid(module, number: str) -> bool:
    try:
        module.validate(number)
    except StdnumValidationError:
        return False
    return True


def validate_person_fiscal_code(value) -> None:
    """A person's codice fiscale: 16 characters (6 letters, birth date and place, check letter)."""
    number = normalise_fiscal_code(value)
    if len(number) != PERSON_CODE_LENGTH or not _is_valid(codicefiscale, number):
        raise _person_code_error(number)


def validate_body_fiscal_code(value) -> None:
    """An organisation's codice fiscale: 11 digits for a body, 16 characters for a sole trader."""
    number = normalise_fiscal_code(value)
    subject = _("Il codice fiscale di un ente")
    if _is_digits(number):
        if not _is_valid(iva, number):
            raise _eleven_digit_error(number, subject)
        return
    if len(number) == PERSON_CODE_LENGTH:
        validate_person_fiscal_code(number)
        return
    if len(number) == BODY_CODE_LENGTH:
        raise _eleven_digit_error(number, subject)
    typed = ngettext("ne è stato inserito %(count)d.", "ne sono stati inseriti %(count)d.", len(number)) % {
        "count": len(number)
    }
    raise _error(
        _(
            "Il codice fiscale di un'organizzazione è di 11 cifre (enti) oppure di 16 caratteri "
            "(ditte individuali): %(typed)s"
        )
        % {"typed": typed},
        "invalid_length",
    )


def validate_vat_number(value) -> None:
    """A partita IVA: 11 digits, the last one a check digit (an "IT" prefix is accepted)."""
    number = normalise_vat_number(value)
    if not _is_valid(iva, number):
        raise _eleven_digit_error(number, _("La partita IVA"))


def is_body_code(value) -> bool:
    """True for the 11-digit codice fiscale of a body (false for a sole trader's 16 characters)."""
    return _is_digits(normalise_fiscal_code(value))
