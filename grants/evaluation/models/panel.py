"""The evaluation panel (nucleo di valutazione): its members, their assignments and their
conflict-of-interest declarations."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application, ApplicationPartner
from grants.core.models import TimeStampedModel
from grants.programme.models import Call

from ..states import (
    LIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
)


# --- panel, assignments, conflicts --------------------------------------------------------------------------
class Panel(TimeStampedModel):
    """The evaluation panel (nucleo di valutazione) of a call."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="panel")
    evaluators_per_application = models.PositiveSmallIntegerField(_("valutatori per domanda"), default=2)
    disagreement_threshold = models.DecimalField(
        _("scarto massimo tra valutatori (punti)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Oltre questo scarto tra i punteggi totali la domanda è segnalata al presidente."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nucleo di valutazione")
        verbose_name_plural = _("nuclei di valutazione")
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluators_per_application__gte=1), name="panel_at_least_one_evaluator"
            ),
            models.CheckConstraint(
                condition=Q(disagreement_threshold__gte=0), name="panel_disagreement_threshold_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Nucleo di valutazione: %(call)s") % {"call": self.call})


class PanelMember(TimeStampedModel):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("valutatore"), on_delete=models.PROTECT, related_name="+"
    )
    is_president = models.BooleanField(_("presidente"), default=False)
    is_active = models.BooleanField(_("attivo"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("componente del nucleo")
        verbose_name_plural = _("componenti del nucleo")
        ordering = ["panel", "-is_president", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once"),
            models.UniqueConstraint(
                fields=["panel"], condition=Q(is_president=True), name="panel_one_president"
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email


class Assignment(TimeStampedModel):
    """An application given to a panel member. A declared conflict ends it (kept, for the record)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="assignments")
    status = FSMField(
        _("stato"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.TO_DECLARE,
        protected=False,
    )
    automatic = models.BooleanField(_("assegnata automaticamente"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("dichiarazione resa il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assegnazione")
        verbose_name_plural = _("assegnazioni")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="assignment_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.member}"

    @property
    def counts_for_panel(self) -> bool:
        return self.status in LIVE_ASSIGNMENT_STATUSES

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=AssignmentStatus.TO_DECLARE, target=AssignmentStatus.ACTIVE)
    def mark_declared_free(self):
        """The member declared no conflict of interest: they may evaluate."""

    @transition(field=status, source=AssignmentStatus.TO_DECLARE, target=AssignmentStatus.CONFLICT)
    def mark_conflict(self):
        """The member declared a conflict: the assignment ends (kept for the record)."""

    @transition(field=status, source=AssignmentStatus.ACTIVE, target=AssignmentStatus.SUBMITTED)
    def mark_submitted(self):
        """The member sent their evaluation."""

    @transition(
        field=status,
        source=[AssignmentStatus.TO_DECLARE, AssignmentStatus.ACTIVE],
        target=AssignmentStatus.REVOKED,
    )
    def mark_revoked(self):
        """The member left the panel before sending the evaluation."""


class ConflictDeclaration(TimeStampedModel):
    """The evaluator's statement, for one party of the application (the lead or a partner), made before
    seeing the application."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="declarations")
    partner = models.ForeignKey(
        ApplicationPartner, verbose_name=_("soggetto"), on_delete=models.PROTECT, related_name="+"
    )
    party_name = models.CharField(_("denominazione"), max_length=255)
    has_conflict = models.BooleanField(_("conflitto di interessi"))
    note = models.CharField(_("nota"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dichiarazione sul conflitto di interessi")
        verbose_name_plural = _("dichiarazioni sul conflitto di interessi")
        ordering = ["assignment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "partner"], name="conflict_declaration_once")
        ]

    def __str__(self) -> str:
        return f"{self.party_name}: {self.has_conflict}"
