"""Every case by URL name (pages) and operation id (API), and the allowlist of what is public by design."""

from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications.models import Application
from grants.programme.models import CallStatus
from grants.programme.tests.factories import CallFactory

from .call_staff import (
    CALL_STAFF_API_CASES,
    CALL_STAFF_PAGE_CASES,
)
from .de_minimis import (
    DE_MINIMIS_API_CASES,
    DE_MINIMIS_PAGE_CASES,
)
from .evaluation import (
    EVALUATION_API_CASES,
    EVALUATION_PAGE_CASES,
)
from .finance import (
    FINANCE_API_CASES,
    FINANCE_PAGE_CASES,
)
from .first_come import FIRST_COME_API_CASES, FIRST_COME_PAGE_CASES
from .monitoring import (
    MONITORING_API_CASES,
    MONITORING_PAGE_CASES,
)
from .notifications import (
    NOTIFICATION_API_CASES,
    NOTIFICATION_PAGE_CASES,
)
from .officers import (
    OFFICER_API_CASES,
    OFFICER_PAGE_CASES,
    _document_secrets,
    _own_document_args,
)
from .project_controllers import (
    PROJECT_CONTROLLER_API_CASES,
    PROJECT_CONTROLLER_PAGE_CASES,
)
from .projects import (
    PROJECT_API_CASES,
    PROJECT_PAGE_CASES,
)
from .transparency import (
    TRANSPARENCY_API_CASES,
    TRANSPARENCY_PAGE_CASES,
    TRANSPARENCY_PUBLIC_API,
    TRANSPARENCY_PUBLIC_PAGES,
)
from .world import (
    PDF,
    Case,
    Public,
    World,
    _application_secrets,
    _draft_state,
    _failed_task,
    _failed_task_state,
    _organisation_state,
    _partner_state,
    _submitted_secrets,
    _submitted_state,
)


def _invitation_state(w: World):
    w.partner.refresh_from_db()
    return (w.partner.invitation_sent_to, w.partner.invitation_sent_at)


