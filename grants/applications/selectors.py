"""Every read of the applications context: querysets for pages and API, and the inputs of the rules."""

from collections import Counter
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallStatus, StateAidRegime, TerritorialScope
from grants.registry.ateco import excluded_sectors
from grants.registry.selectors import de_minimis_position, regulation_in_force
from grants.territory.models import Municipality

from . import history
from .budget import CategoryRule, LineAmount
from .de_minimis import members_of
from .models import Application, ApplicationDocument, ApplicationPartner, Arrival, BudgetLine
from .permissions import acting_organisation_ids, can_view_call_applications
from .rules import (
    ApplicationFacts,
    CallTerms,
    DeMinimisFacts,
    DistrictFacts,
    DocumentRule,
    PartnerFacts,
    Violation,
    applicant_legal_form,
    check,
)
from .states import ApplicationStatus, BookingOutcome, PartnerRole

# Arrival order: the protocol number is given in the order submissions are registered (for a first-come
# call, in the order they obtained the call's booking lock), so it *is* the order of arrival.
ARRIVAL_ORDER = ("protocol_year", "protocol_number")


# --- applications a person may see ---------------------------------------------------------------------
def applications_for_user(user) -> QuerySet[Application]:
    """Applications of the organisations the user acts for; nothing else exists for them."""
    return Application.objects.filter(applicant_id__in=acting_organisation_ids(user)).select_related(
        "call", "applicant"
    )


def application_for_user(user, pk) -> Application:
    """The application if the user may see it; ``Application.DoesNotExist`` otherwise (answer 404)."""
    return applications_for_user(user).get(pk=pk)


def applications_of_organisation(organisation, *, status: str | None = None) -> QuerySet[Application]:
    queryset = Application.objects.filter(applicant=organisation).select_related("call")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at")


def partnerships_to_confirm(user) -> QuerySet[ApplicationPartner]:
    """Partner rows of draft applications where the user acts for the partner organisation."""
    return ApplicationPartner.objects.filter(
        organisation_id__in=acting_organisation_ids(user),
        role=PartnerRole.PARTNER,
        application__status=ApplicationStatus.DRAFT,
    ).select_related("application", "application__applicant", "application__call", "organisation")


def partnership_for_user(user, pk) -> ApplicationPartner:
    return partnerships_to_confirm(user).get(pk=pk)


# --- applications of a call (officers, rankings, sportello) -------------------------------------------
def submitted_applications_of_call(
    call: Call,
    *,
    status: str | None = None,
    booking_outcome: str | None = None,
    legal_form: str | None = None,
    province=None,
    search: str = "",
) -> QuerySet[Application]:
    """Applications of the call that received a protocol number (withdrawn ones only when asked by status),
    in arrival order."""
    queryset = Application.objects.filter(call=call, protocol_number__isnull=False).select_related(
        "applicant", "applicant__seat"
    )
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.exclude(status=ApplicationStatus.WITHDRAWN)
    if booking_outcome is not None:
        queryset = queryset.filter(booking_outcome=booking_outcome)
    if legal_form:
        queryset = queryset.filter(applicant__legal_form=legal_form)
    if province is not None:
        queryset = queryset.filter(applicant__seat__province=province)
    if search:
        term = search.strip()
        condition = Q(title__icontains=term) | Q(applicant__name__icontains=term)
        condition |= Q(applicant__fiscal_code__iexact=term)
        if "/" in term:
            year, _sep, number = term.partition("/")
            if year.isdigit() and number.isdigit():
                condition |= Q(protocol_year=int(year), protocol_number=int(number))
        queryset = queryset.filter(condition)
    return queryset.order_by(*ARRIVAL_ORDER)


def waiting_list(call: Call) -> QuerySet[Application]:
    """First-come calls: submitted applications waiting for resources, first arrived first."""
    return Application.objects.filter(
        call=call, status=ApplicationStatus.SUBMITTED, booking_outcome=BookingOutcome.WAITING
    ).order_by(*ARRIVAL_ORDER)


def arrival(application: Application) -> Arrival | None:
    """The recorded arrival of a sent application (None for a draft)."""
    return Arrival.objects.filter(application_id=application.pk).first()


