"""Participants: the codice fiscale validated and kept only as a keyed hash, each person once per project,
field errors in Italian, and the counts that feed the indicators (hypothesis)."""

import hashlib
import hmac

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from grants.monitoring import selectors, services
from grants.monitoring.models import Participant
from grants.monitoring.services import MonitoringError

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return f.fse_project()


def test_the_codice_fiscale_is_kept_only_as_a_keyed_hash(project):
    code = f.fiscal_code(7)
    participant = f.participant(project, codice_fiscale=code.lower())
    expected = hmac.new(settings.PARTICIPANT_ID_HASH_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()
    assert participant.person_hash == expected
    stored = [str(v) for v in Participant.objects.filter(pk=participant.pk).values().get().values()]
    assert not any(code in value for value in stored)
    history = participant.history.values().first()
    assert "person_hash" not in history and not any(code in str(v) for v in history.values())
    assert participant.age_at_entry == 40  # born 10/12/1985, entered 30 days ago in 2026


def test_a_person_counts_once_per_project_and_again_in_another(project):
    code = f.fiscal_code(8)
    f.participant(project, codice_fiscale=code)
    with pytest.raises(MonitoringError) as refused:
        f.participant(project, codice_fiscale=code, sesso="M")
    assert refused.value.errors[0]["field"] == "codice_fiscale"
    assert refused.value.errors[0]["code"] == "duplicate"
    other = f.fse_project(call=project.call)
    f.participant(other, codice_fiscale=code)
    assert Participant.objects.filter(project=project).count() == 1
    assert Participant.objects.filter(project=other).count() == 1


def test_every_wrong_field_is_named_in_italian(project):
    with pytest.raises(MonitoringError) as refused:
        f.participant(
            project,
            codice_fiscale="RSSMRA85T10A562X",
            sesso="Q",
            data_ingresso="31/02/2026",
            condizione_occupazionale="pensionato",
            titolo_studio="9",
            disabilita="forse",
        )
    fields = {e["field"]: e["message"] for e in refused.value.errors}
    assert set(fields) == {
        "codice_fiscale",
        "sesso",
        "data_ingresso",
        "condizione_occupazionale",
        "titolo_studio",
        "disabilita",
    }
    assert "carattere di controllo" in fields["codice_fiscale"]
    assert "AAAA-MM-GG" in fields["data_ingresso"]
    assert not Participant.objects.exists()


def test_a_company_code_is_not_a_person(project):
    with pytest.raises(MonitoringError) as refused:
        f.participant(project, codice_fiscale="01234567890")
    assert "16 caratteri" in refused.value.errors[0]["message"]


def test_only_the_beneficiary_registers_participants(project):
    for user in (f.outsider(), f.manager()):
        with pytest.raises(PermissionDenied):
            services.add_participant(actor=user, project=project, data=f.row(9))
    assert not Participant.objects.exists()


people = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),  # the person (repeats are the same codice fiscale)
        st.sampled_from(["F", "M", "X"]),
        st.sampled_from(
            ["disoccupato", "disoccupato_lunga_durata", "inattivo", "inattivo_in_formazione", "occupato"]
        ),
        st.sampled_from([str(level) for level in range(9)]),
        st.booleans(),
    ),
    max_size=25,
)


def test_sums_by_breakdown_equal_the_totals_and_each_person_counts_once(project):
    indicators = selectors.applicable_indicators(project)
    by_code = {i.code: i for i in indicators}

    @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(people)
    def check(entries):
        with transaction.atomic():
            for n, sex, status, education, disabled in entries:
                try:
                    f.participant(
                        project,
                        n,
                        sesso=sex,
                        condizione_occupazionale=status,
                        titolo_studio=education,
                        disabilita="si" if disabled else "no",
                    )
                except MonitoringError as exc:
                    assert exc.code == "duplicate"
            values = selectors.computed_values(project, indicators)
            distinct = {n for n, *_rest in entries}
            total = values[by_code["PART"].pk]
            assert total.total == len(distinct)
            for value in values.values():
                if value.women is not None:
                    assert value.women + value.men + value.non_binary == value.total
            # employment status partitions the participants; so does education.
            employment = ("CO01", "CO03", "CO05")
            assert sum(values[by_code[c].pk].total for c in employment) == total.total
            education = ("CO09", "CO10", "CO11")
            assert sum(values[by_code[c].pk].total for c in education) == total.total
            assert values[by_code["CO02"].pk].total <= values[by_code["CO01"].pk].total
            first_seen = {}
            for n, sex, *_rest, disabled in entries:
                first_seen.setdefault(n, (sex, disabled))
            assert values[by_code["CO16"].pk].total == sum(1 for _sex, d in first_seen.values() if d)
            assert total.women == sum(1 for sex, _d in first_seen.values() if sex == "F")
            transaction.set_rollback(True)

    check()


def test_household_and_residence_feed_co12_co13_co14_and_co19(project):
    yes = "sì"
    f.participant(project, 41, famiglia_senza_occupati=yes, figli_a_carico=yes)  # CO12, CO13
    f.participant(project, 42, famiglia_senza_occupati=yes, sesso="M")  # CO12
    f.participant(project, 43, unico_adulto=yes, figli_a_carico=yes, zona_rurale=yes)  # CO14, CO19
    f.participant(project, 44, unico_adulto=yes)  # a single adult without children: none of them
    with pytest.raises(MonitoringError) as refused:
        f.participant(project, 45, zona_rurale="forse")
    assert [e["field"] for e in refused.value.errors] == ["zona_rurale"]
    indicators = selectors.applicable_indicators(project)
    by_code = {i.code: i for i in indicators}
    values = selectors.computed_values(project, indicators)
    totals = {code: values[by_code[code].pk] for code in ("CO12", "CO13", "CO14", "CO19")}
    assert {code: value.total for code, value in totals.items()} == {
        "CO12": 2,
        "CO13": 1,
        "CO14": 1,
        "CO19": 1,
    }
    assert (totals["CO12"].women, totals["CO12"].men) == (1, 1)
    assert not any(by_code[code].is_sensitive for code in totals)  # household and residence: not special data
    stored = Participant.objects.get(project=project, household_single_adult=True, lives_in_rural_area=True)
    assert stored.household_dependent_children and not stored.household_jobless
