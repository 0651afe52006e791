import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission


def make_user(email: str, *perms: str, staff: bool = True):
    user = get_user_model().objects.create_user(email=email, password="una-password-lunga-1", is_staff=staff)
    for name in perms:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)  # fresh: no stale permission cache


CONFIGURE_PROGRAMME = [
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


@pytest.fixture
def officer(db):
    """A programme officer: every model permission of the programme app (as the officer role grants)."""
    return make_user("funzionario@regione.piemonte.example", *CONFIGURE_PROGRAMME)


@pytest.fixture
def viewer(db):
    return make_user("valutatore@regione.piemonte.example", "programme.view_call")


@pytest.fixture
def applicant(db):
    return make_user("cittadino@example.org", staff=False)
