"""The beneficiary's acts on its project: agreement, start, changes, milestones, renunciation."""

from django.http import Http404
from ninja import File, Status
from ninja.files import UploadedFile

from grants.projects import services
from grants.registry import selectors as registry_selectors
from grants.registry.models import Organisation

from ..problems import problem_response
from . import router
from .common import change_out, fresh_detail, project_for
from .schemas import (
    ChangeOut,
    ExtensionIn,
    MilestoneIn,
    PartnerChangeIn,
    ProjectOut,
    ReasonIn,
    StartIn,
    VariationIn,
)


# --- the beneficiary ----------------------------------------------------------------------------------------
@router.post("/projects/{project_id}/agreement", response=ProjectOut)
def upload_agreement(request, project_id: int, file: File[UploadedFile]):
    project = project_for(request, project_id)
    services.upload_signed_agreement(actor=request.auth, project=project, uploaded_file=file)
    return fresh_detail(project)


@router.post("/projects/{project_id}/start", response=ProjectOut)
def communicate_start(request, project_id: int, payload: StartIn):
    project = project_for(request, project_id)
    services.communicate_start(actor=request.auth, project=project, start_date=payload.start_date)
    return fresh_detail(project)


@router.post("/projects/{project_id}/variations", response={201: ChangeOut})
def request_variation(request, project_id: int, payload: VariationIn):
    project = project_for(request, project_id)
    change = services.request_budget_variation(
        actor=request.auth, project=project, amounts=payload.amounts, reason=payload.reason
    )
    return Status(201, change_out(change))


@router.post("/projects/{project_id}/partner-changes", response={201: ChangeOut})
def request_partner_change(request, project_id: int, payload: PartnerChangeIn):
    project = project_for(request, project_id)
    organisation, refusal = _entering_organisation(request.auth, project, payload)
    if refusal is not None:
        return refusal
    partner = project.partners.filter(pk=payload.partner_id).first() if payload.partner_id else None
    if payload.partner_id and partner is None:
        return problem_response(
            422,
            detail="Partner inesistente.",
            errors=[{"field": "partner_id", "message": "Partner inesistente.", "code": "unknown"}],
        )
    change = services.request_partner_change(
        actor=request.auth,
        project=project,
        action=payload.action,
        reason=payload.reason,
        organisation=organisation,
        partner=partner,
    )
    return Status(201, change_out(change))


def _entering_organisation(user, project, payload: PartnerChangeIn):
    """The organisation that enters, by codice fiscale as on the page. ``organisation_id`` is accepted only
    for organisations the caller could already see (its own, the project's partners): any other id answers
    exactly as one that does not exist."""

    def refused(field: str, message: str):
        return problem_response(
            422, detail=message, errors=[{"field": field, "message": message, "code": "not_found"}]
        )

    if payload.fiscal_code.strip():
        organisation = registry_selectors.organisation_by_fiscal_code(payload.fiscal_code)
        if organisation is None:
            return None, refused(
                "fiscal_code", "Nessuna organizzazione registrata con questo codice fiscale."
            )
        return organisation, None
    if not payload.organisation_id:
        return None, None
    known = set(registry_selectors.acting_organisations(user).values_list("pk", flat=True))
    known |= {p.organisation_id for p in project.partners.all() if p.organisation_id}
    organisation = Organisation.objects.filter(pk=payload.organisation_id, pk__in=known).first()
    if organisation is None:
        return None, refused(
            "organisation_id", "Organizzazione non trovata: indicare l'organizzazione con il codice fiscale."
        )
    return organisation, None


@router.post("/projects/{project_id}/extensions", response={201: ChangeOut})
def request_extension(request, project_id: int, payload: ExtensionIn):
    project = project_for(request, project_id)
    change = services.request_extension(
        actor=request.auth, project=project, new_end_date=payload.new_end_date, reason=payload.reason
    )
    return Status(201, change_out(change))


@router.post("/projects/{project_id}/milestones/{milestone_id}/achieved", response=ProjectOut)
def mark_milestone_achieved(request, project_id: int, milestone_id: int, payload: MilestoneIn):
    project = project_for(request, project_id)
    milestone = project.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    services.mark_milestone_achieved(actor=request.auth, milestone=milestone, achieved_on=payload.achieved_on)
    return fresh_detail(project)


@router.post("/projects/{project_id}/renunciation", response=ProjectOut)
def renounce(request, project_id: int, payload: ReasonIn):
    project = project_for(request, project_id)
    services.renounce(actor=request.auth, project=project, reason=payload.reason)
    return fresh_detail(project)
