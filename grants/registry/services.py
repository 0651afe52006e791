"""Every write of the registry: organisations, legal representatives and delegates.

Keyword-only functions that take the acting user and plain data (never a request). They check the policy in
``permissions``, enforce the rules, and save through ``save_audited`` so that the history names who did what.
They raise ``django.core.exceptions.ValidationError`` (a dict keyed by field, Italian messages) or
``PermissionDenied``.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.timeutils import now
from grants.territory.models import Municipality

from .ateco import normalise_ateco
from .models import Membership, MembershipRole, Organisation
from .permissions import can_change_organisation, can_manage_members, can_revoke_membership
from .validators import normalise_fiscal_code, normalise_vat_number

# What an applicant states about the organisation. fiscal_code only at registration: it is the identity.
ORGANISATION_FIELDS = frozenset(
    {
        "name",
        "legal_form",
        "company_size",
        "runts_number",
        "ateco_code",
        "vat_number",
        "seat",
        "address",
        "pec",
        "legal_representative_first_name",
        "legal_representative_last_name",
        "legal_representative_fiscal_code",
    }
)
REGISTRATION_FIELDS = ORGANISATION_FIELDS | {"fiscal_code"}

# Sent inside the granting or revoking transaction (receivers' writes commit or roll back with it), with
# keyword arguments ``membership``, ``actor`` and ``granted`` (True: granted; False: revoked). The
# notifications app (above this one) tells the people concerned.
membership_changed = Signal()


def _duplicate_fiscal_code_error() -> ValidationError:
    return ValidationError(
        {
            "fiscal_code": _(
                "Un'organizzazione con questo codice fiscale è già registrata: chiedi al suo legale "
                "rappresentante di abilitarti come delegato."
            )
        }
    )


def _require_signed_in(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Occorre accedere con il proprio account."))


def _check_fields(fields: dict, allowed: frozenset) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unexpected organisation fields: {', '.join(sorted(unknown))}")


def resolve_seat(value) -> Municipality:
    """The comune of the legal seat, given as a Municipality or as its 6-digit ISTAT code."""
    if isinstance(value, Municipality):
        return value
    code = str(value or "").strip()
    if not code:
        raise ValidationError({"seat": _("Indica il comune della sede legale.")})
    if not re.fullmatch(r"[0-9]{6}", code):
        raise ValidationError({"seat": _("Il codice ISTAT del comune è di 6 cifre.")})
    try:
        return Municipality.objects.select_related("province").get(istat_code=code)
    except Municipality.DoesNotExist:
        raise ValidationError(
            {"seat": _("Nessun comune ha il codice ISTAT «%(code)s».") % {"code": code}}
        ) from None


_NORMALISE = {
    "fiscal_code": normalise_fiscal_code,
    "legal_representative_fiscal_code": normalise_fiscal_code,
    "vat_number": normalise_vat_number,
    "ateco_code": normalise_ateco,
}


def _apply(organisation: Organisation, fields: dict) -> None:
    for name, value in fields.items():
        if name == "seat":
            organisation.seat = resolve_seat(value)
            continue
        value = "" if value is None else value
        if name in _NORMALISE:
            value = _NORMALISE[name](value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(organisation, name, value)


def register_organisation(*, actor, **fields) -> Organisation:
    """Register an organisation; the actor becomes its legal representative on the platform.

    The legal representative's name and codice fiscale default to the actor's own. One organisation per codice
    fiscale: a second registration is refused. ``seat`` is a Municipality or its ISTAT code.
    """
    _require_signed_in(actor)
    _check_fields(fields, REGISTRATION_FIELDS)
    fields = dict(fields)
    fields.setdefault("legal_representative_first_name", "")
    fields.setdefault("legal_representative_last_name", "")
    fields.setdefault("legal_representative_fiscal_code", "")
    if not fields["legal_representative_first_name"]:
        fields["legal_representative_first_name"] = actor.first_name
    if not fields["legal_representative_last_name"]:
        fields["legal_representative_last_name"] = actor.last_name
    if not fields["legal_representative_fiscal_code"]:
        fields["legal_representative_fiscal_code"] = actor.fiscal_code or ""
    errors: dict[str, list[str]] = {}
    own_code = normalise_fiscal_code(actor.fiscal_code)
    if own_code and normalise_fiscal_code(fields["legal_representative_fiscal_code"]) != own_code:
        errors["legal_representative_fiscal_code"] = [
            _(
                "Chi registra l'organizzazione ne è il legale rappresentante: indica il tuo codice fiscale "
                "(%(code)s)."
            )
            % {"code": own_code}
        ]

    organisation = Organisation()
    seat = fields.pop("seat", None)
    _apply(organisation, fields)
    try:
        organisation.seat = resolve_seat(seat)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        # Every field error at once, so that a form shows them all next to their fields.
        organisation.full_clean(exclude=["seat"] if "seat" in errors else None)
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if Organisation.objects.filter(fiscal_code=organisation.fiscal_code).exists():
        errors.update(_duplicate_fiscal_code_error().message_dict)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            save_audited(organisation, actor=actor, reason="Registrazione dell'organizzazione")
            save_audited(
                Membership(
                    user=actor,
                    organisation=organisation,
                    role=MembershipRole.LEGAL_REPRESENTATIVE,
                    granted_by=actor,
                ),
                actor=actor,
                reason="Legale rappresentante che ha registrato l'organizzazione",
            )
    except IntegrityError:
        # Two registrations of the same code at once: the database kept the first.
        if Organisation.objects.filter(fiscal_code=organisation.fiscal_code).exists():
            raise _duplicate_fiscal_code_error() from None
        raise
    return organisation


def update_organisation(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Change what the organisation states about itself (not its codice fiscale, which identifies it)."""
    _require_signed_in(actor)
    if not can_change_organisation(actor, organisation):
        raise PermissionDenied(_("Solo il legale rappresentante può modificare i dati dell'organizzazione."))
    fiscal_code = fields.pop("fiscal_code", None)
    if fiscal_code is not None and normalise_fiscal_code(fiscal_code) != organisation.fiscal_code:
        raise ValidationError(
            {
                "fiscal_code": _(
                    "Il codice fiscale identifica l'organizzazione e non si modifica: "
                    "per correggerlo rivolgiti alla Regione."
                )
            }
        )
    _check_fields(fields, ORGANISATION_FIELDS)
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _apply(current, fields)
        save_audited(current, actor=actor, reason="Modifica dei dati dell'organizzazione")
    return current


