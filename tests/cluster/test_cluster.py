"""Scale-out: two gunicorn nodes behind nginx, one PostgreSQL database, Redis as broker, one Celery worker.

A user signs in on node 1 and is still signed in on node 2 (sessions in the database), then submits an
application through nginx; other applicants submit at the same time through both nodes; every answer is a
202 with its arrival, and the status each one links to soon has its protocol number, given by the sequencer
(one per node, one leading); the numbers are unique, gapless and in arrival order across the nodes; when the
leading sequencer is killed the other takes over; an idempotent replay gets the same arrival and number,
and the worker makes every receipt. /health/ready/ answers through nginx from both nodes; each node's
/metrics adds up its workers. Run with ``make test-cluster``
(sets WECARE_CLUSTER_TEST=1; needs PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379, nginx). Every
process started here is stopped at the end, and the database is dropped.
"""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from string import Template

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("WECARE_CLUSTER_TEST") != "1", reason="scale-out test: run with `make test-cluster`"
)

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("CLUSTER_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/15")
NODE1, NODE2, PROXY = (int(p) for p in os.environ.get("CLUSTER_PORTS", "18001,18002,18000").split(","))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEADLINE_SECONDS = 120  # a shared, loaded machine starts gunicorn slowly
EMAIL, PASSWORD = "cluster@example.org", "Cluster-test-password-1"

# Run by `manage.py shell -c` in an app process: an expired session, the broker's state, then the task.
SEND_TASK = """
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from grants.ops.selectors import broker_status
from grants.ops.tasks import clear_expired_sessions
session = SessionStore()
session.create()
Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() - timedelta(days=1))
print("session", session.session_key)
print("broker", broker_status()["mode"], broker_status()["status"])
clear_expired_sessions.delay()
"""
# A first-come call open now; the signed-in user's own application; OTHERS applicants with a ready application
# and a signed-in session each (as if they had signed in elsewhere): "main <app>" and "other <app> <session>".
OTHERS = 8
SETUP_SUBMISSIONS = f"""
from decimal import Decimal
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.vocabulary import LegalForm
from grants.registry.tests.factories import OrganisationFactory
call = open_call(first_come=True, budget=Decimal("10000000.00"), requires_partner_confirmation=False)
user = get_user_model().objects.get(email="{EMAIL}")
organisation = OrganisationFactory(representative=user, legal_form=LegalForm.THIRD_SECTOR)
print("main", ready_application(call=call, user=user, organisation=organisation).pk)
for _ in range({OTHERS}):
    other, other_organisation = member_of()
    application = ready_application(call=call, user=other, organisation=other_organisation)
    session = SessionStore()
    session[SESSION_KEY] = str(other.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = other.get_session_auth_hash()
    session.create()
    print("other", application.pk, session.session_key)
"""
# One more applicant on the same call, after the leading sequencer was killed: "late <app> <session>".
SETUP_LATE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from grants.applications.tests.factories import member_of, ready_application
from grants.programme.models import Call
from grants.registry.tests.factories import OrganisationFactory, UserFactory
OrganisationFactory.reset_sequence(5000)  # a new process: past the numbers the first shell used
UserFactory.reset_sequence(5000)
call = Call.objects.order_by("-pk").first()
other, other_organisation = member_of()
application = ready_application(call=call, user=other, organisation=other_organisation)
session = SessionStore()
session[SESSION_KEY] = str(other.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = other.get_session_auth_hash()
session.create()
print("late", application.pk, session.session_key)
"""
# What the database holds afterwards: every protocol number given, and the counter.
SUBMITTED = """
from grants.applications.models import Application, ProtocolCounter
for row in Application.objects.filter(protocol_number__isnull=False).values_list("pk", "protocol_number"):
    print("submitted", *row)
for row in ProtocolCounter.objects.values_list("year", "last_number"):
    print("counter", *row)
"""
SESSION_GONE = """
from django.contrib.sessions.models import Session
print("state", "present" if Session.objects.filter(session_key="%s").exists() else "gone")
"""


def _wait_for(probe, what: str, timeout: float = DEADLINE_SECONDS):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result:
                return result
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.db_name = f"wecare_cluster_{uuid.uuid4().hex[:8]}"
        admin = urllib.parse.urlsplit(PG_ADMIN_URL)
        self.database_url = admin._replace(path=f"/{self.db_name}").geturl()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "development",
            "DEBUG": "false",
            "SECRET_KEY": "cluster-test-" + uuid.uuid4().hex,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            "MEDIA_ROOT": str(root / "media"),
            "BACKUP_DIR": str(root / "backups"),
            "LOG_FORMAT": "json",
            "WEB_CONCURRENCY": "2",
            "SUBMISSION_SEQUENCER": "process",
            "PYTHONUNBUFFERED": "1",
        }

    # -- processes
    def start(self, name: str, args: list[str], **extra_env: str) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("wb")
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process))
        return process

    def stop_all(self):
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def manage(self, *args: str, timeout: int = 180) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.root.glob("*.log"))
        )

    # -- database
    def _psql(self, sql: str):
        subprocess.run(["psql", PG_ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, timeout=30)

    def create_database(self):
        self._psql(f'CREATE DATABASE "{self.db_name}"')

    def drop_database(self):
        self._psql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    # -- nginx
    def nginx_config(self) -> Path:
        for part in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.root / "tmp" / part).mkdir(parents=True, exist_ok=True)
        # nginx started by root runs its workers as "nobody": they must reach the temp directories.
        for path in [self.root, *self.root.joinpath("tmp").rglob("*"), self.root / "tmp"]:
            path.chmod(0o777 if path != self.root else 0o755)
        template = Template((Path(__file__).parent / "nginx.conf.template").read_text())
        # nginx's own $variables are left alone: only the placeholders below are ours.
        text = template.safe_substitute(ROOT=self.root, NODE1=NODE1, NODE2=NODE2, PROXY=PROXY)
        config = self.root / "nginx.conf"
        config.write_text(text)
        return config


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _get(opener, url):
    try:
        response = opener.open(url, timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers
    return response.status, response.read().decode(errors="replace"), response.headers


def _sign_in(opener, base: str):
    status, html, _ = _get(opener, f"{base}/accedi/")
    assert status == 200, html[:500]
    # The sign-in form is the one with a password field (the header has a language form too).
    form_html = next(
        m.group(1)
        for m in re.finditer(r"<form[^>]*>(.*?)</form>", html, re.S | re.I)
        if 'type="password"' in m.group(1)
    )
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form_html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        if kind == "password":
            fields[name.group(1)] = PASSWORD
        elif kind in {"email", "text"} and name.group(1) in {"username", "login", "email"}:
            fields[name.group(1)] = EMAIL
        elif kind == "hidden" and value:
            fields[name.group(1)] = value.group(1)
    assert "csrfmiddlewaretoken" in fields and PASSWORD in fields.values() and EMAIL in fields.values(), (
        fields
    )
    request = urllib.request.Request(  # noqa: S310 (http only)
        f"{base}/accedi/",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Referer": f"{base}/accedi/"},
        method="POST",
    )
    status, html, _ = _get(opener, request)
    assert status == 200, html[:500]


def _submit(base: str, application_id: int, session: str, csrf: str, key: str, opener=None):
    """POST the submission as the browser's script does: session cookie, CSRF cookie and header, a key."""
    request = urllib.request.Request(  # noqa: S310 (http only)
        f"{base}/api/v1/applications/{application_id}/submit",
        data=b'{"declarations_accepted": true}',
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Idempotency-Key": key,
            **({} if opener else {"Cookie": f"sessionid={session}; csrftoken={csrf}"}),
        },
        method="POST",
    )
    status, body, headers = _get(opener or urllib.request.build_opener(), request)
    return status, json.loads(body), headers


