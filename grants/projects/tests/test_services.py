"""The rules of the projects context, each failing and passing, through the services."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from grants.applications.states import ApplicationStatus
from grants.applications.tests.factories import member_of
from grants.core.timeutils import in_rome, now
from grants.notifications.models import Notification
from grants.programme.models import CallProjectPhase, StateAidRegime
from grants.programme.tests.factories import MeasurePhaseFactory
from grants.projects import services, signals
from grants.projects.models import CallProjectRules, Project
from grants.projects.selectors import can_receive_payments
from grants.projects.services import ProjectError, WrongState
from grants.projects.services.common import add_months
from grants.projects.states import ChangeKind, ChangeStatus, PartnerAction, ProjectStatus
from grants.registry.models import DeMinimisAid
from grants.registry.tests.factories import OrganisationFactory

from .factories import (
    MINIMAL_PDF,
    ProjectFactory,
    funded_application,
    next_cup,
    project_call,
    project_officer,
    signed_pdf,
)

pytestmark = pytest.mark.django_db


def _today():
    return in_rome(now()).date()


def _codes(exc) -> set[str]:
    return {e["code"] for e in exc.errors}


def _lines(project):
    return {line.category.code: line for line in project.budget_lines.select_related("category")}


# --- creation -----------------------------------------------------------------------------------------------
def test_a_funded_application_becomes_a_project_to_accept_with_its_budget_partners_and_phases():
    call = project_call()
    CallProjectRules.objects.create(call=call, acceptance_days=10)
    # The measure's timeline (its call, its ex-ante evaluation) is the programme's: never a project's phases.
    past = _today() - timedelta(days=400)
    MeasurePhaseFactory(
        measure=call.measure, title="Valutazione ex ante", start_date=past, end_date=past + timedelta(days=90)
    )
    CallProjectPhase.objects.create(call=call, code="progettazione", title="Progettazione", months=6, order=1)
    CallProjectPhase.objects.create(
        call=call, code="sperimentazione", title="Sperimentazione", months=24, order=2
    )
    application = funded_application(call=call)
    officer = project_officer()
    project = services.create_project_from_application(
        actor=officer, application=application, granted_amount=application.requested_grant
    )
    assert project.status == ProjectStatus.TO_ACCEPT
    assert (project.grant, project.cofinancing, project.total_eligible_cost) == (
        Decimal("71200.00"),
        Decimal("17800.00"),
        Decimal("89000.00"),
    )
    assert project.beneficiary == application.applicant and project.granted_by == officer
    assert in_rome(project.acceptance_deadline).date() == _today() + timedelta(days=10)
    phases = list(project.phases.order_by("order"))
    assert [p.title for p in phases] == ["Progettazione", "Sperimentazione"]
    # The call's project phases, end to end from today, each for its months.
    assert phases[0].planned_start_date == _today() == project.planned_start_date
    assert phases[1].planned_start_date == phases[0].planned_end_date + timedelta(days=1)
    assert phases[1].planned_end_date == project.planned_end_date
    assert phases[1].planned_end_date == add_months(_today(), 30) - timedelta(days=1)
    assert phases[0].call_phase.code == "progettazione"
    assert project.milestones.count() == 2
    assert set(project.partners.values_list("role", flat=True)) == {"lead", "partner"}
    assert Notification.objects.filter(event="grant_agreement", user=application.created_by).exists()


def test_a_call_without_project_phases_gives_one_phase_not_the_measure_timeline():
    """A FESR project used to get "Valutazione ex ante" and "Bando" (the measure's timeline) as its phases."""
    call = project_call()
    CallProjectRules.objects.create(call=call, default_duration_months=18)
    MeasurePhaseFactory(measure=call.measure, title="Valutazione ex ante", order=1)
    MeasurePhaseFactory(measure=call.measure, title="Bando", order=2)
    application = funded_application(call=call)
    project = services.create_project_from_application(
        actor=project_officer(), application=application, granted_amount=application.requested_grant
    )
    phases = list(project.phases.all())
    assert [p.title for p in phases] == ["Realizzazione del progetto"]
    assert phases[0].planned_end_date == add_months(_today(), 18)


def test_creation_is_idempotent_and_a_higher_grant_before_acceptance_rescales():
    application = funded_application()
    first = services.create_project_from_application(
        actor=None, application=application, granted_amount=Decimal("35600.00")
    )
    assert first.total_eligible_cost == Decimal("44500.00")
    assert {c: line.approved_amount for c, line in _lines(first).items()} == {
        "personale": Decimal("30000.00"),
        "attrezzature": Decimal("10000.00"),
        "indiretti": Decimal("4500.00"),
    }
    again = services.create_project_from_application(
        actor=None, application=application, granted_amount=Decimal("35600.00")
    )
    assert again.pk == first.pk and Project.objects.count() == 1
    topped_up = services.create_project_from_application(
        actor=None, application=application, granted_amount=Decimal("71200.00")
    )
    assert topped_up.pk == first.pk
    assert (topped_up.grant, topped_up.total_eligible_cost) == (Decimal("71200.00"), Decimal("89000.00"))
    assert _lines(topped_up)["personale"].approved_amount == Decimal("60000.00")


def test_partial_funding_puts_the_rounding_remainder_on_the_last_line():
    project = ProjectFactory(grant=Decimal("50000.00"), status=ProjectStatus.TO_ACCEPT)
    amounts = {c: line.approved_amount for c, line in _lines(project).items()}
    assert amounts == {
        "personale": Decimal("42134.83"),
        "attrezzature": Decimal("14044.94"),
        "indiretti": Decimal("6320.23"),  # 6320.22 + the cent the rounding lost
    }
    assert sum(amounts.values()) == project.total_eligible_cost == Decimal("62500.00")
    assert project.cofinancing == Decimal("12500.00")


def test_creation_refuses_what_is_not_funded_or_more_than_requested_or_a_non_officer():
    application = funded_application()
    with pytest.raises(ProjectError) as caught:
        services.create_project_from_application(
            actor=None, application=application, granted_amount=application.requested_grant + 1
        )
    assert _codes(caught.value) == {"granted_amount"}
    with pytest.raises(PermissionDenied):
        services.create_project_from_application(
            actor=application.created_by, application=application, granted_amount=Decimal(1000)
        )
    type(application).objects.filter(pk=application.pk).update(status=ApplicationStatus.ELIGIBLE_NOT_FUNDED)
    application.refresh_from_db()
    with pytest.raises(WrongState):
        services.create_project_from_application(
            actor=None, application=application, granted_amount=Decimal(1000)
        )


def test_the_officer_creates_a_missing_project_once():
    application = funded_application()
    officer = project_officer()
    with pytest.raises(PermissionDenied):
        services.create_missing_projects(actor=application.created_by, application=application)
    project = services.create_missing_projects(actor=officer, application=application)
    assert project.grant == application.requested_grant and project.granted_by == officer
    assert services.create_missing_projects(actor=officer, application=application).pk == project.pk


# --- CUP ----------------------------------------------------------------------------------------------------
def test_cup_is_validated_normalised_unique_and_assigned_by_officers_only():
    project = ProjectFactory(cup="", status=ProjectStatus.TO_ACCEPT)
    officer = project_officer()
    with pytest.raises(ProjectError) as caught:
        services.assign_cup(actor=officer, project=project, cup="ABC")
    assert caught.value.errors[0]["field"] == "cup" and _codes(caught.value) == {"cup_length"}
    with pytest.raises(PermissionDenied):
        services.assign_cup(actor=project.application.created_by, project=project, cup="J11B17000030007")
    project = services.assign_cup(actor=officer, project=project, cup=" j11b 1700 0030 007 ")
    assert project.cup == "J11B17000030007"
    other = ProjectFactory(cup="", status=ProjectStatus.TO_ACCEPT)
    with pytest.raises(ProjectError) as caught:
        services.assign_cup(actor=officer, project=other, cup="J11B17000030007")
    assert _codes(caught.value) == {"cup_taken"}


# --- acceptance and start -----------------------------------------------------------------------------------
def test_the_signed_agreement_must_be_a_clean_pdf_uploaded_in_time_by_the_beneficiary():
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    user = project.application.created_by
    with pytest.raises(ProjectError) as caught:
        services.upload_signed_agreement(
            actor=user, project=project, uploaded_file=signed_pdf("a.pdf", b"GIF89a fake")
        )
    assert _codes(caught.value) == {"document_type"} and caught.value.errors[0]["field"] == "file"
    with pytest.raises(ProjectError) as caught:
        services.upload_signed_agreement(
            actor=user, project=project, uploaded_file=signed_pdf(content=b"%PDF-1.4 /JavaScript (x)")
        )
    assert _codes(caught.value) == {"document_active_content"}
    stranger, _other = member_of()
    for outsider in (stranger, project_officer()):
        with pytest.raises(PermissionDenied):
            services.upload_signed_agreement(actor=outsider, project=project, uploaded_file=signed_pdf())
    late = project.acceptance_deadline + timedelta(seconds=1)
    with pytest.raises(WrongState) as caught:
        services.upload_signed_agreement(actor=user, project=project, uploaded_file=signed_pdf(), moment=late)
    assert caught.value.code == "acceptance_deadline_passed"
    assert in_rome(project.acceptance_deadline).strftime("%d/%m/%Y") in caught.value.message
    project = services.upload_signed_agreement(actor=user, project=project, uploaded_file=signed_pdf())
    assert project.signed_agreement_sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert project.accepted_by == user and project.status == ProjectStatus.TO_ACCEPT


def test_the_start_needs_the_agreement_and_a_past_date_and_makes_the_project_active():
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    user = project.application.created_by
    with pytest.raises(WrongState) as caught:
        services.communicate_start(actor=user, project=project, start_date=_today())
    assert caught.value.code == "agreement_missing"
    services.upload_signed_agreement(actor=user, project=project, uploaded_file=signed_pdf())
    with pytest.raises(ProjectError) as caught:
        services.communicate_start(actor=user, project=project, start_date=_today() + timedelta(days=1))
    assert _codes(caught.value) == {"start_date_future"}
    project = services.communicate_start(actor=user, project=project, start_date=_today())
    assert project.status == ProjectStatus.ACTIVE and project.actual_start_date == _today()
    with pytest.raises(WrongState):
        services.communicate_start(actor=user, project=project, start_date=_today())


def test_de_minimis_grant_is_recorded_on_acceptance_and_corrected_on_revocation():
    call = project_call(state_aid_regime=StateAidRegime.DE_MINIMIS)
    officer = project_officer()
    project = ProjectFactory(call=call, officer=officer)
    aid = DeMinimisAid.objects.get(pk=project.de_minimis_aid_id)
    # 71,200 € granted; the Comune partner (25%) is not an undertaking: the lead's 75% is its aid
    assert project.grant == Decimal("71200.00") and DeMinimisAid.objects.count() == 1
    assert aid.amount == Decimal("53400.00") and aid.organisation == project.beneficiary
    assert aid.granted_on == in_rome(project.accepted_at).date()
    services.revoke(
        actor=officer, project=project, new_grant=Decimal("51200.00"), reason="Spese non ammissibili"
    )
    aid.refresh_from_db()
    assert aid.revoked_amount == Decimal("20000.00")  # the only concession of the project carries it all


def test_a_project_outside_de_minimis_records_nothing():
    project = ProjectFactory()
    assert project.de_minimis_aid_id is None and not DeMinimisAid.objects.exists()


# --- budget variations --------------------------------------------------------------------------------------
def test_a_variation_within_the_tolerance_is_approved_at_once():
    project = ProjectFactory()
    lines = _lines(project)
    user = project.application.created_by
    change = services.request_budget_variation(
        actor=user,
        project=project,
        amounts={lines["personale"].pk: Decimal("55000.00"), lines["attrezzature"].pk: Decimal("25000.00")},
        reason="Più arredi per il centro diurno",
    )
    assert change.status == ChangeStatus.AUTO_APPROVED and change.moved_percent == Decimal("5.62")
    lines = _lines(project)
    assert lines["attrezzature"].approved_amount == Decimal("25000.00")
    assert project.partners.get(role="partner").budget_share == Decimal("25000.00")


def test_a_variation_above_the_tolerance_waits_for_the_officer():
    project = ProjectFactory()
    lines = _lines(project)
    user, officer = project.application.created_by, project_officer()
    amounts = {lines["personale"].pk: Decimal("40000.00"), lines["attrezzature"].pk: Decimal("40000.00")}
    change = services.request_budget_variation(
        actor=user, project=project, amounts=amounts, reason="Nuova sede"
    )
    assert change.status == ChangeStatus.PENDING and change.moved_percent == Decimal("22.47")
    assert _lines(project)["personale"].approved_amount == Decimal("60000.00")
    with pytest.raises(WrongState) as caught:
        services.request_budget_variation(actor=user, project=project, amounts=amounts, reason="Di nuovo")
    assert caught.value.code == "change_pending"
    with pytest.raises(PermissionDenied):
        services.decide_change(actor=user, change=change, approve=True)
    with pytest.raises(ProjectError) as caught:
        services.decide_change(actor=officer, change=change, approve=False, note="")
    assert _codes(caught.value) == {"note_required"}
    change = services.decide_change(actor=officer, change=change, approve=True, note="Motivata")
    assert change.status == ChangeStatus.APPROVED and change.decided_by == officer
    assert _lines(project)["attrezzature"].approved_amount == Decimal("40000.00")
    assert Notification.objects.filter(event="project_decision", user=user).exists()
    with pytest.raises(WrongState):
        services.decide_change(actor=officer, change=change, approve=False, note="Ci ho ripensato")


def test_a_rejected_variation_changes_nothing():
    project = ProjectFactory()
    lines = _lines(project)
    change = services.request_budget_variation(
        actor=project.application.created_by,
        project=project,
        amounts={lines["personale"].pk: Decimal("30000.00"), lines["attrezzature"].pk: Decimal("50000.00")},
        reason="Nuova sede",
    )
    services.decide_change(actor=project_officer(), change=change, approve=False, note="Non motivata")
    assert _lines(project)["personale"].approved_amount == Decimal("60000.00")


@pytest.mark.parametrize(
    "change, code",
    [
        ({"personale": "50000.00"}, "total_changed"),
        ({"personale": "-1.00", "attrezzature": "80001.00"}, "amount_negative"),
        ({"indiretti": "10000.00", "personale": "59000.00"}, "flat_rate_fixed"),
        ({}, "nothing_moved"),
    ],
)
def test_a_variation_keeps_the_total_and_the_flat_rates(change, code):
    project = ProjectFactory()
    lines = _lines(project)
    with pytest.raises(ProjectError) as caught:
        services.request_budget_variation(
            actor=project.application.created_by,
            project=project,
            amounts={lines[c].pk: Decimal(v) for c, v in change.items()},
            reason="Prova",
        )
    assert code in _codes(caught.value)


def test_a_variation_needs_a_reason_and_a_running_project():
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    lines = _lines(project)
    amounts = {lines["personale"].pk: Decimal("59000.00"), lines["attrezzature"].pk: Decimal("21000.00")}
    with pytest.raises(WrongState):
        services.request_budget_variation(
            actor=project.application.created_by, project=project, amounts=amounts, reason="x"
        )
    project = ProjectFactory()
    lines = _lines(project)
    amounts = {lines["personale"].pk: Decimal("59000.00"), lines["attrezzature"].pk: Decimal("21000.00")}
    with pytest.raises(ProjectError) as caught:
        services.request_budget_variation(
            actor=project.application.created_by, project=project, amounts=amounts, reason=" "
        )
    assert _codes(caught.value) == {"reason_required"}


# --- extensions and partners --------------------------------------------------------------------------------
def test_an_extension_stays_within_the_calls_maximum_and_moves_the_end_on_approval():
    project = ProjectFactory()
    user, officer = project.application.created_by, project_officer()
    end = project.planned_end_date
    with pytest.raises(ProjectError) as caught:
        services.request_extension(actor=user, project=project, new_end_date=end, reason="Ritardi")
    assert _codes(caught.value) == {"end_date_not_later"}
    with pytest.raises(ProjectError) as caught:
        services.request_extension(
            actor=user, project=project, new_end_date=services.add_months(end, 7), reason="Ritardi"
        )
    assert _codes(caught.value) == {"extension_too_long"} and "6 mesi" in caught.value.message
    change = services.request_extension(
        actor=user, project=project, new_end_date=services.add_months(end, 4), reason="Ritardi"
    )
    services.decide_change(actor=officer, change=change, approve=True)
    project.refresh_from_db()
    assert project.planned_end_date == services.add_months(end, 4)
    # The maximum counts from the end first planned: 2 more months are allowed, 3 are not.
    with pytest.raises(ProjectError):
        services.request_extension(
            actor=user, project=project, new_end_date=services.add_months(end, 7), reason="Ancora"
        )
    services.request_extension(
        actor=user, project=project, new_end_date=services.add_months(end, 6), reason="Ancora"
    )


def test_partner_changes_are_decided_by_the_officer():
    project = ProjectFactory()
    user, officer = project.application.created_by, project_officer()
    newcomer = OrganisationFactory()
    with pytest.raises(ProjectError) as caught:
        services.request_partner_change(
            actor=user,
            project=project,
            action=PartnerAction.ADD,
            reason="Nuovo partner",
            organisation=project.beneficiary,
        )
    assert _codes(caught.value) == {"partner_already"}
    change = services.request_partner_change(
        actor=user, project=project, action=PartnerAction.ADD, reason="Nuovo partner", organisation=newcomer
    )
    assert change.kind == ChangeKind.PARTNER_CHANGE and change.is_pending
    services.decide_change(actor=officer, change=change, approve=True)
    assert project.partners.filter(organisation=newcomer, withdrawn_on__isnull=True).exists()

    leaving = project.partners.get(name="Comune di Prova")
    lead = project.partners.get(role="lead")
    with pytest.raises(ProjectError) as caught:
        services.request_partner_change(
            actor=user, project=project, action=PartnerAction.WITHDRAW, reason="x", partner=lead
        )
    assert _codes(caught.value) == {"lead_cannot_leave"}
    change = services.request_partner_change(
        actor=user,
        project=project,
        action=PartnerAction.WITHDRAW,
        reason="Chiusura del servizio",
        partner=leaving,
    )
    services.decide_change(actor=officer, change=change, approve=True)
    leaving.refresh_from_db()
    lead.refresh_from_db()
    assert leaving.withdrawn_on == _today() and leaving.budget_share == 0
    assert lead.budget_share == Decimal("89000.00")


# --- suspension, conclusion ---------------------------------------------------------------------------------
def test_suspension_blocks_payments_until_resumption():
    project = ProjectFactory()
    officer = project_officer()
    with pytest.raises(WrongState):
        services.resume(actor=officer, project=project, reason="x")
    with pytest.raises(PermissionDenied):
        services.suspend(actor=project.application.created_by, project=project, reason="x")
    project = services.suspend(actor=officer, project=project, reason="Verifica antimafia")
    assert project.status == ProjectStatus.SUSPENDED and not can_receive_payments(project)[0]
    assert Notification.objects.filter(
        event="project_decision", user=project.application.created_by, subject__startswith="Progetto sospeso"
    ).exists()
    project = services.resume(actor=officer, project=project, reason="Verifica superata")
    assert project.status == ProjectStatus.ACTIVE and can_receive_payments(project)[0]
    kinds = list(project.changes.values_list("kind", "status"))
    assert (ChangeKind.SUSPENSION, ChangeStatus.APPROVED) in kinds and (
        ChangeKind.RESUMPTION,
        ChangeStatus.APPROVED,
    ) in kinds


def test_conclusion_records_the_end_date():
    project = ProjectFactory()
    officer = project_officer()
    with pytest.raises(ProjectError):
        services.conclude(actor=officer, project=project, end_date=_today() + timedelta(days=1))
    project = services.conclude(actor=officer, project=project, end_date=_today())
    assert project.status == ProjectStatus.CONCLUDED and project.actual_end_date == _today()


# --- revocation ---------------------------------------------------------------------------------------------
def test_partial_revocation_keeps_the_project_active_with_a_scaled_budget_and_signals_on_commit(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory()
    officer = project_officer()
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["project"].pk, kwargs["new_grant"], kwargs["reason"]))

    signals.project_revoked.connect(receiver)
    try:
        with pytest.raises(ProjectError) as caught:
            services.revoke(actor=officer, project=project, new_grant=Decimal("71200.00"), reason="x")
        assert _codes(caught.value) == {"new_grant_not_lower"}
        with pytest.raises(PermissionDenied):
            services.revoke(
                actor=project.application.created_by, project=project, new_grant=Decimal(0), reason="x"
            )
        with django_capture_on_commit_callbacks(execute=False) as pending:
            project = services.revoke(
                actor=officer, project=project, new_grant=Decimal("35600.00"), reason="Attività ridotte"
            )
        assert received == []
        for callback in pending:
            callback()
        assert received == [(project.pk, Decimal("35600.00"), "Attività ridotte")]
    finally:
        signals.project_revoked.disconnect(receiver)
    assert project.status == ProjectStatus.ACTIVE and project.original_grant == Decimal("71200.00")
    assert project.total_eligible_cost == Decimal("44500.00") and project.cofinancing == Decimal("8900.00")
    assert sum(line.approved_amount for line in project.budget_lines.all()) == Decimal("44500.00")


