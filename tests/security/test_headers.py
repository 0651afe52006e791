"""Content-Security-Policy on every page, templates that need no inline script, production settings clean."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# Templates never served as web pages: rendered to PDF by WeasyPrint, where the CSP does not apply.
NOT_SERVED_AS_PAGES = {"applications/receipt.html", "transparency/ranking_pdf.html"}


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_pages_carry_the_content_security_policy(client):
    response = client.get("/accedi/")

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"][0] == "'self'"
    assert all(v.startswith("'sha256-") for v in policy["style-src"][1:])  # fixed vendor styles, by hash
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/programmes", "/health/"])
def test_json_answers_and_probes_may_load_and_be_framed_by_nothing(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert _policy(response) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


def test_the_api_documentation_keeps_the_policy_and_loads_only_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]
    html = response.content.decode()
    # django-ninja's Swagger page: scripts from files; its one inline <script> is JSON data, never executed.
    for tag in INLINE_SCRIPT.findall(html):
        assert 'type="application/json"' in tag, tag
    assert not EVENT_HANDLER.search(html)


def _templates():
    return sorted(p for p in TEMPLATES_DIR.rglob("*.html"))


def test_the_template_scan_finds_the_templates():
    assert len(_templates()) > 10


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES_DIR)))
def test_templates_have_no_inline_script_or_handlers(path):
    source = path.read_text(encoding="utf-8")
    name = str(path.relative_to(TEMPLATES_DIR))

    assert not INLINE_SCRIPT.findall(source), f"{name}: inline <script> (serve it as a file from static/)"
    assert not EVENT_HANDLER.search(source), f"{name}: on*= event handler attribute"
    assert not JAVASCRIPT_URL.search(source), f"{name}: javascript: URL"
    if name not in NOT_SERVED_AS_PAGES:
        assert not STYLE_ATTRIBUTE.search(source), f"{name}: style= attribute (use a CSS class)"
        assert not STYLE_ELEMENT.search(source), f"{name}: <style> element (use static/css)"


def test_the_scanner_catches_what_it_must():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/a.js"></script>')
    assert EVENT_HANDLER.search('<button class="b" onclick="go()">')
    assert not EVENT_HANDLER.search('<button class="b" data-once="1">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x" * 60 + "-deployment-check-only-7Qp2",
        "ALLOWED_HOSTS": "a.it",
        "PARTICIPANT_ID_HASH_KEY": "deployment-check-only-participant-key",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest.py for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
