from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel


class StaffRole(models.TextChoices):
    """Roles of the Region's staff; each is a Django group carrying its model permissions."""

    OFFICER = "officer", _("Funzionario istruttore")
    EVALUATOR = "evaluator", _("Valutatore")
    CONTROLLER = "controller", _("Controllore di I livello")
    MANAGER = "manager", _("Responsabile di misura")
    ADMIN = "admin", _("Amministratore")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'indirizzo e-mail è obbligatorio.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        # E-mail addresses are stored lower-case; people type them as they like.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person signing in with their e-mail (local accounts) or SPID/CIE (matched by codice fiscale)."""

    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("nome"), max_length=150, blank=True)
    last_name = models.CharField(_("cognome"), max_length=150, blank=True)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True, null=True, blank=True)
    is_staff = models.BooleanField(_("accesso al back-office"), default=False)
    is_active = models.BooleanField(_("attivo"), default=True)
    date_joined = models.DateTimeField(_("registrato il"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def has_staff_role(self, role: StaffRole) -> bool:
        return self.is_superuser or self.groups.filter(name=role.value).exists()


class TokenScope(models.TextChoices):
    READ = "read", _("Sola lettura")
    WRITE = "write", _("Lettura e scrittura")


class PersonalAccessToken(TimeStampedModel):
    """A personal access token for the API (``Authorization: Bearer``), created and revoked by its owner.

    Only a SHA-256 of the secret is stored: the token is shown once, at creation. ``prefix`` (public) tells
    tokens apart in lists. Rules and lifecycle: grants/accounts/tokens.py.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="access_tokens", verbose_name=_("utente")
    )
    name = models.CharField(_("nome"), max_length=100)
    prefix = models.CharField(_("prefisso"), max_length=16, unique=True)
    token_hash = models.CharField(_("impronta SHA-256"), max_length=64, unique=True)
    scope = models.CharField(_("ambito"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField(_("scade il"))
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("token di accesso personale")
        verbose_name_plural = _("token di accesso personali")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, at=None) -> bool:
        return self.expires_at <= (at or timezone.now())

    def is_active(self, at=None) -> bool:
        return not self.is_revoked and not self.is_expired(at)

    @property
    def allows_write(self) -> bool:
        return self.scope == TokenScope.WRITE
