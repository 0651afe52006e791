"""The segnatura of a submitted application: the applicant organisation sends, the Region's AOO receives,
the document is the data sent (its SHA-256 fingerprint, taken at submission), the registration is the one
the configured register gives (``registers.get_register``)."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from grants.core.timeutils import in_rome

from ..fingerprint import fingerprint_of
from ..models import Application, ProtocolRegistration
from ..services.common import ApplicationError
from .registers import ProtocolRegister, get_register
from .seal import sealed
from .segnatura import Classifica, Destinatario, Documento, Identificatore, Mittente, Segnatura, to_xml


class NotProtocolled(ApplicationError):
    status = 409
    code = "not_protocolled"


def document_name(application: Application) -> str:
    return f"domanda-{application.protocol.replace('/', '-')}.json"


def segnatura_of(application: Application) -> Segnatura:
    """The segnatura with the internal registration (number and day of the submission)."""
    if not application.protocol or application.submitted_at is None:
        raise NotProtocolled(_("La domanda non è protocollata: non ha una segnatura."))
    organisation = application.applicant
    sha256 = application.fingerprint or fingerprint_of(application.submitted_data or {})
    return Segnatura(
        identificatore=Identificatore(
            codice_amministrazione=settings.PROTOCOL_IPA_CODE,
            codice_aoo=settings.PROTOCOL_AOO_CODE,
            codice_registro=settings.PROTOCOL_REGISTER_CODE,
            numero_registrazione=application.protocol.split("/")[1],
            data_registrazione=in_rome(application.submitted_at).date(),
        ),
        mittente=Mittente(
            denominazione=organisation.name,
            codice_fiscale=organisation.fiscal_code,
            indirizzo_telematico=organisation.pec,
        ),
        destinatario=Destinatario(
            denominazione=settings.PROTOCOL_ADMINISTRATION_NAME,
            codice_amministrazione=settings.PROTOCOL_IPA_CODE,
            codice_aoo=settings.PROTOCOL_AOO_CODE,
            indirizzo_telematico=settings.PEC_FROM_EMAIL,
        ),
        oggetto=_("Domanda di contributo «%(title)s» – bando «%(call)s» (%(code)s)")
        % {"title": application.title, "call": application.call.title, "code": application.call.code},
        documento=Documento(nome=document_name(application), sha256_hex=sha256, tipo_mime="application/json"),
        classifica=Classifica(
            denominazione=settings.PROTOCOL_CLASSIFICATION_NAME, codice=settings.PROTOCOL_CLASSIFICATION_CODE
        ),
    )


def registration_of(
    application: Application, register: ProtocolRegister | None = None
) -> ProtocolRegistration:
    """The application's registration in the protocol register: asked once and stored (the register's
    contract makes a second request give the same answer, so a race only writes the same values)."""
    stored = ProtocolRegistration.objects.filter(application=application).first()
    if stored is not None:
        return stored
    register = register or get_register()
    registered = register.register(segnatura_of(application))
    stored, _created = ProtocolRegistration.objects.get_or_create(
        application=application,
        defaults={
            "number": registered.number,
            "registered_on": registered.date,
            "register_code": registered.register_code,
            "adapter": f"{type(register).__module__}.{type(register).__qualname__}",
        },
    )
    return stored


def registered_segnatura(application: Application, register: ProtocolRegister | None = None) -> Segnatura:
    """The segnatura with the registration the register gave (stored after the first time)."""
    proposed = segnatura_of(application)
    stored = registration_of(application, register)
    return proposed.registered_as(
        number=stored.number, day=stored.registered_on, register_code=stored.register_code
    )


def segnatura_xml(application: Application) -> bytes:
    """The registered segnatura as XML, sealed by the AOO when a seal is configured (``seal``)."""
    return sealed(to_xml(registered_segnatura(application)))


def segnatura_filename(application: Application) -> str:
    return f"segnatura-{application.protocol.replace('/', '-')}.xml"


def segnatura_response(application: Application) -> HttpResponse:
    """The Segnatura.xml as a download (page and API alike)."""
    response = HttpResponse(segnatura_xml(application), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{segnatura_filename(application)}"'
    response["Cache-Control"] = "no-store"
    return response
