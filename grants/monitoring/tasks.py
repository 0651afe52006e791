"""Background work of monitoring: participant imports and the dashboards' finance summary."""

from datetime import datetime

from grants.core.tasks import idempotent_task


@idempotent_task(name="monitoring.import_participants")
def import_participants(import_id: int) -> None:
    """Process an uploaded participants file (services.run_import is safe to run again)."""
    from .services import run_import

    run_import(import_id)


@idempotent_task(name="monitoring.refresh_finance_summary")
def refresh_finance_summary(project_id: int, requested_at: str) -> None:
    """Recompute one project's summary, unless it was already recomputed after the change that asked.
    Many saves in one transaction (a claim's items) ask many times: the first run serves them all."""
    from .dashboard import refresh_summaries
    from .models import ProjectFinanceSummary

    asked = datetime.fromisoformat(requested_at)
    if ProjectFinanceSummary.objects.filter(pk=project_id, refreshed_at__gte=asked).exists():
        return
    refresh_summaries([project_id])


@idempotent_task(name="monitoring.rebuild_finance_summaries")
def rebuild_finance_summaries() -> int:
    from .dashboard import refresh_summaries

    return refresh_summaries()
