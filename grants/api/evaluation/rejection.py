"""The notice of intended rejection (preavviso di rigetto, art. 10-bis L. 241/1990): sent by the officer,
answered by the applicant with observations (and a document) within the term. The same endpoints serve the
formal check and, on first-come calls, a score below the minimum (``stage``); after the formal check the
decision is the admissibility one (``…/admissibility``), after a score it is ``…/rejection-decision``."""

from datetime import datetime
from typing import Literal

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


class RejectionDecisionIn(Schema):
    outcome: Literal["not_eligible", "accepted"] = Field(
        description=(
            "not_eligible: non idonea (irreversibile: la prenotazione è liberata e la lista d'attesa "
            "scorre); accepted: osservazioni accolte, la domanda torna valutata e il nucleo fissa un "
            "nuovo punteggio"
        )
    )
    reasons: str = Field(description="Motivazione; se non idonea, perché le osservazioni non sono accolte")


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
    stage: str = Field(
        description="admissibility (istruttoria formale) | score (punteggio sotto il minimo, sportello)"
    )
    seen_at: datetime | None = Field(description="Prima lettura da parte del proponente (presa visione)")
    observations: str
    has_document: bool
    observed_at: datetime | None
    outcome: str = Field(description="Solo stage=score: '' | not_eligible | accepted")
    outcome_reasons: str
    decided_at: datetime | None


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
        "stage": notice.stage,
        "outcome": notice.outcome,
        "outcome_reasons": notice.outcome_reasons,
        "decided_at": notice.decided_at,
    }


@router.post(
    "/evaluation/applications/{application_id}/rejection-notices", response={201: RejectionNoticeOut}
)
def post_rejection_notice(request, application_id: int, payload: RejectionNoticeIn):
    """The officer sends the notice (by PEC): from the formal check (a submitted application) or, on a
    first-come call, for an evaluated application below the minimum (flagged in the desk queue). The
    decision waits for the observations or the end of their term."""
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    notice = services.notify_intended_rejection(
        actor=request.auth, application=application, reasons=payload.reasons, term_days=payload.term_days
    )
    return Status(201, _out(notice))


@router.get("/evaluation/applications/{application_id}/rejection-notices", response=list[RejectionNoticeOut])
def list_rejection_notices(request, application_id: int):
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    return [_out(notice) for notice in selectors.rejection_notices(application)]


@router.post(
    "/evaluation/applications/{application_id}/rejection-decision",
    response=RejectionNoticeOut,
    openapi_extra={
        "responses": {
            404: {"description": "Domanda non trovata o di un bando su cui non si lavora."},
            409: {"description": "Nessun preavviso sul punteggio in attesa, o termine in corso."},
        }
    },
)
def post_rejection_decision(request, application_id: int, payload: RejectionDecisionIn):
    """First-come calls, after the notice on a score below the minimum and its term: not eligible (with
    why the observations were not accepted; the booking goes to the waiting list) or observations accepted
    (back to evaluated, for the panel to re-score). After a notice of the formal check the decision is
    ``POST …/admissibility``."""
    application = staff_application(request, application_id, permissions.can_check_admissibility)
    notice = services.decide_below_minimum(
        actor=request.auth, application=application, outcome=payload.outcome, reasons=payload.reasons
    )
    return _out(notice)


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