PAGE_CASES: dict[str, Case] = {
    "ops:failed_task_rerun": Case(args=_failed_task, method="post", unchanged=_failed_task_state),
    "registry:organisation_detail": Case(args=lambda w: {"pk": w.organisation_a.pk}),
    "registry:organisation_update": Case(args=lambda w: {"pk": w.organisation_a.pk}),
    "registry:membership_revoke": Case(
        args=lambda w: {"pk": w.organisation_a.pk, "membership_pk": w.membership_a.pk},
        method="post",
        unchanged=_organisation_state,
    ),
    "applications:application_detail": Case(args=lambda w: {"pk": w.draft.pk}, secrets=_application_secrets),
    "monitoring:application_targets": Case(
        args=lambda w: {"pk": w.draft.pk},
        method="post",
        body=lambda w: {},
        unchanged=lambda w: Application.objects.values_list("proposed_targets").get(pk=w.draft.pk),
    ),
    "applications:save_section": Case(
        args=lambda w: {"pk": w.draft.pk, "section": "generale"},
        method="post",
        body=lambda w: {"general-title": "Titolo cambiato da B", "general-abstract": "Sintesi di B"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "applications:resend_invitation": Case(
        args=lambda w: {"pk": w.draft.pk, "partner_pk": w.partner.pk},
        method="post",
        secrets=_application_secrets,
        unchanged=_invitation_state,
    ),
    "applications:application_submit": Case(
        args=lambda w: {"pk": w.draft.pk},
        method="post",
        body=lambda w: {"declarations_accepted": "on", "idempotency_key": "idor-b"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "applications:application_submitted": Case(
        args=lambda w: {"pk": w.submitted.pk}, secrets=_submitted_secrets
    ),
    "applications:application_receipt": Case(
        args=lambda w: {"pk": w.submitted.pk}, secrets=_submitted_secrets
    ),
    "applications:application_document": Case(args=_own_document_args, secrets=_document_secrets),
    "applications:application_withdraw": Case(
        args=lambda w: {"pk": w.submitted.pk},
        method="post",
        body=lambda w: {"reason": "Ritiro non autorizzato"},
        secrets=_submitted_secrets,
        unchanged=_submitted_state,
    ),
    "applications:officer_application_list": Case(
        args=lambda w: {"code": w.call.code}, secrets=_application_secrets
    ),
    "applications:officer_application_detail": Case(
        args=lambda w: {"code": w.call.code, "pk": w.draft.pk}, secrets=_application_secrets
    ),
    **OFFICER_PAGE_CASES,
    **EVALUATION_PAGE_CASES,
    **FIRST_COME_PAGE_CASES,
    **CALL_STAFF_PAGE_CASES,
    **NOTIFICATION_PAGE_CASES,
    **DE_MINIMIS_PAGE_CASES,
    **PROJECT_PAGE_CASES,
    **FINANCE_PAGE_CASES,
    **PROJECT_CONTROLLER_PAGE_CASES,
    **MONITORING_PAGE_CASES,
    **TRANSPARENCY_PAGE_CASES,
}

# API operations, by operationId.
API_CASES: dict[str, Case] = {
    "grants_api_registry_get_organisation": Case(args=lambda w: {"organisation_id": w.organisation_a.pk}),
    "grants_api_registry_update_organisation": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="patch",
        body=lambda w: {"name": "Presa da B"},
        unchanged=_organisation_state,
    ),
    "grants_api_registry_list_members": Case(args=lambda w: {"organisation_id": w.organisation_a.pk}),
    "grants_api_registry_grant_delegate": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        body=lambda w: {"email": w.user_b.email},
        unchanged=_organisation_state,
    ),
    "grants_api_registry_revoke_membership": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk, "membership_id": w.membership_a.pk},
        method="delete",
        unchanged=_organisation_state,
    ),
    "grants_api_applications_get_application": Case(
        args=lambda w: {"application_id": w.draft.pk}, secrets=_application_secrets
    ),
    "grants_api_applications_update_application_general": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"title": "Presa da B"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "grants_api_applications_set_application_partners": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"partners": []},
        secrets=_application_secrets,
        unchanged=lambda w: list(w.draft.partners.values_list("pk", flat=True)),
    ),
    "grants_api_applications_resend_partner_invitation": Case(
        args=lambda w: {"application_id": w.draft.pk, "partner_id": w.partner.pk},
        method="post",
        secrets=_application_secrets,
        unchanged=_invitation_state,
    ),
    "grants_api_applications_set_application_stamp_duty": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"exemption": "third_sector"},
        secrets=_application_secrets,
        unchanged=lambda w: Application.objects.values_list("stamp_duty_exemption").get(pk=w.draft.pk),
    ),
    "grants_api_monitoring_application_targets": Case(args=lambda w: {"application_id": w.draft.pk}),
    "grants_api_monitoring_put_application_targets": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"targets": {}},
        unchanged=lambda w: Application.objects.values_list("proposed_targets").get(pk=w.draft.pk),
    ),
    "grants_api_applications_set_application_budget": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"lines": []},
        secrets=_application_secrets,
        unchanged=lambda w: list(w.draft.budget_lines.values_list("pk", "amount")),
    ),
    "grants_api_applications_attach_application_document": Case(
        args=lambda w: {"application_id": w.draft.pk, "document_code": w.document_code},
        method="post",
        multipart=True,
        body=lambda w: {"file": SimpleUploadedFile("relazione.pdf", PDF, content_type="application/pdf")},
        secrets=_application_secrets,
        unchanged=lambda w: w.draft.documents.count(),
    ),
    "grants_api_applications_application_checks": Case(
        args=lambda w: {"application_id": w.draft.pk}, secrets=_application_secrets
    ),
    "grants_api_applications_submit_application": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="post",
        body=lambda w: {"declarations_accepted": True},
        headers={"Idempotency-Key": "idor-b"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "grants_api_applications_download_application_receipt": Case(
        args=lambda w: {"application_id": w.submitted.pk}, secrets=_submitted_secrets
    ),
    "grants_api_applications_download_own_document": Case(
        args=lambda w: {
            "application_id": _own_document_args(w)["pk"],
            "document_id": _own_document_args(w)["document_pk"],
        },
        secrets=_document_secrets,
    ),
    "grants_api_applications_withdraw_application": Case(
        args=lambda w: {"application_id": w.submitted.pk},
        method="post",
        secrets=_submitted_secrets,
        unchanged=_submitted_state,
    ),
    "grants_api_applications_confirm_partnership": Case(
        args=lambda w: {"partner_id": w.partner.pk},
        method="post",
        secrets=_application_secrets,
        unchanged=_partner_state,
    ),
    "grants_api_audit_object_audit_trail": Case(
        args=lambda w: {"app_label": "registry", "model": "organisation", "object_id": w.organisation_a.pk},
    ),
    **OFFICER_API_CASES,
    **EVALUATION_API_CASES,
    **FIRST_COME_API_CASES,
    **CALL_STAFF_API_CASES,
    **NOTIFICATION_API_CASES,
    **DE_MINIMIS_API_CASES,
    **PROJECT_API_CASES,
    **FINANCE_API_CASES,
    **PROJECT_CONTROLLER_API_CASES,
    **MONITORING_API_CASES,
    **TRANSPARENCY_API_CASES,
}


