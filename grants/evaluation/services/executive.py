"""Two-phase calls: the executive project that follows an admitted idea."""

from django.db import transaction
from django.utils.translation import gettext as _

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import PartnerRole
from grants.core.audit import save_audited
from grants.core.timeutils import format_rome, now

from .. import permissions, selectors
from .common import EvaluationError, WrongState, _lock, _require


# --- two-phase calls: the executive project -----------------------------------------------------------------
def _window_text(window) -> str:
    return _("dal %(o)s al %(c)s (ora di Roma)") % {
        "o": format_rome(window.opens_at),
        "c": format_rome(window.closes_at),
    }


@transaction.atomic
def create_executive_project(*, actor, idea: Application) -> Application:
    """In the second window of a two-phase call (its last CallPhase), the applicant of an idea admitted by
    the approved preliminary ranking starts the executive project: a new draft of the same call linked to
    the idea (``Application.preliminary``), with the idea's general section, territory and partnership
    copied; budget and documents are the executive project's own. Refused before the window opens and after
    it closes (the message gives the dates), for an idea not admitted, and a second time."""
    idea = _lock(idea)
    _require(
        permissions.can_present_executive(actor, idea),
        _("Non sei abilitato ad agire per il soggetto proponente di questa domanda."),
    )
    state = selectors.executive_project_state(idea)
    if state.window is None:
        raise EvaluationError(
            _("La domanda non è un'idea progettuale di un bando in due fasi."),
            code="not_two_phase",
            errors=[
                {
                    "code": "not_two_phase",
                    "field": "application",
                    "message": _("Solo le idee progettuali hanno un progetto esecutivo."),
                }
            ],
        )
    if not state.admitted:
        raise WrongState(
            _("L'idea progettuale %(p)s non è ammessa alla seconda fase.") % {"p": idea.protocol},
            code="idea_not_admitted",
            errors=[
                {
                    "code": "idea_not_admitted",
                    "field": "application",
                    "message": _(
                        "Solo le idee ammesse dalla graduatoria approvata presentano il progetto esecutivo."
                    ),
                }
            ],
        )
    if state.executive is not None:
        raise WrongState(
            _("Il progetto esecutivo di questa idea è già stato avviato."),
            code="executive_exists",
            errors=[
                {
                    "code": "executive_exists",
                    "field": "application",
                    "message": _("Progetto esecutivo già avviato."),
                }
            ],
        )
    moment = now()
    if not state.is_open(moment):
        when = _window_text(state.window)
        message = (
            _(
                "La seconda fase («%(phase)s») non è ancora aperta: "
                "il progetto esecutivo si presenta %(when)s."
            )
            if moment < state.window.opens_at
            else _("La seconda fase («%(phase)s») è chiusa: il progetto esecutivo si presentava %(when)s.")
        ) % {"phase": state.window.title, "when": when}
        raise EvaluationError(
            message,
            code="outside_executive_window",
            errors=[{"code": "outside_executive_window", "field": "executive_window", "message": message}],
        )
    try:
        executive = application_services.create_draft(
            actor=actor, organisation=idea.applicant, call=idea.call
        )
        executive.preliminary = idea
        executive.title = idea.title
        executive.abstract = idea.abstract
        executive.partnership_name = idea.partnership_name
        save_audited(
            executive,
            actor=actor,
            reason=f"Progetto esecutivo dell'idea {idea.protocol}",
            action="application.executive_created",
        )
        executive.municipalities.set(idea.municipalities.all())
        executive.districts.set(idea.districts.all())
        executive.provinces.set(idea.provinces.all())
        idea_partners = list(idea.partners.order_by("order", "pk"))
        lead = next((p for p in idea_partners if p.role == PartnerRole.LEAD), None)
        others = [p for p in idea_partners if p.role != PartnerRole.LEAD]
        if others:
            application_services.set_partners(
                actor=actor,
                application=executive,
                partners=[
                    application_services.PartnerInput(
                        organisation=p.organisation,
                        name=p.name,
                        legal_form=p.legal_form,
                        share_percent=p.share_percent,
                    )
                    for p in others
                ],
                lead_share_percent=lead.share_percent if lead else None,
            )
    except application_services.ApplicationError as exc:
        raise EvaluationError(exc.message, errors=exc.errors, code=exc.code) from exc
    return executive
