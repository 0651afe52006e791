"""Optional error reporting to Sentry: only when SENTRY_DSN is set and sentry-sdk is installed.

Enable with ``uv add "sentry-sdk[django,celery]"`` (not a dependency of the project) and SENTRY_DSN in the
environment; SENTRY_ENVIRONMENT and SENTRY_TRACES_SAMPLE_RATE are optional.
"""

import importlib
import logging
import os

logger = logging.getLogger(__name__)


def init_sentry() -> bool:
    dsn = os.environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    try:
        sentry_sdk = importlib.import_module("sentry_sdk")
    except ImportError:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed: errors are only logged")
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=os.environ.get("SENTRY_ENVIRONMENT", os.environ.get("DJANGO_ENV", "development")),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
    return True
