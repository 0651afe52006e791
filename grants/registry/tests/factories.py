"""Factories of the registry context, for this app's tests and for the other apps' tests.

Codes are valid, never faked: bodies get 11 digits whose check digit is computed (Luhn, as for a partita IVA);
people get 16 characters whose final check letter is computed by stdnum.
"""

import datetime
import itertools
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from factory.django import DjangoModelFactory
from stdnum import luhn
from stdnum.it import codicefiscale

from grants.accounts.models import User
from grants.core.vocabulary import CompanySize, LegalForm
from grants.registry.models import (
    DeMinimisAid,
    DeMinimisSource,
    Membership,
    MembershipRole,
    Organisation,
)
from grants.registry.selectors import regulation_in_force
from grants.territory.tests.factories import MunicipalityFactory

PASSWORD = "una-password-di-prova-2026"

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MONTHS = "ABCDEHLMPRST"


def body_fiscal_code(serial: int, office: int = 1) -> str:
    """11 digits: a 7-digit serial (not zero), a 3-digit office code, the Luhn check digit."""
    base = f"{serial % 9_999_999 + 1:07d}{office:03d}"
    return base + luhn.calc_check_digit(base)


def person_fiscal_code(n: int) -> str:
    """A valid 16-character codice fiscale, different for every n below 26**3 * 26**3."""
    surname = "".join(_LETTERS[(n // 26**i) % 26] for i in range(3))
    name = "".join(_LETTERS[(n // 26 ** (i + 3)) % 26] for i in range(3))
    year = f"{n % 100:02d}"
    month = _MONTHS[n % 12]
    day = f"{n % 28 + 1 + (40 if n % 2 else 0):02d}"  # women add 40 to the day
    place = f"{_LETTERS[n % 26]}{n % 1000:03d}"
    stem = f"{surname}{name}{year}{month}{day}{place}"
    return stem + codicefiscale.calc_check_digit(stem)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@esempio.test")
    first_name = factory.Sequence(lambda n: f"Nome{n}")
    last_name = factory.Sequence(lambda n: f"Cognome{n}")
    fiscal_code = None
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    """A social cooperative by default; a COMPANY gets a size, a THIRD_SECTOR body a RUNTS number.

    ``OrganisationFactory(representative=user)`` also makes ``user`` its active legal representative.
    """

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organizzazione di prova {n}")
    legal_form = LegalForm.SOCIAL_COOPERATIVE
    company_size = factory.LazyAttribute(
        lambda o: CompanySize.SMALL if o.legal_form == LegalForm.COMPANY else ""
    )
    runts_number = factory.LazyAttribute(
        lambda o: f"{100000 + o.serial}" if o.legal_form == LegalForm.THIRD_SECTOR else ""
    )
    fiscal_code = factory.LazyAttribute(lambda o: body_fiscal_code(o.serial))
    vat_number = ""
    seat = factory.SubFactory(MunicipalityFactory)
    address = "Via Roma 1"
    pec = factory.Sequence(lambda n: f"organizzazione{n}@pec.esempio.test")
    legal_representative_first_name = "Maria"
    legal_representative_last_name = "Rossi"
    legal_representative_fiscal_code = factory.LazyAttribute(lambda o: person_fiscal_code(o.serial))

    class Params:
        serial = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def representative(self, create, extracted, **kwargs):
        if create and extracted is not None:
            MembershipFactory(user=extracted, organisation=self, role=MembershipRole.LEGAL_REPRESENTATIVE)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.DELEGATE
    granted_by = None
    revoked_at = None


class DeMinimisAidFactory(DjangoModelFactory):
    """Aid declared by the applicant under the regulation in force on its date (shipped by migration 0004)."""

    class Meta:
        model = DeMinimisAid

    organisation = factory.SubFactory(OrganisationFactory, legal_form=LegalForm.COMPANY)
    source = DeMinimisSource.DECLARED
    granted_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    granting_body = "Camera di commercio di Torino"
    amount = Decimal("10000.00")
    regulation = factory.LazyAttribute(lambda o: regulation_in_force(o.granted_on))


# Staff rights are per call (grants.programme CallStaff). A staff user made here is officer of every call
# there now and those made later (the root conftest.py assigns new calls to them), as on an installation
# upgraded by programme's migration 0005; a user made with ``calls=`` works on those calls only, and has an
# e-mail address in this domain so that the conftest leaves them out.
SCOPED_STAFF_DOMAIN = "scoped-staff.test"
_scoped_staff = itertools.count(1)


def staff_user(*permissions: str, roles=(), calls=None, **kwargs) -> User:
    """The one way tests make staff: a staff user in the groups of ``roles`` (``accounts.models.StaffRole``,
    the groups ``accounts/roles.py`` syncs after migrate) and holding ``permissions`` ("app_label.codename"),
    all set in one query each. Officer of every call, or only of ``calls`` when given (see above).
    Returned fresh from the database, so no permission cache is stale."""
    kwargs.setdefault("is_staff", True)
    if calls is not None:
        kwargs.setdefault("email", f"staff{next(_scoped_staff)}@{SCOPED_STAFF_DOMAIN}")
        if not kwargs["email"].endswith(f"@{SCOPED_STAFF_DOMAIN}"):
            raise ValueError(f"staff scoped to some calls need an e-mail address @{SCOPED_STAFF_DOMAIN}")
    user = UserFactory(**kwargs)
    if user.is_staff:
        call_model = apps.get_model("programme", "Call")
        call_staff = apps.get_model("programme", "CallStaff")
        call_ids = (
            [call.pk for call in calls]
            if calls is not None
            else call_model.objects.values_list("pk", flat=True)
        )
        call_staff.objects.bulk_create(
            [call_staff(call_id=call_id, user=user, role="officer") for call_id in call_ids],
            ignore_conflicts=True,
        )
    if roles:
        user.groups.set(Group.objects.filter(name__in=[getattr(role, "value", role) for role in roles]))
    if permissions:
        wanted = Q()
        for name in permissions:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        found = list(Permission.objects.filter(wanted))
        if len(found) != len(set(permissions)):
            raise LookupError(f"unknown permission among {permissions}")
        user.user_permissions.set(found)
    return User.objects.get(pk=user.pk)
