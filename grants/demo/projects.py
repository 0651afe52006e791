"""Demo projects and the sportello queue, on the open first-come demo call (the FESR-like sportello
valutativo): applications of a demo organisation go through the real path — submitted (booked), declared
admissible, scored by the demo evaluator above the call's minimum, funded by the head of measure's grant
decision (``decide_grants``, one determinazione each) — and become projects: one active (CUP assigned,
agreement signed, start communicated: the one to try variations, extensions, payments and claims on) and one
still to accept (to try the agreement and the start). A third application is scored and waits in the queue of
the "Sportello" menu for its determinazione (the head of measure's work); the demo applications loader then
books one more, still to score.

Everything goes through the services of grants.applications, grants.evaluation and grants.projects.
Idempotent: applications are found by their ``[DEMO]`` title, projects by their application; a step already
done is not done again.
"""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.services import ApplicationError
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.timeutils import in_rome, now
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import DecisionGrant
from grants.programme.models import Call, CallMode, CallStatus
from grants.projects import services
from grants.projects.agreement import render_agreement_pdf
from grants.projects.models import Project
from grants.projects.states import ProjectStatus

from .applications import (
    _attach_documents,
    _confirm_partners,
    _demo_organisations,
    _existing,
    _fill,
    _partners_for,
    _representative,
    claim_demo_exemption,
    eligible_leads,
)
from .evaluation import prepare_for_evaluation, score_as_evaluator

ADMIN_EMAIL = "admin@regione.demo"
OFFICER_EMAIL = "funzionario@regione.demo"
EVALUATOR_EMAIL = "valutatore@regione.demo"
MANAGER_EMAIL = "responsabile@regione.demo"
DESK_CALL_CODE = "demo-2026-sportello-imprese-sociali"
ACTIVE_TITLE = "[DEMO] Finanziato – Rete di prossimità per gli anziani soli"
TO_ACCEPT_TITLE = "[DEMO] Finanziato – Laboratori di comunità per i giovani"
TO_DECIDE_TITLE = "[DEMO] Da decidere – Centro diurno per persone con disabilità"
DEMO_CUP = "J11B26000000001"
# Above the call's minimum (60) and the threshold of criterion A (25).
MARKS = {"A1": "22", "A2": "20", "B1": "25", "B2": "15"}


def desk_call() -> Call | None:
    """The open first-come demo call."""
    moment = now()
    return Call.objects.filter(
        code=DESK_CALL_CODE,
        mode=CallMode.FIRST_COME,
        status=CallStatus.PUBLISHED,
        opens_at__lte=moment,
        closes_at__gt=moment,
    ).first()


def submitted_application(call, lead, partners, actor, title: str, key: str) -> Application | str:
    """The demo application ``title`` of ``lead``, drafted and submitted through the services (once)."""
    application = _existing(call, lead, title)
    if application is None:
        application = application_services.create_draft(actor=actor, organisation=lead, call=call)
        _fill(actor, application, title=title, partners=partners, call=call)
        _attach_documents(actor, application)
        _confirm_partners(application)
    if application.protocol_number is None:
        claim_demo_exemption(actor, application)
        try:
            application = application_services.submit(
                actor=actor,
                application=application,
                idempotency_key=key,
                declarations_accepted=True,
            ).application
        except ApplicationError as exc:
            return "; ".join(e["message"] for e in exc.errors) or exc.message
    return application


def _evaluated(application: Application, admin, evaluator) -> Application:
    """Admissible, assigned to the demo evaluator and scored above the minimum (what is not done yet)."""
    if application.status == ApplicationStatus.SUBMITTED:
        prepare_for_evaluation(application, admin, evaluator)
        application.refresh_from_db()
    if application.status == ApplicationStatus.ADMISSIBLE:
        score_as_evaluator(application, evaluator, MARKS)
        application.refresh_from_db()
    return application


def _decided(application: Application, manager) -> Application:
    """The head of measure funds the booked, evaluated application with its own determinazione."""
    if (
        application.status == ApplicationStatus.EVALUATED
        and application.booking_outcome == BookingOutcome.BOOKED
    ):
        evaluation_services.decide_grants(
            actor=manager,
            call=application.call,
            determination_number=f"DEMO-{application.protocol}",
            determination_date=in_rome(now()).date(),
            grants=[evaluation_services.GrantInput(application.pk, application.booked_amount)],
        )
        application.refresh_from_db()
    return application


