"""A person's own data (GDPR art. 15 and 20): what the platform holds about them, as JSON in a ZIP.

Lives in the applications app because it gathers from every context up to here (accounts, registry,
notifications, applications, the audit trail); the profile page (grants.ops) and the API (grants.api) both
call ``personal_data_archive``. Secrets are never included: password hash, token hashes, TOTP secrets and
recovery codes stay out; tokens and authenticators are listed by name and date only.
"""

import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from grants.accounts.models import PersonalAccessToken
from grants.core.audit import record_event
from grants.core.models import AuditEvent
from grants.core.timeutils import now
from grants.notifications.models import Notification, NotificationPreference
from grants.registry.models import Membership

from .models import Application

ARCHIVE_NAME = "dati-personali.json"
README = """Dati personali trattati dalla piattaforma WECARE – Regione Piemonte

Il file dati-personali.json contiene, in formato JSON (leggibile da qualsiasi programma):
- account: i dati del tuo account (nome, cognome, e-mail, codice fiscale, date di accesso, ruoli);
- api_tokens, authenticators: i token API e i secondi fattori, solo nome e date (mai i segreti);
- memberships: le organizzazioni per cui sei o sei stato abilitato ad agire;
- notifications, notification_preferences: le notifiche ricevute e le tue preferenze e-mail;
- audit_events: le operazioni che hai compiuto, come registrate dal registro delle operazioni;
- applications: le domande di cui hai creato la bozza.

Per esercitare gli altri diritti (rettifica, cancellazione, limitazione, opposizione) consulta
l'informativa privacy alla pagina /privacy/ della piattaforma.
"""


def _account(user) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "fiscal_code": user.fiscal_code,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "staff_roles": sorted(user.groups.values_list("name", flat=True)),
    }


def _tokens(user) -> list[dict]:
    return list(
        PersonalAccessToken.objects.filter(user=user)
        .order_by("created_at")
        .values("name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at")
    )


def _authenticators(user) -> list[dict]:
    from allauth.mfa.models import Authenticator

    return list(
        Authenticator.objects.filter(user=user)
        .order_by("created_at")
        .values("type", "created_at", "last_used_at")
    )


def _memberships(user) -> list[dict]:
    return [
        {
            "organisation": m.organisation.name,
            "organisation_fiscal_code": m.organisation.fiscal_code,
            "role": m.role,
            "granted_by": m.granted_by.email if m.granted_by_id else None,
            "since": m.created_at,
            "revoked_at": m.revoked_at,
        }
        for m in Membership.objects.filter(user=user)
        .select_related("organisation", "granted_by")
        .order_by("pk")
    ]


def _notifications(user) -> list[dict]:
    return list(
        Notification.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("event", "subject", "body", "link", "created_at", "read_at", "email_sent_at")
    )


def _audit_events(user) -> list[dict]:
    return [
        {
            "timestamp": e.timestamp,
            "action": e.action,
            "organisation": e.organisation_name,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object": e.object_repr,
            "before": e.before,
            "after": e.after,
            "reason": e.reason,
            "ip_address": e.ip_address,
            "user_agent": e.user_agent,
        }
        for e in AuditEvent.objects.filter(actor_id=user.pk)
        .select_related("content_type")
        .order_by("timestamp", "pk")
    ]


def _applications(user) -> list[dict]:
    return [
        {
            "id": a.pk,
            "call": a.call.code,
            "call_title": a.call.title,
            "organisation": a.applicant.name,
            "title": a.title,
            "abstract": a.abstract,
            "status": a.status,
            "protocol": a.protocol,
            "created_at": a.created_at,
            "submitted_at": a.submitted_at,
        }
        for a in Application.objects.filter(created_by=user)
        .select_related("call", "applicant")
        .order_by("pk")
    ]


def personal_data(user) -> dict[str, Any]:
    """Everything the platform holds about ``user`` that is theirs to receive, section by section."""
    return {
        "generated_at": now(),
        "account": _account(user),
        "api_tokens": _tokens(user),
        "authenticators": _authenticators(user),
        "memberships": _memberships(user),
        "notifications": _notifications(user),
        "notification_preferences": list(
            NotificationPreference.objects.filter(user=user).order_by("event").values("event", "email")
        ),
        "audit_events": _audit_events(user),
        "applications": _applications(user),
    }


def personal_data_archive(*, user) -> bytes:
    """The ZIP the person downloads (JSON + a README in Italian); the download itself is audited."""
    payload = json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_NAME, payload)
        archive.writestr("LEGGIMI.txt", README)
    record_event(actor=user, action="personal_data.exported", obj=user, reason="Download dei propri dati")
    return buffer.getvalue()


def archive_filename() -> str:
    return f"wecare-dati-personali-{now():%Y%m%d}.zip"
