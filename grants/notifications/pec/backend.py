"""The PEC channel: Django's SMTP backend on its own connection to the PEC provider (implicit TLS on 465 by
default, or STARTTLS), configured by the ``PEC_*`` settings, never by ordinary mail's ``EMAIL_*``.

The provider's certificate is always verified (``PEC_EMAIL_SSL_CAFILE`` names a CA bundle when the provider's
chain is not in the system store). Without ``PEC_EMAIL_HOST`` the channel is off: ``is_configured()``.
"""

import ssl

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.functional import cached_property


def is_configured() -> bool:
    return bool(getattr(settings, "PEC_EMAIL_HOST", ""))


class PecEmailBackend(EmailBackend):
    def __init__(self, **kwargs):
        defaults = {
            "host": settings.PEC_EMAIL_HOST,
            "port": settings.PEC_EMAIL_PORT,
            "username": settings.PEC_EMAIL_HOST_USER,
            "password": settings.PEC_EMAIL_HOST_PASSWORD,
            "use_ssl": settings.PEC_EMAIL_USE_SSL,
            "use_tls": settings.PEC_EMAIL_USE_TLS,
            "timeout": settings.PEC_EMAIL_TIMEOUT,
        }
        defaults.update(kwargs)
        super().__init__(**defaults)

    @cached_property
    def ssl_context(self):
        context = ssl.create_default_context(cafile=settings.PEC_EMAIL_SSL_CAFILE or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


def pec_connection(**kwargs) -> PecEmailBackend:
    """A connection to the PEC provider (not opened until used)."""
    return PecEmailBackend(**kwargs)
