"""What every write of the finance context shares: its error types, permission check, today's date in Rome,
money input, audited save and project lock."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.errors import DomainError, field_message
from grants.core.errors import WrongState as StateError
from grants.core.money import round_money
from grants.core.uploads import PDF
from grants.projects.models import Project
from grants.projects.states import ProjectStatus

from .. import selectors

ATTACHMENT_TYPES = [PDF, "image/png", "image/jpeg"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Claims may be sent while the project runs and after it ended (the final report comes after the end).
CLAIMABLE_PROJECT_STATUSES = frozenset(
    {ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED, ProjectStatus.CONCLUDED}
)

# The first-level control checklist (verifiche amministrative on every claim).
CHECKLIST: list[tuple[str, str]] = [
    ("periodo", "Le spese sono sostenute nel periodo di ammissibilità del progetto"),
    ("pertinenza", "Le spese sono pertinenti alle attività approvate e alla voce di spesa"),
    ("documenti", "I giustificativi sono intestati al beneficiario e riportano il CUP"),
    ("quietanze", "I pagamenti sono tracciabili e quietanzati"),
    ("doppio", "Nessun giustificativo è già stato rendicontato su altri progetti o fondi"),
    ("appalti", "Sono rispettate le norme sugli appalti pubblici e sugli aiuti di Stato"),
]


class FinanceError(DomainError):
    """A request the finance rules refuse (grants/core/errors.py); without ``errors``, the refusal is one
    field error on ``field`` (empty: the whole request)."""

    def __init__(
        self, message: str, *, field: str = "", code: str = "invalid", errors: list[dict] | None = None
    ):
        if errors is None:
            errors = [field_message(field, code, message)]
        super().__init__(message, errors=errors, code=code)


class WrongState(FinanceError, StateError):
    """The object's state does not allow the action (409)."""


class DuplicateDocument(FinanceError):
    status = 409


def _require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message or _("Operazione non consentita."))


def _today() -> date:
    return selectors.today()


def _money(value, field: str) -> Decimal:
    if isinstance(value, float) or value is None or value == "":
        raise FinanceError(_("Indicare un importo in euro."), field=field, code="required")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise FinanceError(_("Importo non valido."), field=field, code="invalid") from None
    if not amount.is_finite() or amount < 0:
        raise FinanceError(_("L'importo non può essere negativo."), field=field, code="negative")
    return round_money(amount)


def _validation_to_finance(error: ValidationError) -> FinanceError:
    errors = []
    for field, messages in (
        error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    ):
        for message in messages:
            errors.append(
                {"field": "" if field == "__all__" else field, "message": message, "code": "invalid"}
            )
    return FinanceError(errors[0]["message"], errors=errors)


def _save(instance, *, actor, reason: str, action: str = ""):
    try:
        return save_audited(instance, actor=actor, reason=reason, action=action)
    except ValidationError as error:
        raise _validation_to_finance(error) from error


def _lock_project(project: Project) -> Project:
    """Serialise the writes that read the ceilings (two officers proposing at once see each other)."""
    return Project.objects.select_for_update().get(pk=project.pk)
