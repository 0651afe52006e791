"""The signed-in person's own data, downloaded from their profile page (GDPR art. 15 and 20)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from grants.applications.personal_data import archive_filename, personal_data_archive


@never_cache
@require_POST
@login_required
def personal_data_download(request):
    """A ZIP with the person's data as JSON (POST: the download is recorded in the audit trail)."""
    response = HttpResponse(personal_data_archive(user=request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive_filename()}"'
    return response
