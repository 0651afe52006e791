"""The sportello valutativo (first-come calls): grant decisions in protocol order, and the outcomes that
release a booking (score below the minimum after the notice of intended rejection, renunciation,
revocation) so the waiting list moves up.

The formal check (``admissibility.record_admissibility``: a not admissible application releases its
booking) and the panel's scores (``scores``) are the ranking calls' own; the order rule is in
grants.evaluation.desk."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.audit import save_audited
from grants.core.money import ZERO, format_eur, round_money
from grants.core.timeutils import now
from grants.notifications import events
from grants.programme.models import AidInstrument, Call, CallMode

from .. import desk, permissions, queue, signals
from ..models import ConsolidatedScore, DecisionGrant, GrantDecision
from .common import (
    EvaluationError,
    WrongState,
    _lock,
    _notify,
    _notify_call_staff,
    _require,
    check_determination,
)
from .formal import desk_grant_notice


@dataclass(frozen=True)
class GrantInput:
    """One application of a determination: the aid granted and, of it, the loan part."""

    application_id: int
    amount: Decimal
    loan_amount: Decimal = ZERO


def _money(value, field: str, errors: list) -> Decimal | None:
    try:
        amount = round_money(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.append({"code": "invalid", "field": field, "message": _("Importo non valido.")})
        return None
    if not amount.is_finite():
        errors.append({"code": "invalid", "field": field, "message": _("Importo non valido.")})
        return None
    return amount


def _amount_errors(call: Call, application: Application, item: GrantInput, index: int) -> list[dict]:
    """The amounts of one application: positive, within its booking, loan part as the call's aid allows."""
    errors: list[dict] = []
    field = f"grants[{index}]"
    amount = _money(item.amount, f"{field}.amount", errors)
    loan = _money(item.loan_amount or ZERO, f"{field}.loan_amount", errors)
    if amount is None or loan is None:
        return errors
    if amount <= 0:
        errors.append(
            {
                "code": "not_positive",
                "field": f"{field}.amount",
                "message": _("L'importo deve essere positivo."),
            }
        )
    if amount > application.booked_amount:
        errors.append(
            {
                "code": "over_booking",
                "field": f"{field}.amount",
                "message": _("Domanda %(p)s: %(a)s supera l'importo prenotato (%(b)s).")
                % {
                    "p": application.protocol,
                    "a": format_eur(amount),
                    "b": format_eur(application.booked_amount),
                },
            }
        )
    if loan < 0 or loan > amount:
        errors.append(
            {
                "code": "loan_out_of_range",
                "field": f"{field}.loan_amount",
                "message": _("La quota di finanziamento va da zero all'importo concesso."),
            }
        )
    elif call.aid_instrument == AidInstrument.GRANT and loan:
        errors.append(
            {
                "code": "no_loan",
                "field": f"{field}.loan_amount",
                "message": _("Il bando concede solo contributi a fondo perduto."),
            }
        )
    elif call.aid_instrument == AidInstrument.LOAN and loan != amount:
        errors.append(
            {
                "code": "loan_only",
                "field": f"{field}.loan_amount",
                "message": _(
                    "Il bando concede solo finanziamenti agevolati: la quota di finanziamento è l'intero."
                ),
            }
        )
    return errors


def _state_error(application: Application, index: int) -> dict | None:
    if (
        application.booking_outcome != BookingOutcome.BOOKED
        or application.status != ApplicationStatus.EVALUATED
    ):
        return {
            "code": "not_decidable",
            "field": f"grants[{index}]",
            "message": _("Domanda %(p)s: nello stato «%(s)s» non si può finanziare.")
            % {"p": application.protocol, "s": application.get_status_display()},
        }
    score = ConsolidatedScore.objects.filter(application=application).first()
    if score is None or not score.meets_thresholds:
        return {
            "code": "below_minimum",
            "field": f"grants[{index}]",
            "message": _("Domanda %(p)s: il punteggio non raggiunge il minimo del bando.")
            % {"p": application.protocol},
        }
    return None


