"""Staff roles are Django groups; each carries the model permissions its job needs in the back-office.

Permissions are named as "app_label.codename" strings so that accounts never imports the apps it grants on.
"""

from django.contrib.auth.models import Group, Permission

from .models import StaffRole

_CONFIGURE_PROGRAMME = [
    f"programme.{action}_{model}"
    for model in (
        "programme",
        "fund",
        "measure",
        "measurephase",
        "call",
        "callphase",
        "callreserve",
        "costcategory",
        "criterion",
        "requireddocument",
    )
    for action in ("add", "change", "delete", "view")
]
_VIEW_PROGRAMME = [p for p in _CONFIGURE_PROGRAMME if p.split(".")[1].startswith("view_")]
_VIEW_REGISTRY = ["registry.view_organisation", "registry.view_membership"]
_VIEW_TERRITORY = [
    f"territory.view_{model}"
    for model in ("region", "province", "municipality", "socialservicebody", "cohesiondistrict")
]
_MANAGE_TERRITORY = [
    f"territory.{action}_{model}"
    for model in ("socialservicebody", "cohesiondistrict")
    for action in ("add", "change")
]

_VIEW_AUDIT = ["core.view_auditevent"]
_RUN_EVALUATION = [
    *(
        f"evaluation.{a}_{m}"
        for m in ("admissibilityitem", "admissibilityreview", "panel", "panelmember", "ranking")
        for a in ("add", "change", "view")
    ),
    "evaluation.add_integrationrequest",
    "evaluation.view_integrationrequest",
    "evaluation.add_assignment",
    "evaluation.view_assignment",
    "evaluation.view_consolidatedscore",
    # The submitted applications of every call, their documents and exports (the officers' list). Not
    # programme.view_call, which evaluators and controllers hold too: an evaluator sees an application only
    # through an assignment, after declaring no conflict of interest.
    "applications.view_application",
]
# FSE4 accompaniment, knowledge-base review, and what the grants publication says of each measure.
_RUN_TRANSPARENCY = [
    "transparency.manage_accompaniment",
    "transparency.review_experimentsheet",
    *(f"transparency.{a}_measurepublication" for a in ("add", "change", "view")),
]
# Monitoring: dashboards, participants (without the sensitive categories), targets, monitoring reports, and
# the catalogue of indicators in the back-office. The sensitive categories are the manager's (and whoever an
# administrator grants monitoring.view_sensitive_data to, one by one).
_RUN_MONITORING = [
    "monitoring.view_dashboard",
    "monitoring.view_participant",
    "monitoring.set_targets",
    "monitoring.review_report",
    *(f"monitoring.{a}_indicator" for a in ("add", "change", "view")),
    *(f"monitoring.{a}_callindicatortarget" for a in ("add", "change", "delete", "view")),
]

# Funded projects: read every project, decide on them (CUP, changes, suspension, revocation), and each call's
# project rules (acceptance days, variation tolerance, maximum extension) in the back-office.
_RUN_PROJECTS = [
    "projects.view_project",
    "projects.manage_project",
    *(f"projects.{a}_callprojectrules" for a in ("add", "change", "view")),
]

# Finance: officers propose payments, record guarantees, loans and recoveries, assign claims to controllers
# and set each call's payment plan; managers also approve payments (never their own proposals); controllers
# check only the claims assigned to them (object rule in grants/finance/permissions.py).
_RUN_FINANCE = [
    "finance.view_payment",
    "finance.add_payment",
    "finance.add_guarantee",
    "finance.add_loan",
    "finance.change_recovery",
    "finance.assign_claim",
    *(f"finance.{a}_paymentplan" for a in ("add", "change", "view")),
]
_CHECK_CLAIMS = ["finance.check_claim"]
# Formal notices by PEC (grants/notifications/pec/): the undelivered ones and their receipts, per call.
_PEC_NOTICES = ["notifications.view_pecnotice", "notifications.add_pecreceipt"]
# Staff rights reach only the calls one is RUP or officer of; these reach every call and assign the others.
_ASSIGN_CALL_STAFF = [
    "programme.assign_call_staff",
    *(f"programme.{a}_callstaff" for a in ("add", "change", "delete", "view")),
]

ROLE_PERMISSIONS: dict[StaffRole, list[str]] = {
    StaffRole.OFFICER: _CONFIGURE_PROGRAMME
    + _VIEW_REGISTRY
    + _VIEW_TERRITORY
    + _MANAGE_TERRITORY
    + _VIEW_AUDIT
    + _RUN_EVALUATION
    + _RUN_TRANSPARENCY
    + _RUN_MONITORING
    + _RUN_PROJECTS
    + _RUN_FINANCE
    + _PEC_NOTICES,
    StaffRole.MANAGER: _CONFIGURE_PROGRAMME
    + _VIEW_REGISTRY
    + _VIEW_TERRITORY
    + _MANAGE_TERRITORY
    + _VIEW_AUDIT
    + _RUN_EVALUATION
    + _RUN_TRANSPARENCY
    + _RUN_MONITORING
    + _RUN_PROJECTS
    + _RUN_FINANCE
    + _PEC_NOTICES
    + ["evaluation.approve_ranking", "monitoring.view_sensitive_data", "finance.approve_payment"]
    # The head of measure assigns each call's RUP and officers, and sees every call (grants.programme).
    + _ASSIGN_CALL_STAFF,
    StaffRole.EVALUATOR: _VIEW_PROGRAMME,
    StaffRole.CONTROLLER: _VIEW_PROGRAMME
    + _VIEW_REGISTRY
    + _VIEW_AUDIT
    + ["projects.view_project"]
    + _CHECK_CLAIMS,
    StaffRole.ADMIN: _CONFIGURE_PROGRAMME
    + _VIEW_REGISTRY
    + [
        "registry.add_organisation",
        "registry.change_organisation",
        "registry.add_membership",
        "registry.change_membership",
        "accounts.view_user",
        "accounts.change_user",
    ]
    + _VIEW_TERRITORY
    + _MANAGE_TERRITORY
    + _VIEW_AUDIT,
}


def sync_staff_groups() -> dict[str, int]:
    """Create or update one group per staff role with exactly its permissions. Safe to run repeatedly."""
    counts = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)
        counts[role.value] = len(permissions)
    return counts
