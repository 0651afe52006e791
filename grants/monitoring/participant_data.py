"""One participant's data as typed in the page, sent to the API or read from a CSV/XLSX row: the same
columns, the same parsing, the same Italian messages, field by field.

Columns (CSV/XLSX header, form and API field names):
codice_fiscale, sesso (F, M, X), data_ingresso, data_uscita (YYYY-MM-DD or DD/MM/YYYY),
condizione_occupazionale (disoccupato, disoccupato_lunga_durata, inattivo, inattivo_in_formazione, occupato),
titolo_studio (ISCED 0–8), and yes/no columns (sì/no, 1/0, x/empty): migrante, minoranza, disabilita,
altro_svantaggio, senza_dimora, cerca_lavoro_uscita, in_formazione_uscita, qualifica_uscita, occupato_uscita,
famiglia_senza_occupati, figli_a_carico, unico_adulto, zona_rurale (the last four optional in a file: a file
made with the earlier template, without them, still imports).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import identity
from .states import EducationLevel, EmploymentStatus, Sex

EMPLOYMENT_CODES = {
    "disoccupato": EmploymentStatus.UNEMPLOYED,
    "disoccupato_lunga_durata": EmploymentStatus.LONG_TERM_UNEMPLOYED,
    "inattivo": EmploymentStatus.INACTIVE,
    "inattivo_in_formazione": EmploymentStatus.INACTIVE_IN_EDUCATION,
    "occupato": EmploymentStatus.EMPLOYED,
}
EMPLOYMENT_BY_STATUS = {status: code for code, status in EMPLOYMENT_CODES.items()}

# column → model field
SENSITIVE_COLUMNS = {
    "migrante": "is_migrant",
    "minoranza": "is_minority",
    "disabilita": "has_disability",
    "altro_svantaggio": "is_other_disadvantaged",
    "senza_dimora": "is_homeless",
}
RESULT_COLUMNS = {
    "cerca_lavoro_uscita": "job_searching_on_exit",
    "in_formazione_uscita": "in_education_on_exit",
    "qualifica_uscita": "qualification_on_exit",
    "occupato_uscita": "employed_on_exit",
}
# The household and the residence at entry (CO12–CO14, CO19): not special categories of data.
HOUSEHOLD_COLUMNS = {
    "famiglia_senza_occupati": "household_jobless",
    "figli_a_carico": "household_dependent_children",
    "unico_adulto": "household_single_adult",
    "zona_rurale": "lives_in_rural_area",
}
COLUMNS = [
    "codice_fiscale",
    "sesso",
    "data_ingresso",
    "data_uscita",
    "condizione_occupazionale",
    "titolo_studio",
    *SENSITIVE_COLUMNS,
    *RESULT_COLUMNS,
    *HOUSEHOLD_COLUMNS,
]
REQUIRED_COLUMNS = ("codice_fiscale", "sesso", "data_ingresso", "condizione_occupazionale", "titolo_studio")
_TRUE = {"si", "sì", "s", "1", "x", "true", "vero", "yes", "y", "on"}
_FALSE = {"", "no", "n", "0", "false", "falso", "off", "none"}


@dataclass
class ParsedParticipant:
    person_hash: str
    fields: dict[str, Any]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def parse(raw: dict[str, Any], *, today: date) -> tuple[ParsedParticipant | None, list[dict]]:
    """(parsed, []) or (None, [{"field", "code", "message"}, ...]) naming every wrong field."""
    errors: list[dict] = []

    def error(field: str, code: str, message: str) -> None:
        errors.append({"field": field, "code": code, "message": message})

    fields: dict[str, Any] = {}
    fiscal_code = _text(raw.get("codice_fiscale"))
    person = ""
    try:
        person = identity.person_hash(fiscal_code)
    except ValidationError as exc:
        error("codice_fiscale", exc.code or "invalid", exc.messages[0])

    sex = _text(raw.get("sesso")).upper()
    if sex not in Sex.values:
        error("sesso", "invalid", _("Indicare il sesso: F, M oppure X (non binario / non dichiarato)."))
    fields["sex"] = sex

    try:
        entry = _date(raw.get("data_ingresso"))
        if entry is None:
            error("data_ingresso", "required", _("Indicare la data di ingresso nel progetto."))
        elif entry > today:
            error("data_ingresso", "future", _("La data di ingresso non può essere futura."))
    except ValueError:
        entry = None
        error("data_ingresso", "invalid", _("Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA."))
    fields["entry_date"] = entry
    try:
        exit_date = _date(raw.get("data_uscita"))
        if exit_date and entry and exit_date < entry:
            error("data_uscita", "before_entry", _("La data di uscita precede la data di ingresso."))
        if exit_date and exit_date > today:
            error("data_uscita", "future", _("La data di uscita non può essere futura."))
    except ValueError:
        exit_date = None
        error("data_uscita", "invalid", _("Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA."))
    fields["exit_date"] = exit_date

    if person and entry:
        age = identity.age_on(fiscal_code, entry)
        if age < 0 or age > 120:
            error(
                "codice_fiscale",
                "age",
                _("La data di nascita del codice fiscale non è compatibile con la data di ingresso."),
            )
        fields["age_at_entry"] = max(age, 0)

    employment = EMPLOYMENT_CODES.get(_text(raw.get("condizione_occupazionale")).lower())
    if employment is None and _text(raw.get("condizione_occupazionale")) in EmploymentStatus.values:
        employment = EmploymentStatus(_text(raw.get("condizione_occupazionale")))
    if employment is None:
        error(
            "condizione_occupazionale",
            "invalid",
            _("Condizione non riconosciuta: usare %(codes)s.") % {"codes": ", ".join(EMPLOYMENT_CODES)},
        )
    fields["employment_status"] = employment

    education = _text(raw.get("titolo_studio")).upper().removeprefix("ISCED").strip()
    if education not in EducationLevel.values:
        error("titolo_studio", "invalid", _("Indicare il livello ISCED, da 0 a 8."))
    fields["education_level"] = education

    for column, field in {**SENSITIVE_COLUMNS, **RESULT_COLUMNS, **HOUSEHOLD_COLUMNS}.items():
        try:
            fields[field] = _bool(raw.get(column))
        except ValueError:
            error(column, "invalid", _("Rispondere sì o no."))

    if errors:
        return None, errors
    return ParsedParticipant(person_hash=person, fields=fields), []
