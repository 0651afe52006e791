"""IDOR cases of A's projects: the funded project and its changes."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .evaluation import (
    _cached,
)
from .world import (
    PDF,
    Case,
    World,
)


# --- projects of A: the funded project and its changes; B never reads or acts on them --------------------
def _project_of_a(w: World):
    """A's active project (CUP, agreement, start) with a pending budget variation above the tolerance."""

    def build():
        from grants.projects import services as project_services
        from grants.projects.tests.factories import ProjectFactory

        project = ProjectFactory(user=w.user_a, organisation=w.organisation_a)
        lines = {line.category.code: line for line in project.budget_lines.select_related("category")}
        change = project_services.request_budget_variation(
            actor=w.user_a,
            project=project,
            amounts={
                lines["personale"].pk: Decimal("30000.00"),
                lines["attrezzature"].pk: Decimal("50000.00"),
            },
            reason="Variazione riservata Alfa",
        )
        return project, change

    return _cached(w, "project", build)


def _project_pk(w: World) -> dict:
    return {"pk": _project_of_a(w)[0].pk}


def _project_id(w: World) -> dict:
    return {"project_id": _project_of_a(w)[0].pk}


def _project_secrets(w: World) -> list[str]:
    project, _change = _project_of_a(w)
    return [project.cup, "Variazione riservata Alfa", w.organisation_a.name]


def _project_state(w: World):
    from grants.projects.models import Project

    project = Project.objects.get(pk=_project_of_a(w)[0].pk)
    return (
        project.status,
        project.cup,
        project.grant,
        project.planned_end_date,
        project.signed_agreement_sha256,
        sorted(project.changes.values_list("pk", "status")),
        sorted(project.budget_lines.values_list("pk", "approved_amount")),
    )


def _funded_application_of_a(w: World) -> dict:
    """A funded application of A still without project (the officer creates it)."""

    def build():
        from grants.projects.tests.factories import funded_application

        return funded_application(user=w.user_a, organisation=w.organisation_a)

    return {"application_pk": _cached(w, "funded_application", build).pk}


def _funded_application_state(w: World):
    from grants.projects.models import Project

    return Project.objects.filter(application_id=_funded_application_of_a(w)["application_pk"]).count()


def _milestone_of_a(w: World) -> int:
    return _project_of_a(w)[0].milestones.order_by("pk").values_list("pk", flat=True).first()


def _milestone_state(w: World):
    from grants.projects.models import ProjectMilestone

    return list(ProjectMilestone.objects.filter(project=_project_of_a(w)[0]).values_list("pk", "achieved_on"))


def _project_post(name: str, body: Callable[[World], Any]) -> tuple[str, Case]:
    return name, Case(
        args=_project_pk, method="post", body=body, secrets=_project_secrets, unchanged=_project_state
    )


