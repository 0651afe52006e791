"""De minimis regulations by family (general, SIEG, agriculture, fishery), so that the RNA visura's SIEG,
agricultural and fishery aid is counted under its own regulation's rules (grants.registry.deminimis).

The two general regulations of 0004 stay ``general``. Added as data, editable in the back-office:
- Reg. (UE) 360/2012 (SIEG): EUR 500,000 over three fiscal years, aid granted up to 31.12.2023;
- Reg. (UE) 2023/2832 (SIEG): EUR 750,000 over any three years, from 1.1.2024 (its art. 8);
- Reg. (UE) 1408/2013 (agriculture) and 717/2014 (fishery) with their current ceilings (EUR 50,000 after
  Reg. (UE) 2024/3118, EUR 40,000 after Reg. (UE) 2023/2391) over any three years: earlier ceilings were lower;
  the rows serve to recognise and count that aid, a grant under them is not made by the platform.
"""

import datetime
from decimal import Decimal

from django.db import migrations, models

REGULATIONS = [
    {
        "code": "ue-360-2012",
        "title": "Reg. (UE) n. 360/2012 (de minimis SIEG)",
        "family": "sieg",
        "ceiling": Decimal("500000.00"),
        "period_kind": "fiscal_years",
        "period_years": 3,
        "valid_from": datetime.date(2012, 4, 27),
        "valid_until": datetime.date(2023, 12, 31),
    },
    {
        "code": "ue-2023-2832",
        "title": "Reg. (UE) 2023/2832 (de minimis SIEG)",
        "family": "sieg",
        "ceiling": Decimal("750000.00"),
        "period_kind": "rolling_years",
        "period_years": 3,
        "valid_from": datetime.date(2024, 1, 1),
        "valid_until": None,
    },
    {
        "code": "ue-1408-2013",
        "title": "Reg. (UE) n. 1408/2013 (de minimis agricolo, come modificato dal Reg. (UE) 2024/3118)",
        "family": "agriculture",
        "ceiling": Decimal("50000.00"),
        "period_kind": "rolling_years",
        "period_years": 3,
        "valid_from": datetime.date(2014, 1, 1),
        "valid_until": None,
    },
    {
        "code": "ue-717-2014",
        "title": "Reg. (UE) n. 717/2014 (de minimis pesca e acquacoltura, come modificato dal Reg. (UE) 2023/2391)",
        "family": "fishery",
        "ceiling": Decimal("40000.00"),
        "period_kind": "rolling_years",
        "period_years": 3,
        "valid_from": datetime.date(2014, 7, 1),
        "valid_until": None,
    },
]


def load(apps, schema_editor):
    Regulation = apps.get_model("registry", "DeMinimisRegulation")
    for values in REGULATIONS:
        Regulation.objects.get_or_create(code=values["code"], defaults=values)


def unload(apps, schema_editor):
    Regulation = apps.get_model("registry", "DeMinimisRegulation")
    Regulation.objects.filter(code__in=[r["code"] for r in REGULATIONS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_italian_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='deminimisregulation',
            name='family',
            field=models.CharField(choices=[('general', 'De minimis generale'), ('sieg', 'Servizi di interesse economico generale (SIEG)'), ('agriculture', 'Produzione primaria agricola'), ('fishery', 'Pesca e acquacoltura')], default='general', max_length=20, verbose_name='ambito'),
        ),
        migrations.AddField(
            model_name='historicaldeminimisregulation',
            name='family',
            field=models.CharField(choices=[('general', 'De minimis generale'), ('sieg', 'Servizi di interesse economico generale (SIEG)'), ('agriculture', 'Produzione primaria agricola'), ('fishery', 'Pesca e acquacoltura')], default='general', max_length=20, verbose_name='ambito'),
        ),
        migrations.RunPython(load, unload),
    ]
