"""Sending the application (idempotent), its PDF receipt and its withdrawal."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Header, Status
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticValidationError

from grants.applications import progress, selectors, services
from grants.applications.models import Application, Arrival
from grants.applications.receipt import receipt_filename, render_receipt_pdf
from grants.applications.tasks import stored_receipt
from grants.core.errors import WrongState

from ..problems import problem_response
from . import router
from .common import application_of, detail
from .schemas import ApplicationOut, SubmissionOut, SubmitIn, WithdrawIn


def _submission(application: Application, arrival: Arrival, status_url: str) -> dict:
    return {
        "id": application.pk,
        "status": application.status,
        "arrival": {
            "number": arrival.pk,
            "arrived_at": arrival.arrived_at,
            "sequenced_at": arrival.sequenced_at,
        },
        "protocol": application.protocol,
        "protocol_year": application.protocol_year,
        "protocol_number": application.protocol_number,
        "submitted_at": application.submitted_at,
        "fingerprint": application.fingerprint,
        "booking_outcome": application.booking_outcome,
        "requested_grant": application.requested_grant,
        "status_url": status_url,
        "receipt_url": reverse("api:download_application_receipt", kwargs={"application_id": application.pk}),
        "next": progress.next_step(application, arrival),
    }


@router.post(
    "/applications/{application_id}/submit",
    response={202: SubmissionOut},
    openapi_extra={
        "responses": {
            202: {
                "description": "Domanda ricevuta: l'arrivo è registrato. Il numero di protocollo e l'esito "
                "della prenotazione seguono in ordine di arrivo (Location: lo stato della domanda).",
                "headers": {
                    "Location": {"schema": {"type": "string"}, "description": "Lo stato della domanda"},
                    "Idempotent-Replayed": {
                        "schema": {"type": "string", "enum": ["true", "false"]},
                        "description": "true: la stessa chiave era già stata ricevuta, stessa risposta",
                    },
                },
            }
        }
    },
)
def submit_application(
    request,
    application_id: int,
    payload: SubmitIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    if not idempotency_key or not idempotency_key.strip():
        return problem_response(
            400,
            detail="Manca l'intestazione Idempotency-Key: serve a non inviare due volte la stessa domanda.",
            errors=[
                {"code": "required", "field": "Idempotency-Key", "message": "Intestazione obbligatoria."}
            ],
        )
    # By id: the intake reads and locks the row itself, and another's application does not exist (404).
    result = services.submit(
        actor=request.auth,
        application=application_id,
        idempotency_key=idempotency_key,
        declarations_accepted=payload.declarations_accepted,
    )
    # The same key always gets the same arrival; a repeated request is only marked by this header.
    response["Idempotent-Replayed"] = "false" if result.created else "true"
    status_url = reverse("api:get_application", kwargs={"application_id": application_id})
    response["Location"] = status_url
    arrival = result.arrival or selectors.arrival(result.application)
    if arrival is None:  # sent before arrivals were recorded: nothing to report but the application
        raise WrongState("La domanda è già stata inviata.", code="already_submitted")
    return Status(202, _submission(result.application, arrival, status_url))


@router.get(
    "/applications/{application_id}/receipt.pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "La ricevuta di invio in PDF (numero di protocollo, dati inviati, impronta).",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            409: {"description": "La domanda non è ancora stata inviata."},
        }
    },
)
def download_application_receipt(request, application_id: int):
    """The PDF receipt of a submitted application (409 before submission)."""
    application = application_of(request, application_id)
    if application.protocol_number is None:
        raise WrongState("La ricevuta esiste solo per le domande inviate.", code="not_submitted")
    # The copy the worker stored at submission, else rendered now (no broker, or not made yet).
    pdf = stored_receipt(application) or render_receipt_pdf(application)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(application)}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationOut,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": WithdrawIn.model_json_schema()}},
        }
    },
)
def withdraw_application(request, application_id: int):
    """Withdraw a draft or a submitted application before the deadline. The body is optional (clients of
    version 1.0 send none): ``reason``, asked on the page, is kept in the audit trail with the withdrawal."""
    application = application_of(request, application_id)
    try:
        sent = request.content_type == "application/json" and request.body.strip()
        payload = WithdrawIn.model_validate_json(request.body) if sent else WithdrawIn()
    except PydanticValidationError as exc:
        raise ValidationError(exc.errors(include_url=False)) from None
    application = services.withdraw(actor=request.auth, application=application, reason=payload.reason)
    return detail(application)
