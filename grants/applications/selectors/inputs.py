"""What the rules, the snapshot and the history row of a submission read, once (see
:func:`prefetch_submission_inputs`)."""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from .. import history
from ..models import Application, ApplicationDocument, ApplicationPartner, BudgetLine


# --- what the rules and the snapshot read, once -------------------------------------------------------
def read_partners(application: Application) -> QuerySet[ApplicationPartner]:
    return application.partners.select_related("organisation").order_by("order", "pk")


def read_budget_lines(application: Application) -> QuerySet[BudgetLine]:
    return application.budget_lines.select_related("category", "partner", "partner__organisation").order_by(
        "order", "pk"
    )


def read_documents(application: Application) -> QuerySet[ApplicationDocument]:
    return application.documents.select_related(
        "required_document", "partner", "partner__organisation"
    ).order_by("required_document__code", "sha256")


def prefetch_submission_inputs(application: Application) -> Application:
    """Read partners, budget lines, documents and territory once, for the rules, the snapshot and the history
    row of a submission: six reads. Budget lines and documents take their partner (and its organisation) from
    the partners just read instead of joining them again, and the territory is read through its link rows,
    kept in ``application.territory_links`` for the history row (``grants.applications.history``), which
    simple-history would otherwise read a second time."""
    prefetch_related_objects(
        [application],
        Prefetch("partners", queryset=read_partners(application)),
        Prefetch(
            "budget_lines",
            queryset=BudgetLine.objects.select_related("category").order_by("order", "pk"),
        ),
        Prefetch(
            "documents",
            queryset=ApplicationDocument.objects.select_related("required_document").order_by(
                "required_document__code", "sha256"
            ),
        ),
    )
    partners = {partner.pk: partner for partner in application.partners.all()}
    for row in (*application.budget_lines.all(), *application.documents.all()):
        if row.partner_id in partners:
            row.partner = partners[row.partner_id]
    application.territory_links = {}
    for field in history.territory_fields():
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = list(
            field.remote_field.through.objects.filter(**{f"{source}_id": application.pk})
            .select_related(target)
            .order_by(f"{target}__name", "pk")  # as the relation reads them (by name)
        )
        _keep_prefetched(application, field.name, [getattr(row, target) for row in rows])
        application.territory_links[field.name] = [
            (row.pk, application.pk, getattr(row, f"{target}_id")) for row in rows
        ]
    return application


def _keep_prefetched(application: Application, name: str, rows: list) -> None:
    """Keep ``rows`` as the prefetched content of ``application.<name>``, as prefetch_related_objects does
    (a queryset of the relation whose results are already there)."""
    queryset = getattr(application, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    application.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _prefetched(application: Application, name: str):
    """The rows of ``name`` if prefetch_submission_inputs read them, else None."""
    return getattr(application, "_prefetched_objects_cache", {}).get(name)


def rows_of(application: Application, name: str, queryset: QuerySet) -> list:
    cached = _prefetched(application, name)
    return list(cached) if cached is not None else list(queryset)


def territory_count(application: Application, name: str) -> int:
    cached = _prefetched(application, name)
    return len(cached) if cached is not None else getattr(application, name).count()


def territory_codes(application: Application, name: str, code_field: str) -> list[str]:
    cached = _prefetched(application, name)
    if cached is not None:
        return sorted(getattr(row, code_field) for row in cached)
    return sorted(getattr(application, name).values_list(code_field, flat=True))
