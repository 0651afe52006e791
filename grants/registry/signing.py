"""Signatures that bind an organisation: valid, by its legal representative or an active delegate."""

from dataclasses import replace

from django.utils.translation import gettext as _

from grants.core.signatures import SignatureCheck, verify_signed_document

from .models import Organisation
from .selectors import authorised_signers


def signed_for(data: bytes, organisation: Organisation) -> SignatureCheck:
    """Verify the document's signature and that the signer's codice fiscale binds ``organisation`` (its
    registered legal representative, or a person with an active membership); a refusal says why, in Italian.
    """
    check = verify_signed_document(data)
    if not check.valid:
        return replace(check, reason=_("Firma digitale non valida: %(reason)s") % {"reason": check.reason})
    if not check.fiscal_code:
        return replace(
            check,
            valid=False,
            code="signature_no_fiscal_code",
            reason=_(
                "Il certificato di firma non riporta il codice fiscale del firmatario: "
                "serve una firma qualificata."
            ),
        )
    if check.fiscal_code not in authorised_signers(organisation):
        return replace(
            check,
            valid=False,
            code="signature_signer_not_authorised",
            reason=_(
                "Il documento è firmato da %(name)s (codice fiscale %(cf)s), che non è il legale "
                "rappresentante né un delegato attivo di %(organisation)s."
            )
            % {
                "name": check.signer_name or _("un firmatario"),
                "cf": check.fiscal_code,
                "organisation": organisation,
            },
        )
    return check
