"""Pages of the projects context: the beneficiary's projects and project page (agreement, start, requests for
changes, renunciation); for officers, the list of projects with filters and XLSX export, the project page with
the decisions (CUP, requests, suspension, revocation, conclusion) and the creation of missing projects.

Thin: forms collect the data, ``services`` decide (field-level errors next to the field, state conflicts as
a message), ``selectors`` read. Another organisation's project answers 404, like one that does not exist.
"""

from .beneficiary import (
    communicate_start,
    mark_milestone_achieved,
    project_detail,
    project_list,
    renounce,
    request_extension,
    request_partner_change,
    request_variation,
    upload_agreement,
)
from .decisions import assign_cup, conclude, decide_change, revoke, suspend_or_resume
from .documents import agreement_pdf, signed_agreement
from .officers import create_missing_project, officer_project_export, officer_project_list

__all__ = [
    "agreement_pdf",
    "assign_cup",
    "communicate_start",
    "conclude",
    "create_missing_project",
    "decide_change",
    "mark_milestone_achieved",
    "officer_project_export",
    "officer_project_list",
    "project_detail",
    "project_list",
    "renounce",
    "request_extension",
    "request_partner_change",
    "request_variation",
    "revoke",
    "signed_agreement",
    "suspend_or_resume",
    "upload_agreement",
]
