"""Factories of the evaluation context: staff with the permissions their role will carry, calls with a
criteria tree, applications submitted through the real services, and a call moved past its deadline."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications import services as application_services
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.timeutils import now
from grants.core.vocabulary import LegalForm
from grants.evaluation import services
from grants.evaluation.models import Panel, RankingStage
from grants.programme.models import Call, CallPhase
from grants.programme.tests.factories import CallPhaseFactory, CriterionFactory
from grants.registry.tests.factories import staff_user

# The determinazione that approves a ranking in the tests (a number and a past date).
DETERMINATION = {"determination_number": "DD 123/A1418A", "determination_date": date(2026, 1, 15)}

OFFICER_PERMISSIONS = (
    "evaluation.add_admissibilityitem",
    "evaluation.change_admissibilityitem",
    "evaluation.view_admissibilityitem",
    "evaluation.add_admissibilityreview",
    "evaluation.change_admissibilityreview",
    "evaluation.view_admissibilityreview",
    "evaluation.add_integrationrequest",
    "evaluation.view_integrationrequest",
    "evaluation.add_panel",
    "evaluation.change_panel",
    "evaluation.view_panel",
    "evaluation.add_panelmember",
    "evaluation.change_panelmember",
    "evaluation.add_assignment",
    "evaluation.view_assignment",
    "evaluation.view_consolidatedscore",
    "evaluation.add_ranking",
    "evaluation.change_ranking",
    "evaluation.view_ranking",
    "programme.view_call",
    "applications.view_application",
)
MANAGER_PERMISSIONS = (
    *OFFICER_PERMISSIONS,
    "evaluation.approve_ranking",
    "programme.change_call",
    "programme.assign_call_staff",
)
EVALUATOR_PERMISSIONS = ("programme.view_call",)


def staff(*permissions: str, **kwargs):
    return staff_user(*permissions, **kwargs)


def officer(**kwargs):
    return staff(*OFFICER_PERMISSIONS, **kwargs)


def manager(**kwargs):
    return staff(*MANAGER_PERMISSIONS, **kwargs)


def evaluator(**kwargs):
    return staff(*EVALUATOR_PERMISSIONS, **kwargs)


def scored_call(**kwargs) -> Call:
    """An open call with criteria A (A1 10, A2 15; threshold 12), B (B1 30, B2 35; weight 1) and a bonus E
    (E1 5), a minimum total of 60 and tie-breaks on B then arrival."""
    kwargs.setdefault("min_total_score", Decimal(60))
    kwargs.setdefault(
        "tie_break_rules",
        ["Maggior punteggio nel criterio B (qualità)", "Ordine cronologico di presentazione della domanda"],
    )
    kwargs.setdefault("requires_partner_confirmation", False)
    kwargs.setdefault("budget", Decimal("100000.00"))
    call = open_call(**kwargs)
    a = CriterionFactory(call=call, code="A", title="Partenariato", max_points=25, min_points=12, order=1)
    CriterionFactory(call=call, parent=a, code="A1", title="Composizione", max_points=10, order=1)
    CriterionFactory(call=call, parent=a, code="A2", title="Governance", max_points=15, order=2)
    b = CriterionFactory(call=call, code="B", title="Qualità", max_points=65, order=2)
    CriterionFactory(call=call, parent=b, code="B1", title="Bisogni", max_points=30, order=1)
    CriterionFactory(call=call, parent=b, code="B2", title="Innovazione", max_points=35, order=2)
    e = CriterionFactory(call=call, code="E", title="Premialità", max_points=5, is_bonus=True, order=3)
    CriterionFactory(call=call, parent=e, code="E1", title="Raccordo", max_points=5, is_bonus=True, order=1)
    return call


def submitted(
    *,
    call: Call,
    amount: Decimal = Decimal("50000.00"),
    partner: str = "",
    user=None,
    organisation=None,
    documents=(),
):
    """An application sent to ``call`` (open now) through the applicant's services; ``partner``: the name of
    an unregistered public body added as partner; ``documents``: (required document, file name, content)
    attached before sending."""
    if user is None:
        user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation, amount=amount)
    if partner:
        application_services.set_partners(
            actor=user,
            application=application,
            partners=[
                application_services.PartnerInput(
                    name=partner, legal_form=LegalForm.PUBLIC_BODY, share_percent=Decimal(10)
                )
            ],
        )
    for required, name, content in documents:
        application_services.attach_document(
            actor=user,
            application=application,
            required_document=required,
            uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
    result = application_services.submit(
        actor=user, application=application, idempotency_key=f"k-{application.pk}", declarations_accepted=True
    )
    return result.application


def close(call: Call) -> Call:
    """Move the call's deadline to the past (evaluation happens after it)."""
    Call.objects.filter(pk=call.pk).update(closes_at=now() - timedelta(minutes=1))
    call.refresh_from_db()
    return call


def admissible(application, *, actor=None):
    actor = actor or officer()
    services.record_admissibility(actor=actor, application=application, answers={}, outcome="admissible")
    application.refresh_from_db()
    return application


