"""The historical models that ``migrate`` renders reach no real-model ``class_prepared`` receiver
(grants.core.historical_models): dispatching about 110 of them to every rendered model cost a seventh of
``migrate``."""

import weakref

from django.apps import apps
from django.db.migrations.state import ProjectState
from django.db.models.signals import class_prepared

from grants.core import historical_models


def _receivers() -> list:
    class_prepared._clear_dead_receivers()
    return [
        ref() if isinstance(ref, weakref.ReferenceType) else ref
        for _key, ref, _async in class_prepared.receivers
    ]


def _counting(monkeypatch, *, call_through: bool) -> list:
    calls = []

    def wrap(receiver):
        def counted(sender, **kwargs):
            calls.append(sender)
            if call_through:
                receiver(sender=sender, **kwargs)

        return counted

    monkeypatch.setattr(historical_models, "_gated", [wrap(r) for r in historical_models._gated])
    return calls


def test_no_per_model_receiver_is_connected_directly():
    receivers = _receivers()
    assert not [r for r in receivers if historical_models._is_gated(r)]
    # One receiver per tracked model or FSM field would be ~110: a library connecting one per model shows.
    assert len(receivers) <= 5, receivers
    assert len(historical_models._gated) >= 50, "simple-history's and django-fsm's receivers are gated"


def test_rendering_the_migration_state_calls_none_of_them(monkeypatch):
    calls = _counting(monkeypatch, call_through=True)
    before = len(_receivers())
    rendered = ProjectState.from_apps(apps).apps  # what migrate does after each operation
    assert rendered.get_model("finance", "Payment")._meta.get_field("status")
    assert calls == []
    assert len(_receivers()) == before


def test_a_real_model_class_still_reaches_all_of_them(monkeypatch):
    calls = _counting(monkeypatch, call_through=False)  # the real model is prepared already: count only
    payment = apps.get_model("finance", "Payment")
    class_prepared.send(sender=payment)
    assert len(calls) == len(historical_models._gated)
