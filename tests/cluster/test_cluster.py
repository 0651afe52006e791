"""Scale-out: two gunicorn nodes behind nginx, one PostgreSQL database, Redis as broker, one Celery worker.

A user signs in on node 1 and is still signed in on node 2 (sessions in the database); /health/ready/ answers
through nginx from both nodes; a task sent by a node is executed by the worker. Run with ``make test-cluster``
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
DEADLINE_SECONDS = 60
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
            "PYTHONUNBUFFERED": "1",
        }

    # -- processes
    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("wb")
        process = subprocess.Popen(
            args, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
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


def _get(opener, url: str):
    try:
        response = opener.open(url, timeout=10)
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


def test_two_nodes_behind_nginx_share_sessions_and_the_broker(cluster):
    cluster.manage("migrate", "--noinput")
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
        )
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
    except AssertionError:
        print(cluster.logs())
        raise
