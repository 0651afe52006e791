"""Every read of the evaluation context: the inputs of the rules and the querysets of pages and API."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from grants.applications import selectors as application_selectors
from grants.applications.de_minimis import partnership_table
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, PartnerRole
from grants.core.money import ZERO
from grants.programme.models import Call, CallPhase, CallReserve, CallStatus, ReserveKind, StateAidRegime

from . import phases
from .models import (
    LIVE_ASSIGNMENT_STATUSES,
    AdmissibilityItem,
    AdmissibilityReview,
    Assignment,
    AssignmentStatus,
    EntryOutcome,
    Evaluation,
    EvaluationStatus,
    IntegrationRequest,
    IntegrationStatus,
    Notice,
    Panel,
    PanelMember,
    Ranking,
    RankingEntry,
    RankingStage,
    RankingStatus,
    RejectionNotice,
)
from .permissions import can_view_evaluation
from .scoring import CriteriaTree, CriterionNode

ARRIVAL_ORDER = ("protocol_year", "protocol_number")


# --- criteria -----------------------------------------------------------------------------------------------
def criteria_tree(call: Call) -> CriteriaTree:
    return CriteriaTree(
        CriterionNode(
            code=c.code,
            title=c.title,
            max_points=c.max_points,
            parent_code=c.parent.code if c.parent_id else None,
            weight=c.weight,
            min_points=c.min_points,
            is_bonus=c.is_bonus,
            order=c.order,
        )
        for c in call.criteria.select_related("parent")
    )


# --- admissibility ------------------------------------------------------------------------------------------
def checklist(call: Call) -> QuerySet[AdmissibilityItem]:
    return AdmissibilityItem.objects.filter(call=call).order_by("order", "code")


def project_lines(call: Call) -> QuerySet[CallReserve]:
    """The call's reserves by type of project (linee): the officer recognises them at the formal check."""
    return CallReserve.objects.filter(call=call, kind=ReserveKind.PROJECT_TYPE).order_by("code")


def review_of(application: Application) -> AdmissibilityReview | None:
    return AdmissibilityReview.objects.filter(application=application).first()


@dataclass(frozen=True)
class ChecklistRow:
    item: AdmissibilityItem
    satisfied: bool | None
    note: str


def checklist_rows(application: Application) -> list[ChecklistRow]:
    """The call's checklist with the officer's answers so far."""
    review = review_of(application)
    answers = {a.item_id: a for a in review.answers.all()} if review else {}
    return [
        ChecklistRow(
            item=item,
            satisfied=answers[item.pk].satisfied if item.pk in answers else None,
            note=answers[item.pk].note if item.pk in answers else "",
        )
        for item in checklist(application.call)
    ]


def signed_documents(application: Application) -> list[dict]:
    """The documents the call wants signed, with the signature verified at upload (or that one is missing)."""
    required = [d for d in application.call.required_documents.all() if d.requires_signature]
    if not required:
        return []
    attached = {
        (document.required_document_id, document.partner_id): document
        for document in application.documents.filter(required_document__in=required).select_related(
            "partner__organisation"
        )
    }
    rows = []
    for requirement in required:
        found = [doc for (req_id, _partner), doc in attached.items() if req_id == requirement.pk]
        if not found:
            rows.append({"title": requirement.title, "document": None})
        for document in found:
            partner = document.partner
            rows.append(
                {
                    "title": requirement.title,
                    "document": document,
                    "party": (partner.organisation or partner.name) if partner is not None else "",
                }
            )
    return rows


def automatic_checks(application: Application) -> list[dict]:
    """The rules of the call re-checked now on the submitted application (shown beside the checklist)."""
    return [v.as_dict() for v in application_selectors.check_application(application)]


def de_minimis_table(application: Application) -> list | None:
    """On a de minimis call with partners: each company's headroom and share of the requested grant."""
    if application.call.state_aid_regime != StateAidRegime.DE_MINIMIS:
        return None
    if not application.partners.filter(role=PartnerRole.PARTNER).exists():
        return None
    return partnership_table(application)


def call_applications(call: Call) -> QuerySet[Application]:
    """The applications of the call under evaluation (every state after submission but withdrawn)."""
    return (
        Application.objects.filter(call=call, protocol_number__isnull=False)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("applicant", "admissibility_review", "consolidated")
        .annotate(
            live_assignments=Count("assignments", filter=Q(assignments__status__in=LIVE_ASSIGNMENT_STATUSES)),
            submitted_assignments=Count(
                "assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED)
            ),
        )
        .order_by(*ARRIVAL_ORDER)
    )


