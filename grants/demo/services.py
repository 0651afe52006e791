"""Load everything `make run` shows: territory, the WECARE programme, and clearly marked demo records.

Idempotent: every record is looked up by its natural key first, so a second run creates nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from grants.accounts.mfa import DEMO_TOTP_SECRET, set_totp_secret
from grants.accounts.models import StaffRole
from grants.core.vocabulary import CompanySize, LegalForm
from grants.programme.loader import load_programme_file
from grants.programme.models import Call, CallStaff, CallStaffRole
from grants.registry.models import Membership, MembershipRole, Organisation
from grants.territory.models import CohesionDistrict, Municipality, SocialServiceBody, SocialServiceBodyForm
from grants.territory.services import load_territory

from .applications import load_demo_applications
from .calls import load_demo_programme_file
from .deminimis import load_demo_de_minimis
from .evaluation import load_demo_evaluation
from .finance import load_demo_finance
from .identifiers import body_fiscal_code, person_fiscal_code
from .monitoring import load_demo_monitoring
from .notifications import load_demo_notifications
from .projects import load_demo_projects
from .ranking import load_demo_ranking
from .transparency import load_demo_transparency

DEMO_PASSWORD = "wecare-demo-2026"  # noqa: S105 - documented demo credential, refused in production
PROGRAMME_FILE = settings.BASE_DIR / "programmes" / "wecare.yaml"
DEMO_PROGRAMME_FILE = settings.BASE_DIR / "programmes" / "demo" / "wecare-demo-2026.yaml"

STAFF = [
    ("funzionario@regione.demo", "Franca", "Funzionari", StaffRole.OFFICER),
    ("valutatore@regione.demo", "Valerio", "Valutati", StaffRole.EVALUATOR),
    ("controllore@regione.demo", "Carla", "Controlli", StaffRole.CONTROLLER),
    ("responsabile@regione.demo", "Renato", "Responsabili", StaffRole.MANAGER),
]

# (serial, name, legal form, size, seat ISTAT code, representative e-mail, first, last, CF stem)
ORGANISATIONS = [
    (
        1,
        "[DEMO] Consorzio Socio-Assistenziale delle Colline",
        LegalForm.SOCIAL_SERVICE_BODY,
        "",
        "001272",
        "direzione@consorzio-colline.demo",
        "Giulia",
        "Bianchi",
        "BNCGLI75C41L219",
    ),
    (
        2,
        "[DEMO] Cooperativa Sociale Il Ponte",
        LegalForm.SOCIAL_COOPERATIVE,
        "",
        "004078",
        "presidenza@coop-ilponte.demo",
        "Marco",
        "Rossi",
        "RSSMRC80A01D205",
    ),
    (
        3,
        "[DEMO] Associazione Volontari Insieme ODV",
        LegalForm.VOLUNTEER_ASSOCIATION,
        "",
        "005005",
        "info@volontari-insieme.demo",
        "Anna",
        "Verdi",
        "VRDNNA70E45A479",
    ),
    (
        4,
        "[DEMO] Meccanica Subalpina S.r.l.",
        LegalForm.COMPANY,
        CompanySize.SMALL,
        "003106",
        "amministrazione@meccanica-subalpina.demo",
        "Luca",
        "Ferrero",
        "FRRLCU68H12F952",
    ),
    (
        5,
        "[DEMO] Fondazione Comunità Solidale ETS",
        LegalForm.THIRD_SECTOR,
        "",
        "096004",
        "segreteria@comunita-solidale.demo",
        "Paola",
        "Gallo",
        "GLLPLA82S50A859",
    ),
]


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


def _user(email: str, first: str, last: str, **extra):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


@transaction.atomic
def load_staff(report: DemoReport) -> None:
    created = 0
    for email, first, last, role in STAFF:
        user, was_created = _user(email, first, last, is_staff=True)
        user.groups.add(Group.objects.get(name=role.value))
        if was_created:
            set_totp_secret(user, DEMO_TOTP_SECRET)
        created += was_created
    admin, admin_created = _user(
        "admin@regione.demo", "Ada", "Amministratori", is_staff=True, is_superuser=True
    )
    if admin_created:
        set_totp_secret(admin, DEMO_TOTP_SECRET)
    report.add(f"Utenti della Regione (demo): {created + admin_created} creati, {len(STAFF) + 1} in tutto")
    # Staff rights are per call: the demo officers work on every demo call (the manager sees them all).
    officer_emails = [email for email, _first, _last, role in STAFF if role == StaffRole.OFFICER]
    officers = list(get_user_model().objects.filter(email__in=officer_emails))
    CallStaff.objects.bulk_create(
        [
            CallStaff(call=call, user=officer, role=CallStaffRole.OFFICER)
            for call in Call.objects.all()
            for officer in officers
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def load_organisations(report: DemoReport) -> None:
    created = 0
    for serial, name, legal_form, size, seat, email, first, last, cf_stem in ORGANISATIONS:
        representative_cf = person_fiscal_code(cf_stem)
        user, _ = _user(email, first, last, fiscal_code=representative_cf)
        organisation, was_created = Organisation.objects.get_or_create(
            fiscal_code=body_fiscal_code(serial),
            defaults={
                "name": name,
                "legal_form": legal_form,
                "company_size": size,
                "seat": Municipality.objects.get(istat_code=seat),
                "pec": email.replace("@", "@pec."),
                "legal_representative_first_name": first,
                "legal_representative_last_name": last,
                "legal_representative_fiscal_code": representative_cf,
                "runts_number": f"DEMO-{serial:05d}" if legal_form == LegalForm.THIRD_SECTOR else "",
                "is_demo": True,
            },
        )
        if was_created:
            organisation.full_clean()
        Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            revoked_at=None,
            defaults={"role": MembershipRole.LEGAL_REPRESENTATIVE},
        )
        if legal_form == LegalForm.SOCIAL_SERVICE_BODY:
            _demo_district(organisation)
        created += was_created
    report.add(f"Organizzazioni (demo): {created} create, {len(ORGANISATIONS)} in tutto")


def _demo_district(organisation: Organisation) -> None:
    """The demo ente gestore runs social care for its seat's comune, in a demo Distretto of its own: FSE1 asks
    for a lead that is one of the district's enti gestori (grants.applications.rules.eligibility)."""
    seat = organisation.seat
    body, _ = SocialServiceBody.objects.get_or_create(
        name=organisation.name,
        defaults={
            "legal_form": SocialServiceBodyForm.CONSORTIUM,
            "seat": seat,
            "province": seat.province,
            "is_demo": True,
        },
    )
    body.municipalities.add(seat)
    district, _ = CohesionDistrict.objects.get_or_create(
        code="DCS-DEMO-COLLINE", defaults={"name": "[DEMO] Distretto delle Colline", "is_demo": True}
    )
    district.provinces.add(seat.province)
    district.bodies.add(body)
    if organisation.social_service_body_id != body.pk:
        organisation.social_service_body = body
        organisation.save(update_fields=["social_service_body", "updated_at"])


def load_demo() -> DemoReport:
    report = DemoReport()
    for territory_report in load_territory():
        report.lines.extend(territory_report.lines())
    report.add(f"{Path(PROGRAMME_FILE).name}: {load_programme_file(PROGRAMME_FILE)}")
    # The demo edition's dates are moved to today: its open calls open, its closed ones closed.
    report.add(f"{Path(DEMO_PROGRAMME_FILE).name}: {load_demo_programme_file(DEMO_PROGRAMME_FILE)}")
    load_staff(report)
    load_organisations(report)
    report.lines.extend(load_demo_de_minimis())
    # The sportello's funded projects first: a first-come call decides in protocol order, so the
    # applications that become projects are booked before the demo applications of every open call.
    report.lines.extend(load_demo_projects())
    report.lines.extend(load_demo_applications())
    report.lines.extend(load_demo_notifications())
    report.lines.extend(load_demo_evaluation())
    report.lines.extend(load_demo_ranking())
    report.lines.extend(load_demo_finance())
    report.lines.extend(load_demo_monitoring())
    report.lines.extend(load_demo_transparency())
    return report
