"""In a real browser (Debian Chromium): no Content-Security-Policy violation on the pages and the API docs."""

import pytest

from grants.transparency.tests.sample import build_sample
from tests.e2e.test_public_pages import browser, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def sample(transactional_db, settings):
    settings.DEFAULT_PROGRAMME_CODE = "wecare"
    return build_sample()


def test_pages_and_the_swagger_docs_run_under_the_policy(page, live_server, sample):  # noqa: F811
    page.add_init_script(COLLECT_VIOLATIONS)
    for path in ("/", "/bandi/", "/accedi/", "/api/v1/docs"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path

    # Swagger UI really rendered the operations from its JSON settings (scripts from files only).
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() > 5
    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in page.js_errors if "Content Security Policy" in e]
