"""IDOR cases of A's de minimis register: its declared aid and its single-undertaking links."""

from decimal import Decimal

from .world import (
    Case,
    World,
)


# --- de minimis register of A: its declared aid and its single-undertaking links -------------------------
def _de_minimis_of_a(w: World):
    if "de_minimis" not in w.cache:
        from datetime import date

        from grants.registry import services as registry_services

        aid = registry_services.declare_de_minimis_aid(
            actor=w.user_a,
            organisation=w.organisation_a,
            granted_on=date(2024, 5, 2),
            granting_body="Ente concedente riservato Alfa",
            amount=Decimal("1234.56"),
        )
        link = registry_services.link_undertaking(
            actor=w.user_a,
            organisation=w.organisation_a,
            fiscal_code=w.organisation_c.fiscal_code,
            relationship="controls",
        )
        w.cache["de_minimis"] = (aid, link)
    return w.cache["de_minimis"]


def _link_request_to_a(w: World):
    """A pending declaration of C naming A: only A (or an officer) confirms or refuses it."""
    if "link_request" not in w.cache:
        from grants.registry.models import UndertakingLink

        w.cache["link_request"] = UndertakingLink.objects.create(
            organisation=w.organisation_c,
            linked_organisation=w.organisation_a,
            relationship="controls",
            declared_by=w.user_a,
        )
    return w.cache["link_request"]


def _link_request_state(w: World):
    link = _link_request_to_a(w)
    link.refresh_from_db()
    return (link.status, link.ended_at, link.confirmed_by_id)


def _de_minimis_secrets(w: World) -> list[str]:
    _de_minimis_of_a(w)
    return ["Ente concedente riservato Alfa", w.organisation_a.name]


def _de_minimis_state(w: World):
    _aid, link = _de_minimis_of_a(w)
    link.refresh_from_db()
    links = sorted(w.organisation_a.undertaking_links.values_list("pk", "linked_organisation_id", "status"))
    return (sorted(w.organisation_a.de_minimis_aid.values_list("pk", "amount")), link.ended_at, links)


def _visura(w: World, field: str):
    """A well-formed RNA visura for A: were B able to import it, A's register would change."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "COR;Data concessione;Elemento di aiuto;Soggetto concedente;Codice fiscale beneficiario\n"
        f"9876543;14/03/2025;1.000,00;Ente B;{w.organisation_a.fiscal_code}\n"
    ).encode()
    return {field: SimpleUploadedFile("visura.csv", content, content_type="text/csv")}


DE_MINIMIS_PAGE_CASES: dict[str, Case] = {
    "registry:de_minimis": Case(args=lambda w: {"pk": w.organisation_a.pk}, secrets=_de_minimis_secrets),
    "registry:de_minimis_declare_aid": Case(
        args=lambda w: {"pk": w.organisation_a.pk},
        method="post",
        body=lambda w: {"aid-granted_on": "2026-01-02", "aid-granting_body": "Ente B", "aid-amount": "1000"},
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "registry:de_minimis_declare_link": Case(
        args=lambda w: {"pk": w.organisation_a.pk},
        method="post",
        body=lambda w: {"link-fiscal_code": w.organisation_b.fiscal_code, "link-relationship": "controls"},
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "registry:de_minimis_import_visura": Case(
        args=lambda w: {"pk": w.organisation_a.pk},
        method="post",
        body=lambda w: _visura(w, "visura-file"),
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "registry:declared_aid_remove": Case(
        args=lambda w: {"pk": w.organisation_a.pk, "aid_pk": _de_minimis_of_a(w)[0].pk},
        method="post",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "registry:undertaking_link_end": Case(
        args=lambda w: {"pk": w.organisation_a.pk, "link_pk": _de_minimis_of_a(w)[1].pk},
        method="post",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    **{
        name: Case(
            args=lambda w: {"pk": w.organisation_a.pk, "link_pk": _link_request_to_a(w).pk},
            method="post",
            secrets=_de_minimis_secrets,
            unchanged=_link_request_state,
        )
        for name in ("registry:undertaking_link_confirm", "registry:undertaking_link_refuse")
    },
}

DE_MINIMIS_API_CASES: dict[str, Case] = {
    "grants_api_registry_get_de_minimis": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk}, secrets=_de_minimis_secrets
    ),
    "grants_api_registry_declare_de_minimis_aid": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        body=lambda w: {"granted_on": "2024-01-02", "granting_body": "B", "amount": "1.00"},
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_visura_import_de_minimis_visura": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        multipart=True,
        body=lambda w: _visura(w, "file"),
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_remove_declared_aid": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk, "aid_id": _de_minimis_of_a(w)[0].pk},
        method="delete",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_link_undertaking": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        body=lambda w: {"fiscal_code": w.organisation_b.fiscal_code, "relationship": "other"},
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_end_undertaking_link": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk, "link_id": _de_minimis_of_a(w)[1].pk},
        method="delete",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    **{
        name: Case(
            args=lambda w: {"organisation_id": w.organisation_a.pk, "link_id": _link_request_to_a(w).pk},
            method="post",
            secrets=_de_minimis_secrets,
            unchanged=_link_request_state,
        )
        for name in (
            "grants_api_registry_confirm_undertaking_link",
            "grants_api_registry_refuse_undertaking_link",
        )
    },
}
