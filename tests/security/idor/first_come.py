"""IDOR cases of the sportello's notice of intended rejection on a score below the minimum (art. 10-bis),
and of the stored protocol registration of A's application: staff of A's calls only."""

from grants.applications.models import Application
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import RejectionNotice
from grants.evaluation.tests import factories as evaluation_factories

from .evaluation import _cached, _officer, _submitted_by_a
from .officers import _document_of_a, _document_secrets
from .world import Case, World

SCORE_NOTICE_SECRET = "Punteggio riservato sotto il minimo della Cooperativa Alfa"
BELOW_TITLE = "Progetto Alfa sotto il minimo"


def _below_minimum_of_a(w: World) -> Application:
    """A's booked application on a first-come call, scored below the minimum; the officer sent the notice
    and A answered with observations: the officer may now decide."""

    def build():
        from decimal import Decimal

        officer = _officer(w)
        call = evaluation_factories.scored_call(
            first_come=True, budget=Decimal("100000.00"), min_grant=None, max_grant=None
        )
        application = _submitted_by_a(w, call, BELOW_TITLE)
        evaluation_factories.admissible(application, actor=officer)
        evaluation_factories.panel_with(call, members=1, per_application=1, actor=officer)
        evaluation_services.auto_assign(actor=officer, call=call)
        evaluation_factories.evaluate(application.assignments.get(), evaluation_factories.LOW_MARKS)
        application.refresh_from_db()
        notice = evaluation_services.notify_intended_rejection(
            actor=officer, application=application, reasons=SCORE_NOTICE_SECRET
        )
        notice = evaluation_services.record_reading(actor=w.user_a, target=notice)
        evaluation_services.submit_observations(actor=w.user_a, notice=notice, text="Osservazioni di A.")
        application.refresh_from_db()
        return application

    return _cached(w, "below_minimum", build)


def _secrets(w: World) -> list[str]:
    return [SCORE_NOTICE_SECRET, BELOW_TITLE, _below_minimum_of_a(w).protocol]


def _state(w: World):
    application = _below_minimum_of_a(w)
    application.refresh_from_db()
    notices = RejectionNotice.objects.filter(application=application)
    return (
        application.status,
        application.booking_outcome,
        list(notices.values_list("pk", "status", "outcome")),
    )


def _page_args(w: World) -> dict:
    application = _below_minimum_of_a(w)
    return {"code": application.call.code, "pk": application.pk}


FIRST_COME_PAGE_CASES: dict[str, Case] = {
    "evaluation:desk_notice": Case(
        args=_page_args,
        method="post",
        body=lambda w: {"reasons": "Preavviso di B", "term_days": "10", "confirm": "on"},
        secrets=_secrets,
        unchanged=_state,
    ),
    "evaluation:desk_notice_decision": Case(
        args=_page_args,
        method="post",
        body=lambda w: {"outcome": "not_eligible", "reasons": "Decisa da B", "confirm": "on"},
        secrets=_secrets,
        unchanged=_state,
    ),
}
FIRST_COME_API_CASES: dict[str, Case] = {
    "grants_api_evaluation_post_rejection_decision": Case(
        args=lambda w: {"application_id": _below_minimum_of_a(w).pk},
        method="post",
        body=lambda w: {"outcome": "not_eligible", "reasons": "Decisa da B"},
        secrets=_secrets,
        unchanged=_state,
    ),
    "grants_api_applications_get_protocol_registration": Case(
        args=lambda w: {"application_id": _document_of_a(w)["pk"]}, secrets=_document_secrets
    ),
}