def _project_for(application: Application, officer) -> tuple[Project, bool]:
    """The project the funding created (on commit, by the projects' receiver); made here when the demo
    runs inside an outer transaction (the tests), where that receiver has not run yet."""
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        return existing, False
    grant = DecisionGrant.objects.filter(application=application).first()
    project = services.create_project_from_application(
        actor=officer,
        application=application,
        granted_amount=grant.amount if grant is not None else application.requested_grant,
    )
    return project, True


def _activate(project: Project, officer, beneficiary) -> None:
    if not project.cup and not Project.objects.filter(cup=DEMO_CUP).exists():
        project = services.assign_cup(actor=officer, project=project, cup=DEMO_CUP)
    if project.status != ProjectStatus.TO_ACCEPT:
        return
    if not project.is_accepted:
        signed = SimpleUploadedFile(
            "atto-di-adesione-firmato.pdf", render_agreement_pdf(project), content_type="application/pdf"
        )
        project = services.upload_signed_agreement(actor=beneficiary, project=project, uploaded_file=signed)
    services.communicate_start(actor=beneficiary, project=project, start_date=in_rome(now()).date())


def _staff():
    users = get_user_model().objects.filter(is_active=True)
    admin = users.filter(email=ADMIN_EMAIL, is_superuser=True).first()
    return (
        admin,
        users.filter(email=OFFICER_EMAIL, is_staff=True).first() or admin,
        users.filter(email=EVALUATOR_EMAIL, is_staff=True).first(),
        users.filter(email=MANAGER_EMAIL, is_staff=True).first(),
    )


def load_demo_projects() -> list[str]:
    """Create the demo projects and the queue of the sportello (idempotent); returns the report lines."""
    admin, officer, evaluator, manager = _staff()
    if None in (admin, officer, evaluator, manager):
        return ["Progetti (demo): mancano gli utenti dimostrativi della Regione, nulla da fare"]
    call = desk_call()
    if call is None:
        return ["Progetti (demo): nessuno sportello dimostrativo aperto"]
    organisations = _demo_organisations()
    leads = eligible_leads(call, organisations)
    if not leads:
        return [f"Progetti (demo) su «{call.code}»: nessuna organizzazione demo ammessa come capofila"]
    lead = leads[-1]  # not the documented applicant's organisation when another may apply
    beneficiary = _representative(lead)
    partners = _partners_for(call, lead, organisations)
    lines = []
    for title, key, kind in (
        (ACTIVE_TITLE, f"demo-{call.code}-progetto-avviato", "active"),
        (TO_ACCEPT_TITLE, f"demo-{call.code}-progetto-da-accettare", "to_accept"),
        (TO_DECIDE_TITLE, f"demo-{call.code}-da-decidere", "to_decide"),
    ):
        application = submitted_application(call, lead, partners, beneficiary, title, key)
        if isinstance(application, str):
            lines.append(f"Progetto (demo) «{title}»: domanda non inviata ({application})")
            continue
        application = _evaluated(application, admin, evaluator)
        if kind == "to_decide":
            waiting = application.status == ApplicationStatus.EVALUATED
            lines.append(
                f"Sportello (demo) «{title}»: {application.get_status_display()}"
                + (", in attesa di determinazione" if waiting else " (già decisa o non valutata)")
            )
            continue
        funded_before = application.status == ApplicationStatus.FUNDED
        application = _decided(application, manager)
        if application.status != ApplicationStatus.FUNDED:
            lines.append(
                f"Progetto (demo) «{title}»: domanda {application.get_status_display()}, non finanziata"
            )
            continue
        project, _made_here = _project_for(application, officer)
        created = not funded_before
        if kind == "active":
            _activate(project, officer, beneficiary)
            project.refresh_from_db()
        lines.append(
            f"Progetto (demo) «{title}»: {'creato' if created else 'già presente'}, "
            f"stato {project.get_status_display()}{f', CUP {project.cup}' if project.cup else ''}"
        )
    return lines
