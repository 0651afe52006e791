"""A closed demo call ready for its ranking: on the closed ranking call of the demo edition, one application
of each demo organisation the call admits as lead, submitted while the call was open (the services run with
their clock set inside the window: grants.demo.calls.at), then — after the deadline, as in real life —
declared
admissible and scored by the demo evaluator. Nothing is left pending, so the head of measure can compute the
ranking and approve it (with the determinazione) from the call's evaluation page; the demo never does that
itself, so the step stays to be tried.

Idempotent: applications are found by their ``[DEMO]`` title; a step already done is not done again.
"""

from django.contrib.auth import get_user_model

from grants.applications.states import ApplicationStatus
from grants.core.timeutils import now
from grants.evaluation.models import Ranking, RankingStatus
from grants.programme.models import Call, CallMode, CallStatus

from .applications import _demo_organisations, _partners_for, _representative, eligible_leads
from .calls import at, noon_before
from .evaluation import prepare_for_evaluation, score_as_evaluator
from .projects import ADMIN_EMAIL, EVALUATOR_EMAIL, submitted_application

RANKING_CALL_CODE = "demo-2026-imprese-sociali"
# Per lead, in order: a title and the marks of the demo evaluator (the last is under criterion A's minimum).
PROPOSALS = [
    (
        "[DEMO] In graduatoria – Ambulatorio sociale di quartiere",
        {"A1": "23", "A2": "21", "B1": "26", "B2": "16"},
    ),
    (
        "[DEMO] In graduatoria – Trasporto sociale a chiamata",
        {"A1": "18", "A2": "16", "B1": "22", "B2": "14"},
    ),
    (
        "[DEMO] In graduatoria – Emporio solidale di comunità",
        {"A1": "10", "A2": "12", "B1": "20", "B2": "12"},
    ),
]


def ranking_call() -> Call | None:
    """The closed ranking call of the demo edition whose ranking is not approved yet."""
    return (
        Call.objects.filter(
            code=RANKING_CALL_CODE, mode=CallMode.RANKING, status=CallStatus.PUBLISHED, closes_at__lte=now()
        )
        .exclude(rankings__status=RankingStatus.APPROVED)
        .first()
    )


def load_demo_ranking() -> list[str]:
    """Prepare the closed call for its ranking (idempotent); returns the report lines."""
    users = get_user_model().objects.filter(is_active=True)
    admin = users.filter(email=ADMIN_EMAIL, is_superuser=True).first()
    evaluator = users.filter(email=EVALUATOR_EMAIL, is_staff=True).first()
    if admin is None or evaluator is None:
        return ["Graduatoria (demo): mancano gli utenti dimostrativi della Regione, nulla da fare"]
    call = ranking_call()
    if call is None:
        return ["Graduatoria (demo): nessun bando dimostrativo chiuso in attesa di graduatoria"]
    organisations = _demo_organisations()
    with at(noon_before(call.closes_at, 10)):  # who could apply while the call was open
        leads = eligible_leads(call, organisations)
    done, present = [], []
    for lead, (title, marks) in zip(leads, PROPOSALS, strict=False):
        actor = _representative(lead)
        with at(noon_before(call.closes_at, 10)):  # sent ten days before the deadline
            application = submitted_application(
                call,
                lead,
                _partners_for(call, lead, organisations),
                actor,
                title,
                f"demo-{call.code}-{lead.pk}",
            )
        if isinstance(application, str):
            done.append(f"«{title}» non inviata ({application})")
            continue
        if application.status == ApplicationStatus.SUBMITTED:
            prepare_for_evaluation(application, admin, evaluator)
            application.refresh_from_db()
        if application.status == ApplicationStatus.ADMISSIBLE and score_as_evaluator(
            application, evaluator, marks
        ):
            done.append(f"«{title}» valutata")
        else:
            present.append(application.protocol)
    computed = Ranking.objects.filter(call=call).exists()
    line = f"Graduatoria (demo) su «{call.code}»: "
    line += ", ".join(done) if done else f"già predisposta ({len(present)} domande valutate)"
    return [line + (", graduatoria calcolata" if computed else ", graduatoria da calcolare e approvare")]
