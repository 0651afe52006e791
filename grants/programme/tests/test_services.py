from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.core.timeutils import now, rome_datetime
from grants.programme import services
from grants.programme.models import (
    CallMode,
    CallPhase,
    CallPhaseStatus,
    CallReserve,
    CallStatus,
    CostCategory,
    CostOption,
    Criterion,
    ReserveKind,
)
from grants.programme.permissions import can_configure_programme, visible_calls
from grants.programme.tests.factories import (
    CallFactory,
    CallPhaseFactory,
    CallReserveFactory,
    CostCategoryFactory,
    CriterionFactory,
    MeasureFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(call, **children):
    return services.call_consistency_errors(call, **children)


# --- consistency rules -------------------------------------------------------------------------------------


def test_factory_call_is_consistent():
    call = CallFactory()
    assert services.check_call_consistency(call) == []


def test_closing_must_follow_opening():
    call = CallFactory.build(measure=MeasureFactory())
    call.closes_at = call.opens_at - timedelta(minutes=1)
    errors = errors_of(call)
    assert "closes_at" in errors
    assert "successiva all'apertura" in errors["closes_at"][0]
    call.closes_at = call.opens_at
    assert "closes_at" in errors_of(call)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    budget=st.integers(min_value=0, max_value=10_000_000),
    amounts=st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=0, max_size=6),
)
def test_reserves_never_exceed_the_budget(budget, amounts):
    call = CallFactory.build(budget=Decimal(budget))
    reserves = [
        CallReserve(
            call=call,
            code=f"r{i}",
            label=f"Riserva {i}",
            kind=ReserveKind.APPLICANT_TYPE,
            legal_forms=["third_sector"],
            amount=Decimal(amount),
        )
        for i, amount in enumerate(amounts)
    ]
    errors = services.reserve_errors(call, reserves)
    assert bool(errors) == (sum(amounts) > budget)
    if errors:
        assert "supera la dotazione del bando" in errors["reserves"][0]


def test_a_first_come_call_whose_reserves_leave_an_admitted_applicant_out_is_refused():
    """FESR 2018 as it was loaded: lines A (social enterprises) and B (micro and small firms) took the whole
    budget while medium firms were admitted, so a medium firm could never be booked."""
    call = CallFactory.build(
        mode=CallMode.FIRST_COME,
        budget=Decimal("5000000.00"),
        lead_legal_forms=["third_sector", "social_cooperative", "company"],
        lead_company_sizes=["micro", "small", "medium"],
    )

    def line(code, amount, **kwargs):
        return CallReserve(
            call=call, code=code, label=code, kind=ReserveKind.APPLICANT_TYPE, amount=amount, **kwargs
        )

    reserves = [
        line("a", Decimal("4000000.00"), legal_forms=["third_sector", "social_cooperative"]),
        line("b", Decimal("1000000.00"), legal_forms=["company"], company_sizes=["micro", "small"]),
    ]
    [message] = services.reserve_errors(call, reserves)["reserves"]
    assert "Impresa" in message and "media" in message.lower() and "mai essere prenotate" in message
    call.lead_company_sizes = ["micro", "small"]
    assert services.reserve_errors(call, reserves) == {}
    call.lead_company_sizes = ["micro", "small", "medium"]
    reserves[0].amount = Decimal("3900000.00")  # a general pool of 100,000 €: medium firms can book on it
    assert services.reserve_errors(call, reserves) == {}


def test_reserves_checked_from_the_database_too():
    call = CallFactory(budget=Decimal("1000.00"), min_grant=None, max_grant=None)
    CallReserveFactory(call=call, amount=Decimal("600.00"))
    assert services.check_call_consistency(call) == []
    CallReserveFactory(call=call, amount=Decimal("400.01"))
    problems = services.check_call_consistency(call)
    assert len(problems) == 1
    assert problems[0].startswith("reserves: Il totale delle riserve (1.000,01 €)")


def test_reserve_needs_the_foreign_key_of_its_kind():
    call = CallFactory()
    province_without_province = CallReserve(
        call=call, code="to", label="Torino", kind=ReserveKind.PROVINCE, amount=Decimal(1)
    )
    line_without_applicants = CallReserve(
        call=call, code="a", label="Linea A", kind=ReserveKind.APPLICANT_TYPE, amount=Decimal(1)
    )
    negative = CallReserve(
        call=call, code="n", label="Negativa", kind=ReserveKind.PROJECT_TYPE, amount=Decimal(-1)
    )
    messages = services.reserve_errors(call, [province_without_province, line_without_applicants, negative])[
        "reserves"
    ]
    assert any("Torino" in m and "provincia" in m for m in messages)
    assert any("Linea A" in m and "tipologie di soggetto" in m for m in messages)
    assert any("Negativa" in m and "negativo" in m for m in messages)


