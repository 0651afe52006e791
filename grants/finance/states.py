"""The states and kinds of the finance context, declared in one place (transitions are on the models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Anticipo")
    INTERIM = "interim", _("Pagamento intermedio (SAL)")
    BALANCE = "balance", _("Saldo")


class PaymentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposto")
    APPROVED = "approved", _("Approvato")
    PAID = "paid", _("Pagato")
    REJECTED = "rejected", _("Respinto")


# What counts against the ceilings: a proposal already books its amount, so two proposals cannot each fit.
COMMITTED_PAYMENT_STATUSES = frozenset({PaymentStatus.PROPOSED, PaymentStatus.APPROVED, PaymentStatus.PAID})


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Inviata")
    UNDER_CHECK = "under_check", _("In controllo")
    CHECKED = "checked", _("Controllata")
    COUNTER_ARGUMENTS = "counter_arguments", _("Controdeduzioni presentate")
    FINAL = "final", _("Esito definitivo")


# The admitted amount of these claims counts as certified expenditure (drives the payable amount).
CERTIFIED_CLAIM_STATUSES = frozenset({ClaimStatus.CHECKED, ClaimStatus.COUNTER_ARGUMENTS, ClaimStatus.FINAL})
# A controller records item outcomes while the claim is under check, or when deciding on counter-arguments.
CONTROLLER_EDITABLE_STATUSES = frozenset({ClaimStatus.UNDER_CHECK, ClaimStatus.COUNTER_ARGUMENTS})


class ItemOutcome(models.TextChoices):
    PENDING = "", _("Da controllare")
    ADMITTED = "admitted", _("Ammessa")
    PARTLY_ADMITTED = "partly_admitted", _("Ammessa in parte")
    NOT_ADMITTED = "not_admitted", _("Non ammessa")
    NOT_SAMPLED = "not_sampled", _("Non estratta nel campione (ammessa)")


class RecoveryStatus(models.TextChoices):
    OPEN = "open", _("Aperto")
    PARTLY_RECOVERED = "partly_recovered", _("Recuperato in parte")
    RECOVERED = "recovered", _("Recuperato")


OPEN_RECOVERY_STATUSES = frozenset({RecoveryStatus.OPEN, RecoveryStatus.PARTLY_RECOVERED})


# --- RNA (Registro Nazionale Aiuti) records: grants.finance.rna ---------------------------------------------
class RnaKind(models.TextChoices):
    REGISTRATION = "registration", _("Registrazione della concessione")
    VARIATION = "variation", _("Variazione")
    REVOCATION = "revocation", _("Revoca")


class RnaStatus(models.TextChoices):
    TO_SEND = "to_send", _("Da trasmettere")
    SENT = "sent", _("Trasmesso")
    REGISTERED = "registered", _("Registrato (COR)")
    REFUSED = "refused", _("Rifiutato")


class RnaRegime(models.TextChoices):
    DE_MINIMIS = "DE_MINIMIS", _("De minimis")
    GBER = "GBER", _("Esenzione (GBER)")
    OTHER = "ALTRO", _("Altro")


class RnaInstrument(models.TextChoices):
    GRANT = "SOVVENZIONE", _("Sovvenzione / contributo")
    LOAN = "PRESTITO", _("Prestito / finanziamento agevolato")


# to_send → sent (the http adapter, or the file downloaded for manual upload) → registered (COR) | refused;
# a refused record may be sent again after correction; a COR may be typed on a record not yet sent (manual).
RNA_TRANSITIONS = {
    RnaStatus.TO_SEND: {RnaStatus.SENT, RnaStatus.REGISTERED, RnaStatus.REFUSED},
    RnaStatus.SENT: {RnaStatus.REGISTERED, RnaStatus.REFUSED},
    RnaStatus.REFUSED: {RnaStatus.SENT, RnaStatus.REGISTERED},
    RnaStatus.REGISTERED: set(),
}