def grant_delegate(*, actor, organisation: Organisation, email: str) -> Membership:
    """Let an existing user act for the organisation as a delegate."""
    _require_signed_in(actor)
    if not can_manage_members(actor, organisation):
        raise PermissionDenied(_("Solo il legale rappresentante può abilitare i delegati."))
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Indica l'indirizzo e-mail della persona da abilitare.")})
    delegate = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if delegate is None:
        raise ValidationError(
            {
                "email": _(
                    "Nessun account attivo con l'indirizzo %(email)s: "
                    "la persona deve prima registrarsi sulla piattaforma."
                )
                % {"email": email}
            }
        )
    already = _already_member_error(delegate, organisation)
    if already is not None:
        raise already
    membership = Membership(
        user=delegate, organisation=organisation, role=MembershipRole.DELEGATE, granted_by=actor
    )
    try:
        with transaction.atomic():
            save_audited(membership, actor=actor, reason="Abilitazione di un delegato")
            membership_changed.send(sender=Membership, membership=membership, actor=actor, granted=True)
    except IntegrityError:
        already = _already_member_error(delegate, organisation)
        if already is not None:
            raise already from None
        raise
    return membership


def _already_member_error(user, organisation: Organisation) -> ValidationError | None:
    existing = Membership.objects.filter(
        user=user, organisation=organisation, revoked_at__isnull=True
    ).first()
    if existing is None:
        return None
    return ValidationError(
        {
            "email": _("%(email)s è già abilitato ad agire per questa organizzazione (%(role)s).")
            % {"email": user.email, "role": existing.get_role_display().lower()}
        }
    )


def revoke_membership(*, actor, membership: Membership) -> Membership:
    """End a membership at once. The last active legal representative cannot be revoked."""
    _require_signed_in(actor)
    if not can_revoke_membership(actor, membership):
        raise PermissionDenied(_("Solo il legale rappresentante può revocare le abilitazioni."))
    with transaction.atomic():
        # Lock the organisation's active memberships: two revocations at once cannot both pass the
        # "last legal representative" check.
        active = list(
            Membership.objects.select_for_update()
            .filter(organisation_id=membership.organisation_id, revoked_at__isnull=True)
            .order_by("pk")
        )
        current = next((m for m in active if m.pk == membership.pk), None)
        if current is None:
            raise ValidationError({"membership": _("Questa abilitazione è già stata revocata.")})
        representatives = [m for m in active if m.role == MembershipRole.LEGAL_REPRESENTATIVE]
        if current.role == MembershipRole.LEGAL_REPRESENTATIVE and len(representatives) == 1:
            raise ValidationError(
                {
                    "membership": _(
                        "Non si può revocare l'ultimo legale rappresentante: l'organizzazione "
                        "resterebbe senza nessuno che possa agire per essa. "
                        "Per un cambio di rappresentanza rivolgiti alla Regione."
                    )
                }
            )
        current.revoked_at = now()
        save_audited(current, actor=actor, reason="Revoca dell'abilitazione")
        membership_changed.send(sender=Membership, membership=current, actor=actor, granted=False)
    membership.revoked_at = current.revoked_at
    return current


# The de minimis register's writes live in their own module; callers use them from here.
from .deminimis_services import (  # noqa: E402
    DeMinimisCeilingExceeded,
    answer_undertaking_link,
    declare_de_minimis_aid,
    end_undertaking_link,
    link_undertaking,
    record_de_minimis_concession,
    remove_declared_de_minimis_aid,
    revoke_de_minimis_concession,
)
from .visura_services import VisuraImport, import_de_minimis_visura  # noqa: E402

__all__ = [
    "DeMinimisCeilingExceeded",
    "VisuraImport",
    "answer_undertaking_link",
    "declare_de_minimis_aid",
    "end_undertaking_link",
    "grant_delegate",
    "import_de_minimis_visura",
    "link_undertaking",
    "record_de_minimis_concession",
    "register_organisation",
    "remove_declared_de_minimis_aid",
    "revoke_de_minimis_concession",
    "revoke_membership",
    "update_organisation",
]