def call_application(call: Call, pk) -> Application:
    return Application.objects.select_related("applicant", "call").get(
        call=call, pk=pk, protocol_number__isnull=False
    )


# --- integration requests -----------------------------------------------------------------------------------
def open_integration_request(application: Application) -> IntegrationRequest | None:
    return (
        IntegrationRequest.objects.filter(application=application, status=IntegrationStatus.OPEN)
        .prefetch_related("items")
        .first()
    )


def integration_requests(application: Application) -> QuerySet[IntegrationRequest]:
    return IntegrationRequest.objects.filter(application=application).prefetch_related("items")


def integration_request_for_user(user, pk) -> IntegrationRequest:
    """A request addressed to an organisation the user acts for (``DoesNotExist`` otherwise: answer 404)."""
    return (
        IntegrationRequest.objects.filter(application__in=application_selectors.applications_for_user(user))
        .select_related("application", "application__call", "application__applicant")
        .prefetch_related("items")
        .get(pk=pk)
    )


def rejection_notices(application: Application) -> QuerySet[RejectionNotice]:
    return RejectionNotice.objects.filter(application=application).order_by("-created_at", "-pk")


def rejection_notice_for_user(user, pk) -> RejectionNotice:
    """A notice of intended rejection addressed to an organisation the user acts for (``DoesNotExist``
    otherwise: answer 404)."""
    return (
        RejectionNotice.objects.filter(application__in=application_selectors.applications_for_user(user))
        .select_related("application", "application__call", "application__applicant")
        .get(pk=pk)
    )


def expired_integration_reasons(request: IntegrationRequest) -> str:
    """Why an unanswered integration request stands in the way (the not-admissible reason on ranking calls,
    the prefilled reasons of the notice of intended rejection on first-come calls)."""
    from grants.core.timeutils import format_rome

    return str(
        _("Integrazione non pervenuta entro la scadenza del %(d)s.") % {"d": format_rome(request.deadline)}
    )


def rejection_reasons_draft(application: Application) -> str:
    """The reasons the notice of intended rejection starts from: an integration request that expired
    unanswered (formal check) or the thresholds a score missed (sportello); "" when nothing is known."""
    if application.status == ApplicationStatus.SUBMITTED:
        request = IntegrationRequest.objects.filter(application=application).order_by("-created_at", "-pk")
        request = request.first()
        if request is not None and request.status == IntegrationStatus.EXPIRED and request.deadline:
            return expired_integration_reasons(request)
        return ""
    score = getattr(application, "consolidated", None)
    if application.status == ApplicationStatus.EVALUATED and score is not None and not score.meets_thresholds:
        return "\n".join(score.threshold_failures or [])
    return ""


def notices_for_user(user) -> QuerySet[Notice]:
    return Notice.objects.filter(
        application__in=application_selectors.applications_for_user(user)
    ).select_related("application", "application__call")


def notices_of(application: Application) -> QuerySet[Notice]:
    return Notice.objects.filter(application=application).order_by("-created_at", "-pk")


# --- panel and assignments ----------------------------------------------------------------------------------
def panel_of(call: Call) -> Panel | None:
    return Panel.objects.filter(call=call).first()


def panel_members(panel: Panel) -> QuerySet[PanelMember]:
    return (
        PanelMember.objects.filter(panel=panel)
        .select_related("user")
        .annotate(load=Count("assignments", filter=Q(assignments__status__in=LIVE_ASSIGNMENT_STATUSES)))
        .order_by("-is_president", "pk")
    )


def assignments_of(application: Application) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(application=application)
        .select_related("member__user")
        .prefetch_related("declarations")
        .order_by("pk")
    )


def assignments_for_evaluator(user) -> QuerySet[Assignment]:
    """What the evaluator has to do, across calls; conflicted and revoked ones stay out."""
    return (
        Assignment.objects.filter(
            member__user=user,
            member__user__is_staff=True,  # leaving the Region's staff ends access at once
            member__is_active=True,
            status__in=LIVE_ASSIGNMENT_STATUSES,
        )
        .select_related("application", "application__call", "member__panel")
        .order_by("application__call__code", "application__protocol_year", "application__protocol_number")
    )


