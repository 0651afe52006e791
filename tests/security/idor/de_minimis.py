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


def _de_minimis_secrets(w: World) -> list[str]:
    _de_minimis_of_a(w)
    return ["Ente concedente riservato Alfa", w.organisation_a.name]


def _de_minimis_state(w: World):
    _aid, link = _de_minimis_of_a(w)
    link.refresh_from_db()
    return (sorted(w.organisation_a.de_minimis_aid.values_list("pk", "amount")), link.ended_at)


DE_MINIMIS_PAGE_CASES: dict[str, Case] = {
    "registry:de_minimis": Case(args=lambda w: {"pk": w.organisation_a.pk}, secrets=_de_minimis_secrets),
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
}
