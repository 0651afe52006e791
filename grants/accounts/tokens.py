"""Personal access tokens for the API: created and revoked by their owner, on the page /profilo/token/.

A token reads ``wcr_<prefix>_<secret>``: the prefix (public) identifies it in lists, the whole string is
hashed (SHA-256) and only the hash is stored, so the token is shown once at creation and never again.

Rules, in one place:

- ``read`` tokens may only read (GET, HEAD, OPTIONS); ``write`` tokens may also write;
- every token expires (default :data:`DEFAULT_LIFETIME_DAYS` days, at most :data:`MAX_LIFETIME_DAYS`);
- the Region's staff may hold tokens only with a TOTP authenticator active (grants/accounts/mfa.py): a
  token must not bypass the second factor their session needs; a staff token stops working if the
  authenticator is removed;
- a revoked or expired token, or one of an inactive account, authenticates nobody.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from grants.core.audit import save_audited

from . import mfa
from .models import PersonalAccessToken, TokenScope

TOKEN_PREFIX = "wcr_"  # noqa: S105 - a public marker, not a secret
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
# last_used_at is refreshed at most this often, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: PersonalAccessToken
    secret: str  # the full token string: show it once, never store it


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def can_hold_tokens(user) -> bool:
    """Staff need an active TOTP authenticator; everyone else may hold tokens."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return not mfa.is_staff_account(user) or mfa.has_totp(user)


def create_token(
    *, actor, name: str, scope: str = TokenScope.READ, expires_at: datetime | None = None
) -> IssuedToken:
    """A new token for ``actor`` (tokens are always one's own). Raises ValidationError or PermissionDenied."""
    if not can_hold_tokens(actor):
        raise PermissionDenied(
            _("Il personale della Regione può creare token solo con l'autenticazione a due fattori attiva.")
        )
    name = (name or "").strip()
    now = timezone.now()
    errors = {}
    if not name:
        errors["name"] = _("Indica un nome per riconoscere il token.")
    if scope not in TokenScope.values:
        errors["scope"] = _("Ambito non valido.")
    if expires_at is None:
        expires_at = now + timedelta(days=DEFAULT_LIFETIME_DAYS)
    if expires_at <= now:
        errors["expires_at"] = _("La scadenza deve essere futura.")
    elif expires_at > now + timedelta(days=MAX_LIFETIME_DAYS):
        errors["expires_at"] = _("La scadenza può essere al massimo tra %(days)d giorni.") % {
            "days": MAX_LIFETIME_DAYS
        }
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken(
        user=actor,
        name=name[:100],
        prefix=prefix,
        token_hash=hash_token(raw),
        scope=scope,
        expires_at=expires_at,
    )
    save_audited(token, actor=actor, action="token.created")
    return IssuedToken(token=token, secret=raw)


def revoke_token(*, actor, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke one of ``actor``'s tokens (immediate effect; revoking twice changes nothing)."""
    if token.user_id != actor.pk:
        raise PermissionDenied(_("Puoi revocare solo i tuoi token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_audited(token, actor=actor, action="token.revoked")
    return token


def tokens_of(user):
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at")


def authenticate_token(raw: str) -> PersonalAccessToken | None:
    """The active token for the string ``raw`` (its user loaded), or None: unknown, revoked, expired, the
    account inactive, or a staff account that no longer has its second factor."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = PersonalAccessToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.is_active() or not can_hold_tokens(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- the page /profilo/token/ -------------------------------------------------------------------------------
class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nome"),
        max_length=100,
        help_text=gettext_lazy("Per riconoscerlo, es. «Gestionale della cooperativa»."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Ambito"), choices=TokenScope.choices, initial=TokenScope.READ
    )
    lifetime_days = forms.TypedChoiceField(
        label=gettext_lazy("Durata"),
        coerce=int,
        initial=DEFAULT_LIFETIME_DAYS,
        choices=[
            (30, gettext_lazy("30 giorni")),
            (90, gettext_lazy("90 giorni")),
            (180, gettext_lazy("180 giorni")),
            (365, gettext_lazy("1 anno")),
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request):
    issued = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                issued = create_token(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=timezone.now() + timedelta(days=form.cleaned_data["lifetime_days"]),
                )
        except ValidationError as exc:
            for field, field_errors in exc.message_dict.items():
                for error in field_errors:
                    form.add_error(field if field in form.fields else None, error)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": tokens_of(request.user),
            "can_hold_tokens": can_hold_tokens(request.user),
            "now": timezone.now(),
        },
    )
    # The page may show a secret: never cache it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def revoke_token_view(request):
    """POST ``token``: the id of one of the user's own tokens (another user's answers 404)."""
    token_id = request.POST.get("token", "")
    if not token_id.isdigit():
        raise Http404
    token = get_object_or_404(PersonalAccessToken, pk=int(token_id), user=request.user)
    revoke_token(actor=request.user, token=token)
    messages.success(request, _("Il token «%(name)s» è stato revocato.") % {"name": token.name})
    return redirect("accounts:tokens")