def test_calls_of_a_measure_stay_within_its_budget():
    measure = MeasureFactory(budget=Decimal("1000000.00"))
    CallFactory(measure=measure, budget=Decimal("700000.00"))
    second = CallFactory.build(measure=measure, budget=Decimal("300000.00"))
    assert "budget" not in errors_of(second)
    second.budget = Decimal("300000.01")
    assert "dotazione della misura" in errors_of(second)["budget"][0]
    assert "budget" in services.measure_budget_errors(measure, calls_total=Decimal("1000000.01"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_grant": Decimal(10), "max_grant": Decimal(9)}, "max_grant"),
        ({"min_project_cost": Decimal(10), "max_project_cost": Decimal(9)}, "max_project_cost"),
        ({"min_partners": 3, "max_partners": 2}, "max_partners"),
        ({"lead_legal_forms": []}, "lead_legal_forms"),
        ({"lead_legal_forms": ["third_sector", "ente_inventato"]}, "lead_legal_forms"),
        ({"partner_legal_forms": ["impresa"]}, "partner_legal_forms"),
        ({"lead_company_sizes": ["enorme"]}, "lead_company_sizes"),
        ({"max_aid_intensity": Decimal(100), "min_cofinancing": Decimal(20)}, "min_cofinancing"),
    ],
)
def test_call_field_rules(changes, field):
    call = CallFactory.build(measure=MeasureFactory(), **changes)
    errors = errors_of(call)
    assert field in errors, errors
    assert len(errors) == 1


def test_unknown_legal_form_is_named_in_italian():
    call = CallFactory.build(measure=MeasureFactory(), lead_legal_forms=["ente_inventato"])
    message = errors_of(call)["lead_legal_forms"][0]
    assert message.startswith("Valori non ammessi: ente_inventato")


def test_cost_category_rules():
    call = CallFactory()
    staff = CostCategory(call=call, code="personale", title="Personale", cost_option=CostOption.REAL_COSTS)
    indirect = CostCategory(
        call=call,
        code="indiretti",
        title="Indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal(15),
        flat_rate_base=["personale"],
    )
    assert services.cost_category_errors(call, [staff, indirect]) == {}
    indirect.flat_rate_base = ["viaggi"]
    staff.cap_percent = Decimal(120)
    messages = services.cost_category_errors(call, [staff, indirect])["cost_categories"]
    assert any("viaggi" in m and "inesistenti" in m for m in messages)
    assert any("da 0 a 100" in m for m in messages)
    unit = CostCategory(call=call, code="ucs", title="Ore", cost_option=CostOption.UNIT_COST)
    assert "costo unitario" in services.cost_category_errors(call, [unit])["cost_categories"][0]


def test_criteria_tree_rules():
    call = CallFactory(min_total_score=Decimal(60))
    macro = CriterionFactory(call=call, code="A", max_points=Decimal(40), min_points=Decimal(20))
    CriterionFactory(call=call, code="A1", parent=macro, max_points=Decimal(25))
    CriterionFactory(call=call, code="A2", parent=macro, max_points=Decimal(15))
    CriterionFactory(call=call, code="B", max_points=Decimal(60))
    assert services.check_call_consistency(call) == []

    Criterion.objects.filter(code="A2").update(max_points=Decimal(10))
    problems = services.check_call_consistency(call)
    assert problems == [
        "criteria: Criterio A: i sotto-criteri valgono in tutto 35 punti, ma il massimo del criterio è 40."
    ]


def test_threshold_above_maximum_and_unreachable_total():
    call = CallFactory.build(measure=MeasureFactory(), min_total_score=Decimal(90))
    only = Criterion(call=call, code="A", title="A", max_points=Decimal(50), min_points=Decimal(51))
    errors = services.criteria_errors(call, [only])
    assert "supera il punteggio massimo" in errors["criteria"][0]
    assert "min_total_score" in errors


def test_two_phase_calls_need_two_phases_inside_the_window():
    call = CallFactory(is_two_phase=True)
    problems = services.check_call_consistency(call)
    assert len(problems) == 1
    assert "almeno due fasi" in problems[0]
    CallPhaseFactory(call=call, code="idea", closes_at=call.opens_at + timedelta(days=5))
    late = CallPhase(
        call=call,
        code="esecutivo",
        title="Progetto esecutivo",
        order=1,
        opens_at=call.opens_at + timedelta(days=6),
        closes_at=call.closes_at + timedelta(days=1),
    )
    errors = services.phase_errors(call, [*call.phases.all(), late])
    assert "deve svolgersi tra l'apertura" in errors["phases"][0]
    late.closes_at = call.closes_at
    assert services.phase_errors(call, [*call.phases.all(), late]) == {}


# --- status derived from the clock ---------------------------------------------------------------------


