"""Click-day preparation: a first-come call and N applicants, each ready to submit, written in bulk.

Run with DJANGO_SETTINGS_MODULE=config.settings and DATABASE_URL pointing at the dedicated, migrated
``clickday`` database (bench/clickday/run.sh creates and drops it)::

    python bench/clickday/prepare.py --applicants 60000 --budget-for 20000 --out /tmp/clickday/lines.tsv

One template application is written through the services (create_draft, update_general, set_budget) and must
pass every rule of the call; the N applicants are then cloned from it with bulk_create: user, organisation
(an ETS with its own valid codice fiscale), membership as legal representative, draft application, lead
partner row, budget line, and a signed-in Django session. No login request is needed during the run.

The output file has one tab-separated line per applicant, in a shuffled order::

    application_id  session_key  idempotency_key  csrf_token  user_id

``open`` moves the call's opening instant (the runner opens the window a few seconds after the server is up)::

    python bench/clickday/prepare.py open --at 2026-05-04T10:00:00+02:00
"""

import argparse
import os
import random
import secrets
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_SESSION_PREFIX  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from grants.accounts.models import User  # noqa: E402
from grants.applications import selectors, services  # noqa: E402
from grants.applications.models import Application, ApplicationPartner, BudgetLine  # noqa: E402
from grants.core.timeutils import now  # noqa: E402
from grants.core.vocabulary import LegalForm  # noqa: E402
from grants.programme.models import Call, CallMode, CostOption  # noqa: E402
from grants.programme.tests.factories import CallFactory, CostCategoryFactory  # noqa: E402
from grants.registry.models import Membership, MembershipRole, Organisation  # noqa: E402
from grants.registry.tests.factories import (  # noqa: E402
    OrganisationFactory,
    UserFactory,
    body_fiscal_code,
    person_fiscal_code,
)

CALL_CODE = "clickday"
GRANT = Decimal("50000.00")
BATCH = 5000
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"
CACHED_DB_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_SECONDS = 2 * 24 * 3600  # as the sessions' expire_date


def log(message: str) -> None:
    print(f"[prepare {time.strftime('%H:%M:%S')}] {message}", flush=True)


def make_call(*, budget_for: int, opens_at: datetime) -> Call:
    call = CallFactory(
        code=CALL_CODE,
        title="Click day di prova",
        mode=CallMode.FIRST_COME,
        budget=GRANT * budget_for,
        max_grant=GRANT * 2,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=1),
        published_at=opens_at - timedelta(days=7),
        requires_partner_confirmation=True,
    )
    CostCategoryFactory(call=call, code="personale", title="Personale", cost_option=CostOption.REAL_COSTS)
    return call


def make_template(call: Call) -> Application:
    """One applicant made exactly as the platform makes it; the bulk clones copy its rows."""
    user = UserFactory(email="clickday-template@esempio.test")
    organisation = OrganisationFactory(
        legal_form=LegalForm.THIRD_SECTOR, representative=user, serial=9_000_000
    )
    application = services.create_draft(actor=user, organisation=organisation, call=call)
    services.update_general(
        actor=user,
        application=application,
        title="Welfare di comunità",
        abstract="Sperimentazione di servizi di prossimità nei quartieri.",
    )
    services.set_budget(
        actor=user,
        application=application,
        lines=[services.BudgetLineInput(category="personale", amount=GRANT, description="Educatori")],
    )
    application.refresh_from_db()
    violations = selectors.check_application(application)
    if violations:
        raise SystemExit(f"the template application does not pass the rules: {violations}")
    return application


def _copy(instance, exclude=("id", "created_at", "updated_at"), **overrides):
    model = type(instance)
    values = {
        f.attname: getattr(instance, f.attname)
        for f in model._meta.concrete_fields
        if f.attname not in exclude and not f.primary_key
    }
    values.update(overrides)
    return model(**values)


