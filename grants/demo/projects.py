"""Demo projects: on the first open demo call, two applications of a demo organisation become funded
projects — one active (CUP assigned, agreement signed, start communicated: the one to try variations,
extensions and the officers' decisions on) and one still to accept (to try the agreement and the start).

The applications are submitted through the real services; their being funded is set directly, because a
ranking needs a closed call and the demo calls are open (the demo evaluation shows the ranking's own
steps). Everything after that — the project, the CUP, the signed agreement, the start — goes through
grants.projects.services.

Idempotent: applications are found by their ``[DEMO]`` title, projects by their application.
"""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.services import ApplicationError
from grants.applications.states import ApplicationStatus
from grants.core.audit import record_event
from grants.core.timeutils import in_rome, now
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
    _lead_for,
    _open_demo_calls,
    _partners_for,
    _representative,
    claim_demo_exemption,
)

ADMIN_EMAIL = "admin@regione.demo"
OFFICER_EMAIL = "funzionario@regione.demo"
ACTIVE_TITLE = "[DEMO] Finanziato – Rete di prossimità per gli anziani soli"
TO_ACCEPT_TITLE = "[DEMO] Finanziato – Laboratori di comunità per i giovani"
DEMO_CUP = "J11B26000000001"


def _funded_application(call, lead, partners, actor, title: str, key: str) -> Application | str:
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
    if application.status == ApplicationStatus.SUBMITTED:
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.FUNDED)
        record_event(
            actor=None,
            action="application.funded",
            obj=application,
            reason="[DEMO] Finanziata per la dimostrazione dei progetti",
        )
        application.refresh_from_db()
    return application


def _project_for(application: Application, officer) -> tuple[Project, bool]:
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        return existing, False
    project = services.create_project_from_application(
        actor=officer, application=application, granted_amount=application.requested_grant
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


def load_demo_projects() -> list[str]:
    """Create the demo projects (idempotent); returns the report lines."""
    users = get_user_model().objects
    officer = (
        users.filter(email=OFFICER_EMAIL, is_staff=True).first()
        or users.filter(email=ADMIN_EMAIL, is_superuser=True).first()
    )
    if officer is None:
        return ["Progetti (demo): manca il funzionario dimostrativo, nulla da fare"]
    calls = _open_demo_calls()
    if not calls:
        return ["Progetti (demo): nessun bando dimostrativo aperto"]
    call = calls[0]
    organisations = _demo_organisations()
    lead = _lead_for(call, organisations)
    if lead is None:
        return [f"Progetti (demo) su «{call.code}»: nessuna organizzazione demo ammessa come capofila"]
    beneficiary = _representative(lead)
    partners = _partners_for(call, lead, organisations)
    lines = []
    for title, key, active in (
        (ACTIVE_TITLE, f"demo-{call.code}-progetto-avviato", True),
        (TO_ACCEPT_TITLE, f"demo-{call.code}-progetto-da-accettare", False),
    ):
        application = _funded_application(call, lead, partners, beneficiary, title, key)
        if isinstance(application, str):
            lines.append(f"Progetto (demo) «{title}»: domanda non inviata ({application})")
            continue
        project, created = _project_for(application, officer)
        if active:
            _activate(project, officer, beneficiary)
            project.refresh_from_db()
        lines.append(
            f"Progetto (demo) «{title}»: {'creato' if created else 'già presente'}, "
            f"stato {project.get_status_display()}{f', CUP {project.cup}' if project.cup else ''}"
        )
    return lines
