"""Ship the two general de minimis regulations as data (editable afterwards in the back-office).

Reg. (EU) 1407/2013 applied to aid granted up to 31 December 2023; Reg. (EU) 2023/2831 applies from
1 January 2024 (its art. 8)."""

import datetime
from decimal import Decimal

from django.db import migrations

REGULATIONS = [
    {
        "code": "ue-1407-2013",
        "title": "Reg. (UE) n. 1407/2013 (de minimis generale)",
        "ceiling": Decimal("200000.00"),
        "period_kind": "fiscal_years",
        "period_years": 3,
        "valid_from": datetime.date(2014, 1, 1),
        "valid_until": datetime.date(2023, 12, 31),
    },
    {
        "code": "ue-2023-2831",
        "title": "Reg. (UE) 2023/2831 (de minimis generale)",
        "ceiling": Decimal("300000.00"),
        "period_kind": "rolling_years",
        "period_years": 3,
        "valid_from": datetime.date(2024, 1, 1),
        "valid_until": None,
    },
]


def load(apps, schema_editor):
    Regulation = apps.get_model("registry", "DeMinimisRegulation")
    for values in REGULATIONS:
        Regulation.objects.get_or_create(code=values["code"], defaults=values)


def unload(apps, schema_editor):
    Regulation = apps.get_model("registry", "DeMinimisRegulation")
    Regulation.objects.filter(
        code__in=[r["code"] for r in REGULATIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_de_minimis_register")]

    operations = [migrations.RunPython(load, unload)]