def assignment_for_evaluator(user, pk) -> Assignment:
    return assignments_for_evaluator(user).select_related("application__applicant").get(pk=pk)


def parties(application: Application) -> list:
    """The lead and every partner: the evaluator declares on each before seeing the application."""
    return list(application.partners.select_related("organisation").order_by("order", "pk"))


def lead_first(partners) -> list:
    return sorted(partners, key=lambda p: (p.role != PartnerRole.LEAD, p.order, p.pk))


# --- scores -------------------------------------------------------------------------------------------------
def evaluation_of(assignment: Assignment) -> Evaluation | None:
    return Evaluation.objects.filter(assignment=assignment).prefetch_related("scores__criterion").first()


def visible_evaluations(user, application: Application) -> list[Evaluation]:
    """The evaluations of an application the user may read: their own always; the others' only once they
    have submitted their own (evaluators), or all of them for staff who oversee the evaluation and are not
    evaluating it."""
    evaluations = list(
        Evaluation.objects.filter(application=application)
        .select_related("evaluator", "assignment")
        .prefetch_related("scores__criterion")
        .order_by("is_consensus", "pk")
    )
    own = [e for e in evaluations if e.evaluator_id == getattr(user, "pk", None) and not e.is_consensus]
    assigned = Assignment.objects.filter(application=application, member__user=user).exclude(
        status=AssignmentStatus.CONFLICT
    )
    if assigned.exists():
        if any(e.status == EvaluationStatus.SUBMITTED for e in own):
            return [e for e in evaluations if e.status == EvaluationStatus.SUBMITTED or e in own]
        return own
    if Assignment.objects.filter(application=application, member__user=user).exists():
        return []  # declared a conflict: sees nothing of this application
    if can_view_evaluation(user):
        return [e for e in evaluations if e.status == EvaluationStatus.SUBMITTED]
    return []


def presides(user) -> bool:
    """Whether the user is the president of some panel (and so sets consensus scores)."""
    return PanelMember.objects.filter(
        user=user, user__is_staff=True, is_active=True, is_president=True
    ).exists()


def consensus_candidates(user) -> QuerySet[Application]:
    """For the president of a panel: the applications of that call whose evaluations are consolidated (and
    whose ranking is not approved yet), flagged disagreements first; none where they declared a conflict."""
    calls = PanelMember.objects.filter(
        user=user, user__is_staff=True, is_active=True, is_president=True
    ).values("panel__call")
    return (
        Application.objects.filter(call__in=calls, consolidated__isnull=False)
        .filter(status__in=[ApplicationStatus.ADMISSIBLE, ApplicationStatus.EVALUATED])
        .exclude(ranking_entry__ranking__status=RankingStatus.APPROVED)
        .exclude(assignments__member__user=user, assignments__status=AssignmentStatus.CONFLICT)
        .select_related("call", "applicant", "consolidated")
        .order_by("-consolidated__disagreement", "call__code", *ARRIVAL_ORDER)
    )


# --- two-phase calls: the executive project -----------------------------------------------------------------
@dataclass(frozen=True)
class ExecutiveProjectState:
    """Where an idea of a two-phase call stands for its executive project."""

    window: CallPhase | None  # the second window; None: not an idea of a two-phase call
    admitted: bool  # admitted to the second phase by the approved preliminary ranking
    executive: Application | None  # the executive project already created

    def is_open(self, moment) -> bool:
        return self.window is not None and phases.executive_window_open(self.window, moment)

    def can_create(self, moment) -> bool:
        return self.admitted and self.executive is None and self.is_open(moment)


def executive_project_state(idea: Application) -> ExecutiveProjectState:
    windows = phases.windows(idea.call)
    if windows is None or idea.preliminary_id is not None:
        return ExecutiveProjectState(window=None, admitted=False, executive=None)
    admitted = RankingEntry.objects.filter(
        application=idea,
        outcome=EntryOutcome.ADMITTED,
        ranking__stage=RankingStage.PRELIMINARY,
        ranking__status=RankingStatus.APPROVED,
    ).exists()
    executive = Application.objects.filter(preliminary=idea).first()
    return ExecutiveProjectState(window=windows.executive, admitted=admitted, executive=executive)


def applicant_application(user, pk) -> Application:
    """One of the user's organisations' applications (``DoesNotExist`` otherwise: answer 404)."""
    return (
        application_selectors.applications_for_user(user)
        .select_related("call", "applicant", "preliminary")
        .get(pk=pk)
    )