def _draft_call(w: World) -> dict:
    return {"code": CallFactory(status=CallStatus.DRAFT, published_at=None, title="Bando in bozza").code}


PUBLIC_PAGES: dict[str, Public] = {
    "transparency:measure": Public("Le misure del programma sono pubblicate per tutti (trasparenza)."),
    "transparency:call_detail": Public(
        "I bandi pubblicati sono pubblici; un bando in bozza no.", _draft_call
    ),
    "transparency:ranking": Public(
        "Le graduatorie approvate sono pubbliche; un bando in bozza non ne ha.", _draft_call
    ),
    "transparency:ranking_csv": Public(
        "Il CSV delle graduatorie approvate è pubblico; un bando in bozza non ne ha.", _draft_call
    ),
    "transparency:ranking_pdf": Public(
        "Il PDF delle graduatorie approvate è pubblico; un bando in bozza non ne ha.", _draft_call
    ),
    "applications:participate": Public(
        "Ogni organizzazione può partecipare a un bando pubblicato; la pagina elenca solo le proprie.",
        _draft_call,
        anonymous_redirects_to_login=True,
    ),
    **{name: make() for name, make in TRANSPARENCY_PUBLIC_PAGES.items()},
}
PUBLIC_API: dict[str, Public] = {
    "grants_api_programme_get_programme": Public("Programmi: dati pubblici di riferimento."),
    "grants_api_programme_get_measure": Public("Misure: dati pubblici di riferimento."),
    "grants_api_programme_get_call": Public(
        "I bandi pubblicati sono pubblici; un bando in bozza no.", _draft_call
    ),
    "grants_api_territory_get_municipality": Public("Comuni ISTAT: dati pubblici di riferimento."),
    "grants_api_territory_get_district": Public("Distretti della Coesione Sociale: dati pubblici."),
    "grants_api_transparency_get_ranking_pdf": Public(
        "Il PDF delle graduatorie approvate è pubblico, come la pagina e il CSV; un bando in bozza no.",
        _draft_call,
    ),
    **{name: make() for name, make in TRANSPARENCY_PUBLIC_API.items()},
}


# Cases an officer reaches whatever the call they work on (the staff-to-staff tests skip them), each with why.
# Every other case is requested by an officer of another call (``world.other_call_officer``): 404 or 403.
STAFF_REACHABLE: dict[str, str] = {
    "registry:organisation_detail": (
        "L'anagrafica di un'organizzazione non appartiene a un bando: ogni funzionario la consulta "
        "(registry.view_organisation)."
    ),
    "grants_api_registry_get_organisation": "Anagrafica dell'organizzazione, non legata a un bando.",
    "grants_api_registry_list_members": (
        "I rappresentanti e i delegati di un'organizzazione, non legati a un bando "
        "(registry.view_membership)."
    ),
    "registry:de_minimis": (
        "Il de minimis è dell'impresa unica, trasversale ai bandi: ogni funzionario che concede un aiuto "
        "deve verificarne il massimale."
    ),
    "grants_api_registry_get_de_minimis": "Il de minimis dell'impresa unica, trasversale ai bandi.",
    "grants_api_audit_object_audit_trail": (
        "Il registro delle operazioni su un'organizzazione (non legata a un bando), con il proprio permesso "
        "core.view_auditevent."
    ),
    "transparency:activity_update": (
        "Le attività di accompagnamento FSE4 sono per territorio (Distretto, provincia), non per bando."
    ),
    "transparency:material_upload": "I materiali di un'attività di accompagnamento, non legata a un bando.",
    "grants_api_transparency_update_activity": (
        "Attività di accompagnamento FSE4: per territorio, non per bando."
    ),
    "monitoring:dashboard_export": (
        "Il cruscotto del funzionario, ridotto ai bandi su cui lavora "
        "(test_the_dashboard_of_an_officer_of_another_call_leaves_out_a)."
    ),
}
