from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, **kwargs):
    """Once per migrate, after the last app's post_migrate: only then does every permission exist (the signal
    is sent once per installed app, and syncing on each cost 23 syncs per database)."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from .roles import sync_staff_groups

    sync_staff_groups()


class AccountsConfig(AppConfig):
    name = "grants.accounts"
    label = "accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self):
        # Permissions exist only after every app has migrated, so the groups are synced after migrate.
        post_migrate.connect(_sync_groups, dispatch_uid="accounts_sync_staff_groups")

        # A second factor checked in a session (sign-in code, or the app activated there) marks it verified.
        from allauth.mfa import signals as mfa_signals

        from . import mfa

        mfa_signals.authenticator_used.connect(mfa.on_authenticator_used, dispatch_uid="accounts_mfa_used")
        mfa_signals.authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="accounts_mfa_added")
