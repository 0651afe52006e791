"""Retention (GDPR): drafts never submitted are deleted some months after their call closed."""

from django.db import transaction

from grants.core.audit import record_event
from grants.core.timeutils import now

from ..models import (
    Application,
    ApplicationDocument,
)
from ..states import ApplicationStatus

# --- Retention (GDPR): drafts never submitted are deleted some months after their call closed -------------


def months_before(moment, months: int):
    """The same wall-clock instant ``months`` calendar months earlier (a 31st: the month's last day)."""
    import calendar

    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def stale_drafts(*, months: int, at=None):
    """Drafts never submitted whose call closed more than ``months`` months before ``at``."""
    cutoff = months_before(at or now(), months)
    return Application.objects.filter(
        status=ApplicationStatus.DRAFT, submitted_at__isnull=True, call__closes_at__lt=cutoff
    ).select_related("call", "applicant")


def delete_stale_drafts(*, months: int, at=None, actor=None) -> int:
    """Delete the stale drafts with their partners, budget and documents (files included); returns how many.

    Each deletion leaves an ``application.draft_deleted`` audit event with what the draft held (the audit
    trail is the proof that the retention rule ran); stored files are removed once the deletion commits.
    """
    from grants.core.audit import snapshot

    deleted = 0
    for application in stale_drafts(months=months, at=at).iterator():
        files = list(
            ApplicationDocument.objects.filter(application=application)
            .exclude(file="")
            .values_list("file", flat=True)
        )
        with transaction.atomic():
            record_event(
                actor=actor,
                action="application.draft_deleted",
                obj=application,
                before=snapshot(application),
                organisation=application.applicant,
                reason=f"Conservazione: bozza mai presentata, bando chiuso da oltre {months} mesi",
            )
            application.delete()
        storage = ApplicationDocument._meta.get_field("file").storage
        for name in files:
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        deleted += 1
    return deleted
