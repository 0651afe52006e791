"""The caller's own personal data (GDPR art. 15 and 20), as the profile page offers it: a ZIP of JSON."""

from django.http import HttpResponse
from ninja import Router

from grants.applications.personal_data import archive_filename, personal_data_archive

from .auth import API_AUTH

router = Router(tags=["privacy"], auth=API_AUTH)


@router.get(
    "/me/personal-data",
    summary="Scarica i miei dati personali (ZIP con JSON)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Archivio ZIP con dati-personali.json e LEGGIMI.txt",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_personal_data(request):
    """Account, abilitazioni, notifiche, operazioni registrate a proprio nome, domande create. Il download è
    registrato nel registro delle operazioni."""
    response = HttpResponse(personal_data_archive(user=request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive_filename()}"'
    return response
