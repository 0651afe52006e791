"""/profilo/: the signed-in person's account, what they can do with it, and their personal data."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import mfa
from .models import StaffRole


@never_cache
@login_required
def profile_page(request):
    user = request.user
    labels = dict(StaffRole.choices)
    roles = [labels.get(name, name) for name in user.groups.order_by("name").values_list("name", flat=True)]
    return render(
        request,
        "accounts/profile.html",
        {"roles": roles, "is_staff_account": mfa.is_staff_account(user), "has_totp": mfa.has_totp(user)},
    )
