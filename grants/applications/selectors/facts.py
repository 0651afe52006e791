"""The inputs of the rules: the call's terms (a per-process copy per version of the call) and the facts of an
application or an organisation, checked by ``grants.applications.rules``."""

from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallStatus, StateAidRegime, TerritorialScope
from grants.registry.ateco import excluded_sectors
from grants.registry.selectors import de_minimis_position, regulation_in_force
from grants.territory.models import Municipality

from ..budget import CategoryRule, LineAmount
from ..de_minimis import members_of
from ..models import Application
from ..rules import (
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
from ..states import ApplicationStatus, PartnerRole
from .inputs import (
    read_budget_lines,
    read_documents,
    read_partners,
    rows_of,
    territory_count,
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


# What a process keeps of a call, per version: (what, call id, updated_at) -> value. ``updated_at`` moves with
# every change of the call, its cost categories, required documents and reserves (grants.programme.receivers).
_PER_VERSION: dict[tuple, object] = {}
_PER_VERSION_SIZE = 512


def _per_version(what: str, call: Call, read):
    """``read(call)``, once per process and version of ``call``, which must be freshly read (the submission's
    locked application brings it)."""
    key = (what, call.pk, call.updated_at)
    if key not in _PER_VERSION:
        if len(_PER_VERSION) >= _PER_VERSION_SIZE:
            _PER_VERSION.clear()
        _PER_VERSION[key] = read(call)
    return _PER_VERSION[key]


def cached_call_terms(call: Call) -> CallTerms:
    """The call's rules, once per process and version of the call: saves two reads per submission."""
    return _per_version("terms", call, call_terms)


def cached_call_reserves(call: Call) -> tuple:
    """The call's reserves (by code), once per process and version of the call: saves a read per
    submission to a first-come call."""
    return _per_version("reserves", call, lambda c: tuple(c.reserves.order_by("code")))


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


def application_facts(application: Application) -> ApplicationFacts:
    partners = rows_of(application, "partners", read_partners(application))
    lead = next((p for p in partners if p.role == PartnerRole.LEAD), None)
    typed_lines = [
        line
        for line in rows_of(application, "budget_lines", read_budget_lines(application))
        if not line.is_computed
    ]
    documents = Counter(
        d.required_document.code for d in rows_of(application, "documents", read_documents(application))
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
        municipality_count=territory_count(application, "municipalities"),
        district_count=territory_count(application, "districts"),
        province_count=territory_count(application, "provinces"),
        municipalities=tuple(
            (m.istat_code, m.name)
            for m in rows_of(application, "municipalities", application.municipalities.all())
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
    for district in rows_of(application, "districts", application.districts.all()):
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
