"""Import of the RNA de minimis visura into the register (re-exported by ``grants.registry.services``).

The file the RNA returns for a beneficiary (grants.registry.visura) becomes one ``DeMinimisAid`` per COR,
source ``rna``: idempotent by COR (a re-import changes nothing, the database constraint holds it under two
imports at once); a malformed file, or one with a concession dated in the future or under no de minimis
regulation, is refused whole and nothing is stored. Rows of another beneficiary (a visura of the single
undertaking lists its linked companies too) are not stored here: each company imports its own.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.timeutils import in_rome, now

from . import selectors
from .models import DeMinimisAid, DeMinimisFamily, DeMinimisRegulation, DeMinimisSource, Organisation
from .permissions import can_declare_de_minimis
from .visura import VisuraAid, VisuraError, parse_visura


@dataclass
class VisuraImport:
    created: list[DeMinimisAid] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # CORs already imported
    other_beneficiaries: list[str] = field(default_factory=list)  # their fiscal codes, not stored


# How the RNA writes the kind of de minimis when the regulation's number is missing or unknown here.
_FAMILY_WORDS = (
    (DeMinimisFamily.SIEG, re.compile(r"\bS\.?I\.?E\.?G\b|\bSGEI\b|interesse\s+economico\s+generale", re.I)),
    (DeMinimisFamily.FISHERY, re.compile(r"\bpesca\b|acquacoltura|fishery", re.I)),
    (DeMinimisFamily.AGRICULTURE, re.compile(r"agricol|agricult", re.I)),
)


def _regulation_of(row: VisuraAid, regulations: list[DeMinimisRegulation]) -> DeMinimisRegulation | None:
    """The regulation the visura names for the row (``Regolamento``: ``1407/2013``, ``2023/2832``…, read in
    either order), so that each aid counts under its own regulation's rules (SIEG, agricultural and fishery
    de minimis apart from the general one: ``deminimis.cumulation_rules``). Without a known number, the words
    of the field (SIEG, pesca, agricolo) give the family and the one in force on the date is taken; with
    nothing, the general regulation in force on the date."""
    for first, second in re.findall(r"(\d{1,4})\s*/\s*(\d{4})", row.regulation):
        for regulation in regulations:
            code = regulation.code
            if code.endswith(f"-{first}-{second}") or code.endswith(f"-{second}-{first}"):
                return regulation
    for family, words in _FAMILY_WORDS:
        if words.search(row.regulation):
            return selectors.regulation_in_force(row.granted_on, family)
    return selectors.regulation_in_force(row.granted_on)


def _legal_basis(row: VisuraAid) -> str:
    parts = [f"CAR {row.car}" if row.car else "", row.measure_title, f"COR {row.cor}"]
    return " – ".join(p for p in parts if p)[:255]


@transaction.atomic
def import_de_minimis_visura(*, actor, organisation: Organisation, content: bytes) -> VisuraImport:
    """Store the aid of the visura (CSV or XML as the RNA returns it) for ``organisation``."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Occorre accedere con il proprio account."))
    if not can_declare_de_minimis(actor, organisation):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    try:
        rows = parse_visura(content)
    except VisuraError as error:
        raise ValidationError({"file": error.problems}) from None
    today = in_rome(now()).date()
    regulations = list(DeMinimisRegulation.objects.all())
    mine = [
        r
        for r in rows
        if not r.beneficiary_fiscal_code or r.beneficiary_fiscal_code == organisation.fiscal_code
    ]
    problems: list[str] = []
    resolved: list[tuple[VisuraAid, DeMinimisRegulation]] = []
    for row in mine:
        regulation = _regulation_of(row, regulations)
        if row.granted_on > today:
            problems.append(_("COR %(cor)s: la data di concessione è futura.") % {"cor": row.cor})
        elif regulation is None:
            problems.append(
                _("COR %(cor)s: nessun regolamento de minimis era in vigore il %(day)s.")
                % {"cor": row.cor, "day": _day(row.granted_on)}
            )
        else:
            resolved.append((row, regulation))
    if problems:
        raise ValidationError({"file": problems})
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk"))
    known = set(
        DeMinimisAid.objects.filter(organisation=organisation, source=DeMinimisSource.RNA).values_list(
            "source_reference", flat=True
        )
    )
    # Concessions of the platform the RNA registered are already in the register (with their COR).
    known |= set(
        DeMinimisAid.objects.filter(organisation=organisation, source=DeMinimisSource.PLATFORM)
        .exclude(rna_cor="")
        .values_list("rna_cor", flat=True)
    )
    result = VisuraImport(
        other_beneficiaries=sorted({r.beneficiary_fiscal_code for r in rows if r not in mine})
    )
    for row, regulation in resolved:
        if row.cor in known:
            result.unchanged.append(row.cor)
            continue
        aid = DeMinimisAid(
            organisation=organisation,
            source=DeMinimisSource.RNA,
            granted_on=row.granted_on,
            granting_body=(row.granting_body or _("Soggetto concedente non indicato nella visura"))[:255],
            amount=row.aid_amount,
            regulation=regulation,
            legal_basis=_legal_basis(row),
            source_reference=row.cor,
            recorded_by=actor,
        )
        result.created.append(save_audited(aid, actor=actor, reason="Aiuto importato dalla visura RNA"))
        known.add(row.cor)
    return result


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


__all__ = ["VisuraImport", "import_de_minimis_visura"]