def _numbered(base: str, application_id: int, opener) -> tuple[int, dict]:
    """Read the application's status until the sequencer has given it its number (at most 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        status, text, _headers = _get(opener, f"{base}/api/v1/applications/{application_id}")
        body = json.loads(text)
        if status == 200 and body["protocol"]:
            return status, body
        assert status == 200 and body["status"] == "received", body
        assert time.monotonic() < deadline, "the sequencer never numbered the application"
        time.sleep(0.2)


def _sequencer_leader(cluster, sequencers) -> subprocess.Popen:
    """The sequencer process that says it leads (each one logs to <root>/sequencer-N.log)."""
    _wait_for(
        lambda: any(
            "sequencer: leading" in (cluster.root / f"sequencer-{n}.log").read_text() for n in (1, 2)
        ),
        "a sequencer to lead",
        60,
    )
    leading = [
        process
        for n, process in zip((1, 2), sequencers, strict=True)
        if "sequencer: leading" in (cluster.root / f"sequencer-{n}.log").read_text()
    ]
    assert len(leading) == 1, "exactly one sequencer leads"
    return leading[0]


def _metric(text: str, name: str, **labels) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels`` (Prometheus text format)."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture
def cluster(tmp_path_factory):
    root = Path(tmp_path_factory.mktemp("cluster"))
    cluster = Cluster(root)
    cluster.create_database()
    try:
        yield cluster
    finally:
        cluster.stop_all()
        cluster.drop_database()


def test_two_nodes_behind_nginx_share_sessions_submissions_and_the_worker(cluster):
    cluster.manage("migrate", "--noinput", timeout=600)
    cluster.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user(email='{EMAIL}', password='{PASSWORD}', first_name='Nodo')",
    )

    for port in (NODE1, NODE2):
        cluster.start(
            f"web-{port}",
            [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            PROMETHEUS_MULTIPROC_DIR=str(cluster.root / f"metrics-{port}"),
        )
    sequencers = [
        cluster.start(f"sequencer-{n}", [str(BIN / "python"), "manage.py", "run_sequencer", "--retry", "0.2"])
        for n in (1, 2)
    ]
    cluster.start(
        "worker",
        [
            str(BIN / "celery"),
            "--app",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "-O",
            "fair",
        ],
    )
    nginx_config = cluster.nginx_config()
    cluster.start(
        "nginx",
        [
            NGINX,
            "-p",
            str(cluster.root),
            "-c",
            str(nginx_config),
            "-e",
            str(cluster.root / "nginx-error.log"),
        ],
    )

    try:
        anonymous, _ = _opener()
        for port in (NODE1, NODE2):
            _wait_for(
                lambda p=port: _get(anonymous, f"http://127.0.0.1:{p}/health/ready/")[0] == 200,
                f"node {port}",
            )
        _wait_for(lambda: _get(anonymous, f"http://127.0.0.1:{PROXY}/health/")[0] == 200, "nginx")

        # Readiness through nginx, answered by both nodes in turn.
        upstreams = set()
        for _ in range(6):
            status, body, headers = _get(anonymous, f"http://127.0.0.1:{PROXY}/health/ready/")
            assert status == 200, body
            assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok", "migrations": "ok"}
            assert headers["X-Request-ID"]
            upstreams.add(headers["X-Upstream"])
        assert upstreams == {f"127.0.0.1:{NODE1}", f"127.0.0.1:{NODE2}"}

        # Sign in on node 1, continue on node 2 with the same cookie.
        browser, jar = _opener()
        _sign_in(browser, f"http://127.0.0.1:{NODE1}")
        assert any(cookie.name == "sessionid" for cookie in jar)
        status, html, _ = _get(browser, f"http://127.0.0.1:{NODE2}/organizzazioni/")
        assert (
            status == 200 and "/accedi/" not in browser.open(f"http://127.0.0.1:{NODE2}/organizzazioni/").url
        )
        assert "Nodo" in html and "Le mie organizzazioni" in html
        # …and through nginx, whichever node answers.
        for _ in range(4):
            status, html, _ = _get(browser, f"http://127.0.0.1:{PROXY}/organizzazioni/")
            assert status == 200 and "Nodo" in html

        # A task sent from an app process runs on the worker: an expired session disappears.
        lines = dict(
            line.split(" ", 1)
            for line in cluster.manage("shell", "-c", SEND_TASK).splitlines()
            if " " in line
        )
        expired_key = lines["session"]
        assert lines["broker"] == "broker ok"
        _wait_for(
            lambda: "state gone" in cluster.manage("shell", "-c", SESSION_GONE % expired_key),
            "the worker to run clear_expired_sessions",
        )
        worker_log = (cluster.root / "worker.log").read_text()
        assert "grants.ops.tasks.clear_expired_sessions" in worker_log

        # Submissions: the signed-in user through nginx, OTHERS applicants at once through both nodes.
        prepared = cluster.manage("shell", "-c", SETUP_SUBMISSIONS).split()
        main_application = int(prepared[prepared.index("main") + 1])
        others = [
            (int(prepared[i + 1]), prepared[i + 2]) for i, word in enumerate(prepared) if word == "other"
        ]
        assert len(others) == OTHERS
        csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        nodes = (f"http://127.0.0.1:{NODE1}", f"http://127.0.0.1:{NODE2}")
        other_csrf = uuid.uuid4().hex  # any 32-character secret, sent as cookie and header

        def submit_other(index_and_row):
            index, (application_id, session) = index_and_row
            base = nodes[index % 2]
            return (
                application_id,
                base,
                _submit(base, application_id, session, other_csrf, f"k-{application_id}"),
            )

        with ThreadPoolExecutor(max_workers=OTHERS + 1) as pool:
            mine = pool.submit(
                _submit, f"http://127.0.0.1:{PROXY}", main_application, "", csrf, "mine-1", browser
            )
            answers = list(pool.map(submit_other, enumerate(others)))
            status, body, headers = mine.result()
        assert status == 202, body
        assert headers["Idempotent-Replayed"] == "false" and headers["X-Upstream"]
        arrivals = {main_application: body["arrival"]["number"]}
        for application_id, base, (status, other_body, other_headers) in answers:
            assert status == 202, (base, other_body)
            assert other_body["status"] in {"received", "submitted"}
            assert other_headers["Idempotent-Replayed"] == "false"
            assert other_headers["Location"] == f"/api/v1/applications/{application_id}"
            arrivals[application_id] = other_body["arrival"]["number"]
        # The status resource has the number soon (the sequencer numbers in batches).
        status, body = _numbered(f"http://127.0.0.1:{PROXY}", main_application, browser)
        protocols = {main_application: body["protocol"]}
        for application_id, session in others:
            opener = urllib.request.build_opener()
            opener.addheaders = [("Cookie", f"sessionid={session}")]
            _status, other_body = _numbered(nodes[0], application_id, opener)
            assert other_body["booking_outcome"] == "booked"
            protocols[application_id] = other_body["protocol"]
        protocols = {pk: int(protocol.split("/")[1]) for pk, protocol in protocols.items()}
        # Unique, gapless and in arrival order across the two nodes; the database agrees with every answer.
        assert sorted(protocols.values()) == list(range(1, OTHERS + 2))
        assert sorted(protocols, key=protocols.get) == sorted(arrivals, key=arrivals.get)
        held = cluster.manage("shell", "-c", SUBMITTED).splitlines()
        rows = [line.split() for line in held]  # the shell may also print log lines: keep ours
        submitted = {int(r[1]): int(r[2]) for r in rows if len(r) == 3 and r[0] == "submitted"}
        assert submitted == protocols
        assert [r[2] for r in rows if len(r) == 3 and r[0] == "counter"] == [str(OTHERS + 1)]

        # The same click again, now through the other node: the same answer, marked as a replay.
        status, replay, headers = _submit(
            f"http://127.0.0.1:{NODE2}", main_application, "", csrf, "mine-1", browser
        )
        assert status == 202 and headers["Idempotent-Replayed"] == "true"
        assert replay["protocol"] == body["protocol"]

        # The leading sequencer dies: the other one takes over and numbers the next arrival.
        leader = _sequencer_leader(cluster, sequencers)
        os.killpg(leader.pid, signal.SIGKILL)
        late = cluster.manage("shell", "-c", SETUP_LATE).split()
        late_application, late_session = int(late[late.index("late") + 1]), late[late.index("late") + 2]
        status, late_body, _headers = _submit(nodes[1], late_application, late_session, other_csrf, "late-1")
        assert status == 202, late_body
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"sessionid={late_session}")]
        _status, late_status = _numbered(nodes[1], late_application, opener)
        assert late_status["protocol"].endswith(f"/{OTHERS + 2:07d}")

        # The receipts are made by the worker, one stored PDF per protocol number, in the shared MEDIA_ROOT.
        year = int(body["protocol"].split("/")[0])  # the status resource: "2026/0000001"
        receipts = [
            cluster.root / "media" / "receipts" / str(year) / f"{n:07d}.pdf" for n in protocols.values()
        ]
        _wait_for(lambda: all(path.exists() for path in receipts), "the worker to store every receipt", 180)
        assert all(path.read_bytes().startswith(b"%PDF") for path in receipts)
        worker_log = (cluster.root / "worker.log").read_text()
        assert worker_log.count("grants.applications.tasks.issue_receipt") >= len(receipts)
        status, pdf, headers = _get(
            browser, f"http://127.0.0.1:{PROXY}/api/v1/applications/{main_application}/receipt.pdf"
        )
        assert status == 200 and pdf.startswith("%PDF") and headers["Content-Type"] == "application/pdf"

        # Each node's /metrics adds up its two workers; the protocol counter is the same seen from both.
        submitted_on = {NODE1: 0, NODE2: 0}
        for _application_id, base, _answer in answers:
            submitted_on[int(base.rsplit(":", 1)[1])] += 1
        for port in (NODE1, NODE2):
            status, text, _ = _get(anonymous, f"http://127.0.0.1:{port}/metrics")
            assert status == 200, text[:300]
            # OTHERS + 1 in the crowd, and the late applicant numbered after the leader was killed.
            assert _metric(text, "wecare_protocol_numbers_taken_total", year=str(year)) == OTHERS + 2
            counted = _metric(text, "wecare_http_requests_total", method="POST", status="202")
            assert counted >= submitted_on[port], (port, counted)
        status, _text, _ = _get(anonymous, f"http://127.0.0.1:{PROXY}/metrics")
        assert status == 403  # through the proxy the caller is not on loopback (X-Forwarded-For)
    except AssertionError:
        print(cluster.logs())
        raise
