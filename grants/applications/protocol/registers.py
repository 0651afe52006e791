"""The protocol register behind the segnatura: pluggable, chosen by ``settings.PROTOCOL_REGISTER_ADAPTER``
(a dotted path to a ``ProtocolRegister`` class).

The default, ``InternalRegister``, is the platform's own: the application took its number from the gapless
per-year counter at submission (grants.applications.sequencing), so registering confirms that number and
the day. An adapter to the Region's protocol system (an external register) implements ``register`` against
it; every adapter must pass the contract test (grants/applications/tests/test_protocol_register.py):
a registration of at least seven digits, dated, in the configured register, and the same answer for the same
segnatura (registering again must not take a new number).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string

from .segnatura import Segnatura


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


def get_register() -> ProtocolRegister:
    adapter = import_string(settings.PROTOCOL_REGISTER_ADAPTER)
    register = adapter()
    if not isinstance(register, ProtocolRegister):
        raise TypeError(f"{settings.PROTOCOL_REGISTER_ADAPTER} is not a ProtocolRegister")
    return register
