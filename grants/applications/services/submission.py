"""Submission, the intake of a click day: the checks, then one durable arrival row, then the answer.

The request locks nothing another submission needs: its own application row, then one INSERT into the
arrivals, whose primary key (a database sequence) is the order of arrival. The protocol number and the
first-come booking are given afterwards, in that order, by the sequencer (``services.sequencer``): a process
of its own in production (``manage.py run_sequencer``), or right after the intake's commit in the same
process when ``settings.SUBMISSION_SEQUENCER`` is ``"inline"`` (tests, a bare ``runserver``).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.core.timeutils import now
from grants.programme.models import CallMode, ReserveKind

from .. import history, permissions, selectors
from ..fingerprint import fingerprint_of
from ..models import Application, Arrival
from ..reserves import ReserveFacts, matching_reserve
from ..states import ApplicationStatus
from . import sequencer
from .common import (
    AlreadySubmitted,
    ApplicationError,
    IdempotencyKeyReused,
    SubmissionRefused,
    _error,
    _require_editable,
    _require_executive_window,
    _require_window,
)

MAX_IDEMPOTENCY_KEY_LENGTH = 100
# Relations of a submitted application that exist by construction (see _intake).
_VALIDATED_RELATIONS = ["call", "applicant", "created_by", "submitted_by", "preliminary"]


@dataclass(frozen=True)
class SubmissionResult:
    application: Application
    created: bool  # False: a repeated request got the answer of the first one
    arrival: Arrival | None = None

    @property
    def protocol(self) -> str:
        return self.application.protocol


def _matching_reserve(application: Application, reserves: Sequence):
    """The reserve of the call the application matches, or None: on the territory the intake has just read
    (``selectors.prefetch_submission_inputs``), so it costs no query."""
    if not reserves:
        return None
    kinds = {r.kind for r in reserves}
    province_ids: set[int] = set()
    district_ids: set[int] = set()
    if ReserveKind.PROVINCE in kinds:
        province_ids = {province.pk for province in application.provinces.all()}
        province_ids |= {municipality.province_id for municipality in application.municipalities.all()}
        if not province_ids:
            province_ids = {application.applicant.seat.province_id}
    if ReserveKind.DISTRICT in kinds:
        district_ids = {district.pk for district in application.districts.all()}
    facts = ReserveFacts(
        legal_form=application.applicant.legal_form,
        company_size=application.applicant.company_size,
        province_ids=frozenset(province_ids),
        district_ids=frozenset(district_ids),
    )
    return matching_reserve(reserves, facts)


def submit(
    *, actor, application: Application | int, idempotency_key: str, declarations_accepted: bool
) -> SubmissionResult:
    """Send the application: window, declarations and rules checked, the arrival recorded durably. The
    protocol number and the booking follow in arrival order (at once with the inline sequencer). Repeating
    the request with the same key returns the same arrival.

    ``application`` is the application, or only its id (the API): the intake reads and locks the row itself,
    so the request does not read it twice. An id the actor does not act for answers as one that does not
    exist (``Application.DoesNotExist``); an application the caller already found is refused
    (PermissionDenied)."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ApplicationError(
            _("Manca la chiave di idempotenza (al massimo %(max)d caratteri).")
            % {"max": MAX_IDEMPOTENCY_KEY_LENGTH},
            errors=[
                _error("idempotency_key_missing", "idempotency_key", _("Chiave mancante o troppo lunga."))
            ],
            code="idempotency_key_missing",
        )
    moment = now()
    by_id = isinstance(application, int)
    pk = application if by_id else application.pk
    try:
        result = _intake(
            actor=actor,
            pk=pk,
            hidden=by_id,
            key=key,
            moment=moment,
            declarations_accepted=declarations_accepted,
        )
    except IntegrityError:
        # The only unique value an intake can collide on is the idempotency key, reused at the same instant
        # on another application of the same organisation.
        applicant = Application.objects.filter(pk=pk).values("applicant_id")
        if Application.objects.filter(applicant_id__in=applicant, idempotency_key=key).exists():
            raise IdempotencyKeyReused(
                _("La chiave di idempotenza è già stata usata per un'altra domanda.")
            ) from None
        raise
    if settings.SUBMISSION_SEQUENCER == "inline" and result.application.protocol_number is None:
        sequencer.sequence_pending()
        application = Application.objects.select_related("call", "applicant").get(pk=pk)
        arrival = Arrival.objects.filter(application_id=pk).first()
        result = SubmissionResult(application=application, created=result.created, arrival=arrival)
    return result


