"""The COR of the project's aid in the RNA: the registry's answer is kept on the project (shown on its page,
in the agreement and in the open data). The exchange with the RNA itself is finance's (grants.finance.rna):
it calls this when the register answers or an officer types the COR received."""

import re
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.registry.models import DeMinimisAid

from .. import permissions
from ..models import Project
from .common import _field_error, _lock, _require

COR_PATTERN = re.compile(r"^\d{1,20}$")


@transaction.atomic
def record_rna_cor(*, actor, project: Project, cor: str, registered_on: date) -> Project:
    """Keep the COR (Codice Identificativo Concessione RNA) of the project's registered aid."""
    _require(
        permissions.can_manage_projects(actor, project.call_id),
        _("Non sei abilitato a gestire le registrazioni RNA di questo progetto."),
    )
    code = (cor or "").strip()
    if not COR_PATTERN.match(code):
        raise _field_error("cor_invalid", "cor", _("Il codice COR è numerico (fino a 20 cifre)."))
    project = _lock(project)
    if project.rna_cor == code and project.rna_registered_on == registered_on:
        return project
    project.rna_cor = code
    project.rna_registered_on = registered_on
    if project.de_minimis_aid_id:  # the lead's concession in the de minimis register: the visura's COR
        DeMinimisAid.objects.filter(pk=project.de_minimis_aid_id).update(rna_cor=code)
    return save_audited(
        project, actor=actor, reason="Codice COR dell'RNA registrato", action="project.rna_cor"
    )
