"""What the projects endpoints share: the project the caller may see (404 otherwise), its answers."""

from django.http import Http404

from grants.projects import permissions, selectors
from grants.projects.models import Project, ProjectChange


def project_for(request, project_id: int) -> Project:
    project = (
        permissions.visible_projects(request.auth)
        .select_related("call", "beneficiary", "application")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


def summary(project: Project) -> dict:
    return {
        "id": project.pk,
        "application_id": project.application_id,
        "call": project.call.code,
        "beneficiary_id": project.beneficiary_id,
        "beneficiary": project.beneficiary.name,
        "cup": project.cup,
        "title": project.title,
        "status": project.status,
        "grant": project.grant,
        "cofinancing": project.cofinancing,
        "total_eligible_cost": project.total_eligible_cost,
    }


def change_out(change: ProjectChange) -> dict:
    return {
        "id": change.pk,
        "kind": change.kind,
        "status": change.status,
        "reason": change.reason,
        "requested_at": change.created_at,
        "decided_at": change.decided_at,
        "decision_note": change.decision_note,
        "moved_amount": change.moved_amount,
        "moved_percent": change.moved_percent,
        "previous_end_date": change.previous_end_date,
        "new_end_date": change.new_end_date,
        "previous_grant": change.previous_grant,
        "new_grant": change.new_grant,
        "partner_action": change.partner_action,
        "partner_id": change.partner_id,
        "organisation_id": change.organisation_id,
        "items": [
            {
                "budget_line_id": i.budget_line_id,
                "previous_amount": i.previous_amount,
                "new_amount": i.new_amount,
            }
            for i in change.variation_items.all()
        ],
    }


def detail(project: Project) -> dict:
    allowed, reason = selectors.can_receive_payments(project)
    return {
        **summary(project),
        "summary": project.summary,
        "original_grant": project.original_grant,
        "planned_start_date": project.planned_start_date,
        "planned_end_date": project.planned_end_date,
        "actual_start_date": project.actual_start_date,
        "actual_end_date": project.actual_end_date,
        "acceptance_deadline": project.acceptance_deadline,
        "accepted_at": project.accepted_at,
        "signed_agreement_sha256": project.signed_agreement_sha256,
        "can_receive_payments": allowed,
        "payment_block_reason": reason,
        "partners": [
            {
                "id": p.pk,
                "name": p.name,
                "organisation_id": p.organisation_id,
                "role": p.role,
                "budget_share": p.budget_share,
                "withdrawn_on": p.withdrawn_on,
            }
            for p in project.partners.order_by("order", "pk")
        ],
        "budget_lines": [
            {
                "id": line.pk,
                "category": line.category.code,
                "category_title": line.category.title,
                "partner_id": line.partner_id,
                "cost_option": line.cost_option,
                "requested_amount": line.requested_amount,
                "approved_amount": line.approved_amount,
            }
            for line in project.budget_lines.select_related("category").order_by("order", "pk")
        ],
        "phases": [
            {
                "title": phase.title,
                "planned_start_date": phase.planned_start_date,
                "planned_end_date": phase.planned_end_date,
                "milestones": [
                    {"id": m.pk, "title": m.title, "due_date": m.due_date, "achieved_on": m.achieved_on}
                    for m in phase.milestones.all()
                ],
            }
            for phase in project.phases.prefetch_related("milestones").order_by("order", "pk")
        ],
        "changes": [change_out(c) for c in selectors.changes_of(project)],
    }


def fresh_detail(project: Project) -> dict:
    """The project as a service left it (read again)."""
    return detail(Project.objects.get(pk=project.pk))
