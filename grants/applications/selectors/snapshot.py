"""What a submission sends: fingerprinted, kept on the application, printed on the receipt."""

from ..models import Application, ApplicationPartner
from .inputs import read_budget_lines, read_documents, read_partners, rows_of, territory_codes


# --- what a submission sends (fingerprinted, kept on the application, printed on the receipt) ----------
def submission_snapshot(application: Application) -> dict:
    call = application.call
    applicant = application.applicant
    partners = rows_of(application, "partners", read_partners(application))
    lines = rows_of(application, "budget_lines", read_budget_lines(application))
    documents = rows_of(application, "documents", read_documents(application))

    def partner_key(partner: ApplicationPartner | None) -> str:
        if partner is None:
            return ""
        return partner.organisation.fiscal_code if partner.organisation_id else partner.name

    snapshot = {
        "call": call.code,
        "applicant": {"fiscal_code": applicant.fiscal_code, "name": applicant.name},
        "title": application.title,
        "abstract": application.abstract,
        "partnership_name": application.partnership_name,
        "territory": {
            "municipalities": territory_codes(application, "municipalities", "istat_code"),
            "districts": territory_codes(application, "districts", "code"),
            "provinces": territory_codes(application, "provinces", "istat_code"),
        },
        "partners": [
            {
                "key": partner_key(p),
                "name": p.display_name,
                "legal_form": p.effective_legal_form,
                "role": p.role,
                "share_percent": str(p.share_percent),
                "confirmed_at": p.confirmed_at.isoformat() if p.confirmed_at else None,
            }
            for p in partners
        ],
        "budget": [
            {
                "category": line.category.code,
                "cost_option": line.category.cost_option,
                "partner": partner_key(line.partner),
                "description": line.description,
                "quantity": str(line.quantity) if line.quantity is not None else None,
                "unit_rate": str(line.unit_rate) if line.unit_rate is not None else None,
                "amount": str(line.amount),
                "computed": line.is_computed,
            }
            for line in lines
        ],
        "totals": {
            "total_cost": str(application.total_cost),
            "requested_grant": str(application.requested_grant),
            "cofinancing": str(application.cofinancing),
        },
        "stamp_duty": {
            "number": application.stamp_duty_number,
            "issued_on": application.stamp_duty_issued_on.isoformat()
            if application.stamp_duty_issued_on
            else None,
            "exemption": application.stamp_duty_exemption,
            "legal_basis": application.stamp_duty_legal_basis,
        },
        "documents": [
            {
                "code": d.required_document.code,
                "partner": partner_key(d.partner),
                "name": d.original_name,
                "sha256": d.sha256,
            }
            for d in documents
        ],
    }
    if application.proposed_targets:  # absent when none were proposed: earlier fingerprints stay valid
        snapshot["indicator_targets"] = dict(sorted(application.proposed_targets.items()))
    return snapshot
