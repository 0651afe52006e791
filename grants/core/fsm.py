"""django-fsm on the historical models of migrations.

``FSMField.contribute_to_class`` connects a ``class_prepared`` receiver for every class the field is added
to, and that receiver (``_collect_transitions``) runs on every model class prepared afterwards. Migrations
re-render the historical models after each operation, so ``migrate`` adds one receiver per rendered state
field and then calls all of them for every class it renders: on this project that was 14 million calls, two
thirds of the 80 s a fresh database took to migrate (CI migrates three of them).

A historical model (``__fake__`` module, built by the migration state) has no methods, so it has no
transitions to collect: its field's receiver is disconnected as soon as it is connected. Real models are
untouched.
"""

from django.db.models.signals import class_prepared
from django_fsm import FSMFieldMixin

HISTORICAL_MODULE = "__fake__"  # django.db.migrations.state.ModelState.render


def skip_historical_models() -> None:
    """Wrap ``FSMFieldMixin.contribute_to_class`` once (idempotent)."""
    original = FSMFieldMixin.contribute_to_class
    if getattr(original, "_skips_historical_models", False):
        return

    def contribute_to_class(self, cls, name, *args, **kwargs):
        original(self, cls, name, *args, **kwargs)
        if cls.__module__ == HISTORICAL_MODULE:
            class_prepared.disconnect(self._collect_transitions)

    contribute_to_class._skips_historical_models = True
    FSMFieldMixin.contribute_to_class = contribute_to_class
