"""The protocol register behind the segnatura: pluggable, chosen by ``settings.PROTOCOL_REGISTER_ADAPTER``
(a dotted path to a ``ProtocolRegister`` class).

The default, ``InternalRegister``, is the platform's own: the application took its number from the gapless
per-year counter at submission (grants.applications.sequencing), so registering confirms that number and
the day. ``HttpRegister`` reaches the Region's protocol system over HTTP(S): it POSTs the segnatura (AgID
XML) and stores the registration the system gives. Every adapter must pass the contract test
(grants/applications/tests/test_protocol_register.py, the HTTP one against a local server the test starts):
a registration of at least seven digits, dated, in a register, and the same answer for the same segnatura
(registering again must not take a new number).
"""

import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from lxml import etree

from ..services.common import ApplicationError
from .seal import sealed
from .segnatura import NAMESPACE, Segnatura, to_xml

MAX_ANSWER_BYTES = 1024 * 1024
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}


@dataclass(frozen=True)
class RegisteredProtocol:
    number: str  # NumeroRegistrazione: at least seven digits
    date: date  # DataRegistrazione
    register_code: str  # CodiceRegistro


class ProtocolRegister(ABC):
    @abstractmethod
    def register(self, segnatura: Segnatura) -> RegisteredProtocol:
        """Register the document the segnatura describes (idempotent for the same segnatura)."""


class InternalRegister(ProtocolRegister):
    """The platform's register: the number and day given at submission, in the configured register."""

    def register(self, segnatura: Segnatura) -> RegisteredProtocol:
        identificatore = segnatura.identificatore
        return RegisteredProtocol(
            number=identificatore.numero_registrazione,
            date=identificatore.data_registrazione,
            register_code=settings.PROTOCOL_REGISTER_CODE,
        )


class ProtocolUnavailable(ApplicationError):
    """The external protocol system could not be reached or answered something unreadable: nothing is stored,
    the registration is asked again later (the task retries; a download answers 503)."""

    status = 503
    code = "protocol_unavailable"


class HttpRegister(ProtocolRegister):
    """The Region's protocol system over HTTP(S).

    The request: ``POST settings.PROTOCOL_REGISTER_URL`` with the segnatura as ``application/xml`` (AgID's
    ``SegnaturaInformatica``, the number proposed being the platform's own), ``Authorization: Bearer
    PROTOCOL_REGISTER_TOKEN`` when set, and ``Idempotency-Key``: the document's SHA-256, so a system that
    honours it answers a repeated request with the first registration. The answer (2xx), either:

    - the segnatura the system recorded (``SegnaturaInformatica``): its ``Intestazione/Identificatore`` gives
      ``CodiceRegistro``, ``NumeroRegistrazione`` and ``DataRegistrazione``; or
    - JSON ``{"numero": "0001234", "data": "2026-03-02", "registro": "PROT_GEN"}``.

    Anything else (no answer, an error status, a number that is not seven or more digits, a date that is not
    one) raises ``ProtocolUnavailable``: nothing is stored.
    """

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.PROTOCOL_REGISTER_URL
        self.token = token if token is not None else settings.PROTOCOL_REGISTER_TOKEN
        self.timeout = timeout if timeout is not None else settings.PROTOCOL_REGISTER_TIMEOUT

    def register(self, segnatura: Segnatura) -> RegisteredProtocol:
        if not self.url.startswith(("https://", "http://")):
            raise ProtocolUnavailable(
                _("Il sistema di protocollo non è configurato (PROTOCOL_REGISTER_URL).")
            )
        headers = {
            "Content-Type": "application/xml; charset=utf-8",
            "Accept": "application/xml, application/json",
            "Idempotency-Key": segnatura.documento.sha256_hex,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The URL is the operator's setting, checked to be http(s) above.
        data = sealed(to_xml(segnatura))  # the AOO's seal when configured (seal.py)
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_ANSWER_BYTES + 1)
                kind = response.headers.get_content_type()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ProtocolUnavailable(
                _("Il sistema di protocollo non risponde: %(e)s") % {"e": str(error)[:200]}
            ) from error
        if len(body) > MAX_ANSWER_BYTES:
            raise ProtocolUnavailable(_("Il sistema di protocollo ha dato una risposta troppo grande."))
        try:
            registered = _from_json(body) if kind.endswith("json") else _from_segnatura(body)
        except (ValueError, KeyError, TypeError, etree.XMLSyntaxError) as error:
            raise ProtocolUnavailable(
                _("Il sistema di protocollo ha dato una risposta illeggibile: %(e)s")
                % {"e": str(error)[:200]}
            ) from error
        return _checked(registered)


def _from_json(body: bytes) -> RegisteredProtocol:
    answer = json.loads(body.decode("utf-8"))
    return RegisteredProtocol(
        number=str(answer["numero"]),
        date=date.fromisoformat(str(answer["data"])[:10]),
        register_code=str(answer["registro"]),
    )


def _from_segnatura(body: bytes) -> RegisteredProtocol:
    root = etree.fromstring(body, etree.XMLParser(**_PARSER_OPTIONS))
    found = root.find(f"{{{NAMESPACE}}}Intestazione/{{{NAMESPACE}}}Identificatore")
    if found is None:
        raise ValueError("no Intestazione/Identificatore")
    return RegisteredProtocol(
        number=found.findtext(f"{{{NAMESPACE}}}NumeroRegistrazione", "").strip(),
        date=date.fromisoformat(found.findtext(f"{{{NAMESPACE}}}DataRegistrazione", "").strip()[:10]),
        register_code=found.findtext(f"{{{NAMESPACE}}}CodiceRegistro", "").strip(),
    )


def _checked(registered: RegisteredProtocol) -> RegisteredProtocol:
    """What the stored registration must be (ProtocolRegistration's fields, the schema's formats)."""
    if not (registered.number.isdigit() and 7 <= len(registered.number) <= 20):
        raise ProtocolUnavailable(
            _("Il sistema di protocollo ha dato un numero non valido: «%(n)s».")
            % {"n": registered.number[:40]}
        )
    if not registered.register_code or len(registered.register_code) > 16:
        raise ProtocolUnavailable(_("Il sistema di protocollo non ha indicato un registro valido."))
    return registered


def get_register() -> ProtocolRegister:
    adapter = import_string(settings.PROTOCOL_REGISTER_ADAPTER)
    register = adapter()
    if not isinstance(register, ProtocolRegister):
        raise TypeError(f"{settings.PROTOCOL_REGISTER_ADAPTER} is not a ProtocolRegister")
    return register
