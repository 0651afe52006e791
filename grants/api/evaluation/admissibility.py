"""Admissibility: the call's checklist, the officer's review, integration requests and the notices the
applicant reads."""

import json

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.pagination import paginate

from grants.applications import selectors as application_selectors
from grants.applications.models import Application
from grants.evaluation import permissions, selectors, services
from grants.evaluation.services import ChecklistAnswer, ChecklistItemInput

from ..pagination import LazyRows, Ordering, Pagination
from . import router
from .access import staff_application, staff_call
from .schemas import (
    AdmissibilityIn,
    AdmissibilityOut,
    ChecklistIn,
    ChecklistItemOut,
    IntegrationAnswerIn,
    IntegrationRequestIn,
    IntegrationRequestOut,
    NoticeOut,
)


def _admissibility(application: Application) -> dict:
    application.refresh_from_db()
    review = selectors.review_of(application)
    return {
        "application_id": application.pk,
        "status": application.status,
        "outcome": review.outcome if review else "pending",
        "reasons": review.reasons if review else "",
        "decided_at": review.decided_at if review else None,
        "checklist": [
            {
                "item_id": row.item.pk,
                "code": row.item.code,
                "title": row.item.title,
                "satisfied": row.satisfied,
                "note": row.note,
            }
            for row in selectors.checklist_rows(application)
        ],
        "automatic_checks": selectors.automatic_checks(application),
        "project_lines": list(review.project_lines or []) if review else [],
        "available_project_lines": list(selectors.project_lines(application.call)),
    }


# --- admissibility ------------------------------------------------------------------------------------------
@router.get("/evaluation/calls/{call_id}/checklist", response=list[ChecklistItemOut])
def get_checklist(request, call_id: int):
    return selectors.checklist(staff_call(request, call_id, permissions.can_view_evaluation))


@router.put("/evaluation/calls/{call_id}/checklist", response=list[ChecklistItemOut])
def put_checklist(request, call_id: int, payload: ChecklistIn):
    call = staff_call(request, call_id, permissions.can_configure_checklist)
    return services.save_checklist(
        actor=request.auth,
        call=call,
        items=[
            ChecklistItemInput(code=i.code, title=i.title, description=i.description) for i in payload.items
        ],
    )


@router.get("/evaluation/applications/{application_id}/admissibility", response=AdmissibilityOut)
def get_admissibility(request, application_id: int):
    return _admissibility(staff_application(request, application_id, permissions.can_check_admissibility))


@router.post("/evaluation/applications/{application_id}/admissibility", response=AdmissibilityOut)
def post_admissibility(request, application_id: int, payload: AdmissibilityIn):
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    services.record_admissibility(
        actor=request.auth,
        application=application,
        answers={a.item_id: ChecklistAnswer(satisfied=a.satisfied, note=a.note) for a in payload.answers},
        outcome=payload.outcome or None,
        reasons=payload.reasons,
        project_lines=payload.project_lines,
    )
    return _admissibility(application)


# --- integration requests -----------------------------------------------------------------------------------
@router.post(
    "/evaluation/applications/{application_id}/integration-requests", response={201: IntegrationRequestOut}
)
def post_integration_request(request, application_id: int, payload: IntegrationRequestIn):
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    integration = services.request_integration(
        actor=request.auth,
        application=application,
        items=payload.items,
        message=payload.message,
        deadline=payload.deadline,
        signature_required=payload.signature_required,
    )
    return Status(201, integration)


@router.get("/integration-requests/{request_id}", response=IntegrationRequestOut)
def get_integration_request(request, request_id: int):
    """For the applicant: a request addressed to one of their organisations. The first reading by a member
    is recorded (presa visione): without a PEC, the term runs from it."""
    integration = selectors.integration_request_for_user(request.auth, request_id)
    return services.record_reading(actor=request.auth, target=integration)


@router.post("/integration-requests/{request_id}/answer", response=IntegrationRequestOut)
def answer_integration_request(request, request_id: int, payload: IntegrationAnswerIn):
    integration = selectors.integration_request_for_user(request.auth, request_id)
    return services.answer_integration(actor=request.auth, request=integration, responses=payload.responses)


RESPONSES_HELP = 'Le risposte in JSON, per elemento: {"<id elemento>": "testo"}'
DOCUMENT_HELP = "document-<id elemento>: il documento (PDF, anche firmato, o .p7m)"


@router.post(
    "/integration-requests/{request_id}/answer-with-documents",
    response=IntegrationRequestOut,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["responses"],
                        "properties": {
                            "responses": {
                                "type": "string",
                                "description": RESPONSES_HELP,
                            }
                        },
                        "additionalProperties": {
                            "type": "string",
                            "format": "binary",
                            "description": DOCUMENT_HELP,
                        },
                    }
                }
            },
            "required": True,
        }
    },
)
def answer_integration_with_documents(request, request_id: int):
    """The answer as multipart/form-data: ``responses`` (JSON, as for ``…/answer``) and one file part
    ``document-<item id>`` per item that carries a document; required and verified when the request asks
    for signed documents. Nothing is stored when anything is refused."""
    integration = selectors.integration_request_for_user(request.auth, request_id)
    return services.answer_integration(
        actor=request.auth,
        request=integration,
        responses=_responses(request.POST.get("responses", "")),
        documents=_documents(request.FILES),
    )


def _responses(raw: str) -> dict[int, str]:
    """``{"<item id>": "text"}`` from the form field, or the 422 that names it."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError
        return {int(key): str(value) for key, value in data.items()}
    except (ValueError, TypeError, OverflowError):
        raise services.EvaluationError(
            _("Risposte non valide."),
            errors=[
                {
                    "code": "invalid",
                    "field": "responses",
                    "message": _('Indicare le risposte in JSON: {"<id elemento>": "testo"}.'),
                }
            ],
        ) from None


def _documents(files) -> dict[int, object]:
    found = {}
    for name, uploaded in files.items():
        prefix, _sep, key = name.partition("document-")
        if prefix or not key.isdigit():
            raise services.EvaluationError(
                _("Parte del modulo non prevista."),
                errors=[{"code": "unknown_part", "field": name[:100], "message": _("Parte non prevista.")}],
            )
        found[int(key)] = uploaded
    return found


NOTICE_ORDERING = Ordering("-created_at", created_at="created_at")


class NoticeFilters(Schema):
    ordering: NOTICE_ORDERING.choices = NOTICE_ORDERING.field()


def _notice(notice) -> dict:
    return {
        "id": notice.pk,
        "application_id": notice.application_id,
        "subject": notice.subject,
        "body": notice.body,
        "created_at": notice.created_at,
    }


@router.get("/applications/{application_id}/notices", response=list[NoticeOut])
@paginate(Pagination, page_size=20)
def list_notices(request, application_id: int, filters: Query[NoticeFilters]):
    """For the applicant: the communications about one of their applications (404 for anyone else's)."""
    if not application_selectors.applications_for_user(request.auth).filter(pk=application_id).exists():
        raise Http404
    notices = selectors.notices_for_user(request.auth).filter(application_id=application_id)
    return LazyRows(NOTICE_ORDERING.apply(notices, filters.ordering), _notice)