def panel_with(call: Call, *, members: int = 2, per_application: int = 1, threshold=Decimal(10), actor=None):
    """A panel for ``call`` with ``members`` evaluators, the first one president."""
    actor = actor or officer()
    panel = services.set_panel(
        actor=actor, call=call, evaluators_per_application=per_application, disagreement_threshold=threshold
    )
    users = [evaluator() for _ in range(members)]
    for index, user in enumerate(users):
        services.add_panel_member(actor=actor, panel=panel, user=user, is_president=index == 0)
    return Panel.objects.get(pk=panel.pk), users


FULL_MARKS = {"A1": "10", "A2": "15", "B1": "30", "B2": "35", "E1": "5"}


def justified(points: dict) -> dict:
    return {code: f"Motivazione per {code}" for code in points}


def evaluate(assignment, points: dict, *, submit: bool = True):
    """Declare no conflict on every party, then score."""
    user = assignment.member.user
    parties = {p.pk: False for p in assignment.application.partners.all()}
    services.declare_conflicts(actor=user, assignment=assignment, conflicts=parties)
    assignment.refresh_from_db()
    return services.save_scores(
        actor=user, assignment=assignment, points=points, justifications=justified(points), submit=submit
    )


def evaluated_call(specs, **call_kwargs):
    """A closed call whose applications (one per ``(requested amount, points)`` spec, submitted in that
    order) are admissible and scored by the single evaluator of its panel. Returns (call, applications,
    officer)."""
    call = scored_call(**call_kwargs)
    applications = [submitted(call=call, amount=Decimal(amount)) for amount, _points in specs]
    close(call)
    actor = officer()
    for application in applications:
        admissible(application, actor=actor)
    panel_with(call, members=1, per_application=1, actor=actor)
    services.auto_assign(actor=actor, call=call)
    for application, (_amount, points) in zip(applications, specs, strict=True):
        evaluate(application.assignments.get(), points)
    for application in applications:
        application.refresh_from_db()
    return call, applications, actor


LOW_MARKS = {"A1": "2", "A2": "2", "B1": "5", "B2": "5", "E1": "0"}  # under every threshold


def ranked_ideas(specs, *, owners=None, **call_kwargs):
    """A two-phase call (FSE1) whose ideas window is over and whose preliminary ranking is approved: one
    idea per ``(requested amount, points)`` spec, scored by the panel's single evaluator (FULL_MARKS:
    admitted, LOW_MARKS: not eligible), sent by a new applicant each or by ``owners`` ((user,
    organisation) per spec). The second window ("Progetto esecutivo") is open now until the call's
    deadline; ``move_window`` changes it. Returns (call, ideas, executive window)."""
    call = scored_call(is_two_phase=True, **call_kwargs)
    ideas_window = CallPhaseFactory(
        call=call,
        code="idea-progettuale",
        title="Idea progettuale",
        order=1,
        opens_at=call.opens_at,
        closes_at=call.closes_at - timedelta(days=20),
    )
    executive_window = CallPhaseFactory(
        call=call,
        code="progetto-esecutivo",
        title="Progetto esecutivo",
        order=2,
        opens_at=call.closes_at - timedelta(days=19),
        closes_at=call.closes_at,
    )
    owners = owners or [(None, None)] * len(specs)
    ideas = [
        submitted(call=call, amount=Decimal(amount), user=user, organisation=organisation)
        for (amount, _points), (user, organisation) in zip(specs, owners, strict=True)
    ]
    CallPhase.objects.filter(pk=ideas_window.pk).update(closes_at=now())  # the ideas window is over
    actor = officer()
    for idea in ideas:
        admissible(idea, actor=actor)
    panel_with(call, members=1, per_application=1, actor=actor)
    services.auto_assign(actor=actor, call=call)
    for idea, (_amount, points) in zip(ideas, specs, strict=True):
        evaluate(idea.assignments.get(), points)
    ranking = services.compute_ranking(actor=actor, call=call, stage=RankingStage.PRELIMINARY)
    services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    for idea in ideas:
        idea.refresh_from_db()
    move_window(executive_window, opens=now() - timedelta(hours=1), closes=call.closes_at)
    executive_window.refresh_from_db()
    return call, ideas, executive_window


def move_window(window: CallPhase, *, opens, closes) -> CallPhase:
    CallPhase.objects.filter(pk=window.pk).update(opens_at=opens, closes_at=closes)
    window.refresh_from_db()
    return window


def without_pec(application):
    """The applicant organisation has no PEC in the registry: the integration request is the notice (its
    term runs from the request) and the PEC notice is recorded as undeliverable."""
    application.applicant.pec = ""
    application.applicant.save(update_fields=["pec"])
    return application


def deliver_pec(notice, moment=None):
    """The provider's delivery receipt of ``notice`` (a PecNotice), filed as the IMAP task files it."""
    from grants.notifications.pec import services as pec_services
    from grants.notifications.tests.pec_support import receipt_eml

    raw = receipt_eml("avvenuta-consegna", notice.message_id, recipient=notice.recipient, moment=moment)
    return pec_services.record_receipt(actor=None, raw=raw, source="imap")[0]
