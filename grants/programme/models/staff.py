"""Who of the Region's staff works on each call: its responsible (RUP) and its officers.

Staff rights are role permissions (grants.accounts.roles) narrowed to the calls one is assigned to: an officer
sees and acts on the applications, evaluation, projects and money of their calls only. The head of measure
(``programme.assign_call_staff``) and superusers see every call and assign the others.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core.timeutils import now

from .calls import Call


class CallStaffRole(models.TextChoices):
    RUP = "rup", _("Responsabile del procedimento (RUP)")
    OFFICER = "officer", _("Funzionario istruttore")


class CallStaff(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="staff", verbose_name=_("bando"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="call_assignments",
        verbose_name=_("utente"),
    )
    role = models.CharField(_("ruolo"), max_length=16, choices=CallStaffRole.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assegnato da"),
    )
    assigned_at = models.DateTimeField(_("assegnato il"), default=now)

    class Meta:
        verbose_name = _("personale del bando")
        verbose_name_plural = _("personale dei bandi")
        ordering = ("call", "role", "user")
        permissions = [("assign_call_staff", "Can assign the RUP and the officers of a call")]
        constraints = [
            models.UniqueConstraint(fields=("call", "user", "role"), name="programme_callstaff_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.call.code}: {self.user} ({self.get_role_display()})"
