import sys
import types

from grants.ops.sentry import init_sentry


def test_without_dsn_nothing_happens(monkeypatch):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    assert init_sentry() is False


def test_dsn_without_the_package_is_only_a_warning(monkeypatch, caplog):
    monkeypatch.setenv("SENTRY_DSN", "https://key@sentry.example/1")
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # import fails

    assert init_sentry() is False
    assert "sentry-sdk is not installed" in caplog.text


def test_dsn_with_the_package_initialises_it(monkeypatch):
    calls = []
    fake = types.ModuleType("sentry_sdk")
    fake.init = lambda **kwargs: calls.append(kwargs)
    monkeypatch.setitem(sys.modules, "sentry_sdk", fake)
    monkeypatch.setenv("SENTRY_DSN", "https://key@sentry.example/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")

    assert init_sentry() is True
    assert calls == [
        {
            "dsn": "https://key@sentry.example/1",
            "environment": "staging",
            "traces_sample_rate": 0.0,
            "send_default_pii": False,
        }
    ]
