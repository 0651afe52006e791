"""What the applications endpoints share: finding the caller's application, its answer, field errors of
the API's own lookups, a document's download."""

from grants.applications import document_access, selectors
from grants.applications.models import Application

from ..problems import problem_response


def application_of(request, application_id: int) -> Application:
    """One of the caller's organisations' applications (404 for any other: DoesNotExist)."""
    return selectors.application_for_user(request.auth, application_id)


def invalid(errors: list[dict]):
    """The API's own lookups of the payload's ids and codes failed: 422 with the fields."""
    return problem_response(422, detail="I dati inviati non sono validi.", errors=errors)


def document_download(request, find, open_document):
    """Find the document (404 when absent), open it for the caller (403 when refused), stream it."""
    document = find()
    handle = open_document(actor=request.auth, document=document, request=request)
    return document_access.download_response(handle, document)


def summary(application: Application) -> dict:
    return {
        "id": application.pk,
        "call_id": application.call_id,
        "call_code": application.call.code,
        "applicant_id": application.applicant_id,
        "applicant_name": application.applicant.name,
        "title": application.title,
        "status": application.status,
        "booking_outcome": application.booking_outcome,
        "total_cost": application.total_cost,
        "requested_grant": application.requested_grant,
        "protocol": application.protocol,
        "submitted_at": application.submitted_at,
    }


def arrival_of(application: Application) -> dict | None:
    if application.submitted_at is None:
        return None
    arrival = selectors.arrival(application)
    if arrival is None:  # submitted before arrivals were recorded
        return None
    return {"number": arrival.pk, "arrived_at": arrival.arrived_at, "sequenced_at": arrival.sequenced_at}


def detail(application: Application) -> dict:
    partners = application.partners.select_related("organisation").order_by("order", "pk")
    lines = application.budget_lines.select_related("category").order_by("order", "pk")
    return {
        **summary(application),
        "arrival": arrival_of(application),
        "abstract": application.abstract,
        "partnership_name": application.partnership_name,
        "cofinancing": application.cofinancing,
        "booked_amount": application.booked_amount,
        "fingerprint": application.fingerprint,
        "withdrawn_at": application.withdrawn_at,
        "municipality_codes": sorted(application.municipalities.values_list("istat_code", flat=True)),
        "district_codes": sorted(application.districts.values_list("code", flat=True)),
        "province_codes": sorted(application.provinces.values_list("istat_code", flat=True)),
        "partners": [
            {
                "id": p.pk,
                "organisation_id": p.organisation_id,
                "name": p.display_name,
                "legal_form": p.effective_legal_form,
                "role": p.role,
                "share_percent": p.share_percent,
                "confirmed_at": p.confirmed_at,
                "email": p.email,
                "invitation_sent_at": p.invitation_sent_at,
            }
            for p in partners
        ],
        "documents": [
            {
                "id": document.pk,
                "code": document.required_document.code,
                "partner_id": document.partner_id,
                "original_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "uploaded_at": document.created_at,
                "signature": {
                    "format": document.signature_format,
                    "signer_name": document.signer_name,
                    "signer_fiscal_code": document.signer_fiscal_code,
                    "signed_at": document.signed_at,
                }
                if document.signature_format
                else None,
            }
            for document in application.documents.select_related("required_document").order_by(
                "required_document__order", "required_document__code", "pk"
            )
        ],
        "stamp_duty": {
            "number": application.stamp_duty_number,
            "issued_on": application.stamp_duty_issued_on,
            "exemption": application.stamp_duty_exemption,
            "legal_basis": application.stamp_duty_legal_basis,
        },
        "budget_lines": [
            {
                "id": line.pk,
                "category": line.category.code,
                "cost_option": line.category.cost_option,
                "partner_id": line.partner_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit_rate": line.unit_rate,
                "amount": line.amount,
                "is_computed": line.is_computed,
            }
            for line in lines
        ],
    }