def test_total_revocation_closes_the_project():
    project = ProjectFactory()
    project = services.revoke(
        actor=project_officer(), project=project, new_grant=Decimal(0), reason="Mai avviato"
    )
    assert project.status == ProjectStatus.REVOKED and project.grant == 0
    assert not can_receive_payments(project)[0]
    change = project.changes.get(kind=ChangeKind.REVOCATION)
    assert (change.previous_grant, change.new_grant) == (Decimal("71200.00"), Decimal("0.00"))


# --- renunciation and the ranking's slide -------------------------------------------------------------------
def test_renunciation_slides_the_ranking_and_the_next_application_gets_its_project(
    django_capture_on_commit_callbacks,
):
    from grants.evaluation import services as evaluation_services
    from grants.evaluation.tests.factories import evaluated_call, manager, officer

    good = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}
    call, (a, b), _ = evaluated_call(
        [("50000", {**good, "B2": "35"}), ("40000", good)], budget=Decimal("50000.00")
    )
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_services.approve_ranking(
            actor=manager(),
            ranking=evaluation_services.compute_ranking(actor=officer(), call=call),
            determination_number="DD 1/2026",
            determination_date=_today(),
        )
    project_a = Project.objects.get(application=a)
    assert project_a.status == ProjectStatus.TO_ACCEPT and project_a.grant == Decimal("50000.00")
    assert project_a.granted_by is not None
    assert not Project.objects.filter(application=b).exists()
    with pytest.raises(PermissionDenied):
        services.renounce(actor=b.created_by, project=project_a, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.renounce(actor=a.created_by, project=project_a, reason="Il partner principale si è ritirato")
    project_a.refresh_from_db()
    a.refresh_from_db()
    assert project_a.status == ProjectStatus.RENOUNCED and a.status == ApplicationStatus.RENOUNCED
    assert project_a.changes.get(kind=ChangeKind.RENUNCIATION).reason.startswith("Il partner")
    project_b = Project.objects.get(application=b)
    assert project_b.status == ProjectStatus.TO_ACCEPT and project_b.grant == Decimal("40000.00")
    with pytest.raises(WrongState):
        services.renounce(actor=a.created_by, project=project_a, reason="Di nuovo")


def test_a_renunciation_recorded_by_the_evaluation_closes_the_project(django_capture_on_commit_callbacks):
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    with django_capture_on_commit_callbacks(execute=True):
        services.on_application_defunded(application=project.application, reason="Rinuncia su carta")
    project.refresh_from_db()
    assert project.status == ProjectStatus.RENOUNCED and project.closing_reason == "Rinuncia su carta"


def test_cup_for_every_factory_project_is_unique():
    assert next_cup() != next_cup()


def test_the_beneficiary_records_a_milestone_once_and_never_in_the_future():
    project = ProjectFactory()
    milestone = project.milestones.first()
    user = project.application.created_by
    with pytest.raises(PermissionDenied):
        services.mark_milestone_achieved(actor=project_officer(), milestone=milestone, achieved_on=_today())
    with pytest.raises(ProjectError) as caught:
        services.mark_milestone_achieved(
            actor=user, milestone=milestone, achieved_on=_today() + timedelta(days=1)
        )
    assert _codes(caught.value) == {"achieved_on_future"}
    with pytest.raises(ProjectError) as caught:
        services.mark_milestone_achieved(
            actor=user, milestone=milestone, achieved_on=_today() - timedelta(days=30)
        )
    assert _codes(caught.value) == {"achieved_on_before_start"}
    milestone = services.mark_milestone_achieved(actor=user, milestone=milestone, achieved_on=_today())
    assert milestone.achieved_on == _today()
    with pytest.raises(WrongState):
        services.mark_milestone_achieved(actor=user, milestone=milestone, achieved_on=_today())
