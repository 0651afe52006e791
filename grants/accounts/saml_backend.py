"""SPID / CIE sign-in: the person is identified by their codice fiscale (``fiscalNumber``), never by e-mail.

- ``fiscalNumber`` arrives as ``TINIT-RSSMRA80A01H501U``: the ``TINIT-`` prefix is removed, the code
  upper-cased;
- an account with that codice fiscale signs in (its name is refreshed from the identity provider);
- otherwise a new account is created with the e-mail, name and family name the identity provider sent;
- if that e-mail already belongs to another account, the two are never merged silently: the sign-in is refused
  with a message that says what to do.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from djangosaml2.backends import Saml2Backend
from stdnum.it import codicefiscale

logger = logging.getLogger(__name__)

FISCAL_NUMBER_PREFIX = "TINIT-"
REFUSAL_REQUEST_ATTRIBUTE = "spid_refusal"


def fiscal_code_from_fiscal_number(value: str | None) -> str | None:
    """``TINIT-rssmra80a01h501u`` → ``RSSMRA80A01H501U``; None unless a valid Italian codice fiscale."""
    if not value:
        return None
    code = value.strip().upper()
    if code.startswith(FISCAL_NUMBER_PREFIX):
        code = code[len(FISCAL_NUMBER_PREFIX) :]
    code = code.replace(" ", "")
    if len(code) != 16 or not codicefiscale.is_valid(code):
        return None
    return code


def _first(attributes: dict, name: str) -> str:
    values = attributes.get(name) or []
    return (values[0] or "").strip() if values else ""


class SpidBackend(Saml2Backend):
    """djangosaml2 backend that matches and creates accounts by codice fiscale."""

    def authenticate(self, request, session_info=None, attribute_mapping=None, **kwargs):
        try:
            return super().authenticate(
                request, session_info=session_info, attribute_mapping=attribute_mapping, **kwargs
            )
        except PermissionDenied as refusal:
            # django.contrib.auth swallows PermissionDenied: keep the reason for the error page.
            if request is not None:
                setattr(request, REFUSAL_REQUEST_ATTRIBUTE, str(refusal))
            raise

    @property
    def _user_lookup_attribute(self) -> str:
        return "fiscal_code"

    def clean_user_main_attribute(self, main_attribute):
        code = fiscal_code_from_fiscal_number(main_attribute)
        if main_attribute and code is None:
            raise PermissionDenied(
                _(
                    "L'identità digitale non ha comunicato un codice fiscale italiano valido: "
                    "accesso non possibile."
                )
            )
        return code

    def get_or_create_user(
        self,
        user_lookup_key,
        user_lookup_value,
        create_unknown_user,
        idp_entityid,
        attributes,
        attribute_mapping,
        request,
    ):
        User = get_user_model()
        user = User.objects.filter(fiscal_code=user_lookup_value).first()
        if user is not None:
            return user, False
        if not create_unknown_user:
            return None, False

        email = User.objects.normalize_email(_first(attributes, "email")).lower()
        if not email:
            raise PermissionDenied(
                _(
                    "L'identità digitale non ha comunicato un indirizzo e-mail: autorizza la condivisione "
                    "dell'e-mail presso il gestore e riprova."
                )
            )
        owner = User.objects.filter(email__iexact=email).first()
        if owner is not None:
            logger.warning(
                "SPID/CIE sign-in refused: e-mail already used by account %s with another or no fiscal code",
                owner.pk,
            )
            if owner.fiscal_code:
                raise PermissionDenied(
                    _(
                        "L'indirizzo e-mail %(email)s è già usato da un altro account, intestato a un altro "
                        "codice fiscale. Contatta l'assistenza."
                    )
                    % {"email": email}
                )
            raise PermissionDenied(
                _(
                    "Esiste già un account con l'indirizzo e-mail %(email)s, che non è collegato a "
                    "un'identità SPID o CIE. Per sicurezza i due accessi non vengono uniti automaticamente: "
                    "accedi con e-mail e password, oppure contatta l'assistenza per collegare la tua "
                    "identità digitale."
                )
                % {"email": email}
            )
        user = User(
            email=email,
            fiscal_code=user_lookup_value,
            first_name=_first(attributes, "name")[:150],
            last_name=_first(attributes, "familyName")[:150],
        )
        user.set_unusable_password()
        return user, True

    def save_user(self, user, *args, **kwargs):
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:
            # Two first sign-ins of the same person at once, or an e-mail taken in between.
            raise PermissionDenied(_("Accesso non riuscito: riprova tra qualche istante.")) from error
        return user
