"""``class_prepared`` receivers that only concern real models, kept from the historical models of migrations.

Every tracked model's ``HistoricalRecords`` connects ``finalize`` (never disconnected) and every FSM field of
a real model connects ``_collect_transitions``: about 110 receivers. ``class_prepared`` is sent for every
model class created, also for the historical models (module ``__fake__``) that ``migrate`` renders after each
operation, about 48,000 of them for a fresh database. None of these receivers does anything for a historical
model (its bases are historical or ``models.Model``, never the real class they look for), yet dispatching them
cost a seventh of ``migrate``'s time.

After the app registry is populated (every real model is prepared by then) they are moved behind one receiver
that calls them, in their order, for any class but a historical model. The FSM fields of historical models
connect nothing at all (``grants.core.fsm``).
"""

import weakref

from django.db.models.signals import class_prepared
from django_fsm import FSMFieldMixin
from simple_history.models import HistoricalRecords

from .fsm import HISTORICAL_MODULE

# The functions whose bound receivers are gated (a receiver is the bound method of an instance).
GATED_FUNCTIONS = (HistoricalRecords.finalize, FSMFieldMixin._collect_transitions)

_gated: list = []


def _for_real_models_only(sender, **kwargs):
    if sender.__module__ == HISTORICAL_MODULE:
        return
    for receiver in list(_gated):
        receiver(sender=sender, **kwargs)


def _is_gated(receiver) -> bool:
    return getattr(receiver, "__func__", None) in GATED_FUNCTIONS


def gate_receivers() -> int:
    """Move the receivers of ``GATED_FUNCTIONS`` connected so far behind the gate; returns how many moved."""
    moved = 0
    for _key, ref, _is_async in list(class_prepared.receivers):
        receiver = ref() if isinstance(ref, weakref.ReferenceType) else ref
        if receiver is None or not _is_gated(receiver):
            continue
        class_prepared.disconnect(receiver)
        _gated.append(receiver)
        moved += 1
    class_prepared.connect(_for_real_models_only, weak=False, dispatch_uid="grants_core_real_models_only")
    return moved
