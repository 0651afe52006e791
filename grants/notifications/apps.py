"""In-app and e-mail notifications to users, with per-user preferences and scheduled reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "grants.notifications"
    label = "notifications"
    verbose_name = _("Notifiche")

    def ready(self):
        from . import receivers

        receivers.connect()
