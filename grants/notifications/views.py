"""Pages of the notifications context: my notifications, the header's unread count, my e-mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import selectors, services
from .events import EVENTS
from .forms import PreferencesForm
from .models import Notification

PAGE_SIZE = 20
UNREAD_FILTER = "non-lette"


def _own_notification(request, pk: int) -> Notification:
    try:
        return selectors.notification_for(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None


def _back_to_list(request):
    """The list page the form came from (same filter and page), or the list itself."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("notifications:list")


@never_cache
@login_required
def notification_list(request):
    unread_only = request.GET.get("stato") == UNREAD_FILTER
    page = Paginator(selectors.notifications_for(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_filter": UNREAD_FILTER,
            "unread_total": selectors.unread_count(request.user),
        },
    )


@never_cache
@login_required
def notification_open(request, pk: int):
    """Follow the notification's link, marking it read on the way (no link: back to the list)."""
    notification = services.mark_read(user=request.user, notification=_own_notification(request, pk))
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_mark_read(request, pk: int):
    notification = _own_notification(request, pk)
    if request.POST.get("letta", "1") == "0":
        services.mark_unread(user=request.user, notification=notification)
    else:
        services.mark_read(user=request.user, notification=notification)
    if request.headers.get("HX-Request"):
        response = render(request, "notifications/_item.html", {"notification": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return _back_to_list(request)


@require_POST
@login_required
def notification_mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notifica segnata come letta.", "%(count)d notifiche segnate come lette.", count)
        % {"count": count}
        if count
        else _("Non c'erano notifiche da leggere."),
    )
    return _back_to_list(request)


@never_cache
def unread_badge(request):
    """The header's link with the unread count (htmx refreshes it).

    Signed out meanwhile (session expired): htmx gets 204 and keeps the header as it is, rather than
    swapping the sign-in page into it.
    """
    if not request.user.is_authenticated:
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204)
        return redirect_to_login(request.get_full_path())
    return render(
        request, "notifications/_header_link.html", {"unread": selectors.unread_count(request.user)}
    )


@never_cache
@login_required
def preferences(request):
    current = selectors.email_preferences(request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(user=request.user, email_by_event=form.email_by_event())
        messages.success(request, _("Preferenze salvate."))
        return redirect("notifications:preferences")
    rows = [(form[event], info) for event, info in EVENTS.items()]
    return render(request, "notifications/preferences.html", {"form": form, "rows": rows})
