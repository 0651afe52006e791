"""Load a catalogue of indicators from a YAML definition (grants/monitoring/data/*.yaml).

    programme: wecare            # optional: measure codes below are this programme's
    fund_codes: [FSE]            # optional default for every entry
    indicators:
      - {code: CO01, title: "...", kind: output, subject: participants, rule: participants_unemployed}
      - {code: WEC-FSE1-01, measure: FSE1, rule: reported, kind: output, subject: other, title: "..."}

Idempotent: an indicator is matched by its code and updated; none is deleted (one no longer listed stays,
with its history). An invalid file names the entry and field and changes nothing (one transaction). The data
migration passes the historical models; the command passes the real ones.
"""

from pathlib import Path

import yaml
from django.db import transaction

from .rules import RULE_CHOICES
from .states import IndicatorKind, IndicatorSubject

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMON_CATALOGUE = DATA_DIR / "esf_common.yaml"
_RULES = {code for code, _label in RULE_CHOICES}


class CatalogueError(ValueError):
    pass


def _check(entry: dict, index: int, where: str) -> None:
    for field in ("code", "title", "kind", "subject"):
        if not str(entry.get(field) or "").strip():
            raise CatalogueError(f"{where}: indicators[{index}].{field} is required")
    if entry["kind"] not in IndicatorKind.values:
        raise CatalogueError(f"{where}: indicators[{index}].kind must be one of {IndicatorKind.values}")
    if entry["subject"] not in IndicatorSubject.values:
        raise CatalogueError(f"{where}: indicators[{index}].subject must be one of {IndicatorSubject.values}")
    if entry.get("rule", "reported") not in _RULES:
        raise CatalogueError(f"{where}: indicators[{index}].rule «{entry.get('rule')}» is not a known rule")


def load_catalogue(path: Path | str, *, indicator_model=None, measure_model=None) -> dict[str, int]:
    """Create or update the indicators of ``path``; returns {"created": n, "updated": m}."""
    if indicator_model is None or measure_model is None:
        from grants.programme.models import Measure

        from .models import Indicator

        indicator_model, measure_model = Indicator, Measure
    where = Path(path).name
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("indicators") or []
    programme_code = data.get("programme")
    default_funds = list(data.get("fund_codes") or [])
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        for order, entry in enumerate(entries, start=1):
            _check(entry, order - 1, where)
            measure = None
            if entry.get("measure"):
                if not programme_code:
                    raise CatalogueError(f"{where}: a measure needs 'programme' at the top of the file")
                measure = measure_model.objects.filter(
                    programme__code=programme_code, code=entry["measure"]
                ).first()
                if measure is None:
                    raise CatalogueError(
                        f"{where}: indicators[{order - 1}].measure «{entry['measure']}» is not a measure of "
                        f"programme «{programme_code}» (load the programme first)"
                    )
            values = {
                "title": entry["title"],
                "title_en": entry.get("title_en", ""),
                "description": entry.get("description", ""),
                "kind": entry["kind"],
                "subject": entry["subject"],
                "unit": entry.get("unit", "numero"),
                "rule": entry.get("rule", "reported"),
                "measure": measure,
                "fund_codes": list(entry.get("fund_codes", default_funds if measure is None else [])),
                "is_sensitive": bool(entry.get("sensitive", False)),
                "order": entry.get("order", order * 10),
            }
            _obj, created = indicator_model.objects.update_or_create(code=entry["code"], defaults=values)
            counts["created" if created else "updated"] += 1
    return counts
