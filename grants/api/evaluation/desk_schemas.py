"""Shapes of the sportello valutativo endpoints (grants/api/evaluation/desk.py)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class QueueRowOut(Schema):
    application_id: int
    protocol: str
    applicant: str
    status: str = Field(description="Stato della domanda")
    step: str = Field(description="istruttoria | valutazione | decisione | finanziate")
    submitted_at: datetime | None
    booked_amount: Decimal
    days: int = Field(description="Giorni di calendario dall'invio")
    overdue_days: int = Field(description="Giorni oltre il termine per decidere (0: nei termini o decisa)")
    score: Decimal | None
    meets_thresholds: bool | None
    blocked_by: list[str] = Field(description="Protocolli precedenti ancora da decidere")
    decidable: bool = Field(description="Finanziabile ora da sola")
    granted: Decimal | None
    rejection: str = Field(
        description=(
            "Sotto il minimo (art. 10-bis): '' | preavviso (inviare il preavviso di rigetto) | osservazioni "
            "(termine in corso) | decisione_preavviso (decidere: POST …/rejection-decision) | "
            "nuovo_punteggio (osservazioni accolte: il nucleo rivaluta)"
        )
    )
    rejection_label: str = Field(description="Lo stesso, in italiano, come nella pagina")
    rejection_notice_id: int | None = Field(description="Il preavviso di rigetto sul punteggio, se inviato")


class QueueOut(Schema):
    call_id: int
    decision_days: int
    waiting: int = Field(description="Domande in lista d'attesa")
    applications: list[QueueRowOut]


class GrantIn(Schema):
    application_id: int
    amount: Decimal = Field(..., max_digits=14, decimal_places=2, description="Agevolazione concessa")
    loan_amount: Decimal = Field(
        Decimal("0.00"), max_digits=14, decimal_places=2, description="Di cui finanziamento agevolato"
    )


class GrantDecisionIn(Schema):
    determination_number: str = Field(..., max_length=40, description="Numero della determinazione")
    determination_date: date = Field(..., description="Data della determinazione (non futura)")
    grants: list[GrantIn] = Field(..., min_length=1, description="Una o più domande prenotate")


class GrantOut(Schema):
    application_id: int
    protocol: str
    amount: Decimal
    grant_amount: Decimal
    loan_amount: Decimal


class GrantDecisionOut(Schema):
    id: int
    call_id: int
    determination_number: str
    determination_date: date
    decided_at: datetime
    grants: list[GrantOut]
