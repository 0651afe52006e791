"""Which first-level controllers work on each funded project.

A controller (``finance.check_claim``) reaches the expense claims, controls and payments of the projects
they are assigned to, and the claims an officer assigned to them one by one; nothing else (404). The officer
who assigns claims (``finance.assign_claim``, on the project's call) assigns the project's controllers; the
head of measure and superusers see every call and so every project (grants.programme.permissions).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core.timeutils import now
from grants.projects.models import Project


class ProjectController(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="assigned_controllers", verbose_name=_("progetto")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="controlled_projects",
        verbose_name=_("controllore"),
    )
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
        verbose_name = _("controllore del progetto")
        verbose_name_plural = _("controllori dei progetti")
        ordering = ("project", "user")
        constraints = [
            models.UniqueConstraint(fields=("project", "user"), name="finance_projectcontroller_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.user}"
