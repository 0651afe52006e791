"""Rules on documents, the de minimis ceiling and the stamp duty."""

from django.utils.translation import gettext as _

from grants.core.money import format_eur

from .common import DE_MINIMIS, ApplicationFacts, CallTerms, Violation


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
