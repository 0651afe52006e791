"""Notices to the beneficiary and the de minimis register, kept in step with the project's grant."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur
from grants.core.timeutils import format_rome, in_rome
from grants.evaluation.models import DecisionGrant
from grants.notifications import events
from grants.notifications.pec import texts
from grants.notifications.pec.models import PecKind, PecNotice
from grants.notifications.pec.services import issue_notice
from grants.notifications.services import notify
from grants.programme.models import AidInstrument, StateAidRegime
from grants.registry import services as registry_services
from grants.registry.deminimis import split_by_shares
from grants.registry.models import DeMinimisAid, DeMinimisSource

from .. import permissions
from ..de_minimis import company_shares, grant_aid
from ..models import Project
from .common import ProjectError, WrongState


# --- notifications and the de minimis register --------------------------------------------------------------
def _notify(*, actor, project: Project, event: str, subject: str, body: str) -> None:
    notify(
        event=event,
        subject=subject,
        body=body,
        organisation=project.beneficiary,
        link=reverse("projects:project_detail", args=[project.pk]),
        target=project,
        actor=actor,
    )


def _decision_notice(*, actor, project: Project, subject: str, body: str) -> None:
    _notify(actor=actor, project=project, event=events.PROJECT_DECISION, subject=subject, body=body)


def revocation_notice(
    *, actor, project: Project, previous: Decimal, new_grant: Decimal, reason: str
) -> PecNotice:
    """The formal notice of a revocation by PEC to the beneficiary, in the revocation's transaction."""
    application = project.application
    total = new_grant == 0
    body = texts.compose(
        texts.heading(
            organisation_name=project.beneficiary.name,
            call_title=project.call.title,
            protocol=application.protocol,
        ),
        _("Oggetto: %(act)s del contributo concesso per il progetto «%(title)s»%(cup)s.")
        % {
            "act": _("revoca totale") if total else _("revoca parziale"),
            "title": project.title,
            "cup": (_(", CUP %(cup)s") % {"cup": project.cup}) if project.cup else "",
        },
        (
            _("Con il presente provvedimento il contributo di %(previous)s è revocato per intero.")
            if total
            else _("Con il presente provvedimento il contributo è ridotto da %(previous)s a %(new)s.")
        )
        % {"previous": format_eur(previous), "new": format_eur(new_grant)},
        _("Motivazione: %(reason)s") % {"reason": reason},
        _(
            "Le somme eventualmente già erogate e non più dovute saranno richieste con separato atto di "
            "recupero, che indicherà importo e termine per la restituzione."
        ),
        texts.remedies(),
        texts.signature(),
    )
    return issue_notice(
        actor=actor,
        kind=PecKind.REVOCATION,
        recipient=project.beneficiary.pec,
        organisation=project.beneficiary,
        subject=_("Revoca del contributo – domanda %(p)s – %(call)s")
        % {"p": application.protocol, "call": project.call.title},
        body=body,
        call=project.call,
        target=project,
        term_days=texts.APPEAL_DAYS_TAR,
    )


def _is_de_minimis(project: Project) -> bool:
    return project.call.state_aid_regime == StateAidRegime.DE_MINIMIS


def _loan_part(project: Project) -> Decimal:
    """The loan part of a mixed grant, as decided (the desk's determinazione)."""
    if project.call.aid_instrument != AidInstrument.MIXED:
        return ZERO
    decided = DecisionGrant.objects.filter(application_id=project.application_id).order_by("-pk").first()
    return decided.loan_amount if decided is not None else ZERO


def _record_de_minimis(project: Project) -> None:
    """The grant of a de minimis call enters the register on acceptance, at the day of acceptance, in the
    name of the staff member who granted it (the register is kept by the Region's staff): each company of the
    partnership for its share (grants.projects.de_minimis), the lead's concession linked to the project.
    A loan's part is left to the loan, which records its gross grant equivalent. Nothing is recorded unless
    every share fits the company's headroom (the acceptance's transaction is undone)."""
    if not _is_de_minimis(project) or project.de_minimis_aid_id:
        return
    if project.granted_by is None:
        raise WrongState(
            _(
                "Il contributo è un aiuto de minimis ma il progetto non indica chi lo ha concesso: "
                "contatta la Regione per completare la concessione."
            ),
            code="de_minimis_grantor_missing",
        )
    amount = grant_aid(project, loan_amount=_loan_part(project))
    for organisation, part, is_lead in company_shares(project, amount):
        try:
            aid = registry_services.record_de_minimis_concession(
                actor=project.granted_by,
                organisation=organisation,
                amount=part,
                granted_on=in_rome(project.accepted_at).date(),
                granting_body=project.call.measure.programme.region.name,
                legal_basis=project.call.legal_reference or str(project.call),
                source_reference=f"project:{project.pk}"
                if is_lead
                else f"project:{project.pk}:{organisation.pk}",
            )
        except ValidationError as exc:
            message = _("%(name)s: %(reason)s") % {
                "name": organisation.name,
                "reason": " ".join(exc.messages),
            }
            raise ProjectError(message, code="de_minimis_ceiling") from exc
        if is_lead:
            project.de_minimis_aid = aid
            project.save(update_fields=["de_minimis_aid", "updated_at"])
            if project.rna_cor:  # registered in the RNA before the acceptance
                DeMinimisAid.objects.filter(pk=aid.pk).update(rna_cor=project.rna_cor)


def _project_concessions(project: Project) -> list[DeMinimisAid]:
    return list(
        DeMinimisAid.objects.select_for_update()
        .filter(source=DeMinimisSource.PLATFORM)
        .filter(
            Q(source_reference=f"project:{project.pk}")
            | Q(source_reference__startswith=f"project:{project.pk}:")
        )
        .order_by("pk")
    )


def _correct_de_minimis(*, actor, project: Project, amount: Decimal) -> None:
    """Take ``amount`` back from the project's concessions (revocation, renunciation), from each company in
    proportion to what it still holds, to the cent. The register is kept by staff: an officer's own action
    is recorded in their name, the beneficiary's renunciation in the name of whoever granted the aid."""
    if amount <= 0:
        return
    aids = [aid for aid in _project_concessions(project) if aid.effective_amount > 0]
    held = sum((aid.effective_amount for aid in aids), ZERO)
    amount = min(amount, held)
    if amount <= 0:
        return
    staff_actor = actor if permissions.can_manage_projects(actor) else project.granted_by
    for aid, part in zip(aids, split_by_shares(amount, [a.effective_amount for a in aids]), strict=True):
        if part > 0:
            registry_services.revoke_de_minimis_concession(actor=staff_actor, aid=aid, amount=part)


def _after_acceptance(*, actor, project: Project) -> None:
    _record_de_minimis(project)
    _notify(
        actor=actor,
        project=project,
        event=events.GRANT_AGREEMENT,
        subject=_("Atto di adesione registrato: %(title)s") % {"title": project.title},
        body=_(
            "L'atto di adesione firmato è stato caricato il %(when)s (impronta SHA-256 %(sha)s). "
            "Comunica ora la data di avvio del progetto."
        )
        % {"when": format_rome(project.accepted_at), "sha": project.signed_agreement_sha256},
    )
