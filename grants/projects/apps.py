"""Funded projects (operazioni): CUP, grant agreement, phases, milestones, variations, extensions,
suspension, renunciation, revocation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "grants.projects"
    label = "projects"
    verbose_name = _("Progetti finanziati")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
