"""The e-mail of a notification: plain text in Italian, the link made absolute with ``SITE_URL``."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from . import attachments
from .models import ExternalEmail, Notification

SUBJECT_PREFIX = "[WECARE] "


def absolute_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}" if path else ""


def build_email(notification: Notification) -> EmailMessage:
    context = {
        "notification": notification,
        "link": absolute_url(notification.link),
        "list_url": absolute_url(reverse("notifications:list")),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    message = EmailMessage(
        subject=f"{SUBJECT_PREFIX}{notification.subject}".replace("\n", " ")[:255],
        body=render_to_string("notifications/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
    )
    for attached in attachments.resolve(notification.attachments or []):
        message.attach(attached.filename, attached.content, attached.mimetype)
    return message


def build_external_email(email: ExternalEmail) -> EmailMessage:
    """The e-mail to an address that is no user's: its text as written by the caller, our signature."""
    return EmailMessage(
        subject=f"{SUBJECT_PREFIX}{email.subject}".replace("\n", " ")[:255],
        body=render_to_string("notifications/external_email.txt", {"email": email}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
