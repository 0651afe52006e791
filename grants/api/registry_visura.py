"""Import of the RNA de minimis visura (multipart), on the registry's router (attached by ``registry``)."""

from ninja import File, Schema, Status
from ninja.files import UploadedFile

from grants.registry import services

from .problems import Problem
from .registry import DeMinimisAidOut, _visible, router, service_errors

MAX_VISURA_BYTES = 5 * 1024 * 1024


class VisuraImportOut(Schema):
    created: list[DeMinimisAidOut]
    unchanged_cors: list[str]
    other_beneficiaries: list[str]


@router.post(
    "/organisations/{organisation_id}/de-minimis/visura",
    response={200: VisuraImportOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Importa la visura de minimis del Registro Nazionale Aiuti (CSV o XML)",
)
@service_errors
def import_de_minimis_visura(request, organisation_id: int, file: File[UploadedFile]):
    """Il file della visura de minimis restituito dall'RNA: ogni concessione (COR) si registra una volta,
    un nuovo import della stessa visura non cambia nulla; un file malformato non registra nulla (422)."""
    organisation = _visible(request, organisation_id)
    content = file.read(MAX_VISURA_BYTES + 1)
    result = services.import_de_minimis_visura(actor=request.user, organisation=organisation, content=content)
    return Status(
        200,
        {
            "created": result.created,
            "unchanged_cors": result.unchanged,
            "other_beneficiaries": result.other_beneficiaries,
        },
    )