# --- ranking ------------------------------------------------------------------------------------------------
def ranking_of(call: Call, stage: str = RankingStage.FINAL) -> Ranking | None:
    return Ranking.objects.filter(call=call, stage=stage).first()


def ranking_entries(ranking: Ranking) -> QuerySet[RankingEntry]:
    return (
        RankingEntry.objects.filter(ranking=ranking)
        .select_related("application", "application__applicant")
        .order_by(
            F("position").asc(nulls_last=True),
            "-score",
            "application__protocol_year",
            "application__protocol_number",
        )
    )


def published_ranking(call: Call, stage: str = RankingStage.FINAL) -> Ranking | None:
    """The approved ranking of a call, for the public pages (None until a manager approves it)."""
    return Ranking.objects.filter(call=call, stage=stage, status=RankingStatus.APPROVED).first()


def published_rankings(call: Call) -> list[Ranking]:
    """The approved rankings of a call: the preliminary one (two-phase calls) first, then the final one."""
    rankings = Ranking.objects.filter(call=call, status=RankingStatus.APPROVED).select_related("call")
    return sorted(rankings, key=lambda r: r.stage != RankingStage.PRELIMINARY)


def calls_with_published_ranking(call_ids) -> set[int]:
    """The ids, among ``call_ids``, of the calls with an approved ranking (one query, for the call list)."""
    return set(
        Ranking.objects.filter(call_id__in=call_ids, status=RankingStatus.APPROVED).values_list(
            "call_id", flat=True
        )
    )


def public_applicant_name(organisation) -> str:
    """The name a public page may show: a sole trader (ditta individuale, a 16-character personal codice
    fiscale) is a natural person, whose name is not published."""
    if len(organisation.fiscal_code or "") == 16:
        return str(_("Impresa individuale (dati personali non pubblicati)"))
    return organisation.name


def public_ranking_rows(ranking: Ranking) -> list[dict]:
    """Public rows of an approved ranking: position, protocol, applicant (never a natural person), project,
    score, outcome, granted amount. No person's name, fiscal code or contact is read."""
    if ranking.status != RankingStatus.APPROVED:
        return []
    return [
        {
            "position": entry.position,
            "protocol": entry.application.protocol,
            "applicant": public_applicant_name(entry.application.applicant),
            "title": entry.application.title,
            "score": entry.score,
            "outcome": entry.outcome,
            "outcome_label": entry.get_outcome_display(),
            "requested": entry.requested,
            "granted": entry.granted,
            "reserves": list(entry.reserves or ()),
            "funded_from": dict(entry.funded_from or {}),
        }
        for entry in ranking_entries(ranking)
    ]


def published_ranking_rows(call: Call, stage: str = RankingStage.FINAL) -> list[dict]:
    ranking = published_ranking(call, stage)
    return public_ranking_rows(ranking) if ranking is not None else []


def ranking_totals(ranking: Ranking) -> dict:
    """Budget, money granted and money left of a ranking."""
    granted = RankingEntry.objects.filter(ranking=ranking).aggregate(total=Sum("granted"))["total"] or ZERO
    return {"budget": ranking.budget, "granted": granted, "remaining": ranking.budget - granted}


def published_call(pk) -> Call | None:
    """A call the evaluation may concern: any call that left the draft state."""
    return Call.objects.exclude(status=CallStatus.DRAFT).filter(pk=pk).first()


def submitted_application(pk) -> Application | None:
    """An application that reached the evaluation (it holds a protocol number), with call and applicant."""
    return (
        Application.objects.filter(pk=pk, protocol_number__isnull=False)
        .select_related("call", "applicant")
        .first()
    )


def assigned_document(user, assignment, document_pk):
    """A document of the application ``assignment`` scores, for its evaluator once free of conflicts (page
    and API alike). ``ApplicationDocument.DoesNotExist`` before the declaration, after a conflict, or for a
    document of another application: each answers as a document that does not exist."""
    from grants.applications.document_access import officer_document
    from grants.applications.models import ApplicationDocument

    from .permissions import can_read_assigned_application

    if not can_read_assigned_application(user, assignment):
        raise ApplicationDocument.DoesNotExist
    application = assignment.application
    return officer_document(application.call, application.pk, document_pk)
