"""The indicator targets an applicant proposes in the application, and their copy onto the project.

The applicant proposes a target for each of the call's indicators (``propose_targets``: non-negative, a whole
number when the indicator counts things, two decimals otherwise); the application keeps them and sends them
in its submission snapshot. When the application is funded its proposal becomes the project's targets
(``copy_proposed_targets``, on the ``project_granted`` signal), which the officers confirm or correct with
``services.set_project_target``.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.permissions import can_read_application, can_write_application
from grants.core.audit import save_audited
from grants.programme.models import Call
from grants.projects.models import Project

from .models import Indicator, ProjectIndicatorTarget
from .services import MonitoringError

# Units that count things: their targets are whole numbers. Any other unit (%, ore, euro…) takes two decimals.
COUNT_UNITS = frozenset(
    {"numero", "n.", "n", "persone", "partecipanti", "imprese", "enti", "servizi", "comuni"}
)
MAX_TARGET = Decimal("1e10")


def is_whole_number_unit(indicator: Indicator) -> bool:
    return indicator.unit.strip().lower() in COUNT_UNITS


def call_indicators(call: Call) -> list[Indicator]:
    """The indicators an application to ``call`` proposes targets for: the active indicators of the call's
    measure and the common ones of its fund, in catalogue order."""
    candidates = Indicator.objects.filter(is_active=True).select_related("measure").order_by("order", "code")
    return [i for i in candidates if i.applies_to(call.measure)]


@dataclass(frozen=True)
class ProposedTarget:
    indicator: Indicator
    target: Decimal | None
    whole_number: bool


def proposed_targets(user, application: Application) -> list[ProposedTarget]:
    """Each indicator of the call with the applicant's proposed target (None: not proposed yet)."""
    if not can_read_application(user, application):
        raise Application.DoesNotExist
    proposed = application.proposed_targets or {}
    return [
        ProposedTarget(
            indicator=indicator,
            target=Decimal(proposed[indicator.code]) if indicator.code in proposed else None,
            whole_number=is_whole_number_unit(indicator),
        )
        for indicator in call_indicators(application.call)
    ]


def _error(code: str, field: str, message: str) -> dict:
    return {"code": code, "field": field, "message": message}


def _checked(indicator: Indicator, raw) -> tuple[Decimal | None, dict | None]:
    field = f"targets.{indicator.code}"
    text = "" if raw is None else str(raw).strip().replace(",", ".")
    if text == "":
        return None, None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        return None, _error(
            "invalid", field, _("«%(title)s»: indicare un numero.") % {"title": indicator.title}
        )
    if value < 0:
        message = _("«%(title)s»: il target non può essere negativo.") % {"title": indicator.title}
        return None, _error("negative", field, message)
    if value >= MAX_TARGET:
        return None, _error(
            "too_large", field, _("«%(title)s»: il target è troppo grande.") % {"title": indicator.title}
        )
    if is_whole_number_unit(indicator):
        if value != value.to_integral_value():
            message = _("«%(title)s» si misura in %(unit)s: indicare un numero intero.") % {
                "title": indicator.title,
                "unit": indicator.unit,
            }
            return None, _error("not_whole", field, message)
        return value.quantize(Decimal(1)), None
    if value != value.quantize(Decimal("0.01")):
        message = _("«%(title)s»: indicare al massimo due decimali.") % {"title": indicator.title}
        return None, _error("too_many_decimals", field, message)
    return value.quantize(Decimal("0.01")), None


def propose_targets(*, actor, application: Application, targets: dict) -> Application:
    """Replace the applicant's proposed targets (indicator code → value; an empty value leaves the indicator
    without a target). Every value is checked; nothing is saved while any is wrong."""
    if not can_write_application(actor, application):
        raise PermissionDenied(_("Non puoi modificare questa domanda."))
    indicators = {i.code: i for i in call_indicators(application.call)}
    errors, clean = [], {}
    for code in targets:
        if code not in indicators:
            message = _("L'indicatore %(code)s non è tra quelli del bando.") % {"code": code}
            errors.append(_error("unknown_indicator", f"targets.{code}", message))
    for code, indicator in indicators.items():
        value, error = _checked(indicator, targets.get(code))
        if error:
            errors.append(error)
        elif value is not None:
            clean[code] = str(value)
    if errors:
        raise MonitoringError(
            _("Target degli indicatori da correggere (%(count)d).") % {"count": len(errors)},
            errors=errors,
            code="invalid_targets",
        )
    return application_services.set_proposed_targets(actor=actor, application=application, targets=clean)


def copy_proposed_targets(project: Project) -> list[ProjectIndicatorTarget]:
    """The funded application's proposal (as sent: the submission snapshot) becomes the project's targets;
    an indicator that already has a project target (set by an officer) keeps it."""
    application = project.application
    sent = (application.submitted_data or {}).get("indicator_targets") or application.proposed_targets or {}
    indicators = {i.code: i for i in call_indicators(project.call)}
    existing = set(
        ProjectIndicatorTarget.objects.filter(project=project).values_list("indicator__code", flat=True)
    )
    copied = []
    for code, value in sorted(sent.items()):
        if code in indicators and code not in existing:
            row = ProjectIndicatorTarget(project=project, indicator=indicators[code], target=Decimal(value))
            copied.append(save_audited(row, reason="Target proposto nella domanda"))
    return copied
