"""Load the ESF common indicators (grants/monitoring/data/esf_common.yaml) into the catalogue."""

from django.db import migrations


def load(apps, schema_editor):
    from grants.monitoring.catalogue import COMMON_CATALOGUE, load_catalogue

    load_catalogue(
        COMMON_CATALOGUE,
        indicator_model=apps.get_model("monitoring", "Indicator"),
        measure_model=apps.get_model("programme", "Measure"),
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    # Elidable: 0003 loads the same catalogue with the same function, so the squashed migration loads it once.
    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
