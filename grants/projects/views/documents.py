"""The project's documents: the agreement to sign and the signed one."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from grants.core.audit import record_event

from ..agreement import agreement_filename, render_agreement_pdf
from .common import _project_or_404


# --- documents ----------------------------------------------------------------------------------------------
@login_required
def agreement_pdf(request, pk: int):
    """The agreement to sign, generated now from the project (beneficiary's members and staff readers)."""
    project = _project_or_404(request.user, pk)
    pdf = render_agreement_pdf(project)
    record_event(actor=request.user, action="project.agreement_downloaded", obj=project, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement_filename(project)}"'
    return response


@login_required
def signed_agreement(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not project.signed_agreement:
        raise Http404(_("L'atto firmato non è ancora stato caricato."))
    record_event(
        actor=request.user, action="project.signed_agreement_downloaded", obj=project, request=request
    )
    return FileResponse(
        project.signed_agreement.open("rb"),
        as_attachment=True,
        filename=project.signed_agreement_name or "atto-firmato.pdf",
        content_type="application/pkcs7-mime"
        if project.signed_agreement_signature_format == "CAdES"
        else "application/pdf",
    )
