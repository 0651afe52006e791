"""Organisations that apply for and receive grants, and the people who act for them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.core.vocabulary import CompanySize, LegalForm
from grants.territory.models import Municipality, SocialServiceBody

from .ateco import validate_ateco_code
from .validators import (
    PERSON_CODE_LENGTH,
    is_body_code,
    normalise_fiscal_code,
    normalise_vat_number,
    validate_body_fiscal_code,
    validate_person_fiscal_code,
    validate_vat_number,
)

# Categories that are not undertakings: no company size (they are not subject to the SME definition).
NOT_UNDERTAKINGS = frozenset({LegalForm.PUBLIC_BODY, LegalForm.SOCIAL_SERVICE_BODY})
# Public administrations cannot be enti del terzo settore (d.lgs. 117/2017, art. 4 c. 2): no RUNTS number.
OUTSIDE_THIRD_SECTOR = frozenset({LegalForm.PUBLIC_BODY, LegalForm.SOCIAL_SERVICE_BODY})


class Organisation(TimeStampedModel):
    name = models.CharField(_("denominazione"), max_length=255)
    legal_form = models.CharField(_("categoria giuridica"), max_length=30, choices=LegalForm.choices)
    company_size = models.CharField(
        _("dimensione d'impresa"), max_length=10, choices=CompanySize.choices, blank=True
    )
    runts_number = models.CharField(_("numero di iscrizione RUNTS"), max_length=30, blank=True)
    ateco_code = models.CharField(
        _("codice ATECO 2025"),
        max_length=8,
        blank=True,
        validators=[validate_ateco_code],
        help_text=_(
            "L'attività prevalente secondo la classificazione ATECO 2025 dell'ISTAT, per esempio 88.99."
        ),
    )
    fiscal_code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        unique=True,
        validators=[validate_body_fiscal_code],
        error_messages={"unique": _("Un'organizzazione con questo codice fiscale è già registrata.")},
        help_text=_("11 cifre per gli enti, 16 caratteri per le ditte individuali."),
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_vat_number]
    )
    seat = models.ForeignKey(
        Municipality, verbose_name=_("sede legale (comune)"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("indirizzo"), max_length=255, blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    legal_representative_first_name = models.CharField(_("nome del legale rappresentante"), max_length=150)
    legal_representative_last_name = models.CharField(_("cognome del legale rappresentante"), max_length=150)
    legal_representative_fiscal_code = models.CharField(
        _("codice fiscale del legale rappresentante"), max_length=16, validators=[validate_person_fiscal_code]
    )
    social_service_body = models.OneToOneField(
        SocialServiceBody,
        verbose_name=_("ente gestore corrispondente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        help_text=_("Per gli enti gestori: il record del territorio che questa organizzazione rappresenta."),
    )
    is_demo = models.BooleanField(_("dato dimostrativo"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_form="company") | ~Q(company_size=""),
                name="organisation_company_has_size",
                violation_error_message=_("Per un'impresa va indicata la dimensione d'impresa."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_organisation(self) -> "Organisation":
        """Audit events about an organisation are filed under that organisation."""
        return self

    def clean(self):
        """Normalise the codes, then check the rules that depend on the legal form.

        - an impresa needs its company size; Comuni, enti pubblici and enti gestori are not undertakings
          and have none (cooperatives and ETS may state one, as they may carry on economic activity);
        - an ente del terzo settore (ETS) must state its RUNTS number; public bodies and enti gestori
          cannot be ETS, so they have none; other forms may state it (an ODV or a social cooperative
          already enrolled);
        - only an impresa (ditta individuale) may have a 16-character codice fiscale;
        - the link to a territory ente gestore only makes sense for the "ente gestore" form.
        """
        self.fiscal_code = normalise_fiscal_code(self.fiscal_code)
        self.vat_number = normalise_vat_number(self.vat_number)
        self.legal_representative_fiscal_code = normalise_fiscal_code(self.legal_representative_fiscal_code)
        self.runts_number = (self.runts_number or "").strip()

        errors: dict[str, str] = {}
        if self.legal_form == LegalForm.COMPANY and not self.company_size:
            errors["company_size"] = _("Per un'impresa va indicata la dimensione d'impresa.")
        if self.legal_form in NOT_UNDERTAKINGS and self.company_size:
            errors["company_size"] = _(
                "La dimensione d'impresa non si indica per un Comune, un ente pubblico o un ente gestore."
            )
        if self.legal_form == LegalForm.THIRD_SECTOR and not self.runts_number:
            errors["runts_number"] = _(
                "Per un ente del terzo settore va indicato il numero di iscrizione al RUNTS."
            )
        if self.legal_form in OUTSIDE_THIRD_SECTOR and self.runts_number:
            errors["runts_number"] = _(
                "Un Comune, un ente pubblico o un ente gestore non è iscritto al RUNTS: "
                "lasciare vuoto il campo."
            )
        if (
            self.legal_form
            and self.legal_form != LegalForm.COMPANY
            and len(self.fiscal_code) == PERSON_CODE_LENGTH
            and not is_body_code(self.fiscal_code)
        ):
            errors["fiscal_code"] = _(
                "Solo una ditta individuale ha un codice fiscale di 16 caratteri: "
                "per un ente indicare il codice fiscale numerico di 11 cifre."
            )
        if self.social_service_body_id and self.legal_form != LegalForm.SOCIAL_SERVICE_BODY:
            errors["social_service_body"] = _(
                "Il collegamento a un ente gestore vale solo per la categoria «ente gestore»."
            )
        if errors:
            raise ValidationError(errors)


class MembershipRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legale rappresentante")
    DELEGATE = "delegate", _("Delegato")


class Membership(TimeStampedModel):
    """A user may act for an organisation: as its legal representative or as a delegate they granted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organizzazione"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("ruolo"), max_length=30, choices=MembershipRole.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concessa da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revocata il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("abilitazione")
        verbose_name_plural = _("abilitazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="membership_one_active_per_user_and_organisation",
                violation_error_message=_(
                    "Questa persona è già abilitata ad agire per questa organizzazione."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- de minimis register ---------------------------------------------------------------------------------
class DeMinimisPeriodKind(models.TextChoices):
    FISCAL_YEARS = "fiscal_years", _("Esercizio in corso e precedenti (esercizi finanziari)")
    ROLLING_YEARS = "rolling_years", _("Qualsiasi periodo di anni consecutivi (mobile)")


class DeMinimisFamily(models.TextChoices):
    """What a de minimis regulation covers: each family has its own ceiling and cumulation rules
    (``grants.registry.deminimis.cumulation_rules``)."""

    GENERAL = "general", _("De minimis generale")
    SIEG = "sieg", _("Servizi di interesse economico generale (SIEG)")
    AGRICULTURE = "agriculture", _("Produzione primaria agricola")
    FISHERY = "fishery", _("Pesca e acquacoltura")


class DeMinimisRegulation(TimeStampedModel):
    """A de minimis regulation with its ceiling and reference period: data, edited in the back-office.

    The regulation in force on a grant date is the one of its family whose validity includes that date."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    title = models.CharField(_("regolamento"), max_length=255)
    family = models.CharField(
        _("ambito"), max_length=20, choices=DeMinimisFamily.choices, default=DeMinimisFamily.GENERAL
    )
    ceiling = MoneyField(_("massimale per impresa unica"))
    period_kind = models.CharField(
        _("periodo di riferimento"), max_length=20, choices=DeMinimisPeriodKind.choices
    )
    period_years = models.PositiveSmallIntegerField(_("durata del periodo (anni)"), default=3)
    valid_from = models.DateField(_("si applica agli aiuti concessi dal"))
    valid_until = models.DateField(_("fino al"), null=True, blank=True, help_text=_("Vuoto = in vigore."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regolamento de minimis")
        verbose_name_plural = _("regolamenti de minimis")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="de_minimis_regulation_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(period_years__gte=1), name="de_minimis_regulation_period"),
        ]

    def __str__(self) -> str:
        return self.title


class DeMinimisSource(models.TextChoices):
    PLATFORM = "platform", _("Concesso tramite la piattaforma")
    DECLARED = "declared", _("Dichiarato dal richiedente (altri enti)")
    RNA = "rna", _("Importato dalla visura RNA")


class DeMinimisAid(TimeStampedModel):
    """One de minimis aid received by an organisation: granted through the platform, or declared.

    ``revoked_amount`` is what a revocation or correction took back; what counts is amount − revoked."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        related_name="de_minimis_aid",
    )
    source = models.CharField(_("origine"), max_length=10, choices=DeMinimisSource.choices)
    granted_on = models.DateField(_("data di concessione"))
    granting_body = models.CharField(_("soggetto concedente"), max_length=255)
    amount = MoneyField(_("importo concesso (equivalente sovvenzione lordo)"))
    revoked_amount = MoneyField(_("importo revocato o rettificato"), default=ZERO)
    regulation = models.ForeignKey(
        DeMinimisRegulation, verbose_name=_("regolamento"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("base giuridica / atto di concessione"), max_length=255, blank=True)
    source_reference = models.CharField(_("riferimento"), max_length=100, blank=True)
    # A concession of the platform once the RNA registered it (grants.finance.rna): the visura lists it
    # under this COR, and importing the visura must not count it twice.
    rna_cor = models.CharField(_("COR (codice RNA)"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrato da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aiuto de minimis")
        verbose_name_plural = _("registro de minimis")
        ordering = ["-granted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_amount__gte=0) & Q(revoked_amount__lte=F("amount")),
                name="de_minimis_aid_revoked_within_amount",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="de_minimis_aid_amount_non_negative"),
            # A concession of the platform is recorded once per source: a retried grant finds it again.
            models.UniqueConstraint(
                fields=["source_reference"],
                condition=Q(source="platform") & ~Q(source_reference=""),
                name="de_minimis_platform_reference_unique",
            ),
            # An aid imported from the RNA visura is the concession with that COR: imported once.
            models.UniqueConstraint(
                fields=["organisation", "source_reference"],
                condition=Q(source="rna"),
                name="de_minimis_rna_cor_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "granted_on"], name="de_minimis_aid_by_date")]

    def __str__(self) -> str:
        return f"{self.granting_body} {self.granted_on:%d/%m/%Y}: {self.effective_amount}"

    @property
    def effective_amount(self) -> Decimal:
        return self.amount - self.revoked_amount


class UndertakingRelationship(models.TextChoices):
    CONTROLS = "controls", _("Controlla l'impresa collegata")
    CONTROLLED_BY = "controlled_by", _("È controllata dall'impresa collegata")
    OTHER = "other", _("Altro collegamento (art. 2 par. 2 Reg. UE de minimis)")


class UndertakingLinkStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di conferma")
    CONFIRMED = "confirmed", _("Confermato")
    REFUSED = "refused", _("Rifiutato")


class UndertakingLink(TimeStampedModel):
    """Two organisations that belong to the same single undertaking (impresa unica): their aid is summed.

    A link declared by one organisation naming another is a pending declaration: it counts only for the
    declarant (``organisation``) until the named organisation confirms it, or an officer with the registry
    permission establishes it from evidence. Confirmed links are symmetric and transitive: the single
    undertaking of an organisation is every organisation reachable through active confirmed links."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="undertaking_links", verbose_name=_("impresa")
    )
    linked_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("impresa collegata")
    )
    relationship = models.CharField(
        _("tipo di collegamento"), max_length=20, choices=UndertakingRelationship.choices
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dichiarato da")
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=UndertakingLinkStatus.choices,
        default=UndertakingLinkStatus.PENDING,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("confermato da"),
    )
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    ended_at = models.DateTimeField(_("cessato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collegamento tra imprese (impresa unica)")
        verbose_name_plural = _("collegamenti tra imprese (impresa unica)")
        ordering = ["organisation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organisation=F("linked_organisation")), name="undertaking_link_not_self"
            ),
            models.UniqueConstraint(
                fields=["organisation", "linked_organisation"],
                condition=Q(ended_at__isnull=True),
                name="undertaking_link_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ↔ {self.linked_organisation}"

    @property
    def is_pending(self) -> bool:
        return self.status == UndertakingLinkStatus.PENDING

    @property
    def is_confirmed(self) -> bool:
        return self.status == UndertakingLinkStatus.CONFIRMED

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation
