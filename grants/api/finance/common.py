"""What the finance endpoints find before calling a service: 404 when the caller may not read it."""

from django.http import Http404

from grants.finance import permissions
from grants.finance.models import (
    ExpenseClaim,
    ExpenseItem,
)
from grants.projects.models import Project


def project_for(request, project_id: int) -> Project:
    project = Project.objects.select_related("call", "beneficiary").filter(pk=project_id).first()
    if project is None or not permissions.can_read_project_finance(request.auth, project):
        raise Http404
    return project


def claim_for(request, claim_id: int) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_related("project", "project__call").filter(pk=claim_id).first()
    if claim is None or not permissions.can_read_claim(request.auth, claim):
        raise Http404
    return claim


def item_for(request, item_id: int) -> ExpenseItem:
    item = (
        ExpenseItem.objects.select_related("claim", "claim__project", "category").filter(pk=item_id).first()
    )
    if item is None or not permissions.can_read_claim(request.auth, item.claim):
        raise Http404
    return item


def readable(model, request, pk: int, project_of):
    obj = model.objects.filter(pk=pk).first()
    if obj is None or not permissions.can_read_project_finance(request.auth, project_of(obj)):
        raise Http404
    return obj