def _lock_own(actor, pk: int, *, hidden: bool) -> Application:
    """The application's row, read whole with its call and applicant and locked, in one statement with the
    check that the actor still acts for its applicant (otherwise ``DoesNotExist`` if ``hidden``, else
    PermissionDenied). Only the application's row is locked (``of=("self",)``): locking the call too would
    make every submission to it queue behind the previous one."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .filter(pk=pk, applicant_id__in=permissions.acting_organisation_ids(actor))
        .first()
    )
    if locked is None and hidden:
        raise Application.DoesNotExist("No Application matches the given query.")
    if locked is None:
        raise PermissionDenied(_("Non sei abilitato ad agire per il soggetto proponente di questa domanda."))
    return locked


# What the intake changes on the application (the UPDATE names only these).
_RECEIVED_FIELDS = [
    "status",
    "submitted_data",
    "fingerprint",
    "submitted_at",
    "submitted_by",
    "declarations_accepted_at",
    "idempotency_key",
    "reserve",
    "updated_at",
]


@transaction.atomic
def _intake(*, actor, pk, hidden, key, moment, declarations_accepted) -> SubmissionResult:
    application = _lock_own(actor, pk, hidden=hidden)
    if application.status != ApplicationStatus.DRAFT:
        if application.idempotency_key == key:
            arrival = Arrival.objects.filter(application_id=application.pk).first()
            return SubmissionResult(application=application, created=False, arrival=arrival)
        if application.submitted_at is not None:
            raise AlreadySubmitted(application)
        _require_editable(application)
    call = application.call
    _require_window(call, moment)
    _require_executive_window(application, moment)
    if not declarations_accepted:
        message = _(
            "Per inviare la domanda occorre accettare le dichiarazioni rese ai sensi del DPR 445/2000."
        )
        raise SubmissionRefused(
            message, errors=[_error("declarations_required", "declarations_accepted", message)]
        )
    # Partners, budget lines, documents and territory read once, for the rules, the snapshot, the reserve
    # and the history row; the call's rules and reserves from this process's copy of the call's version.
    selectors.prefetch_submission_inputs(application)
    violations = selectors.check_application(application, terms=selectors.cached_call_terms(call))
    if violations:
        raise SubmissionRefused(
            _("La domanda non rispetta le condizioni del bando (%(count)d da correggere).")
            % {"count": len(violations)},
            errors=[v.as_dict() for v in violations],
        )

    snapshot = selectors.submission_snapshot(application)
    application.submitted_data = snapshot
    application.fingerprint = fingerprint_of(snapshot)
    application.submitted_at = moment
    application.submitted_by = actor
    application.declarations_accepted_at = moment
    application.idempotency_key = key
    if call.mode == CallMode.FIRST_COME:
        application.reserve = _matching_reserve(application, selectors.cached_call_reserves(call))
    application.mark_received()
    # The foreign keys are left out: full_clean would query each one, and they are the rows just read and
    # locked (call, applicant, preliminary, author) and the acting user. An idempotency key already used on
    # another application of the applicant fails the UPDATE on its unique constraint (see submit()).
    application.full_clean(exclude=_VALIDATED_RELATIONS, validate_constraints=False)
    if getattr(actor, "is_authenticated", False):
        application._history_user = actor
    application._change_reason = "Ricevuta, in protocollazione"
    # The history row with the territory links just read (simple-history would read them again).
    application.skip_history_when_saving = True
    try:
        application.save(update_fields=_RECEIVED_FIELDS)
    finally:
        del application.skip_history_when_saving
    history.write([application], moment=moment, links=application.territory_links)
    arrival = Arrival.objects.create(
        application=application,
        call=call,
        arrived_at=moment,
        sent_by=actor,
        idempotency_key=key,
        fingerprint=application.fingerprint,
    )
    return SubmissionResult(application=application, created=True, arrival=arrival)
