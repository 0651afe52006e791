"""The controllers of A's project (the officer who assigns the claims on its call): their list, the
addition and the removal of one, on the page and through the API; and the controller of another project,
who must meet A's claims, controls and payments as if they did not exist."""

from grants.finance.models import ProjectController

from .evaluation import _cached
from .finance import _finance_of_a, _finance_secrets
from .world import Case, World


def _a_controller(w: World) -> ProjectController:
    """A controller of A's project, whose name and address B must not read."""

    def build():
        from grants.accounts.models import StaffRole
        from grants.finance import services as finance_services
        from grants.finance.tests import factories as finance_factories
        from grants.registry.tests.factories import staff_user

        project = _finance_of_a(w).project
        controller = staff_user(
            roles=[StaffRole.CONTROLLER], calls=[], first_name="Costanza", last_name="Controllora Riservata"
        )
        return finance_services.assign_project_controller(
            actor=finance_factories.officer(calls=[project.call]), project=project, controller=controller
        )

    return _cached(w, "project_controller_of_a", build)


def other_project_controller(w: World):
    """A controller (the role) assigned to another organisation's project X only, of another call."""

    def build():
        from grants.accounts.models import StaffRole
        from grants.finance import services as finance_services
        from grants.finance.tests import factories as finance_factories
        from grants.registry.tests.factories import staff_user

        project_x = finance_factories.ProjectFactory(user=w.user_b, organisation=w.organisation_b)
        controller = staff_user(
            roles=[StaffRole.CONTROLLER], calls=[], first_name="Ciro", last_name="Controllore di X"
        )
        finance_services.assign_project_controller(
            actor=finance_factories.officer(calls=[project_x.call]), project=project_x, controller=controller
        )
        return controller

    return _cached(w, "other_project_controller", build)


def _secrets(w: World) -> list[str]:
    controller = _a_controller(w).user
    return [controller.email, "Controllora Riservata", *_finance_secrets(w)]


def _state(w: World):
    _a_controller(w)
    return sorted(
        ProjectController.objects.filter(project=_finance_of_a(w).project).values_list(
            "user_id", "assigned_by"
        )
    )


def _project(key: str):
    return lambda w: {key: _finance_of_a(w).project.pk}


def _assignment(project_key: str, user_key: str):
    return lambda w: {project_key: _finance_of_a(w).project.pk, user_key: _a_controller(w).user_id}


PROJECT_CONTROLLER_PAGE_CASES: dict[str, Case] = {
    "finance:project_controllers": Case(args=_project("pk"), secrets=_secrets),
    "finance:project_controller_add": Case(
        args=_project("pk"),
        method="post",
        body=lambda w: {"user_id": other_project_controller(w).pk},
        secrets=_secrets,
        unchanged=_state,
    ),
    "finance:project_controller_remove": Case(
        args=_assignment("pk", "user_pk"),
        method="post",
        body=lambda w: {"confirm": "1"},
        secrets=_secrets,
        unchanged=_state,
    ),
}

PROJECT_CONTROLLER_API_CASES: dict[str, Case] = {
    "grants_api_finance_list_project_controllers": Case(args=_project("project_id"), secrets=_secrets),
    "grants_api_finance_assign_project_controller": Case(
        args=_project("project_id"),
        method="post",
        body=lambda w: {"user_id": other_project_controller(w).pk},
        secrets=_secrets,
        unchanged=_state,
    ),
    "grants_api_finance_remove_project_controller": Case(
        args=_assignment("project_id", "user_id"),
        method="delete",
        secrets=_secrets,
        unchanged=_state,
    ),
}
