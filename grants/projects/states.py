"""The states of a project and of its change requests, declared in one place.

Project: to_accept → active ⇄ suspended → concluded; renounced (by the beneficiary); revoked (by an officer).
A partial revocation is not a state: the project stays active with a reduced grant.
Change request: pending → approved | rejected; a budget variation within the call's tolerance is born
auto_approved.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    TO_ACCEPT = "to_accept", _("Da accettare")
    ACTIVE = "active", _("Avviato")
    SUSPENDED = "suspended", _("Sospeso")
    CONCLUDED = "concluded", _("Concluso")
    RENOUNCED = "renounced", _("Rinunciato")
    REVOKED = "revoked", _("Revocato")


# The beneficiary may renounce, an officer may revoke, while the project is still alive.
LIVE_STATUSES = frozenset({ProjectStatus.TO_ACCEPT, ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED})
# Changes (variations, partners, extensions) are asked and decided while the project runs.
RUNNING_STATUSES = frozenset({ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED})
CLOSED_STATUSES = frozenset({ProjectStatus.CONCLUDED, ProjectStatus.RENOUNCED, ProjectStatus.REVOKED})


class ChangeKind(models.TextChoices):
    BUDGET_VARIATION = "budget_variation", _("Variazione di budget")
    PARTNER_CHANGE = "partner_change", _("Modifica del partenariato")
    EXTENSION = "extension", _("Proroga")
    SUSPENSION = "suspension", _("Sospensione")
    RESUMPTION = "resumption", _("Ripresa")
    REVOCATION = "revocation", _("Revoca")
    RENUNCIATION = "renunciation", _("Rinuncia")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di decisione")
    APPROVED = "approved", _("Approvata")
    AUTO_APPROVED = "auto_approved", _("Approvata automaticamente (entro la tolleranza)")
    REJECTED = "rejected", _("Respinta")


DECIDED_CHANGE_STATUSES = frozenset(
    {ChangeStatus.APPROVED, ChangeStatus.AUTO_APPROVED, ChangeStatus.REJECTED}
)


class PartnerAction(models.TextChoices):
    ADD = "add", _("Ingresso di un nuovo partner")
    WITHDRAW = "withdraw", _("Uscita di un partner")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Capofila")
    PARTNER = "partner", _("Partner")
