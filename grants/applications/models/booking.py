"""First-come calls: what is booked on the call and on each of its reserves (row-locked counters)."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import Call, CallReserve


class CallBooking(TimeStampedModel):
    """First-come (sportello) calls: the money booked so far against the call's budget, one row per call.

    Locked with SELECT ... FOR UPDATE by every submission to the call; the check constraints make
    over-booking impossible even if a code path forgot the lock.
    """

    call = models.OneToOneField(
        Call, verbose_name=_("bando"), on_delete=models.CASCADE, primary_key=True, related_name="booking"
    )
    budget = MoneyField(_("dotazione a sportello"))
    booked = MoneyField(_("importo prenotato"), default=ZERO)
    # The call's reserves: their total budget and what is booked on them (the rest is the general pool).
    reserved = MoneyField(_("importo delle riserve"), default=ZERO)
    reserve_booked = MoneyField(_("prenotato sulle riserve"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prenotazione risorse (sportello)")
        verbose_name_plural = _("prenotazioni risorse (sportello)")
        constraints = [
            models.CheckConstraint(condition=Q(booked__gte=0), name="call_booking_booked_non_negative"),
            models.CheckConstraint(condition=Q(booked__lte=F("budget")), name="call_booking_within_budget"),
            models.CheckConstraint(
                condition=Q(reserve_booked__lte=F("reserved")) & Q(reserve_booked__lte=F("booked")),
                name="call_booking_reserves_within_reserved",
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("budget") - F("reserved") + F("reserve_booked")),
                name="call_booking_general_pool_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call}: {self.booked}/{self.budget}"

    @property
    def available(self) -> Decimal:
        return self.budget - self.booked

    @property
    def general_available(self) -> Decimal:
        """What the general pool (the budget less the reserves) still has."""
        return (self.budget - self.reserved) - (self.booked - self.reserve_booked)


class ReserveBooking(TimeStampedModel):
    """What is booked on one reserve of a first-come call; locked after the call's CallBooking row."""

    reserve = models.OneToOneField(
        CallReserve,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="booking",
        verbose_name=_("riserva"),
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", verbose_name=_("bando"))
    budget = MoneyField(_("importo della riserva"))
    booked = MoneyField(_("importo prenotato"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prenotazione su riserva (sportello)")
        verbose_name_plural = _("prenotazioni su riserva (sportello)")
        constraints = [
            models.CheckConstraint(condition=Q(booked__gte=0), name="reserve_booking_non_negative"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("budget")), name="reserve_booking_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reserve_id}: {self.booked}/{self.budget}"

    @property
    def available(self) -> Decimal:
        return self.budget - self.booked
