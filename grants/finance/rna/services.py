"""Writes of the RNA records: one per concession (whichever path funded the project), per change of the aid
(a slide raising a partial grant, a loan's GGE, a partial revocation) and per total revocation; sending
them through the adapter; the register's answer (COR or refusal), received or typed by an officer.

The records are born from the projects' signals (``receivers``), without an actor; an officer acts on them.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.money import ZERO, round_money
from grants.core.timeutils import in_rome, now
from grants.programme.models import StateAidRegime
from grants.projects import services as project_services
from grants.projects.models import Project

from .. import permissions
from ..models import RnaRecord
from ..services.common import FinanceError, WrongState, _require, _save
from ..states import RNA_TRANSITIONS, RnaInstrument, RnaKind, RnaRegime, RnaStatus
from .adapters import RnaExchangeError, get_adapter

REGIMES = {StateAidRegime.DE_MINIMIS: RnaRegime.DE_MINIMIS, StateAidRegime.EXEMPTION: RnaRegime.GBER}


def _today() -> date:
    return in_rome(now()).date()


def _aid_of(project: Project) -> tuple[str, Decimal, Decimal]:
    """(instrument, nominal amount, aid element): a loan counts by its GGE, a grant by its amount."""
    try:
        loan = project.loan
    except ObjectDoesNotExist:
        loan = None
    if loan is not None:
        return RnaInstrument.LOAN, loan.principal, loan.gross_grant_equivalent
    return RnaInstrument.GRANT, project.grant, project.grant


def _new_record(
    project: Project, *, kind: str, concession_date: date, reason: str = "", actor=None
) -> RnaRecord:
    instrument, nominal, aid = _aid_of(project)
    return RnaRecord(
        project=project,
        kind=kind,
        car=project.call.rna_car,
        regime=REGIMES.get(project.call.state_aid_regime, RnaRegime.OTHER),
        instrument=instrument,
        beneficiary_fiscal_code=project.beneficiary.fiscal_code,
        beneficiary_name=project.beneficiary.name,
        cup=project.cup,
        nominal_amount=round_money(nominal),
        aid_amount=round_money(aid),
        concession_date=concession_date,
        act_date=_today(),
        reason=reason[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def register_grant(
    *, project: Project, granted_on: date, previous: Decimal | None = None
) -> RnaRecord | None:
    """The concession of ``project`` (on the decision's date): its registration record, once. A grant
    changed later (``previous`` given) updates the registration while it is still to send, otherwise
    produces a variation. A call whose funding is not State aid has nothing to register (the RNA records
    State aid and de minimis only, art. 52 L. 234/2012): None, and so for its later changes."""
    project = Project.objects.select_related("call", "beneficiary").get(pk=project.pk)
    if project.call.state_aid_regime == StateAidRegime.NONE:
        return None
    registration = (
        RnaRecord.objects.select_for_update().filter(project=project, kind=RnaKind.REGISTRATION).first()
    )
    if registration is None:
        record = _new_record(project, kind=RnaKind.REGISTRATION, concession_date=granted_on)
        return _save(record, actor=None, reason="Concessione da registrare nell'RNA", action="rna.created")
    if previous is None:
        return registration
    return _aid_changed(project=project, registration=registration, reason=_("Contributo rideterminato"))


def _aid_changed(*, project: Project, registration: RnaRecord, reason: str, actor=None) -> RnaRecord:
    instrument, nominal, aid = _aid_of(project)
    if registration.status == RnaStatus.TO_SEND:
        registration.instrument = instrument
        registration.nominal_amount = round_money(nominal)
        registration.aid_amount = round_money(aid)
        registration.cup = project.cup
        return _save(registration, actor=actor, reason="Registrazione RNA aggiornata", action="rna.updated")
    previous = _current_aid(project)
    if round_money(aid) == previous:
        return registration
    record = _new_record(
        project,
        kind=RnaKind.VARIATION,
        concession_date=registration.concession_date,
        reason=reason,
        actor=actor,
    )
    record.previous_aid_amount = previous
    return _save(record, actor=actor, reason="Variazione da registrare nell'RNA", action="rna.created")


def _current_aid(project: Project) -> Decimal:
    last = RnaRecord.objects.filter(project=project).exclude(status=RnaStatus.REFUSED).order_by("-pk").first()
    return last.aid_amount if last else ZERO


@transaction.atomic
def loan_changed(*, actor, project: Project) -> RnaRecord | None:
    """A loan was recorded for the project: the aid element becomes the loan's GGE."""
    registration = (
        RnaRecord.objects.select_for_update().filter(project=project, kind=RnaKind.REGISTRATION).first()
    )
    if registration is None:
        return None
    return _aid_changed(
        project=project, registration=registration, reason=_("Finanziamento agevolato (ESL)"), actor=actor
    )


@transaction.atomic
def revoked(*, project: Project, new_grant: Decimal, reason: str) -> RnaRecord | None:
    """A revocation: total → a revocation record (aid 0), partial → a variation with the reduced aid."""
    project = Project.objects.select_related("call", "beneficiary").get(pk=project.pk)
    registration = RnaRecord.objects.filter(project=project, kind=RnaKind.REGISTRATION).first()
    if registration is None:
        return None
    total = round_money(new_grant) == ZERO
    record = _new_record(
        project,
        kind=RnaKind.REVOCATION if total else RnaKind.VARIATION,
        concession_date=registration.concession_date,
        reason=reason or _("Revoca"),
    )
    record.previous_aid_amount = _current_aid(project)
    if total:
        record.aid_amount = ZERO
        record.nominal_amount = ZERO
    elif record.instrument == RnaInstrument.GRANT:
        record.aid_amount = record.nominal_amount = round_money(new_grant)
    return _save(record, actor=None, reason="Revoca da registrare nell'RNA", action="rna.created")


def _move(record: RnaRecord, target: str) -> None:
    if target not in RNA_TRANSITIONS[RnaStatus(record.status)]:
        raise WrongState(
            _("La registrazione RNA è nello stato «%(status)s»: operazione non possibile.")
            % {"status": record.get_status_display()},
            code="wrong_state",
        )
    record.status = target


def _lock(record: RnaRecord) -> RnaRecord:
    return RnaRecord.objects.select_for_update().select_related("project", "project__call").get(pk=record.pk)


@transaction.atomic
def send(*, actor, record: RnaRecord) -> RnaRecord:
    """Send the record through the adapter. With the "file" adapter the officer confirms it was uploaded by
    hand (the record becomes sent, waiting for the COR); with "http" the register's answer is kept."""
    _require(permissions.can_manage_rna(actor, record.project.call_id))
    record = _lock(record)
    if not record.car:
        raise FinanceError(
            _("Il bando non ha il codice CAR dell'RNA: indicarlo nella configurazione del bando."),
            field="car",
            code="car_missing",
        )
    _move(record, RnaStatus.SENT)
    try:
        answer = get_adapter().send(record)
    except RnaExchangeError as error:
        raise FinanceError(
            _("L'RNA non ha risposto: riprovare più tardi (%(error)s).") % {"error": str(error)[:200]},
            code="rna_unreachable",
        ) from error
    record.sent_at = now()
    if answer.cor:
        return _registered(actor=actor, record=record, cor=answer.cor, registered_on=_today())
    if answer.refusal:
        record.status = RnaStatus.REFUSED
        record.refusal_reason = answer.refusal
        record.answered_at = now()
    return _save(record, actor=actor, reason="Registrazione RNA trasmessa", action="rna.sent")


def _registered(*, actor, record: RnaRecord, cor: str, registered_on: date) -> RnaRecord:
    record.status = RnaStatus.REGISTERED
    record.cor = cor
    record.refusal_reason = ""
    record.answered_at = now()
    saved = _save(record, actor=actor, reason="COR ricevuto dall'RNA", action="rna.registered")
    if record.kind == RnaKind.REGISTRATION:
        project_services.record_rna_cor(
            actor=actor, project=record.project, cor=cor, registered_on=registered_on
        )
    return saved


@transaction.atomic
def set_cor(*, actor, record: RnaRecord, cor: str, registered_on: date | None = None) -> RnaRecord:
    """An officer types the COR the RNA gave (manual exchange)."""
    _require(permissions.can_manage_rna(actor, record.project.call_id))
    code = (cor or "").strip()
    if not code.isdigit() or len(code) > 20:
        raise FinanceError(_("Il codice COR è numerico (fino a 20 cifre)."), field="cor", code="cor_invalid")
    day = registered_on or _today()
    if day > _today():
        raise FinanceError(
            _("La data di registrazione non può essere futura."), field="registered_on", code="future"
        )
    record = _lock(record)
    _move(record, RnaStatus.REGISTERED)
    return _registered(actor=actor, record=record, cor=code, registered_on=day)


@transaction.atomic
def refuse(*, actor, record: RnaRecord, reason: str) -> RnaRecord:
    """An officer records that the RNA refused the record (manual exchange)."""
    _require(permissions.can_manage_rna(actor, record.project.call_id))
    text = (reason or "").strip()
    if not text:
        raise FinanceError(_("Indicare il motivo del rifiuto."), field="reason", code="reason_required")
    record = _lock(record)
    _move(record, RnaStatus.REFUSED)
    record.refusal_reason = text[:500]
    record.answered_at = now()
    return _save(record, actor=actor, reason="Rifiuto dell'RNA registrato", action="rna.refused")
