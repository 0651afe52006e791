from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
