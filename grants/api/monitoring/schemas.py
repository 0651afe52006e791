"""The monitoring API's shapes: what its endpoints read and answer."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class IndicatorOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    subject: str
    unit: str
    rule: str
    measure_code: str | None
    fund_codes: list[str]
    is_sensitive: bool


class BreakdownOut(Schema):
    total: Decimal
    women: int | None
    men: int | None
    non_binary: int | None


class IndicatorValueOut(Schema):
    indicator: IndicatorOut
    actual: BreakdownOut
    call_target: Decimal | None
    project_target: Decimal | None


class ParticipantIn(Schema):
    codice_fiscale: str
    sesso: str
    data_ingresso: str
    data_uscita: str = ""
    condizione_occupazionale: str
    titolo_studio: str
    migrante: bool = False
    minoranza: bool = False
    disabilita: bool = False
    altro_svantaggio: bool = False
    senza_dimora: bool = False
    cerca_lavoro_uscita: bool = False
    in_formazione_uscita: bool = False
    qualifica_uscita: bool = False
    occupato_uscita: bool = False
    famiglia_senza_occupati: bool = False
    figli_a_carico: bool = False
    unico_adulto: bool = False
    zona_rurale: bool = False


class ExitIn(Schema):
    data_uscita: str = ""
    cerca_lavoro_uscita: bool = False
    in_formazione_uscita: bool = False
    qualifica_uscita: bool = False
    occupato_uscita: bool = False


class SensitiveOut(Schema):
    migrante: bool
    minoranza: bool
    disabilita: bool
    altro_svantaggio: bool
    senza_dimora: bool


class ParticipantOut(Schema):
    id: int
    project_id: int
    reference: str
    sesso: str
    eta_ingresso: int
    data_ingresso: date
    data_uscita: date | None
    condizione_occupazionale: str
    titolo_studio: str
    cerca_lavoro_uscita: bool
    in_formazione_uscita: bool
    qualifica_uscita: bool
    occupato_uscita: bool
    famiglia_senza_occupati: bool
    figli_a_carico: bool
    unico_adulto: bool
    zona_rurale: bool
    sensitive: SensitiveOut | None = None


class ImportErrorOut(Schema):
    line: int
    field: str
    code: str | None = None
    message: str


class ImportOut(Schema):
    id: int
    project_id: int
    file_name: str
    status: str
    total_rows: int
    processed_rows: int
    created_count: int
    errors: list[ImportErrorOut]
    failure: str
    created_at: datetime
    finished_at: datetime | None


class TargetIn(Schema):
    target: str | None = None


class ProposedTargetOut(Schema):
    indicator_id: int
    code: str
    title: str
    unit: str
    whole_number: bool = Field(description="Vero se il target è un numero intero (l'unità conta cose)")
    target: Decimal | None = Field(description="Target proposto nella domanda; null se non indicato")


class ProposedTargetsIn(Schema):
    targets: dict[str, str | None] = Field(
        description="Codice dell'indicatore → target proposto; vuoto o null lascia l'indicatore senza target"
    )


class TargetOut(Schema):
    indicator_id: int
    target: Decimal | None


class ReportIn(Schema):
    period_end: date
    sal_reference: str = ""


class ReportedValueIn(Schema):
    indicator_id: int
    value: str = ""
    note: str = ""


class ReportValuesIn(Schema):
    values: list[ReportedValueIn]


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class ActualOut(Schema):
    indicator_id: int
    code: str
    value: Decimal
    women: int | None
    men: int | None
    non_binary: int | None
    note: str


class ReportOut(Schema):
    id: int
    project_id: int
    number: int
    period_end: date
    sal_reference: str
    status: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_note: str
    actuals: list[ActualOut]


class MoneyRowOut(Schema):
    key: int | None
    label: str
    budget: Decimal | None
    granted: Decimal
    paid: Decimal
    claimed: Decimal
    certified: Decimal
    projects: int


class StatusCountOut(Schema):
    status: str
    label: str
    projects: int


class MonthCountOut(Schema):
    month: str
    applications: int


class CallOutcomesOut(Schema):
    call_id: int
    call_code: str
    counts: dict[str, int]
    total: int


class DashboardOut(Schema):
    per: str
    money: list[MoneyRowOut]
    money_total: MoneyRowOut
    projects_by_status: list[StatusCountOut]
    applications_by_month: list[MonthCountOut]
    applications_by_call: list[CallOutcomesOut]
    indicators: list[IndicatorValueOut]
    refreshed_at: datetime | None