@transaction.atomic
def decide_grants(
    *,
    actor,
    call: Call,
    determination_number: str,
    determination_date: date | None,
    grants: Sequence[GrantInput],
    moment: datetime | None = None,
) -> GrantDecision:
    """Record a determinazione di concessione funding one or several booked applications of a first-come
    call: each becomes funded (its project is created as after a ranking, by ``application_funded``), is
    told by PEC and in the platform; a grant below the booking gives the rest back to the waiting list.

    Refused as a whole when an application is not evaluated above the minimum, an amount is not positive
    or is over the booking, the loan part does not fit the call's aid, or the order rule
    (grants.evaluation.desk) is broken. An application of another call, or not sent, does not exist here."""
    _require(
        permissions.can_decide_grants(actor, call),
        _("Solo il responsabile di misura registra le determinazioni di concessione."),
    )
    call = Call.objects.select_for_update().get(pk=call.pk)  # one decision of a call at a time
    if call.mode != CallMode.FIRST_COME:
        raise WrongState(
            _("Il bando non è a sportello: si finanzia con la graduatoria."), code="not_first_come"
        )
    moment = moment or now()
    number = check_determination_number(call, determination_number, determination_date, moment)
    ids = [int(item.application_id) for item in grants]
    if not ids:
        raise EvaluationError(
            _("Indicare almeno una domanda da finanziare."),
            errors=[{"code": "required", "field": "grants", "message": _("Nessuna domanda indicata.")}],
        )
    if len(set(ids)) != len(ids):
        raise EvaluationError(
            _("Una domanda è indicata due volte."),
            errors=[{"code": "duplicate", "field": "grants", "message": _("Domanda ripetuta.")}],
        )
    found = {
        a.pk: a for a in Application.objects.filter(call=call, pk__in=ids, protocol_number__isnull=False)
    }
    if len(found) != len(ids):
        raise Application.DoesNotExist("Domanda non trovata.")
    errors: list[dict] = []
    locked = {}
    for index, item in enumerate(grants):
        application = _lock(found[int(item.application_id)])
        locked[application.pk] = application
        state = _state_error(application, index)
        errors += [state] if state else _amount_errors(call, application, item, index)
    held = desk.out_of_order(queue.queue_items(call), ids)
    for key, earlier in sorted(held.items(), key=lambda pair: locked[pair[0]].protocol):
        errors.append(
            {
                "code": "out_of_order",
                "field": f"grants[{ids.index(key)}]",
                "message": _(
                    "Domanda %(p)s: prima vanno decise le domande con protocollo precedente (%(e)s)."
                )
                % {
                    "p": locked[key].protocol,
                    "e": ", ".join(
                        Application(protocol_year=i.protocol[0], protocol_number=i.protocol[1]).protocol
                        for i in earlier
                    ),
                },
            }
        )
    if errors:
        raise EvaluationError(_("La determinazione di concessione non può essere registrata."), errors=errors)
    decision = save_audited(
        GrantDecision(call=call, number=number, date=determination_date, decided_by=actor, decided_at=moment),
        actor=actor,
        reason=f"Determinazione n. {number}",
        action="desk.decided",
    )
    for item in sorted(grants, key=lambda g: locked[int(g.application_id)].protocol):
        _fund(actor=actor, decision=decision, application=locked[int(item.application_id)], item=item)
    return decision


def check_determination_number(call: Call, number: str, decided_on: date | None, moment: datetime) -> str:
    number = check_determination(number, decided_on, moment)
    if GrantDecision.objects.filter(call=call, number=number).exists():
        raise EvaluationError(
            _("Una determinazione con questo numero è già registrata per il bando."),
            errors=[
                {
                    "code": "duplicate",
                    "field": "determination_number",
                    "message": _("Numero già registrato."),
                }
            ],
        )
    return number