PROJECT_PAGE_CASES: dict[str, Case] = {
    "projects:project_detail": Case(args=_project_pk, secrets=_project_secrets),
    "projects:agreement_pdf": Case(args=_project_pk, secrets=_project_secrets),
    "projects:signed_agreement": Case(args=_project_pk, secrets=_project_secrets),
    "projects:upload_agreement": Case(
        args=_project_pk,
        method="post",
        multipart=True,
        body=lambda w: {"file": SimpleUploadedFile("atto.pdf", PDF, content_type="application/pdf")},
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    **dict(
        [
            _project_post("projects:communicate_start", lambda w: {"start_date": "2026-01-01"}),
            _project_post("projects:request_variation", lambda w: {"variation-reason": "Presa da B"}),
            _project_post(
                "projects:request_partner_change",
                lambda w: {"partner-action": "withdraw", "partner-reason": "Presa da B"},
            ),
            _project_post(
                "projects:request_extension",
                lambda w: {"extension-new_end_date": "2040-01-01", "extension-reason": "Presa da B"},
            ),
            _project_post("projects:renounce", lambda w: {"renounce-reason": "Presa da B"}),
            _project_post("projects:assign_cup", lambda w: {"cup": "J11B99000000001"}),
            _project_post("projects:suspend_or_resume", lambda w: {"suspend-reason": "Presa da B"}),
            _project_post(
                "projects:revoke", lambda w: {"revoke-new_grant": "0", "revoke-reason": "Presa da B"}
            ),
            _project_post("projects:conclude", lambda w: {"conclude-end_date": "2026-01-02"}),
        ]
    ),
    "projects:decide_change": Case(
        args=lambda w: {"pk": _project_of_a(w)[0].pk, "change_pk": _project_of_a(w)[1].pk},
        method="post",
        body=lambda w: {
            f"change-{_project_of_a(w)[1].pk}-decision": "approve",
            f"change-{_project_of_a(w)[1].pk}-note": "B",
        },
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    "projects:create_missing_project": Case(
        args=_funded_application_of_a, method="post", unchanged=_funded_application_state
    ),
    "projects:mark_milestone_achieved": Case(
        args=lambda w: {"pk": _project_of_a(w)[0].pk, "milestone_pk": _milestone_of_a(w)},
        method="post",
        body=lambda w: {f"milestone-{_milestone_of_a(w)}-achieved_on": "2026-01-01"},
        secrets=_project_secrets,
        unchanged=_milestone_state,
    ),
}


def _project_api_post(name: str, body: Callable[[World], Any], method: str = "post") -> tuple[str, Case]:
    return name, Case(
        args=_project_id, method=method, body=body, secrets=_project_secrets, unchanged=_project_state
    )


PROJECT_API_CASES: dict[str, Case] = {
    "grants_api_projects_get_project": Case(args=_project_id, secrets=_project_secrets),
    "grants_api_projects_get_agreement": Case(args=_project_id, secrets=_project_secrets),
    "grants_api_projects_upload_agreement": Case(
        args=_project_id,
        method="post",
        multipart=True,
        body=lambda w: {"file": SimpleUploadedFile("atto.pdf", PDF, content_type="application/pdf")},
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    **dict(
        [
            _project_api_post(
                "grants_api_projects_communicate_start", lambda w: {"start_date": "2026-01-01"}
            ),
            _project_api_post(
                "grants_api_projects_request_variation", lambda w: {"amounts": {}, "reason": "Presa da B"}
            ),
            _project_api_post(
                "grants_api_projects_request_partner_change",
                lambda w: {"action": "withdraw", "reason": "Presa da B"},
            ),
            _project_api_post(
                "grants_api_projects_request_extension",
                lambda w: {"new_end_date": "2040-01-01", "reason": "Presa da B"},
            ),
            _project_api_post("grants_api_projects_renounce", lambda w: {"reason": "Presa da B"}),
            _project_api_post("grants_api_projects_assign_cup", lambda w: {"cup": "J11B99000000001"}, "put"),
            _project_api_post("grants_api_projects_suspend", lambda w: {"reason": "Presa da B"}),
            _project_api_post("grants_api_projects_resume", lambda w: {"reason": "Presa da B"}),
            _project_api_post(
                "grants_api_projects_revoke", lambda w: {"new_grant": "0", "reason": "Presa da B"}
            ),
            _project_api_post("grants_api_projects_conclude", lambda w: {"end_date": "2026-01-02"}),
        ]
    ),
    "grants_api_projects_decide_change": Case(
        args=lambda w: {"project_id": _project_of_a(w)[0].pk, "change_id": _project_of_a(w)[1].pk},
        method="post",
        body=lambda w: {"approve": True, "note": "B"},
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    "grants_api_projects_mark_milestone_achieved": Case(
        args=lambda w: {"project_id": _project_of_a(w)[0].pk, "milestone_id": _milestone_of_a(w)},
        method="post",
        body=lambda w: {"achieved_on": "2026-01-01"},
        secrets=_project_secrets,
        unchanged=_milestone_state,
    ),
    "grants_api_projects_create_missing_project": Case(
        args=lambda w: {"application_id": _funded_application_of_a(w)["application_pk"]},
        method="post",
        unchanged=_funded_application_state,
    ),
}
