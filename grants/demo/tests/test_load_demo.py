import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grants.accounts.models import User
from grants.applications.models import Application
from grants.evaluation.models import DecisionGrant
from grants.notifications.models import Notification
from grants.programme.models import Call, Measure, Programme
from grants.projects.models import Project
from grants.registry.models import DeMinimisAid, Membership, Organisation
from grants.territory.models import Municipality


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Municipality,
            Programme,
            Measure,
            Call,
            Organisation,
            Membership,
            User,
            Application,
            DeMinimisAid,
            Project,
            DecisionGrant,
            Notification,
        )
    }


@pytest.mark.single_pass
@pytest.mark.django_db
def test_demo_loads_wecare_and_a_second_run_changes_nothing(capsys):
    call_command("load_demo")
    first = _counts()
    capsys.readouterr()
    call_command("load_demo")
    second_output = capsys.readouterr().out

    assert _counts() == first
    assert first["Municipality"] == 1180
    wecare = Programme.objects.get(code="wecare")
    assert sum(m.budget for m in wecare.measures.all()) == 20_000_000
    assert Organisation.objects.filter(is_demo=False).count() == 0, "every demo organisation is marked"
    assert all(o.name.startswith("[DEMO]") for o in Organisation.objects.all())
    assert User.objects.get(email="funzionario@regione.demo").groups.filter(name="officer").exists()
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {"draft", "withdrawn", "admissible"} <= statuses
    assert Application.objects.filter(status="admissible").exclude(protocol_number=None).exists()
    # Stamp duty: a submitted application with a paid marca da bollo, another with an exemption.
    sent = Application.objects.exclude(protocol_number=None)
    assert sent.exclude(stamp_duty_number="").filter(stamp_duty_issued_on__isnull=False).exists()
    assert sent.exclude(stamp_duty_exemption="").exclude(stamp_duty_legal_basis="").exists()
    # De minimis: the demo company declared aid received from another body.
    declared = DeMinimisAid.objects.get(source="declared")
    assert declared.organisation.is_demo and declared.organisation.legal_form == "company"
    # Both programme files, the demo one with its dates moved to today, are loaded again without a change.
    assert second_output.count("Nessuna modifica") == 2, second_output


@pytest.mark.django_db
def test_demo_data_is_refused_in_production(settings):
    settings.ENV = "production"

    with pytest.raises(CommandError, match="produzione"):
        call_command("load_demo")
