"""Rules on the partnership: legal forms, count, shares, confirmations, public-private partnership."""

from decimal import Decimal

from django.utils.translation import gettext as _

from grants.core.money import ZERO

from .common import (
    PUBLIC_LEGAL_FORMS,
    ApplicationFacts,
    CallTerms,
    Violation,
    _legal_form_label,
    format_percent,
)


def partner_legal_forms(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.partner_legal_forms:
        return []
    allowed = ", ".join(_legal_form_label(code) for code in terms.partner_legal_forms)
    return [
        Violation(
            "partner_legal_form",
            f"partners[{index}]",
            _("Il partner %(name)s (%(form)s) non è ammesso dal bando: sono ammessi %(allowed)s.")
            % {"name": partner.name, "form": _legal_form_label(partner.legal_form), "allowed": allowed},
        )
        for index, partner in enumerate(facts.partners)
        if partner.legal_form not in terms.partner_legal_forms
    ]


def partner_count(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    count = len(facts.partners)
    if count < terms.min_partners:
        return [
            Violation(
                "partners_too_few",
                "partners",
                _(
                    "Il partenariato ha %(count)d partner oltre al capofila: "
                    "il bando ne richiede almeno %(min)d."
                )
                % {"count": count, "min": terms.min_partners},
            )
        ]
    if terms.max_partners is not None and count > terms.max_partners:
        return [
            Violation(
                "partners_too_many",
                "partners",
                _(
                    "Il partenariato ha %(count)d partner oltre al capofila: "
                    "il bando ne ammette al massimo %(max)d."
                )
                % {"count": count, "max": terms.max_partners},
            )
        ]
    return []


def partner_shares(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not facts.partners:
        return []
    total = facts.lead_share_percent + sum((p.share_percent for p in facts.partners), ZERO)
    if total != Decimal(100):
        return [
            Violation(
                "partner_shares",
                "partners",
                _("Le quote di partecipazione sommano al %(total)s invece che al 100%%.")
                % {"total": format_percent(total)},
            )
        ]
    return []


def partner_confirmation(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    """Each partner confirms its participation; a body typed by name cannot until it is registered, and the
    message says what to do (register, then name it by codice fiscale)."""
    if not terms.requires_partner_confirmation:
        return []
    return [
        Violation(
            "partner_not_confirmed" if partner.registered else "partner_not_registered",
            f"partners[{index}]",
            (
                _("Il partner %(name)s non ha ancora confermato l'adesione al progetto.")
                if partner.registered
                else _(
                    "Il partner %(name)s non è registrato sulla piattaforma e quindi non può confermare "
                    "l'adesione: chiedigli di registrare l'organizzazione, poi nel partenariato indicalo con "
                    "il suo codice fiscale al posto del nome; confermerà dalla pagina «Adesioni ai "
                    "partenariati»."
                )
            )
            % {"name": partner.name},
        )
        for index, partner in enumerate(facts.partners)
        if not partner.confirmed
    ]


def public_private_partnership(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    if not terms.requires_public_private_partnership:
        return []
    forms = {facts.applicant_legal_form, *(p.legal_form for p in facts.partners)}
    if forms & PUBLIC_LEGAL_FORMS and forms - PUBLIC_LEGAL_FORMS:
        return []
    return [
        Violation(
            "public_private_partnership",
            "partners",
            _(
                "Il bando richiede un partenariato pubblico-privato: "
                "servono almeno un soggetto pubblico e uno privato."
            ),
        )
    ]
