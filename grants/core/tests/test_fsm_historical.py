"""Rendering the historical models of migrations adds no django-fsm receivers (grants.core.fsm)."""

from django.apps import apps
from django.db.migrations.state import ProjectState
from django.db.models.signals import class_prepared


def _receivers() -> int:
    class_prepared._clear_dead_receivers()
    return len(class_prepared.receivers)


def test_rendering_the_migration_state_connects_no_receiver():
    before = _receivers()
    rendered = ProjectState.from_apps(apps).apps  # what migrate does after each operation
    assert rendered.get_model("finance", "Payment")._meta.get_field("status")
    assert _receivers() == before


def test_real_models_still_collect_their_transitions():
    payment = apps.get_model("finance", "Payment")  # core imports no app above it
    field = payment._meta.get_field("status")
    assert field.transitions[payment], "the real model's transitions are collected"