def clone_applicants(template: Application, count: int) -> list[tuple[int, str, str, str, int]]:
    """``count`` applicants like the template; returns (application, session, key, csrf, user) tuples."""
    t_org = template.applicant
    t_lead = template.partners.get()
    t_lines = list(template.budget_lines.all())
    password = make_password("click-day-2026")  # hashed once: every bench user shares it (never logs in)
    moment = now()
    expire = moment + timedelta(seconds=SESSION_SECONDS)
    store = SessionStore()
    out = []
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        serials = range(start + 1, start + 1 + size)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"richiedente{n}@clickday.test",
                        first_name=f"Nome{n}",
                        last_name=f"Cognome{n}",
                        password=password,
                        date_joined=moment,
                    )
                    for n in serials
                ]
            )
            orgs = Organisation.objects.bulk_create(
                [
                    _copy(
                        t_org,
                        name=f"Ente del terzo settore {n}",
                        fiscal_code=body_fiscal_code(n),
                        runts_number=f"{100000 + n}",
                        pec=f"ente{n}@pec.clickday.test",
                        legal_representative_fiscal_code=person_fiscal_code(n),
                        created_at=moment,
                        updated_at=moment,
                    )
                    for n in serials
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=u, organisation=o, role=MembershipRole.LEGAL_REPRESENTATIVE)
                    for u, o in zip(users, orgs, strict=True)
                ]
            )
            apps = Application.objects.bulk_create(
                [
                    _copy(
                        template,
                        applicant_id=o.pk,
                        created_by_id=u.pk,
                        created_at=moment,
                        updated_at=moment,
                    )
                    for u, o in zip(users, orgs, strict=True)
                ]
            )
            ApplicationPartner.objects.bulk_create(
                [
                    _copy(
                        t_lead,
                        application_id=a.pk,
                        organisation_id=o.pk,
                        confirmed_by_id=u.pk,
                        confirmed_at=moment,
                        created_at=moment,
                        updated_at=moment,
                    )
                    for u, o, a in zip(users, orgs, apps, strict=True)
                ]
            )
            BudgetLine.objects.bulk_create(
                [
                    _copy(line, application_id=a.pk, partner_id=None, created_at=moment, updated_at=moment)
                    for a in apps
                    for line in t_lines
                ]
            )
            sessions, cached = [], {}
            for u, a in zip(users, apps, strict=True):
                key = secrets.token_hex(16)
                data = {
                    SESSION_KEY: str(u.pk),
                    BACKEND_SESSION_KEY: AUTH_BACKEND,
                    HASH_SESSION_KEY: u.get_session_auth_hash(),
                }
                sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
                cached[CACHED_SESSION_PREFIX + key] = data
                # csrf: a 32-character secret, sent both as the csrftoken cookie and as X-CSRFToken.
                out.append(
                    (a.pk, key, f"clickday-{a.pk}-{secrets.token_hex(8)}", secrets.token_hex(16), u.pk)
                )
            Session.objects.bulk_create(sessions)
            if settings.SESSION_ENGINE == CACHED_DB_ENGINE:
                # As a sign-in leaves it: cached_db writes the session to the cache when it saves it, so
                # on the click day it is read from Redis, not from the database.
                caches[settings.SESSION_CACHE_ALIAS].set_many(cached, SESSION_SECONDS)
        log(f"{start + size}/{count} applicants")
    return out


def prepare(args) -> None:
    started = time.monotonic()
    opens_at = datetime.fromisoformat(args.opens_at) if args.opens_at else now() + timedelta(hours=1)
    if Call.objects.filter(code=CALL_CODE).exists():
        raise SystemExit("the database already holds a click-day call: use a fresh database")
    call = make_call(budget_for=args.budget_for, opens_at=opens_at)
    template = make_template(call)
    # The template's lead partner points at a user/organisation made by factories; the clones get their own.
    lines = clone_applicants(template, args.applicants)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    random.Random(args.seed).shuffle(lines)  # noqa: S311 (an arrival order, not a secret)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as f:
        for row in lines:
            f.write("\t".join(str(v) for v in row) + "\n")
    log(
        f"call {call.pk} ({call.code}) opens {call.opens_at.isoformat()}, budget {call.budget} "
        f"= {args.budget_for} x {GRANT}; {len(lines)} applicants in {out} "
        f"({time.monotonic() - started:.1f} s)"
    )


def open_window(args) -> None:
    at = datetime.fromisoformat(args.at)
    updated = Call.objects.filter(code=CALL_CODE).update(opens_at=at, published_at=at - timedelta(days=7))
    if updated != 1:
        raise SystemExit("no click-day call in this database")
    log(f"window opens at {at.isoformat()}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")
    p_open = sub.add_parser("open", help="move the opening instant of the click-day call")
    p_open.add_argument("--at", required=True, help="ISO 8601 instant with offset")
    parser.add_argument("--applicants", type=int, default=60000)
    parser.add_argument("--budget-for", type=int, default=20000, help="applications the budget can fund")
    parser.add_argument("--opens-at", help="ISO 8601 instant (default: in one hour)")
    parser.add_argument("--out", default="/tmp/clickday/lines.tsv")  # noqa: S108 (a bench scratch file)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.command == "open":
        open_window(args)
    else:
        prepare(args)


if __name__ == "__main__":
    main()
