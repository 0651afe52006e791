import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.it import codicefiscale, iva

from grants.registry.validators import (
    CHECK_MESSAGE,
    normalise_fiscal_code,
    normalise_vat_number,
    validate_body_fiscal_code,
    validate_person_fiscal_code,
    validate_vat_number,
)

from .factories import body_fiscal_code, person_fiscal_code

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OMOCODE_DIGITS = "0123456789LMNPQRSTUV"
OFFICES = [f"{n:03d}" for n in range(1, 101)] + ["120", "121", "888", "999"]


def message_of(validator, value) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0], caught.value.code


# --- Strategies -----------------------------------------------------------------------------------

letter = st.sampled_from(LETTERS)
omocode_digit = st.sampled_from(OMOCODE_DIGITS)


@st.composite
def person_codes(draw):
    """16-character codes built position by position, with the check letter computed: stdnum decides."""
    stem = "".join(
        [
            *(draw(letter) for _ in range(6)),
            *(draw(omocode_digit) for _ in range(2)),
            draw(st.sampled_from("ABCDEHLMPRST")),
            *(draw(omocode_digit) for _ in range(2)),
            draw(letter),
            *(draw(omocode_digit) for _ in range(3)),
        ]
    )
    code = stem + codicefiscale.calc_check_digit(stem)
    assume(codicefiscale.is_valid(code))  # some drawn dates (31 February) do not exist
    return code


@st.composite
def eleven_digit_stems(draw):
    """The first 10 digits of a body code / partita IVA: a non-zero serial and a valid office code."""
    serial = draw(st.integers(min_value=1, max_value=9_999_999))
    return f"{serial:07d}{draw(st.sampled_from(OFFICES))}"


# --- Every code stdnum accepts passes -------------------------------------------------------------


@given(person_codes())
def test_every_person_code_stdnum_accepts_passes(code):
    validate_person_fiscal_code(code)
    validate_person_fiscal_code(code.lower())  # typed in lower case
    validate_body_fiscal_code(code)  # a sole trader's codice fiscale


@given(eleven_digit_stems())
def test_every_eleven_digit_code_stdnum_accepts_passes(stem):
    code = stem + luhn.calc_check_digit(stem)
    assert iva.is_valid(code)
    validate_body_fiscal_code(code)
    validate_vat_number(code)
    validate_vat_number(f"IT {code}")


def test_factory_codes_are_valid():
    for n in range(500):
        validate_body_fiscal_code(body_fiscal_code(n))
        validate_person_fiscal_code(person_fiscal_code(n))


# --- Wrong check digit / character ----------------------------------------------------------------


@given(eleven_digit_stems(), st.integers(min_value=0, max_value=9))
def test_eleven_digits_with_a_wrong_check_digit_are_refused_with_the_check_message(stem, digit):
    assume(str(digit) != luhn.calc_check_digit(stem))
    code = f"{stem}{digit}"
    assert message_of(validate_body_fiscal_code, code) == (CHECK_MESSAGE, "checksum")
    assert message_of(validate_vat_number, code) == (CHECK_MESSAGE, "checksum")


@given(person_codes(), letter)
def test_person_code_with_a_wrong_check_letter_is_refused_with_the_check_message(code, wrong):
    assume(wrong != code[-1])
    assert message_of(validate_person_fiscal_code, code[:-1] + wrong) == (CHECK_MESSAGE, "checksum")


def test_check_message_is_the_italian_sentence():
    assert (
        message_of(validate_vat_number, "00743110158")[0]
        == "Il carattere di controllo finale non è corretto."
    )


# --- Lengths --------------------------------------------------------------------------------------


def test_body_code_length_message_counts_the_digits():
    assert message_of(validate_body_fiscal_code, "0074311015") == (
        "Il codice fiscale di un ente è di 11 cifre: ne sono state inserite 10.",
        "invalid_length",
    )
    assert message_of(validate_body_fiscal_code, "7")[0] == (
        "Il codice fiscale di un ente è di 11 cifre: ne è stata inserita 1."
    )


@given(st.text(alphabet="0123456789", min_size=1, max_size=30).filter(lambda s: len(s) != 11))
def test_any_wrong_number_of_digits_is_refused_with_the_count(digits):
    message, code = message_of(validate_body_fiscal_code, digits)
    assert code == "invalid_length"
    assert message.startswith("Il codice fiscale di un ente è di 11 cifre:")
    assert message.endswith(f" {len(digits)}.")
    message, code = message_of(validate_vat_number, digits)
    assert code == "invalid_length"
    assert message.startswith("La partita IVA è di 11 cifre:")


@given(st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=30).filter(lambda s: len(s) != 16))
def test_person_code_of_wrong_length_is_refused_with_the_count(value):
    message, code = message_of(validate_person_fiscal_code, value)
    assert code == "invalid_length"
    assert message.startswith("Il codice fiscale di una persona è di 16 caratteri:")
    assert message.endswith(f" {len(value)}.")


def test_organisation_code_that_is_neither_11_digits_nor_16_characters():
    message, code = message_of(validate_body_fiscal_code, "RSSMRC80A01")
    assert code == "invalid_characters"  # 11 characters: a body's code, which has only digits
    message, code = message_of(validate_body_fiscal_code, "RSSMRC80A01H50")
    assert code == "invalid_length"
    assert message == (
        "Il codice fiscale di un'organizzazione è di 11 cifre (enti) oppure di 16 caratteri "
        "(ditte individuali): ne sono stati inseriti 14."
    )


# --- Characters and components --------------------------------------------------------------------


def test_letter_in_an_eleven_digit_code_is_named_with_its_position():
    assert message_of(validate_vat_number, "0074311O157") == (
        "La partita IVA contiene solo cifre: il carattere «O» in posizione 8 non è ammesso.",
        "invalid_characters",
    )


def test_person_code_character_out_of_place_is_explained():
    message, code = message_of(validate_person_fiscal_code, "RCCMNL83Z18D969H")
    assert code == "invalid_format"
    assert message.startswith("Il carattere «Z» in posizione 9 non è ammesso")
    assert "mese di nascita" in message


def test_person_code_with_a_date_that_does_not_exist():
    stem = "RCCMNL83B30D969"  # 30 February
    message, code = message_of(validate_person_fiscal_code, stem + codicefiscale.calc_check_digit(stem))
    assert code == "invalid_birth_date"
    assert message == "La data di nascita contenuta nel codice fiscale (caratteri dal 7° all'11°) non esiste."


def test_office_code_and_zero_serial():
    stem = "0074311200"  # office 200 does not exist
    assert message_of(validate_vat_number, stem + luhn.calc_check_digit(stem))[1] == "invalid_office"
    stem = "0000000001"
    assert message_of(validate_vat_number, stem + luhn.calc_check_digit(stem))[1] == "invalid_serial"


def test_normalisation():
    assert normalise_fiscal_code(" rcc mnl 83s18-d969h ") == "RCCMNL83S18D969H"
    assert normalise_vat_number("IT 007.431.101.57") == "00743110157"
    assert normalise_fiscal_code(None) == ""


@given(st.text(max_size=40))
def test_validators_only_ever_raise_validation_errors(value):
    for validator in (validate_person_fiscal_code, validate_body_fiscal_code, validate_vat_number):
        try:
            validator(value)
        except ValidationError as exc:
            assert exc.messages and exc.messages[0]