def booked_applications(call: Call) -> QuerySet[Application]:
    return Application.objects.filter(call=call, booking_outcome=BookingOutcome.BOOKED).order_by(
        *ARRIVAL_ORDER
    )


# --- inputs of the rules ----------------------------------------------------------------------------------
def category_rules(call: Call) -> tuple[CategoryRule, ...]:
    return tuple(
        CategoryRule(
            code=c.code,
            title=c.title,
            cost_option=c.cost_option,
            cap_percent=c.cap_percent,
            flat_rate_percent=c.flat_rate_percent,
            flat_rate_base=tuple(c.flat_rate_base or ()),
            unit_rate=c.unit_rate,
            unit_label=c.unit_label,
        )
        for c in call.cost_categories.order_by("order", "code")
    )


_TERMS_CACHE: dict[tuple, CallTerms] = {}
_TERMS_CACHE_SIZE = 256


def cached_call_terms(call: Call) -> CallTerms:
    """The call's rules, read once per process and version: ``call`` must be freshly read (the submission's
    locked application brings it), since ``updated_at`` moves with every change of the call, its cost
    categories and its required documents (grants.programme.receivers). Saves two reads per submission."""
    key = (call.pk, call.updated_at)
    terms = _TERMS_CACHE.get(key)
    if terms is None:
        if len(_TERMS_CACHE) >= _TERMS_CACHE_SIZE:
            _TERMS_CACHE.clear()
        terms = _TERMS_CACHE[key] = call_terms(call)
    return terms


_RESERVES_CACHE: dict[tuple, tuple] = {}


def cached_call_reserves(call: Call) -> tuple:
    """The call's reserves (by code), read once per process and version of the call, as
    :func:`cached_call_terms` (a saved or deleted reserve moves the version too)."""
    key = (call.pk, call.updated_at)
    reserves = _RESERVES_CACHE.get(key)
    if reserves is None:
        if len(_RESERVES_CACHE) >= _TERMS_CACHE_SIZE:
            _RESERVES_CACHE.clear()
        reserves = _RESERVES_CACHE[key] = tuple(call.reserves.order_by("code"))
    return reserves


def call_terms(call: Call) -> CallTerms:
    return CallTerms(
        lead_legal_forms=tuple(call.lead_legal_forms or ()),
        partner_legal_forms=tuple(call.partner_legal_forms or ()),
        lead_company_sizes=tuple(call.lead_company_sizes or ()),
        min_partners=call.min_partners,
        max_partners=call.max_partners,
        requires_partner_confirmation=call.requires_partner_confirmation,
        requires_public_private_partnership=call.requires_public_private_partnership,
        territorial_scope=call.territorial_scope,
        min_project_cost=call.min_project_cost,
        max_project_cost=call.max_project_cost,
        min_grant=call.min_grant,
        max_grant=call.max_grant,
        max_aid_intensity=call.max_aid_intensity,
        min_cofinancing=call.min_cofinancing,
        categories=category_rules(call),
        documents=tuple(
            DocumentRule(code=d.code, title=d.title, is_mandatory=d.is_mandatory, per_partner=d.per_partner)
            for d in call.required_documents.order_by("order", "code")
        ),
        state_aid_regime=call.state_aid_regime,
        requires_stamp_duty=call.requires_stamp_duty,
        admitted_ateco_prefixes=tuple(call.admitted_ateco_prefixes or ()),
        excluded_ateco_sectors=_excluded_ateco_sectors(call),
    )


def _excluded_ateco_sectors(call: Call) -> tuple[tuple[str, str], ...]:
    """The sectors the de minimis regulation in force today excludes; () for other regimes."""
    if call.state_aid_regime != StateAidRegime.DE_MINIMIS:
        return ()
    regulation = regulation_in_force(in_rome(now()).date())
    return excluded_sectors(regulation.code) if regulation else ()


