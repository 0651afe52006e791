"""Rules on documents, the de minimis ceiling and the stamp duty."""

from decimal import Decimal

from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur
from grants.registry.deminimis import split_by_shares

from .common import DE_MINIMIS, ApplicationFacts, CallTerms, MemberDeMinimis, Violation, format_percent


def documents(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    members = 1 + len(facts.partners)
    found = []
    for document in terms.documents:
        if not document.is_mandatory:
            continue
        needed = members if document.per_partner else 1
        have = facts.document_counts.get(document.code, 0)
        if have < needed:
            found.append(
                Violation(
                    "document_missing",
                    f"documents.{document.code}",
                    _("Manca il documento «%(title)s» (%(have)d caricati su %(needed)d richiesti).")
                    % {"title": document.title, "have": have, "needed": needed},
                )
            )
    return found


def de_minimis_ceiling(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    """De minimis calls: the requested grant must fit in the headroom of the applicant's single undertaking
    under the regulation in force today (the grant would be given no earlier)."""
    if terms.state_aid_regime != DE_MINIMIS or facts.de_minimis is None:
        return []
    position = facts.de_minimis
    if not position.regulation:
        return [
            Violation(
                "de_minimis_no_regulation",
                "requested_grant",
                _("Nessun regolamento de minimis è in vigore: il contributo non può essere concesso."),
            )
        ]
    if len(facts.de_minimis_members) > 1:
        return _partnership_ceiling(facts)
    if facts.requested_grant <= position.headroom:
        return []
    return [
        Violation(
            "de_minimis_ceiling",
            "requested_grant",
            _(
                "Il contributo richiesto (%(requested)s) supera l'importo de minimis ancora concedibile "
                "all'impresa unica: massimale %(ceiling)s (%(regulation)s), già utilizzati %(used)s dal "
                "%(start)s, disponibili %(headroom)s."
            )
            % {
                "requested": format_eur(facts.requested_grant),
                "ceiling": format_eur(position.ceiling),
                "regulation": position.regulation,
                "used": format_eur(position.used),
                "start": position.period_start,
                "headroom": format_eur(position.headroom),
            },
        )
    ]


def de_minimis_shares(facts: ApplicationFacts) -> list[tuple[MemberDeMinimis, Decimal]]:
    """Each member's part of the requested grant, by its share of the partnership, to the cent: the parts
    add up to the requested grant (grants.registry.deminimis.split_by_shares)."""
    members = facts.de_minimis_members
    amounts = split_by_shares(max(facts.requested_grant, ZERO), [m.share_percent for m in members])
    return list(zip(members, amounts, strict=True))


def _partnership_ceiling(facts: ApplicationFacts) -> list[Violation]:
    """Every company of the partnership (Reg. UE 2023/2831: per single undertaking) must have headroom for
    its share of the requested grant; members of one single undertaking draw on the same headroom."""
    found = []
    taken: dict[int, tuple[Decimal, list[str]]] = {}
    for member, share in de_minimis_shares(facts):
        if not member.is_undertaking or not member.registered:
            continue
        before, names = taken.get(member.undertaking_key, (ZERO, []))
        available = max(member.headroom - before, ZERO)
        taken[member.undertaking_key] = (before + share, [*names, member.name])
        if share <= available:
            continue
        message = _(
            "De minimis: la quota di %(name)s (%(percent)s del contributo richiesto, pari a %(share)s) "
            "supera l'importo ancora concedibile alla sua impresa unica: già ricevuti %(used)s negli "
            "ultimi tre anni, disponibili %(headroom)s."
        ) % {
            "name": member.name,
            "percent": format_percent(member.share_percent),
            "share": format_eur(share),
            "used": format_eur(member.used),
            "headroom": format_eur(available),
        }
        if names:
            message += " " + _(
                "La disponibilità è ridotta dalla quota di %(others)s, della stessa impresa unica."
            ) % {"others": ", ".join(names)}
        found.append(Violation("de_minimis_ceiling", "requested_grant", message))
    return found


def stamp_duty(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.requires_stamp_duty or facts.has_stamp_duty:
        return []
    return [
        Violation(
            "stamp_duty_missing",
            "stamp_duty_number",
            _(
                "Il bando richiede l'imposta di bollo: indicare l'identificativo (14 cifre) e la data della "
                "marca da bollo, oppure l'esenzione che si applica con la sua base giuridica."
            ),
        )
    ]