def _fund(*, actor, decision: GrantDecision, application: Application, item: GrantInput) -> DecisionGrant:
    amount = round_money(item.amount)
    loan = round_money(item.loan_amount or ZERO)
    if application.call.aid_instrument == AidInstrument.LOAN:
        loan = amount
    application.mark_funded()
    save_audited(application, actor=actor, reason=f"Finanziata con determinazione n. {decision.number}")
    grant = save_audited(
        DecisionGrant(
            decision=decision,
            application=application,
            amount=amount,
            grant_amount=round_money(amount - loan),
            loan_amount=loan,
        ),
        actor=actor,
        reason=f"Determinazione n. {decision.number}",
        action="desk.granted",
    )
    if amount < application.booked_amount:
        application_services.reduce_booking(actor=actor, application=application, amount=amount)
    signals.send_funded_on_commit(application=application, granted_amount=amount, ranking=decision)
    desk_grant_notice(
        actor=actor,
        application=application,
        amount=amount,
        loan_amount=loan,
        number=decision.number,
        decided_on=decision.date,
    )
    _notify(
        actor=actor,
        application=application,
        subject=_("Domanda %(p)s finanziata") % {"p": application.protocol},
        body=_("La domanda è finanziata con un'agevolazione di %(a)s (determinazione n. %(n)s del %(d)s).")
        % {"a": format_eur(amount), "n": decision.number, "d": decision.date.strftime("%d/%m/%Y")},
        event=events.RANKING_OUTCOME,
    )
    return grant


# --- outcomes that release the booking ----------------------------------------------------------------------
def flag_below_minimum(*, actor, application: Application) -> None:
    """The consolidated score of a booked application of a first-come call is below a threshold: the
    application stays evaluated, keeps its booking and is flagged in the desk queue until the notice of
    intended rejection (art. 10-bis) and the decision after it (``below_minimum``); the call's officers are
    told. Called by the consolidation of the scores, in its transaction."""
    if application.status != ApplicationStatus.EVALUATED:
        return
    _notify_call_staff(
        actor=actor,
        application=application,
        event=events.RANKING_OUTCOME,
        subject=_("Domanda %(p)s sotto il minimo: inviare il preavviso di rigetto")
        % {"p": application.protocol},
        body=_(
            "Il punteggio consolidato non raggiunge le soglie minime del bando. Prima di dichiarare la "
            "domanda non idonea va inviato il preavviso di rigetto (art. 10-bis L. 241/1990) dallo "
            "sportello; la prenotazione resta fino alla decisione."
        ),
        link=reverse("evaluation:desk_notice", args=[application.call.code, application.pk]),
    )


def close_below_minimum(*, actor, application: Application, reasons: str = "") -> list[Application]:
    """A booked application of a first-come call below the minimum, after the notice of intended rejection
    and its term: not eligible (``reasons``: why the observations were not accepted, told to the
    applicant), and its booking goes to the waiting list (in protocol order). Called in the caller's
    transaction, which checked who may. Returns the applications booked now."""
    if application.status not in (ApplicationStatus.EVALUATED, ApplicationStatus.REJECTION_NOTIFIED):
        return []
    application.mark_not_eligible()
    save_audited(application, actor=actor, reason="Punteggio sotto il minimo del bando (sportello)")
    body = _(
        "La domanda non ha raggiunto le soglie minime di punteggio: la prenotazione delle risorse decade."
    )
    if reasons:
        body += "\n" + _("Motivi, anche del mancato accoglimento delle osservazioni:\n%(r)s") % {"r": reasons}
    _notify(
        actor=actor,
        application=application,
        subject=_("Domanda %(p)s non idonea") % {"p": application.protocol},
        body=body,
        event=events.RANKING_OUTCOME,
    )
    if application.booking_outcome == BookingOutcome.BOOKED:
        return application_services.release_booking(actor=actor, application=application)
    return []


def renounce_desk_grant(*, actor, application: Application, reason: str) -> list[Application]:
    """A funded first-come application renounces (the caller checked who may, the state and the reason):
    renounced, its project too (``application_defunded``), its booking to the waiting list."""
    application.mark_renounced()
    save_audited(application, actor=actor, reason="Rinuncia al contributo")
    signals.send_defunded_on_commit(application=application, reason=reason)
    return application_services.release_booking(actor=actor, application=application)


@transaction.atomic
def release_after_revocation(*, actor, application: Application) -> list[Application]:
    """The project of a funded first-come application was revoked totally (grants.projects, which checked
    who may): its booking goes to the waiting list. Returns the applications booked now."""
    application = _lock(application)
    if (
        application.call.mode != CallMode.FIRST_COME
        or not DecisionGrant.objects.filter(application=application).exists()
    ):
        return []
    return application_services.release_booking(actor=actor, application=application)
