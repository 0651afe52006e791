"""How the API reads query strings, forms and JSON bodies: as django-ninja does, refusing U+0000.

A NUL character is never meaningful text, and PostgreSQL cannot store or even compare it (``DataError``:
"text fields cannot contain NUL"), so a filter or a field carrying one would end in a 500 there while SQLite
answers. Every text of a request is checked once here: the answer is a 422 problem naming the field
(``errors[].field``), as for any invalid input (ninja wraps a body parser's failure in a 400 HttpError; the
API's handler answers the ValidationError it was raised from). Path parameters are checked where the routes
are wrapped (grants/api/urls.py): a path with a NUL names no resource (404). Uploaded files are not text and
are left alone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    return _first_nul(value, ()) is not None


def _first_nul(value: Any, location: tuple) -> tuple | None:
    if isinstance(value, str):
        return location if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                return location
            found = _first_nul(item, (*location, key))
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _first_nul(item, (*location, index))
            if found is not None:
                return found
    return None


def _refuse_nul(value: Any, location: tuple) -> None:
    found = _first_nul(value, location)
    if found is not None:
        message = _("Il testo contiene un carattere nullo (U+0000), non ammesso.")
        raise ValidationError([{"loc": found, "msg": message, "type": "nul_character"}])


class NulRefusingParser(Parser):
    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_nul(data, ("body",))
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, ("query",))
        return result
