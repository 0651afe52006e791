"""What the programme's rules share: the errors mapping, its helpers, the vocabularies and the cached
relation lookups (instances may not be saved yet)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from grants.core.vocabulary import CompanySize, LegalForm

Errors = dict[str, list[str]]

LEGAL_FORM_VALUES = frozenset(LegalForm.values)
COMPANY_SIZE_VALUES = frozenset(CompanySize.values)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _merge(errors: Errors, more: Errors) -> Errors:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _vocabulary_errors(errors: Errors, field: str, values, allowed: frozenset, *, required: bool) -> None:
    if not isinstance(values, list):
        _add(errors, field, _("Deve essere un elenco di valori."))
        return
    if required and not values:
        _add(errors, field, _("Indicare almeno un tipo di soggetto ammesso."))
    unknown = [str(v) for v in values if v not in allowed]
    if unknown:
        _add(
            errors,
            field,
            _("Valori non ammessi: %(unknown)s (ammessi: %(allowed)s).")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
        )
    if len(set(map(str, values))) != len(values):
        _add(errors, field, _("Lo stesso valore è indicato più volte."))


def _has_cached(instance, field: str) -> bool:
    return instance._meta.get_field(field).is_cached(instance)


def _cached_value(instance, field: str):
    descriptor = instance._meta.get_field(field)
    return descriptor.get_cached_value(instance, None)