def de_minimis_facts(organisation) -> DeMinimisFacts:
    position = de_minimis_position(organisation)
    if position.regulation is None:
        return DeMinimisFacts(regulation="", ceiling=ZERO, used=ZERO, headroom=ZERO)
    return DeMinimisFacts(
        regulation=position.regulation.title,
        ceiling=position.ceiling,
        used=position.used,
        headroom=position.headroom,
        period_start=position.period_start.strftime("%d/%m/%Y"),
    )


# --- what the rules and the snapshot read, once -------------------------------------------------------
def _partners(application: Application) -> QuerySet[ApplicationPartner]:
    return application.partners.select_related("organisation").order_by("order", "pk")


def _budget_lines(application: Application) -> QuerySet[BudgetLine]:
    return application.budget_lines.select_related("category", "partner", "partner__organisation").order_by(
        "order", "pk"
    )


def _documents(application: Application) -> QuerySet[ApplicationDocument]:
    return application.documents.select_related(
        "required_document", "partner", "partner__organisation"
    ).order_by("required_document__code", "sha256")


def prefetch_submission_inputs(application: Application) -> Application:
    """Read partners, budget lines, documents and territory once, for the rules, the snapshot and the history
    row of a submission: six reads. Budget lines and documents take their partner (and its organisation) from
    the partners just read instead of joining them again, and the territory is read through its link rows,
    kept in ``application.territory_links`` for the history row (``grants.applications.history``), which
    simple-history would otherwise read a second time."""
    prefetch_related_objects(
        [application],
        Prefetch("partners", queryset=_partners(application)),
        Prefetch(
            "budget_lines",
            queryset=BudgetLine.objects.select_related("category").order_by("order", "pk"),
        ),
        Prefetch(
            "documents",
            queryset=ApplicationDocument.objects.select_related("required_document").order_by(
                "required_document__code", "sha256"
            ),
        ),
    )
    partners = {partner.pk: partner for partner in application.partners.all()}
    for row in (*application.budget_lines.all(), *application.documents.all()):
        if row.partner_id in partners:
            row.partner = partners[row.partner_id]
    application.territory_links = {}
    for field in history.territory_fields():
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = list(
            field.remote_field.through.objects.filter(**{f"{source}_id": application.pk})
            .select_related(target)
            .order_by(f"{target}__name", "pk")  # as the relation reads them (by name)
        )
        _keep_prefetched(application, field.name, [getattr(row, target) for row in rows])
        application.territory_links[field.name] = [
            (row.pk, application.pk, getattr(row, f"{target}_id")) for row in rows
        ]
    return application


