"""The applications API's shapes: what its endpoints read and answer."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class DraftIn(Schema):
    organisation_id: int = Field(description="Un'organizzazione per cui si agisce")
    call_id: int | None = Field(None, description="L'id del bando (``id`` in GET /calls); oppure call_code")
    call_code: str | None = Field(
        None, max_length=50, description="Il codice del bando, in alternativa a call_id"
    )


class GeneralIn(Schema):
    title: str
    abstract: str = ""
    partnership_name: str = ""
    municipality_codes: list[str] | None = None
    district_codes: list[str] | None = None
    province_codes: list[str] | None = None


class PartnerIn(Schema):
    fiscal_code: str = Field(
        "",
        max_length=30,
        description="Codice fiscale del partner registrato sulla piattaforma (come nella pagina)",
    )
    organisation_id: int | None = Field(
        None,
        description="Solo per un'organizzazione per cui si agisce o già partner della domanda; "
        "per le altre indicare fiscal_code",
    )
    name: str = ""
    legal_form: str = ""
    share_percent: Decimal = Decimal(0)
    email: str = Field(
        "",
        max_length=254,
        description="Solo per un soggetto non registrato (indicato con name e legal_form): e-mail o PEC a "
        "cui la piattaforma invia, una volta per indirizzo, l'invito a registrarsi con SPID/CIE e a "
        "confermare l'adesione; ignorata per un partner registrato",
    )


class PartnersIn(Schema):
    lead_share_percent: Decimal | None = None
    partners: list[PartnerIn]


class BudgetLineIn(Schema):
    category: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    description: str = ""
    partner_id: int | None = None


class BudgetIn(Schema):
    lines: list[BudgetLineIn]


class StampDutyIn(Schema):
    number: str = ""
    issued_on: date | None = None
    exemption: str = ""
    legal_basis: str = ""


class StampDutyOut(Schema):
    number: str
    issued_on: date | None
    exemption: str
    legal_basis: str


class WithdrawIn(Schema):
    reason: str = Field(
        "", max_length=200, description="Perché la domanda è ritirata (resta nel registro delle operazioni)"
    )


class SubmitIn(Schema):
    declarations_accepted: bool = False


class PartnerOut(Schema):
    id: int
    organisation_id: int | None
    name: str
    legal_form: str
    role: str
    share_percent: Decimal
    confirmed_at: datetime | None
    email: str = Field("", description="E-mail o PEC per l'invito (solo soggetto non registrato)")
    invitation_sent_at: datetime | None = Field(
        None, description="Quando è stato inviato l'ultimo invito a registrarsi (soggetto non registrato)"
    )


class BudgetLineOut(Schema):
    id: int
    category: str
    cost_option: str
    partner_id: int | None
    description: str
    quantity: Decimal | None
    unit_rate: Decimal | None
    amount: Decimal
    is_computed: bool


# A document's download: the file itself, documented as such in the schema.
DOCUMENT_FILE = {
    "responses": {
        200: {
            "description": "Il file del documento (versione attuale), come caricato.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class SignatureOut(Schema):
    format: str = Field(description="PAdES (PDF firmato) o CAdES (.p7m)")
    signer_name: str
    signer_fiscal_code: str
    signed_at: datetime | None


class DocumentOut(Schema):
    id: int
    code: str = Field(description="Codice del documento richiesto dal bando")
    partner_id: int | None = Field(description="Il partner a cui si riferisce, per i documenti per partner")
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    signature: SignatureOut | None = Field(
        None, description="La firma digitale verificata al caricamento (documenti che il bando vuole firmati)"
    )


class ApplicationSummaryOut(Schema):
    id: int
    call_id: int
    call_code: str
    applicant_id: int
    applicant_name: str
    title: str
    status: str
    booking_outcome: str
    total_cost: Decimal
    requested_grant: Decimal
    protocol: str
    submitted_at: datetime | None


class ArrivalOut(Schema):
    number: int = Field(description="Numero di arrivo: l'ordine in cui la domanda è stata ricevuta")
    arrived_at: datetime = Field(description="Ora di arrivo registrata dal server")
    sequenced_at: datetime | None = Field(description="Quando ha ricevuto il numero di protocollo")


class ApplicationOut(ApplicationSummaryOut):
    arrival: ArrivalOut | None = Field(description="L'arrivo dell'invio (assente per le bozze)")
    abstract: str
    partnership_name: str
    cofinancing: Decimal
    booked_amount: Decimal
    fingerprint: str
    withdrawn_at: datetime | None
    municipality_codes: list[str]
    district_codes: list[str]
    province_codes: list[str]
    partners: list[PartnerOut]
    budget_lines: list[BudgetLineOut]
    stamp_duty: StampDutyOut
    documents: list[DocumentOut]


class ViolationOut(Schema):
    code: str
    field: str
    message: str


class ChecksOut(Schema):
    ready: bool
    violations: list[ViolationOut]


class SubmissionOut(Schema):
    id: int
    status: str = Field(description="received (in protocollazione) oppure submitted (protocollata)")
    arrival: ArrivalOut
    protocol: str = Field(description="Vuoto finché la domanda è in protocollazione")
    protocol_year: int | None
    protocol_number: int | None
    submitted_at: datetime
    fingerprint: str
    booking_outcome: str
    requested_grant: Decimal
    status_url: str = Field(
        description="Dove leggere lo stato: numero di protocollo ed esito della prenotazione"
    )
    receipt_url: str = Field(description="Dove scaricare la ricevuta in PDF (quando c'è il protocollo)")
    next: str = Field(description="Che cosa succede ora, in italiano")


class PartnershipOut(Schema):
    id: int
    application_id: int
    application_title: str
    applicant_name: str
    call_code: str
    share_percent: Decimal
    confirmed_at: datetime | None


class DocumentArchiveOut(Schema):
    id: int
    call_code: str
    status: str
    done: int
    total: int
    applications: int
    size: int
    sha256: str
    error: str
    requested_by: str
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None
