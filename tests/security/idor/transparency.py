"""IDOR cases of transparency: A's knowledge-base sheet, accompaniment activities."""

from django.core.files.uploadedfile import SimpleUploadedFile

from grants.registry.tests.factories import UserFactory

from .evaluation import (
    _cached,
)
from .world import (
    PDF,
    Case,
    Public,
    World,
)

# --- transparency: A's knowledge-base sheet (a draft), accompaniment activities (staff-only writes) ---------
SHEET_SECRET = "Bisogno riservato della sperimentazione Alfa"


def _sheet_of_a(w: World):
    """A draft sheet of A's active project: only A's members and reviewing staff may see it."""

    def build():
        from grants.projects.tests.factories import ProjectFactory
        from grants.transparency import services as transparency_services

        project = ProjectFactory(user=w.user_a, organisation=w.organisation_a)
        return transparency_services.save_sheet(
            actor=w.user_a, project=project, data=transparency_services.SheetInput(need=SHEET_SECRET)
        )

    return _cached(w, "sheet", build)


def _sheet_secrets(w: World) -> list[str]:
    return [SHEET_SECRET, w.organisation_a.name]


def _sheet_state(w: World):
    from grants.transparency.models import ExperimentSheet, ReplicationInterest

    sheet = ExperimentSheet.objects.get(pk=_sheet_of_a(w).pk)
    return (
        sheet.status,
        sheet.need,
        sheet.published_at,
        ReplicationInterest.objects.filter(sheet=sheet).count(),
    )


def _activity(w: World, *, published: bool = True):
    def build():
        from datetime import date

        from grants.territory.tests.factories import CohesionDistrictFactory
        from grants.transparency import services as transparency_services

        manager = UserFactory(is_staff=True, is_superuser=True)
        return transparency_services.create_activity(
            actor=manager,
            data=transparency_services.ActivityInput(
                kind="workshop",
                title="Laboratorio pubblico" if published else "Riunione riservata",
                topics="coprogettazione",
                organiser="Regione Piemonte",
                starts_on=date(2026, 3, 2),
                ends_on=date(2026, 3, 2),
                hours="2",
                participants_count=10,
                district=CohesionDistrictFactory(),
                is_published=published,
            ),
        )

    return _cached(w, f"activity-{published}", build)


def _activity_state(w: World):
    activity = _activity(w)
    activity.refresh_from_db()
    return (activity.title, activity.participants_count, activity.materials.count())


def _activity_body(w: World) -> dict:
    return {
        "kind": "coaching",
        "title": "Presa da B",
        "topics": "x",
        "organiser": "B",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-02",
        "hours": "1",
        "participants_count": 1,
        "district": _activity(w).district.code,
    }


def _hidden_material(w: World) -> dict:
    from grants.transparency.models import AccompanimentMaterial

    activity = _activity(w, published=False)
    material = AccompanimentMaterial.objects.create(
        activity=activity,
        title="Verbale riservato",
        file=SimpleUploadedFile("verbale.pdf", PDF),
        original_name="verbale.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=UserFactory(is_staff=True),
    )
    return {"pk": material.pk}


def _project_to_accept_of_a(w: World):
    from grants.projects.states import ProjectStatus
    from grants.projects.tests.factories import ProjectFactory

    return ProjectFactory(user=w.user_a, organisation=w.organisation_a, status=ProjectStatus.TO_ACCEPT)


TRANSPARENCY_PAGE_CASES: dict[str, Case] = {
    "transparency:activity_update": Case(
        args=lambda w: {"pk": _activity(w).pk}, method="post", body=_activity_body, unchanged=_activity_state
    ),
    "transparency:material_upload": Case(
        args=lambda w: {"pk": _activity(w).pk},
        method="post",
        body=lambda w: {
            "title": "Di B",
            "file": SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
        },
        unchanged=_activity_state,
    ),
    "transparency:sheet_edit": Case(
        args=lambda w: {"project_pk": _sheet_of_a(w).project_id},
        method="post",
        body=lambda w: {"need": "Presa da B", "invia": "1"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "transparency:declare_interest": Case(
        args=lambda w: {"pk": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"organisation": w.organisation_b.pk, "message": "B vuole replicare"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "transparency:review_sheet": Case(
        args=lambda w: {"pk": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"decision": "return", "note": "Da B"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
}
TRANSPARENCY_API_CASES: dict[str, Case] = {
    "grants_api_transparency_update_activity": Case(
        args=lambda w: {"activity_id": _activity(w).pk},
        method="put",
        body=_activity_body,
        unchanged=_activity_state,
    ),
    "grants_api_transparency_save_sheet": Case(
        args=lambda w: {"project_id": _sheet_of_a(w).project_id},
        method="put",
        body=lambda w: {"need": "Presa da B"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "grants_api_transparency_submit_sheet": Case(
        args=lambda w: {"sheet_id": _sheet_of_a(w).pk},
        method="post",
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "grants_api_transparency_review_sheet": Case(
        args=lambda w: {"sheet_id": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"decision": "return", "note": "Da B"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "grants_api_transparency_declare_interest": Case(
        args=lambda w: {"sheet_id": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"organisation_id": w.organisation_b.pk, "message": "B vuole replicare"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
}
TRANSPARENCY_PUBLIC_PAGES = {
    "transparency:project_detail": lambda: Public(
        "I progetti finanziati (contributo accettato) sono pubblici; uno da accettare no.",
        lambda w: {"pk": _project_to_accept_of_a(w).pk},
    ),
    "transparency:opendata_metadata": lambda: Public(
        "Metadati DCAT-AP_IT dei dataset aperti; un dataset inesistente è 404.", lambda w: {"slug": "segreti"}
    ),
    "transparency:opendata_download": lambda: Public(
        "Dataset aperti (CC BY 4.0) dei soli progetti pubblici; un dataset inesistente è 404.",
        lambda w: {"slug": "segreti", "extension": "csv"},
    ),
    "transparency:activity_detail": lambda: Public(
        "Le attività di accompagnamento pubblicate sono pubbliche; una non pubblicata no.",
        lambda w: {"pk": _activity(w, published=False).pk},
    ),
    "transparency:material_download": lambda: Public(
        "I materiali delle attività pubblicate sono pubblici; quelli delle altre no.", _hidden_material
    ),
    "transparency:knowledge_detail": lambda: Public(
        "Le schede pubblicate della banca delle conoscenze sono pubbliche; una bozza no.",
        lambda w: {"pk": _sheet_of_a(w).pk},
    ),
}
TRANSPARENCY_PUBLIC_API = {
    "grants_api_transparency_get_public_project": lambda: Public(
        "Progetti finanziati: dati pubblici; uno da accettare no.",
        lambda w: {"project_id": _project_to_accept_of_a(w).pk},
    ),
    "grants_api_transparency_get_activity": lambda: Public(
        "Attività di accompagnamento pubblicate; una non pubblicata no.",
        lambda w: {"activity_id": _activity(w, published=False).pk},
    ),
    "grants_api_transparency_get_experience": lambda: Public(
        "Schede pubblicate della banca delle conoscenze; una bozza no.",
        lambda w: {"sheet_id": _sheet_of_a(w).pk},
    ),
}
