"""Writes of the de minimis register: concessions of the platform, aid declared by the applicant, and the
links that make organisations one single undertaking (impresa unica).

Re-exported by ``grants.registry.services`` (the context's one entry point for writes). A concession is
refused when it would take the single undertaking past the ceiling of the regulation in force on its date;
the rows of the undertaking's organisations are locked first, so two concessions at once cannot both pass.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event, save_audited
from grants.core.errors import WrongState
from grants.core.money import format_eur, round_money
from grants.core.timeutils import in_rome, now

from . import deminimis, selectors
from .models import (
    DeMinimisAid,
    DeMinimisRegulation,
    DeMinimisSource,
    Organisation,
    UndertakingLink,
    UndertakingLinkStatus,
    UndertakingRelationship,
)
from .permissions import can_declare_de_minimis, can_record_concession
from .validators import normalise_fiscal_code


class DeMinimisCeilingExceeded(ValidationError):
    """The aid would take the single undertaking past the ceiling; ``position`` holds the numbers."""

    def __init__(self, message: str, *, position, amount: Decimal):
        super().__init__({"amount": [message]})
        self.position = position
        self.amount = amount


def _require_signed_in(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Occorre accedere con il proprio account."))


def _amount(value, field: str = "amount") -> Decimal:
    try:
        amount = round_money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Indicare un importo in euro.")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("L'importo deve essere maggiore di zero.")})
    return amount


def _granted_on(value) -> date:
    if not isinstance(value, date):
        raise ValidationError({"granted_on": _("Indicare la data di concessione.")})
    if value > in_rome(now()).date():
        raise ValidationError({"granted_on": _("La data di concessione non può essere futura.")})
    return value


def _ceiling_basis(position) -> str:
    """The rule of the binding ceiling, as the message names it."""
    basis = deminimis.binding(position.checks).rule.basis if position.checks else ""
    if basis == "sieg_cumulation":
        return _("tutti gli aiuti de minimis, SIEG compresi: art. 5 dei Reg. (UE) 2023/2831 e 2023/2832")
    if basis == "general_cumulation":
        return _("aiuti generali, agricoli e della pesca insieme: art. 5(2) del Reg. (UE) 2023/2831")
    return position.regulation.title


def ceiling_message(position, amount: Decimal) -> str:
    return _(
        "L'aiuto di %(amount)s supererebbe il massimale de minimis dell'impresa unica: massimale "
        "%(ceiling)s (%(regulation)s), già utilizzati %(used)s dal %(start)s, disponibili %(headroom)s."
    ) % {
        "amount": format_eur(amount),
        "ceiling": format_eur(position.ceiling),
        "regulation": _ceiling_basis(position),
        "used": format_eur(position.used),
        "start": position.period_start.strftime("%d/%m/%Y"),
        "headroom": format_eur(position.headroom),
    }


def _lock_undertaking(organisation: Organisation) -> None:
    ids = selectors.single_undertaking_ids(organisation) | selectors.pending_declared_ids(organisation)
    list(Organisation.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _regulation_on(granted_on: date) -> DeMinimisRegulation:
    regulation = selectors.regulation_in_force(granted_on)
    if regulation is None:
        raise ValidationError(
            {
                "granted_on": _("Nessun regolamento de minimis è in vigore il %(day)s.")
                % {"day": granted_on.strftime("%d/%m/%Y")}
            }
        )
    return regulation


@transaction.atomic
def record_de_minimis_concession(
    *,
    actor,
    organisation: Organisation,
    amount,
    granted_on: date,
    granting_body: str,
    legal_basis: str,
    source_reference: str,
) -> DeMinimisAid:
    """Record aid granted through the platform (e.g. a de minimis project's grant) under the regulation in
    force on ``granted_on``. Refused with ``DeMinimisCeilingExceeded`` past the ceiling. Recording the same
    ``source_reference`` again returns the concession already recorded (a retried grant)."""
    _require_signed_in(actor)
    if not can_record_concession(actor):
        raise PermissionDenied(_("Solo il personale della Regione registra le concessioni de minimis."))
    reference = (source_reference or "").strip()[:100]
    if reference:
        existing = DeMinimisAid.objects.filter(
            source=DeMinimisSource.PLATFORM, source_reference=reference
        ).first()
        if existing is not None:
            return existing
    amount = _amount(amount)
    granted_on = _granted_on(granted_on)
    regulation = _regulation_on(granted_on)
    _lock_undertaking(organisation)
    position = selectors.de_minimis_position(organisation, at=granted_on)
    if amount > position.headroom:
        raise DeMinimisCeilingExceeded(ceiling_message(position, amount), position=position, amount=amount)
    aid = DeMinimisAid(
        organisation=organisation,
        source=DeMinimisSource.PLATFORM,
        granted_on=granted_on,
        granting_body=(granting_body or "").strip(),
        amount=amount,
        regulation=regulation,
        legal_basis=(legal_basis or "").strip()[:255],
        source_reference=reference,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            return save_audited(aid, actor=actor, reason="Concessione de minimis")
    except IntegrityError:
        existing = DeMinimisAid.objects.filter(
            source=DeMinimisSource.PLATFORM, source_reference=reference
        ).first()
        if reference and existing is not None:
            return existing
        raise


@transaction.atomic
def revoke_de_minimis_concession(*, actor, aid: DeMinimisAid, amount) -> DeMinimisAid:
    """Take back ``amount`` of a recorded concession (a total or partial revocation, or a correction):
    what counts towards the ceiling becomes amount − revoked. Never below zero."""
    _require_signed_in(actor)
    if not can_record_concession(actor):
        raise PermissionDenied(_("Solo il personale della Regione registra le concessioni de minimis."))
    amount = _amount(amount)
    current = DeMinimisAid.objects.select_for_update().get(pk=aid.pk)
    if current.source != DeMinimisSource.PLATFORM:
        raise ValidationError({"aid": _("Si revocano solo le concessioni registrate dalla piattaforma.")})
    if amount > current.effective_amount:
        raise ValidationError(
            {
                "amount": _(
                    "Si possono revocare al massimo %(left)s "
                    "(concessi %(granted)s, già revocati %(revoked)s)."
                )
                % {
                    "left": format_eur(current.effective_amount),
                    "granted": format_eur(current.amount),
                    "revoked": format_eur(current.revoked_amount),
                }
            }
        )
    current.revoked_amount = round_money(current.revoked_amount + amount)
    save_audited(current, actor=actor, reason="Revoca o rettifica della concessione de minimis")
    aid.revoked_amount = current.revoked_amount
    return current


@transaction.atomic
def declare_de_minimis_aid(
    *,
    actor,
    organisation: Organisation,
    granted_on: date,
    granting_body: str,
    amount,
    regulation: DeMinimisRegulation | None = None,
    legal_basis: str = "",
) -> DeMinimisAid:
    """The applicant declares de minimis aid received from another body (DPR 445/2000 self-declaration).

    ``regulation`` defaults to the one in force on the grant date."""
    _require_signed_in(actor)
    if not can_declare_de_minimis(actor, organisation):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    errors: dict[str, list[str]] = {}
    checked = {}
    for name, check in (("amount", lambda: _amount(amount)), ("granted_on", lambda: _granted_on(granted_on))):
        try:
            checked[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    body = (granting_body or "").strip()
    if not body:
        errors["granting_body"] = [_("Indicare il soggetto che ha concesso l'aiuto.")]
    if "granted_on" in checked and regulation is None:
        try:
            regulation = _regulation_on(checked["granted_on"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    aid = DeMinimisAid(
        organisation=organisation,
        source=DeMinimisSource.DECLARED,
        granted_on=checked["granted_on"],
        granting_body=body,
        amount=checked["amount"],
        regulation=regulation,
        legal_basis=(legal_basis or "").strip()[:255],
        recorded_by=actor,
    )
    return save_audited(aid, actor=actor, reason="Aiuto de minimis dichiarato")


@transaction.atomic
def remove_declared_de_minimis_aid(*, actor, aid: DeMinimisAid) -> None:
    """Delete an aid the applicant declared, or imported from the RNA visura, by mistake (its history row
    keeps what it said)."""
    _require_signed_in(actor)
    if not can_declare_de_minimis(actor, aid.organisation):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    if aid.source not in (DeMinimisSource.DECLARED, DeMinimisSource.RNA):
        raise ValidationError(
            {"aid": _("Le concessioni registrate dalla piattaforma non si cancellano: si revocano.")}
        )
    record_event(
        actor=actor, action="deminimisaid.deleted", obj=aid, reason="Dichiarazione de minimis eliminata"
    )
    aid._history_user = actor
    aid.delete()


@transaction.atomic
def link_undertaking(
    *, actor, organisation: Organisation, fiscal_code: str, relationship: str
) -> UndertakingLink:
    """Declare that a registered organisation (by codice fiscale) is one single undertaking with this.

    The declaration is pending: it counts for ``organisation`` only until the named organisation confirms
    it (``answer_undertaking_link``). It is confirmed at once when the actor may also speak for the named
    organisation (a member of both, or an officer with the registry permission establishing it from
    evidence), and it confirms the named organisation's own pending declaration naming this one."""
    _require_signed_in(actor)
    if not can_declare_de_minimis(actor, organisation):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    code = normalise_fiscal_code(fiscal_code)
    errors: dict[str, list[str]] = {}
    if relationship not in UndertakingRelationship.values:
        errors["relationship"] = [_("Indicare il tipo di collegamento.")]
    linked = Organisation.objects.filter(fiscal_code=code).first() if code else None
    active = UndertakingLink.objects.filter(ended_at__isnull=True)
    if not code:
        errors["fiscal_code"] = [_("Indicare il codice fiscale dell'impresa collegata.")]
    elif linked is None:
        errors["fiscal_code"] = [
            _(
                "Nessuna organizzazione registrata ha il codice fiscale %(code)s: gli aiuti di "
                "un'impresa non registrata si dichiarano come aiuti ricevuti."
            )
            % {"code": code}
        ]
    elif linked.pk == organisation.pk:
        errors["fiscal_code"] = [_("Un'organizzazione non si collega a sé stessa.")]
    elif linked.pk in selectors.single_undertaking_ids(organisation):
        errors["fiscal_code"] = [_("L'impresa fa già parte della stessa impresa unica.")]
    elif active.filter(organisation=organisation, linked_organisation=linked).exists():
        errors["fiscal_code"] = [
            _("Il collegamento con questa impresa è già stato dichiarato ed è in attesa di conferma.")
        ]
    if errors:
        raise ValidationError(errors)
    request = (
        active.select_for_update()
        .filter(organisation=linked, linked_organisation=organisation, status=UndertakingLinkStatus.PENDING)
        .first()
    )
    if request is not None:
        # The other side had already declared this link: declaring it back is confirming it.
        return _confirm(actor=actor, link=request, reason="Collegamento impresa unica confermato")
    link = UndertakingLink(
        organisation=organisation, linked_organisation=linked, relationship=relationship, declared_by=actor
    )
    reason = "Collegamento impresa unica dichiarato (in attesa di conferma)"
    if can_declare_de_minimis(actor, linked):
        link.status = UndertakingLinkStatus.CONFIRMED
        link.confirmed_by = actor
        link.confirmed_at = now()
        reason = "Collegamento impresa unica dichiarato e confermato"
    return save_audited(link, actor=actor, reason=reason)


def _confirm(*, actor, link: UndertakingLink, reason: str) -> UndertakingLink:
    link.status = UndertakingLinkStatus.CONFIRMED
    link.confirmed_by = actor
    link.confirmed_at = now()
    return save_audited(link, actor=actor, reason=reason)


@transaction.atomic
def answer_undertaking_link(*, actor, link: UndertakingLink, confirm: bool) -> UndertakingLink:
    """The organisation named by a pending declaration confirms it (from now on the two are one single
    undertaking for both) or refuses it (the declaration ends). An officer with the registry permission may
    answer too, establishing or rejecting the link from evidence."""
    _require_signed_in(actor)
    if not can_declare_de_minimis(actor, link.linked_organisation):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    current = UndertakingLink.objects.select_for_update().get(pk=link.pk)
    if current.ended_at is not None or current.status != UndertakingLinkStatus.PENDING:
        raise WrongState(_("La richiesta di collegamento ha già avuto risposta o è stata ritirata."))
    if confirm:
        return _confirm(actor=actor, link=current, reason="Collegamento impresa unica confermato")
    current.status = UndertakingLinkStatus.REFUSED
    current.ended_at = now()
    return save_audited(current, actor=actor, reason="Collegamento impresa unica rifiutato")


@transaction.atomic
def end_undertaking_link(*, actor, link: UndertakingLink) -> UndertakingLink:
    """The organisations no longer form one undertaking (from now on; past grants stay as they were)."""
    _require_signed_in(actor)
    if not (
        can_declare_de_minimis(actor, link.organisation)
        or can_declare_de_minimis(actor, link.linked_organisation)
    ):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    current = UndertakingLink.objects.select_for_update().get(pk=link.pk)
    if current.ended_at is None:
        current.ended_at = now()
        save_audited(current, actor=actor, reason="Fine del collegamento impresa unica")
    return current


__all__ = [
    "DeMinimisCeilingExceeded",
    "answer_undertaking_link",
    "ceiling_message",
    "declare_de_minimis_aid",
    "end_undertaking_link",
    "link_undertaking",
    "record_de_minimis_concession",
    "remove_declared_de_minimis_aid",
    "revoke_de_minimis_concession",
]
