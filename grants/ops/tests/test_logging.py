"""JSON log lines with the request id, carried from a request into a Celery task."""

import json
import logging

import pytest
from django.test import override_settings

from config import celery as celery_module
from grants.core import requestcontext
from grants.core.logging import JsonFormatter
from grants.core.requestcontext import RequestIdLogFilter


def _record(message="hello %s", args=("world",), **extra):
    record = logging.LogRecord("grants.test", logging.WARNING, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_line_has_the_fields_and_extras():
    token = requestcontext.activate(requestcontext.RequestContext(request_id="abc123def456"))
    try:
        record = _record(application=42)
        RequestIdLogFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        requestcontext.deactivate(token)

    payload = json.loads(line)
    assert "\n" not in line
    assert payload["level"] == "WARNING"
    assert payload["logger"] == "grants.test"
    assert payload["message"] == "hello world"
    assert payload["request_id"] == "abc123def456"
    assert payload["application"] == 42
    assert payload["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_null_and_exceptions_are_kept():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = _record("failed", (), exc_info=sys.exc_info())
    payload = json.loads(JsonFormatter().format(record))

    assert payload["request_id"] is None
    assert "ValueError: boom" in payload["exception"]


def test_settings_select_the_formatter_from_log_format():
    from django.conf import settings

    assert settings.LOG_FORMAT in {"json", "text"}
    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT
    assert settings.LOGGING["formatters"]["json"]["()"] == "grants.core.logging.JsonFormatter"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="grants.ops.tests.urls")
def test_a_request_logs_with_its_request_id(client, caplog):
    handler_formatter = JsonFormatter()
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/pagina-che-non-esiste/", HTTP_X_REQUEST_ID="req-0123456789")

    assert response["X-Request-ID"] == "req-0123456789"
    lines = [json.loads(handler_formatter.format(r)) for r in caplog.records if r.name == "django.request"]
    assert lines and all(line["request_id"] == "req-0123456789" for line in lines)


def test_the_request_id_travels_in_task_headers_and_is_restored_in_the_worker():
    headers = {}
    token = requestcontext.activate(requestcontext.RequestContext(request_id="from-the-web-1"))
    try:
        celery_module._send_request_id(headers=headers)
    finally:
        requestcontext.deactivate(token)
    assert headers == {"request_id": "from-the-web-1"}

    class Request:  # what a worker sees: custom headers as attributes of task.request
        request_id = "from-the-web-1"

    class Task:
        request = Request()

    assert requestcontext.current().request_id == ""
    celery_module._receive_request_id(task_id="t-1", task=Task())
    assert requestcontext.current().request_id == "from-the-web-1"
    celery_module._forget_request_id(task_id="t-1")
    assert requestcontext.current().request_id == ""
