"""The staff of a call (head of measure only): its list, the addition and the removal of a person, on the
page and through the API. B, another organisation's applicant, must neither read who works on A's call nor
change it."""

from grants.programme.models import CallStaff
from grants.registry.tests.factories import staff_user

from .world import Case, World


def _call_officer(w: World) -> CallStaff:
    """An officer of A's call, whose name and address B must not read."""

    def build():
        officer = staff_user(first_name="Ottavia", last_name="Istruttrice Riservata", calls=[w.call])
        return CallStaff.objects.get(call=w.call, user=officer)

    if "call_officer" not in w.cache:
        w.cache["call_officer"] = build()
    return w.cache["call_officer"]


def _staff_secrets(w: World) -> list[str]:
    officer = _call_officer(w).user
    return [officer.email, "Istruttrice Riservata"]


def _staff_state(w: World):
    _call_officer(w)
    return sorted(CallStaff.objects.filter(call=w.call).values_list("pk", "user_id", "role"))


CALL_STAFF_PAGE_CASES: dict[str, Case] = {
    "evaluation:call_staff": Case(args=lambda w: {"code": w.call.code}, secrets=_staff_secrets),
    "evaluation:call_staff_add": Case(
        args=lambda w: {"code": w.call.code},
        method="post",
        body=lambda w: {"user": w.user_b.pk, "role": "rup"},
        secrets=_staff_secrets,
        unchanged=_staff_state,
    ),
    "evaluation:call_staff_remove": Case(
        args=lambda w: {"code": w.call.code, "pk": _call_officer(w).pk},
        method="post",
        body=lambda w: {"confirm": "1"},
        secrets=_staff_secrets,
        unchanged=_staff_state,
    ),
}

CALL_STAFF_API_CASES: dict[str, Case] = {
    "grants_api_programme_list_call_staff": Case(
        args=lambda w: {"call_id": w.call.pk}, secrets=_staff_secrets
    ),
    "grants_api_programme_post_call_staff": Case(
        args=lambda w: {"call_id": w.call.pk},
        method="post",
        body=lambda w: {"user_id": w.user_b.pk, "role": "rup"},
        secrets=_staff_secrets,
        unchanged=_staff_state,
    ),
    "grants_api_programme_delete_call_staff": Case(
        args=lambda w: {"call_id": w.call.pk, "staff_id": _call_officer(w).pk},
        method="delete",
        secrets=_staff_secrets,
        unchanged=_staff_state,
    ),
}
