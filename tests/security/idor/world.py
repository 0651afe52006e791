"""The world of the IDOR suite (organisation A owns everything, B is another applicant, C a partner of A),
what a case is, and what an allowlist entry of a public endpoint is."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from grants.applications import services as application_services
from grants.applications.models import Application, ApplicationPartner
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.vocabulary import LegalForm
from grants.programme.tests.factories import RequiredDocumentFactory
from grants.registry.models import Membership, Organisation

from .. import urls as security_urls

URLCONF = "tests.security.urls"

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Path parameters that carry a secret token rather than an object id: knowing the token is the authorisation.
TOKEN_PARAMETERS = frozenset({"key", "uidb36", "uidb64", "token"})
# Namespaces handled elsewhere: the API patterns are checked through the OpenAPI schema.
API_NAMESPACES = frozenset({"api", *(a.urls_namespace for a in security_urls.EXTRA_APIS)})
ADMIN_NAMESPACE = "admin"


# --- the world: organisation A owns everything, B is another applicant, C a partner of A -------------------
@dataclass
class World:
    user_a: Any
    organisation_a: Organisation
    membership_a: Membership
    user_b: Any
    organisation_b: Organisation
    organisation_c: Organisation
    call: Any
    draft: Application
    submitted: Application
    partner: ApplicationPartner
    document_code: str
    # Objects built on demand by the cases that need them (the evaluation of A's applications).
    cache: dict = field(default_factory=dict)


def build_world() -> World:
    user_a, organisation_a = member_of(name="Cooperativa Alfa Segreta")
    user_b, organisation_b = member_of(name="Associazione Beta")
    _, organisation_c = member_of(name="Ente Gamma")
    call = open_call(partner_legal_forms=[LegalForm.THIRD_SECTOR.value])
    document = RequiredDocumentFactory(call=call, code="relazione", is_mandatory=False)
    draft = ready_application(call=call, user=user_a, organisation=organisation_a)
    application_services.update_general(
        actor=user_a, application=draft, title="Progetto riservato Alfa", abstract="Sperimentazione."
    )
    partner = application_services.set_partners(
        actor=user_a,
        application=draft,
        partners=[application_services.PartnerInput(organisation=organisation_c, share_percent=Decimal(10))],
    )[0]
    submitted = ready_application(call=open_call(), user=user_a, organisation=organisation_a)
    application_services.submit(
        actor=user_a, application=submitted, idempotency_key="idor-a", declarations_accepted=True
    )
    submitted.refresh_from_db()
    return World(
        user_a=user_a,
        organisation_a=organisation_a,
        membership_a=Membership.objects.get(user=user_a, organisation=organisation_a),
        user_b=user_b,
        organisation_b=organisation_b,
        organisation_c=organisation_c,
        call=call,
        draft=draft,
        submitted=submitted,
        partner=partner,
        document_code=document.code,
    )


# --- what a case is --------------------------------------------------------------------------------------
@dataclass
class Case:
    """How to reach an object of A: path arguments, the request, A's data that must not leak, and a snapshot
    of what must not change."""

    args: Callable[[World], dict]
    method: str = "get"
    secrets: Callable[[World], list[str]] = lambda w: [w.organisation_a.name, w.organisation_a.fiscal_code]
    body: Callable[[World], Any] | None = None
    multipart: bool = False
    headers: dict = field(default_factory=dict)
    unchanged: Callable[[World], Any] | None = None  # a snapshot taken before and compared after


def _application_secrets(w: World) -> list[str]:
    return [w.draft.title, w.organisation_a.name]


def _submitted_secrets(w: World) -> list[str]:
    return [w.submitted.protocol, w.organisation_a.name]


def _draft_state(w: World):
    w.draft.refresh_from_db()
    return (w.draft.status, w.draft.title, w.draft.withdrawn_at, w.draft.protocol_number)


def _submitted_state(w: World):
    w.submitted.refresh_from_db()
    return (w.submitted.status, w.submitted.withdrawn_at)


def _organisation_state(w: World):
    w.organisation_a.refresh_from_db()
    memberships = sorted(w.organisation_a.memberships.values_list("pk", "user_id", "revoked_at"))
    return (w.organisation_a.name, memberships)


def _partner_state(w: World):
    w.partner.refresh_from_db()
    return w.partner.confirmed_at


def _failed_task(w: World) -> dict:
    # Staff-only: the failed list of background work may hold any organisation's data in its arguments.
    from django.utils import timezone

    from grants.ops.models import FailedTask

    now = timezone.now()
    task = FailedTask.objects.create(
        task_name="grants.applications.send_receipt",
        kwargs={"organisation": w.organisation_a.name},
        error=f"SMTP refused for {w.organisation_a.fiscal_code}",
        first_failed_at=now,
        last_failed_at=now,
    )
    return {"pk": task.pk}


def _failed_task_state(w: World):
    from grants.ops.models import FailedTask

    return list(FailedTask.objects.values_list("pk", "reruns", "resolved_at"))


@dataclass
class Public:
    """Allowlisted: public by design. ``hidden`` builds a non-public object of the same kind (must be 404)."""

    reason: str
    hidden: Callable[[World], dict] | None = None
    anonymous_redirects_to_login: bool = False


# --- staff of another call ---------------------------------------------------------------------------------
def other_call_officer(w: World):
    """An officer holding every permission of the officer and of the head of measure, except assigning the
    calls' staff (which reaches every call by design), and the controller's: officer of another call only.
    A's objects all belong to A's calls, so to this officer they must be as if they did not exist."""
    if "other_call_officer" not in w.cache:
        from grants.accounts.models import StaffRole
        from grants.accounts.roles import ROLE_PERMISSIONS
        from grants.registry.tests.factories import staff_user

        manager = ROLE_PERMISSIONS[StaffRole.MANAGER]
        every_call = {p for p in manager if p.endswith(("_call_staff", "callstaff"))}
        extra = sorted(
            {*ROLE_PERMISSIONS[StaffRole.MANAGER], *ROLE_PERMISSIONS[StaffRole.CONTROLLER]}
            - {*ROLE_PERMISSIONS[StaffRole.OFFICER]}
            - every_call
        )
        other_call = open_call(title="Bando di un altro ufficio")
        w.cache["other_call_officer"] = staff_user(
            *extra,
            roles=[StaffRole.OFFICER],
            calls=[other_call],
            first_name="Oreste",
            last_name="Altro Bando",
        )
    return w.cache["other_call_officer"]
