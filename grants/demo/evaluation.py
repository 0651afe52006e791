"""Demo evaluation: on every demo call that has a submitted demo application, a formal checklist, an
evaluation panel (the demo evaluator as president), the submitted application declared admissible and
assigned — so that signing in as the demo evaluator shows an application to declare on and score.

Idempotent: the checklist and the panel are created once; an application already decided is left alone;
the automatic assignment only fills gaps. Runs as the demo administrator (the staff roles' evaluation
permissions are granted by grants.accounts.roles).
"""

from django.contrib.auth import get_user_model

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.evaluation import selectors, services
from grants.evaluation.models import AdmissibilityReview, AssignmentStatus, PanelMember
from grants.programme.models import Call

from .applications import DEMO_PROGRAMME_CODE, SUBMITTED_TITLE

ADMIN_EMAIL = "admin@regione.demo"
EVALUATOR_EMAIL = "valutatore@regione.demo"
CHECKLIST = [
    services.ChecklistItemInput("termini", "[DEMO] Domanda inviata nei termini del bando"),
    services.ChecklistItemInput("firma", "[DEMO] Firma digitale valida del legale rappresentante"),
    services.ChecklistItemInput("requisiti", "[DEMO] Requisiti soggettivi del capofila e dei partner"),
]


def score_as_evaluator(application: Application, evaluator, marks: dict[str, str]) -> bool:
    """The demo evaluator declares no conflict and submits ``marks`` (leaf criterion code: points) on their
    assignment of ``application``; True when this run scored it (then consolidated: the panel has one member
    per application). Nothing when already scored or not assigned to them."""
    assignment = application.assignments.filter(
        member__user=evaluator, status__in=(AssignmentStatus.TO_DECLARE, AssignmentStatus.ACTIVE)
    ).first()
    if assignment is None:
        return False
    if assignment.status == AssignmentStatus.TO_DECLARE:
        parties = dict.fromkeys((party.pk for party in selectors.parties(application)), False)
        services.declare_conflicts(actor=evaluator, assignment=assignment, conflicts=parties)
        assignment.refresh_from_db()
    services.save_scores(
        actor=evaluator,
        assignment=assignment,
        points=marks,
        justifications=dict.fromkeys(marks, "[DEMO] Motivazione dimostrativa del punteggio."),
        submit=True,
    )
    return True


def prepare_for_evaluation(application: Application, admin, evaluator) -> str:
    """Checklist, panel (the demo evaluator), formal check passed and assignment, as for every demo call."""
    return _load_for_call(application.call, application, admin, evaluator)


def _demo_applications():
    return (
        Application.objects.filter(
            call__measure__programme__code=DEMO_PROGRAMME_CODE,
            title=SUBMITTED_TITLE,
            protocol_number__isnull=False,
        )
        .select_related("call")
        .order_by("call__code")
    )


def _load_for_call(call: Call, application: Application, admin, evaluator) -> str:
    done = []
    if not selectors.checklist(call).exists():
        services.save_checklist(actor=admin, call=call, items=CHECKLIST)
        done.append("lista di controllo")
    panel = selectors.panel_of(call)
    if panel is None:
        panel = services.set_panel(actor=admin, call=call, evaluators_per_application=1)
        done.append("nucleo")
    if evaluator is not None and not PanelMember.objects.filter(panel=panel, user=evaluator).exists():
        services.add_panel_member(actor=admin, panel=panel, user=evaluator, is_president=True)
        done.append("valutatore")
    decided = AdmissibilityReview.objects.filter(application=application).exclude(outcome="pending").exists()
    if application.status == ApplicationStatus.SUBMITTED and not decided:
        services.record_admissibility(
            actor=admin,
            application=application,
            answers={item.pk: services.ChecklistAnswer(True, "[DEMO]") for item in selectors.checklist(call)},
            outcome="admissible",
        )
        done.append("ammissibilità")
    if panel.members.filter(is_active=True).exists():
        created = services.auto_assign(actor=admin, call=call).created
        if created:
            done.append(f"{len(created)} assegnazioni")
    return f"Valutazione (demo) su «{call.code}»: " + (", ".join(done) if done else "già predisposta")


def load_demo_evaluation() -> list[str]:
    """Prepare the demo evaluation (idempotent); returns the report lines."""
    users = get_user_model().objects
    admin = users.filter(email=ADMIN_EMAIL, is_superuser=True).first()
    if admin is None:
        return ["Valutazione (demo): manca l'amministratore dimostrativo, nulla da fare"]
    evaluator = users.filter(email=EVALUATOR_EMAIL, is_staff=True, is_active=True).first()
    applications = list(_demo_applications())
    if not applications:
        return ["Valutazione (demo): nessuna domanda dimostrativa inviata"]
    return [_load_for_call(a.call, a, admin, evaluator) for a in applications]
