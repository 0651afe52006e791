"""Applications (domande): the draft an organisation writes, its partnership and budget, and the submission.

Totals are computed from the budget lines and stored for queries; the user never types them. A submitted
application carries a protocol number (gapless and unique per year), the time of arrival, the fingerprint of
what was sent and the idempotency key of the request that sent it.

One module per sub-domain: application (the application, its protocol counter), partners, budget, documents
(attachments, archives and their upload paths), arrival (the click day's intake record), booking (call and
reserve bookings), protocol (the registration in the protocol register). This package imports every model so
that Django finds them, and re-exports every public name; ``document_upload_to`` and
``document_archive_upload_to`` stay importable here, where the migrations reference them.
"""

from .application import PROTOCOL_DIGITS, Application, ProtocolCounter, format_protocol
from .arrival import Arrival
from .booking import CallBooking, ReserveBooking
from .budget import BudgetLine
from .documents import (
    ApplicationDocument,
    DocumentArchive,
    DocumentArchiveStatus,
    document_archive_upload_to,
    document_upload_to,
)
from .partners import ApplicationPartner
from .protocol import ProtocolRegistration

__all__ = [
    "PROTOCOL_DIGITS",
    "Application",
    "ApplicationDocument",
    "ApplicationPartner",
    "Arrival",
    "BudgetLine",
    "CallBooking",
    "DocumentArchive",
    "DocumentArchiveStatus",
    "ProtocolCounter",
    "ProtocolRegistration",
    "ReserveBooking",
    "document_archive_upload_to",
    "document_upload_to",
    "format_protocol",
]
