"""Money out: the project's dedicated account (conto dedicato, L. 136/2010) and the SEPA credit transfer
file (pain.001.001.03) of approved payments."""

from django.http import Http404, HttpResponse

from grants.finance import selectors, services
from grants.finance.models import DedicatedAccount

from . import router
from .common import project_for
from .schemas import DedicatedAccountIn, DedicatedAccountOut, SepaExportIn


def _account_out(account: DedicatedAccount) -> dict:
    return {
        "project_id": account.project_id,
        "iban": account.iban,
        "holder": account.holder,
        "bank_name": account.bank_name,
        "operators": account.operators,
        "updated_at": account.updated_at,
    }


@router.get("/finance/projects/{project_id}/dedicated-account", response=DedicatedAccountOut)
def get_dedicated_account(request, project_id: int):
    account = DedicatedAccount.objects.filter(project=project_for(request, project_id)).first()
    if account is None:
        raise Http404
    return _account_out(account)


@router.put("/finance/projects/{project_id}/dedicated-account", response=DedicatedAccountOut)
def put_dedicated_account(request, project_id: int, payload: DedicatedAccountIn):
    """The beneficiary declares the dedicated account: a malformed IBAN or codice fiscale is a 422
    problem+json naming the field (``iban``, ``operators.0.fiscal_code``), and nothing is stored."""
    account = services.declare_dedicated_account(
        actor=request.auth,
        project=project_for(request, project_id),
        iban=payload.iban,
        holder=payload.holder,
        bank_name=payload.bank_name,
        operators=[row.dict() for row in payload.operators],
    )
    return _account_out(account)


@router.post(
    "/finance/payments/sepa-credit-transfer",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {"description": "Flusso pain.001.001.03", "content": {"application/xml": {}}},
            404: {"description": "Un pagamento indicato non esiste o non è visibile a chi chiede."},
        }
    },
)
def export_sepa_credit_transfer(request, payload: SepaExportIn):
    """The pain.001.001.03 file of the chosen approved payments: one not approved is a 422; one outside the
    caller's calls answers 404, as a missing one."""
    ids = set(payload.payment_ids)
    payments = list(selectors.exportable_payments(request.auth, approved_only=False).filter(pk__in=ids))
    if len(payments) != len(ids):
        raise Http404
    content = services.export_credit_transfer(actor=request.auth, payments=payments)
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = 'attachment; filename="bonifici-sepa.xml"'
    return response
