"""The notice of intended rejection (preavviso di rigetto, art. 10-bis L. 241/1990): sent by the officer,
answered by the applicant with observations (and a document) within the term."""

from datetime import datetime

from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from grants.evaluation import permissions, selectors, services
from grants.evaluation.models import OBSERVATION_DAYS

from . import router
from .access import staff_application

OPTIONAL_FILE = File(None)  # a multipart part that may be absent


class RejectionNoticeIn(Schema):
    reasons: str = Field(description="I motivi che ostano all'accoglimento, comunicati via PEC")
    term_days: int = Field(
        OBSERVATION_DAYS, description="Giorni per le osservazioni dalla consegna della PEC (da 10 a 60)"
    )


class ObservationsIn(Schema):
    observations: str = Field(description="Le osservazioni scritte del proponente")


class RejectionNoticeOut(Schema):
    id: int
    application_id: int
    status: str = Field(description="open | observed | lapsed")
    reasons: str
    term_days: int
    deadline: datetime | None = Field(
        description=(
            "Fine del termine per le osservazioni; vuota finché la PEC non è consegnata o, senza PEC, "
            "finché il preavviso non è letto nell'area riservata"
        )
    )
    term_from_reading: bool = Field(description="Senza PEC: il termine decorre dalla presa visione")
    seen_at: datetime | None = Field(description="Prima lettura da parte del proponente (presa visione)")
    observations: str
    has_document: bool
    observed_at: datetime | None


def _out(notice) -> dict:
    return {
        "id": notice.pk,
        "application_id": notice.application_id,
        "status": notice.status,
        "reasons": notice.reasons,
        "term_days": notice.term_days,
        "deadline": notice.deadline,
        "term_from_reading": notice.term_from_reading,
        "seen_at": notice.seen_at,
        "observations": notice.observations,
        "has_document": bool(notice.observations_document),
        "observed_at": notice.observed_at,
    }


@router.post(
    "/evaluation/applications/{application_id}/rejection-notices", response={201: RejectionNoticeOut}
)
def post_rejection_notice(request, application_id: int, payload: RejectionNoticeIn):
    """The officer sends the notice (by PEC): the formal check waits for the observations or the term."""
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    notice = services.notify_intended_rejection(
        actor=request.auth, application=application, reasons=payload.reasons, term_days=payload.term_days
    )
    return Status(201, _out(notice))


@router.get("/evaluation/applications/{application_id}/rejection-notices", response=list[RejectionNoticeOut])
def list_rejection_notices(request, application_id: int):
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    return [_out(notice) for notice in selectors.rejection_notices(application)]


@router.get("/rejection-notices/{notice_id}", response=RejectionNoticeOut)
def get_rejection_notice(request, notice_id: int):
    """For the applicant: a notice addressed to one of their organisations. The first reading by a member
    is recorded (presa visione): without a PEC, the term runs from it."""
    notice = selectors.rejection_notice_for_user(request.auth, notice_id)
    return _out(services.record_reading(actor=request.auth, target=notice))


@router.post("/rejection-notices/{notice_id}/observations", response=RejectionNoticeOut)
def post_observations(
    request,
    notice_id: int,
    payload: Form[ObservationsIn],
    document: UploadedFile | None = OPTIONAL_FILE,
):
    """The applicant's observations (multipart form: ``observations`` and, optional, ``document``, a PDF or
    a signed .p7m), within the term."""
    notice = selectors.rejection_notice_for_user(request.auth, notice_id)
    notice = services.submit_observations(
        actor=request.auth, notice=notice, text=payload.observations, document=document
    )
    return _out(notice)
