"""The sportello valutativo (first-come calls) for officers: the first-come calls one works on (menu), the
queue of a call's booked applications in protocol order (filters, CSV) and the grant decision
(determinazione) with a confirmation step before the irreversible act. Rules in services.desk and
grants.evaluation.desk, reads in grants.evaluation.queue."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grants.core.errors import DomainError
from grants.core.forms import refusal_to_form
from grants.programme.models import AidInstrument, CallMode

from .. import permissions, queue, services
from ..forms import GrantDecisionForm
from .common import call_or_404, forbidden, show_refusal


def _desk_call(request, code: str):
    if not permissions.can_view_evaluation(request.user):
        return None
    call = call_or_404(code, request.user)
    if call.mode != CallMode.FIRST_COME:
        raise Http404(_("Il bando non è a sportello."))
    return call


def _filters(request) -> tuple[str, bool]:
    step = request.GET.get("stato", "")
    return (step if step in queue.STEPS else ""), request.GET.get("ritardo") == "1"


@login_required
@require_GET
def desk_calls(request):
    """Sportello: the first-come calls the officer works on, with their booked and waiting applications."""
    if not permissions.can_view_evaluation(request.user):
        return forbidden(request)
    calls = [
        {"call": call, "booked": queue.booked(call).count(), "waiting": queue.waiting_count(call)}
        for call in queue.first_come_calls(request.user).select_related("measure")
    ]
    return render(request, "evaluation/desk_calls.html", {"calls": calls})


@login_required
@require_GET
def desk_queue(request, code: str):
    call = _desk_call(request, code)
    if call is None:
        return forbidden(request)
    step, overdue_only = _filters(request)
    return render(
        request,
        "evaluation/desk_queue.html",
        {
            "call": call,
            "rows": queue.queue_rows(call, step=step, overdue_only=overdue_only),
            "steps": [(key, label) for key, (label, _states) in queue.STEPS.items()],
            "step": step,
            "overdue_only": overdue_only,
            "waiting": queue.waiting_count(call),
            "decisions": queue.decisions(call),
            "can_decide": permissions.can_decide_grants(request.user, call),
            "can_check": permissions.can_check_admissibility(request.user, call),
        },
    )


CSV_HEADER = [
    "Protocollo",
    "Proponente",
    "Titolo",
    "Stato",
    "Inviata il",
    "Giorni trascorsi",
    "Giorni per decidere",
    "Giorni di ritardo",
    "Importo prenotato",
    "Punteggio",
    "Agevolazione concessa",
    "Determinazione",
    "In attesa di",
    "Preavviso di rigetto",
]


@login_required
@require_GET
def desk_queue_csv(request, code: str):
    """The queue with the page's filters (same query string), for a spreadsheet (semicolons, BOM)."""
    call = _desk_call(request, code)
    if call is None:
        return forbidden(request)
    step, overdue_only = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sportello-{call.code}.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in queue.queue_rows(call, step=step, overdue_only=overdue_only):
        application = row.application
        writer.writerow(
            [
                application.protocol,
                application.applicant.name,
                application.title,
                application.get_status_display(),
                application.submitted_at.strftime("%d/%m/%Y") if application.submitted_at else "",
                row.days,
                call.decision_days,
                row.overdue_days if row.overdue else 0,
                f"{application.booked_amount:.2f}".replace(".", ","),
                "" if row.score is None else f"{row.score:.2f}".replace(".", ","),
                "" if row.granted is None else f"{row.granted:.2f}".replace(".", ","),
                row.decision,
                ", ".join(row.blocked_by),
                row.rejection_label,
            ]
        )
    return response


def _items(request, form) -> list[dict]:
    """Each decidable row with what its inputs show: as posted, else ticked when named by ``?domanda=``
    and the whole booked amount."""
    items = []
    for row in form.rows:
        pk = row.application.pk
        if form.is_bound:
            checked = bool(form.data.get(f"include_{pk}"))
            amount = form.data.get(f"amount_{pk}", "")
            loan = form.data.get(f"loan_{pk}", "")
        else:
            checked = request.GET.get("domanda") == str(pk)
            amount, loan = str(row.application.booked_amount), "0"
        items.append({"row": row, "checked": checked, "amount": amount, "loan": loan})
    return items


def _decision_page(request, call, form, *, confirming=False, status=200):
    return render(
        request,
        "evaluation/desk_decision.html",
        {
            "call": call,
            "form": form,
            "rows": form.rows,
            "mixed": call.aid_instrument == AidInstrument.MIXED,
            "loan_only": call.aid_instrument == AidInstrument.LOAN,
            "confirming": confirming,
            "selected": form.selected() if confirming else [],
            "items": _items(request, form),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_decision(request, code: str):
    """GET: the form (``?domanda=<id>`` ticks one application). POST: first the confirmation page with what
    will be funded; POST with ``confirm``: the determination is recorded (irreversible)."""
    if not permissions.can_decide_grants(request.user):
        return forbidden(request)
    call = _desk_call(request, code)
    if call is None:
        return forbidden(request)
    rows = queue.decidable(call)
    if request.method == "GET":
        return _decision_page(request, call, GrantDecisionForm(rows=rows))
    form = GrantDecisionForm(request.POST, rows=rows)
    if not form.is_valid():
        show_refusal(request, form)
        return _decision_page(request, call, form, status=422)
    if not form.cleaned_data["confirm"]:
        return _decision_page(request, call, form, confirming=True)
    try:
        decision = services.decide_grants(
            actor=request.user,
            call=call,
            determination_number=form.cleaned_data["determination_number"],
            determination_date=form.cleaned_data["determination_date"],
            grants=form.cleaned_data["grants"],
        )
    except (DomainError, PermissionDenied) as exc:
        refusal_to_form(form, exc)
        if isinstance(exc, DomainError):
            messages.error(request, exc.message)
            for error in exc.errors:
                messages.error(request, error["message"])
        else:
            messages.error(request, str(exc))
        return _decision_page(request, call, form, status=422)
    messages.success(
        request,
        _("Determinazione n. %(n)s registrata: %(k)d domande finanziate, progetti creati.")
        % {"n": decision.number, "k": decision.grants.count()},
    )
    return redirect("evaluation:desk_queue", code=call.code)