def test_status_follows_the_clock():
    call = CallFactory.build(
        opens_at=rome_datetime(2026, 10, 1, 9), closes_at=rome_datetime(2027, 3, 31, 12), status="published"
    )
    assert call.status_at(rome_datetime(2026, 9, 30, 23, 59)) == CallPhaseStatus.UPCOMING
    assert call.status_at(rome_datetime(2026, 10, 1, 9)) == CallPhaseStatus.OPEN
    assert call.status_at(rome_datetime(2027, 3, 31, 11, 59, 59)) == CallPhaseStatus.OPEN
    assert call.status_at(rome_datetime(2027, 3, 31, 12)) == CallPhaseStatus.CLOSED
    call.status = CallStatus.DRAFT
    assert call.status_at(rome_datetime(2026, 12, 1)) == CallPhaseStatus.DRAFT


# --- transitions --------------------------------------------------------------------------------------------


def test_publish_a_draft_writes_history(officer):
    call = CallFactory(status=CallStatus.DRAFT, published_at=None)
    published = services.publish_call(actor=officer, call=call)
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at is not None
    assert published.status == CallStatus.PUBLISHED
    last = call.history.first()
    assert last.history_user == officer
    assert last.history_change_reason == "Pubblicazione del bando"


def test_publish_refused_when_not_draft_or_inconsistent(officer):
    call = CallFactory(status=CallStatus.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        services.publish_call(actor=officer, call=call)
    assert "status" in exc.value.message_dict

    draft = CallFactory(status=CallStatus.DRAFT, budget=Decimal("100.00"), min_grant=None, max_grant=None)
    CallReserveFactory(call=draft, amount=Decimal("150.00"))
    with pytest.raises(ValidationError) as exc:
        services.publish_call(actor=officer, call=draft)
    assert "reserves" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.status == CallStatus.DRAFT


def test_transitions_need_permission(viewer, applicant):
    call = CallFactory(status=CallStatus.DRAFT)
    for actor in (viewer, applicant, AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            services.publish_call(actor=actor, call=call)
    assert not can_configure_programme(viewer)


def test_ranking_approved_only_after_the_deadline_shown_in_rome_time(officer):
    call = CallFactory(
        opens_at=now() - timedelta(days=10), closes_at=rome_datetime(2099, 7, 31, 12), mode=CallMode.RANKING
    )
    with pytest.raises(ValidationError) as exc:
        services.approve_call_ranking(actor=officer, call=call)
    assert exc.value.message_dict["closes_at"] == [
        "La graduatoria si può approvare solo dopo la scadenza del bando (31/07/2099 12:00, ora di Roma)."
    ]
    approved = services.approve_call_ranking(actor=officer, call=call, moment=rome_datetime(2099, 7, 31, 12))
    assert approved.status == CallStatus.RANKING_APPROVED


def test_ranking_approval_refused_for_first_come_calls(officer):
    call = CallFactory(mode=CallMode.FIRST_COME, closes_at=now() - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.approve_call_ranking(actor=officer, call=call)
    assert "sportello" in exc.value.message_dict["mode"][0]


def test_archive(officer):
    draft = CallFactory(status=CallStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.archive_call(actor=officer, call=draft)
    still_open = CallFactory()
    with pytest.raises(ValidationError) as exc:
        services.archive_call(actor=officer, call=still_open)
    assert "closes_at" in exc.value.message_dict
    closed = CallFactory(status=CallStatus.RANKING_APPROVED, closes_at=now() - timedelta(days=1))
    assert services.archive_call(actor=officer, call=closed).status == CallStatus.ARCHIVED
    assert closed.history.first().history_change_reason == "Archiviazione del bando"


def test_save_call_checks_and_audits(officer):
    call = CallFactory.build(measure=MeasureFactory(), status=CallStatus.DRAFT)
    saved = services.save_call(actor=officer, call=call)
    assert saved.pk and saved.history.first().history_user == officer
    saved.lead_legal_forms = []
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        services.save_call(actor=officer, call=saved)
    assert "lead_legal_forms" in exc.value.message_dict
    saved.refresh_from_db()
    assert saved.lead_legal_forms == ["third_sector"]


def test_save_call_checks_children_unless_told_not_to(officer):
    call = CallFactory(budget=Decimal("1000.00"), max_grant=Decimal("1000.00"), min_grant=None)
    CallReserveFactory(call=call, amount=Decimal("900.00"))
    call.budget = Decimal("800.00")
    call.max_grant = Decimal("800.00")
    with pytest.raises(ValidationError) as exc:
        services.save_call(actor=officer, call=call)
    assert list(exc.value.message_dict) == ["reserves"]
    services.save_call(actor=officer, call=call, check_children=False)


def test_cost_categories_from_factory_are_valid():
    call = CallFactory()
    CostCategoryFactory(call=call, code="personale")
    CostCategoryFactory(
        call=call,
        code="indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal(15),
        flat_rate_base=["personale"],
    )
    assert services.check_call_consistency(call) == []


# --- visibility ---------------------------------------------------------------------------------------------


def test_drafts_are_visible_only_to_staff_with_view_permission(viewer, applicant):
    draft = CallFactory(status=CallStatus.DRAFT)
    public = CallFactory()
    assert set(visible_calls(AnonymousUser())) == {public}
    assert set(visible_calls(applicant)) == {public}
    assert set(visible_calls(viewer)) == {draft, public}