def _keep_prefetched(application: Application, name: str, rows: list) -> None:
    """Keep ``rows`` as the prefetched content of ``application.<name>``, as prefetch_related_objects does
    (a queryset of the relation whose results are already there)."""
    queryset = getattr(application, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    application.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _prefetched(application: Application, name: str):
    """The rows of ``name`` if prefetch_submission_inputs read them, else None."""
    return getattr(application, "_prefetched_objects_cache", {}).get(name)


def _rows(application: Application, name: str, queryset: QuerySet) -> list:
    cached = _prefetched(application, name)
    return list(cached) if cached is not None else list(queryset)


def _territory_count(application: Application, name: str) -> int:
    cached = _prefetched(application, name)
    return len(cached) if cached is not None else getattr(application, name).count()


def _territory_codes(application: Application, name: str, code_field: str) -> list[str]:
    cached = _prefetched(application, name)
    if cached is not None:
        return sorted(getattr(row, code_field) for row in cached)
    return sorted(getattr(application, name).values_list(code_field, flat=True))


def application_facts(application: Application) -> ApplicationFacts:
    partners = _rows(application, "partners", _partners(application))
    lead = next((p for p in partners if p.role == PartnerRole.LEAD), None)
    typed_lines = [
        line
        for line in _rows(application, "budget_lines", _budget_lines(application))
        if not line.is_computed
    ]
    documents = Counter(
        d.required_document.code for d in _rows(application, "documents", _documents(application))
    )
    applicant = application.applicant
    is_de_minimis = application.call.state_aid_regime == StateAidRegime.DE_MINIMIS
    return ApplicationFacts(
        title=application.title,
        abstract=application.abstract,
        applicant_name=applicant.name,
        applicant_legal_form=applicant.legal_form,
        applicant_company_size=applicant.company_size,
        applicant_ateco=applicant.ateco_code,
        lead_share_percent=lead.share_percent if lead else Decimal(100),
        partners=tuple(
            PartnerFacts(
                name=p.display_name,
                legal_form=p.effective_legal_form,
                share_percent=p.share_percent,
                confirmed=p.is_confirmed,
                registered=p.organisation_id is not None,
                company_size=p.organisation.company_size if p.organisation_id else "",
                ateco_code=p.organisation.ateco_code if p.organisation_id else "",
            )
            for p in partners
            if p.role == PartnerRole.PARTNER
        ),
        lines=tuple(LineAmount(category=line.category.code, amount=line.amount) for line in typed_lines),
        total_cost=application.total_cost,
        requested_grant=application.requested_grant,
        cofinancing=application.cofinancing,
        municipality_count=_territory_count(application, "municipalities"),
        district_count=_territory_count(application, "districts"),
        province_count=_territory_count(application, "provinces"),
        municipalities=tuple(
            (m.istat_code, m.name)
            for m in _rows(application, "municipalities", application.municipalities.all())
        ),
        districts=district_facts(application)
        if application.call.territorial_scope == TerritorialScope.DISTRICT
        else (),
        document_counts=dict(documents),
        de_minimis=de_minimis_facts(applicant) if is_de_minimis else None,
        de_minimis_members=members_of(partners) if is_de_minimis else (),
        has_stamp_duty=application.has_stamp_duty,
    )


def district_facts(application: Application) -> tuple[DistrictFacts, ...]:
    """Each chosen Distretto: the comuni its enti gestori serve, whether the applicant is one of them, and
    another proposal already sent on the same call for it (drafts and withdrawn ones do not count)."""
    found = []
    for district in _rows(application, "districts", application.districts.all()):
        bodies = list(district.bodies.values_list("pk", flat=True))
        comuni = Municipality.objects.filter(social_service_bodies__in=bodies).values_list(
            "istat_code", flat=True
        )
        other = (
            Application.objects.filter(call_id=application.call_id, districts=district)
            .exclude(pk=application.pk)
            .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
            .order_by("pk")
            .first()
        )
        found.append(
            DistrictFacts(
                code=district.code,
                name=district.name,
                municipality_codes=frozenset(comuni),
                lead_is_body=application.applicant.social_service_body_id in bodies,
                taken_by=_taken_label(other) if other is not None else "",
            )
        )
    return tuple(found)


def _taken_label(other: Application) -> str:
    if other.protocol_number:
        return _("domanda prot. %(protocol)s") % {"protocol": other.protocol}
    return _("domanda «%(title)s»") % {"title": str(other)}


def applicant_eligibility(call: Call, organisation, *, moment=None) -> list[str]:
    """Why ``organisation`` may not start an application on ``call`` now (empty list = it may): the call's
    window and the call's terms on the lead applicant (legal form, company size), in Italian."""
    moment = moment or now()
    reasons = []
    if call.status != CallStatus.PUBLISHED:
        reasons.append(_("Il bando non accetta domande."))
    elif moment >= call.closes_at:
        local = in_rome(call.closes_at)
        reasons.append(
            _("Il bando è chiuso: la scadenza era il %(day)s alle %(time)s.")
            % {"day": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}
        )
    facts = ApplicationFacts(
        applicant_name=organisation.name,
        applicant_legal_form=organisation.legal_form,
        applicant_company_size=organisation.company_size,
    )
    reasons.extend(v.message for v in applicant_legal_form(call_terms(call), facts))
    if call.state_aid_regime == StateAidRegime.DE_MINIMIS:
        reasons.extend(de_minimis_reasons(call, organisation))
    return reasons


def de_minimis_reasons(call: Call, organisation) -> list[str]:
    """No de minimis headroom left (or less than the call's minimum grant): the call cannot be applied for."""
    position = de_minimis_facts(organisation)
    if not position.regulation:
        return [_("Nessun regolamento de minimis è in vigore: il bando non può concedere contributi.")]
    least = call.min_grant or Decimal("0.01")
    if position.headroom >= least:
        return []
    return [
        _(
            "Disponibilità de minimis insufficiente: l'impresa unica ha già utilizzato %(used)s "
            "del massimale di %(ceiling)s (%(regulation)s); restano %(headroom)s, meno del contributo "
            "minimo di %(least)s."
        )
        % {
            "used": format_eur(position.used),
            "ceiling": format_eur(position.ceiling),
            "regulation": position.regulation,
            "headroom": format_eur(position.headroom),
            "least": format_eur(least),
        }
    ]


def rule_inputs(application: Application) -> tuple[CallTerms, ApplicationFacts]:
    return call_terms(application.call), application_facts(application)


def check_application(application: Application, *, terms: CallTerms | None = None) -> list[Violation]:
    """The live result of every rule of the call for this application (empty list = ready to submit).
    ``terms``: the call's rules if the caller has them (the submission's per-process copy)."""
    return check(terms or call_terms(application.call), application_facts(application))


# --- what a submission sends (fingerprinted, kept on the application, printed on the receipt) ----------
def submission_snapshot(application: Application) -> dict:
    call = application.call
    applicant = application.applicant
    partners = _rows(application, "partners", _partners(application))
    lines = _rows(application, "budget_lines", _budget_lines(application))
    documents = _rows(application, "documents", _documents(application))

    def partner_key(partner: ApplicationPartner | None) -> str:
        if partner is None:
            return ""
        return partner.organisation.fiscal_code if partner.organisation_id else partner.name

    snapshot = {
        "call": call.code,
        "applicant": {"fiscal_code": applicant.fiscal_code, "name": applicant.name},
        "title": application.title,
        "abstract": application.abstract,
        "partnership_name": application.partnership_name,
        "territory": {
            "municipalities": _territory_codes(application, "municipalities", "istat_code"),
            "districts": _territory_codes(application, "districts", "code"),
            "provinces": _territory_codes(application, "provinces", "istat_code"),
        },
        "partners": [
            {
                "key": partner_key(p),
                "name": p.display_name,
                "legal_form": p.effective_legal_form,
                "role": p.role,
                "share_percent": str(p.share_percent),
                "confirmed_at": p.confirmed_at.isoformat() if p.confirmed_at else None,
            }
            for p in partners
        ],
        "budget": [
            {
                "category": line.category.code,
                "cost_option": line.category.cost_option,
                "partner": partner_key(line.partner),
                "description": line.description,
                "quantity": str(line.quantity) if line.quantity is not None else None,
                "unit_rate": str(line.unit_rate) if line.unit_rate is not None else None,
                "amount": str(line.amount),
                "computed": line.is_computed,
            }
            for line in lines
        ],
        "totals": {
            "total_cost": str(application.total_cost),
            "requested_grant": str(application.requested_grant),
            "cofinancing": str(application.cofinancing),
        },
        "stamp_duty": {
            "number": application.stamp_duty_number,
            "issued_on": application.stamp_duty_issued_on.isoformat()
            if application.stamp_duty_issued_on
            else None,
            "exemption": application.stamp_duty_exemption,
            "legal_basis": application.stamp_duty_legal_basis,
        },
        "documents": [
            {
                "code": d.required_document.code,
                "partner": partner_key(d.partner),
                "name": d.original_name,
                "sha256": d.sha256,
            }
            for d in documents
        ],
    }
    if application.proposed_targets:  # absent when none were proposed: earlier fingerprints stay valid
        snapshot["indicator_targets"] = dict(sorted(application.proposed_targets.items()))
    return snapshot


def submitted_application_for_staff(user, application_id: int, call: Call | None = None) -> Application:
    """A submitted (protocolled) application, for the staff of its call (``call``: under that call only);
    anyone else's, or a draft, does not exist (DoesNotExist: 404)."""
    found = Application.objects.select_related("call", "applicant").filter(
        pk=application_id, protocol_number__isnull=False
    )
    application = (found.filter(call=call) if call is not None else found).first()
    if application is None or not can_view_call_applications(user, application.call):
        raise Application.DoesNotExist
    return application
