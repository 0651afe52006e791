"""Pages of the applications context: my applications, start a draft, the sections of the draft, submission
(idempotent, refused after the deadline), receipt, withdrawal, partner confirmations, the officers' list."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.applications import services
from grants.applications.models import Application, ProtocolCounter
from grants.applications.services import PartnerInput
from grants.applications.states import ApplicationStatus
from grants.core.timeutils import in_rome, now
from grants.core.vocabulary import LegalForm
from grants.programme.models import Call, CostOption, TerritorialScope
from grants.programme.tests.factories import CostCategoryFactory, RequiredDocumentFactory
from grants.territory.tests.factories import MunicipalityFactory

from .factories import OrganisationFactory, UserFactory, draft, member_of, open_call, ready_application

pytestmark = [pytest.mark.django_db, pytest.mark.urls("grants.applications.tests.urls")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"applications:{name}", args=args)


def step_url(application, step: str) -> str:
    """The draft page opened on one step of the stepper."""
    return f"{url('application_detail', application.pk)}?sezione={step}"


def signed_in(client, user):
    client.force_login(user)
    return client


def page_text(response) -> str:
    """The visible text, whitespace collapsed (templates wrap lines)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def submit_key(response) -> str:
    match = re.search(r'name="submit-idempotency_key" value="([^"]+)"', response.content.decode())
    assert match, "the page must carry an idempotency key"
    return match.group(1)


def field_error(response, field_id: str) -> str:
    """The error message shown right under the field (registry/includes/field.html)."""
    html = response.content.decode()
    match = re.search(rf'id="{field_id}_error">([^<]*)</div>', html)
    return unescape(match.group(1)) if match else ""


# --- login and object permissions ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("application_list", (), "get"),
        ("application_detail", (1,), "get"),
        ("application_submit", (1,), "post"),
        ("application_submitted", (1,), "get"),
        ("application_receipt", (1,), "get"),
        ("application_withdraw", (1,), "post"),
        ("partnerships", (), "get"),
        ("participate", ("bando-x",), "get"),
        ("officer_application_list", ("bando-x",), "get"),
        ("officer_application_detail", ("bando-x", 1), "get"),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, name, args, method):
    response = getattr(client, method)(url(name, *args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert "next=" in response["Location"]


def test_another_organisations_application_is_not_found(client):
    application = ready_application()
    stranger, _other = member_of()
    signed_in(client, stranger)
    for name in ("application_detail", "application_submitted", "application_receipt"):
        assert client.get(url(name, application.pk)).status_code == 404
    response = client.post(url("save_section", application.pk, "generale"), {"general-title": "Rubato"})
    assert response.status_code == 404
    response = client.post(
        url("application_submit", application.pk),
        {"submit-idempotency_key": "k", "submit-declarations_accepted": "on"},
    )
    assert response.status_code == 404
    assert client.post(url("application_withdraw", application.pk)).status_code == 404
    application.refresh_from_db()
    assert (application.title, application.status) == ("Welfare di comunità", ApplicationStatus.DRAFT)


# --- my applications, start a draft ------------------------------------------------------------------------
def test_my_applications_are_grouped_by_organisation(client):
    user, organisation = member_of(name="Cooperativa Alfa")
    mine = ready_application(user=user, organisation=organisation)
    other = ready_application()
    response = signed_in(client, user).get(url("application_list"))
    text = page_text(response)
    assert response.status_code == 200
    assert "Cooperativa Alfa" in text
    assert url("application_detail", mine.pk) in response.content.decode()
    assert url("application_detail", other.pk) not in response.content.decode()


def test_participate_shows_which_organisation_may_apply_and_why_not(client):
    call = open_call()  # ETS only as lead
    user, ets = member_of(name="Fondazione Beta ETS")
    company = OrganisationFactory(name="Officine Gamma", legal_form=LegalForm.COMPANY, company_size="small")
    services_membership(user, company)
    response = signed_in(client, user).get(url("participate", call.code))
    text = page_text(response)
    assert response.status_code == 200
    assert "Fondazione Beta ETS" in text
    assert "Il soggetto proponente (Impresa) non può presentare domanda come capofila" in text
    html = response.content.decode()
    assert f'name="organisation" value="{ets.pk}"' in html
    assert f'name="organisation" value="{company.pk}"' not in html

    response = client.post(url("participate", call.code), {"organisation": ets.pk})
    application = Application.objects.get(applicant=ets, call=call)
    assert response.status_code == 302
    assert response["Location"] == url("application_detail", application.pk)

    # An organisation the call does not admit is refused on POST too; another's organisation does not exist.
    response = client.post(url("participate", call.code), {"organisation": company.pk}, follow=True)
    assert not Application.objects.filter(applicant=company).exists()
    assert "non può presentare domanda come capofila" in page_text(response)
    stranger_org = OrganisationFactory()
    assert client.post(url("participate", call.code), {"organisation": stranger_org.pk}).status_code == 404


def services_membership(user, organisation):
    from grants.registry.tests.factories import MembershipFactory

    return MembershipFactory(user=user, organisation=organisation, role="legal_representative")


def test_a_closed_call_says_when_it_closed(client):
    call = open_call()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now() - timedelta(days=30), closes_at=now() - timedelta(days=1)
    )
    call.refresh_from_db()
    user, _organisation = member_of()
    text = page_text(signed_in(client, user).get(url("participate", call.code)))
    deadline = in_rome(call.closes_at)
    assert f"Il bando è chiuso: la scadenza era il {deadline:%d/%m/%Y} alle {deadline:%H:%M}." in text


# --- the draft page and its sections ------------------------------------------------------------------------
def test_the_draft_page_is_a_stepper_of_sections_with_the_open_violations(client):
    application = draft()
    response = signed_in(client, application.created_by).get(url("application_detail", application.pk))
    html = response.content.decode()
    assert response.status_code == 200
    # Every step is listed with its state; the first is the current one and the only one shown.
    nav = html[html.index('id="stepper-nav"') : html.index("</nav>", html.index('id="stepper-nav"'))]
    for step in ("generale", "partenariato", "piano-finanziario", "documenti", "invio"):
        assert f'href="{step_url(application, step)}"' in nav
    assert re.search(r'data-step="generale" data-state="to-fix">\s*<a [^>]*aria-current="step"', nav)
    assert nav.count('aria-current="step"') == 1
    assert 'data-step="documenti" data-state="complete"' in nav  # the call asks for no document
    assert 'id="generale"' in html and 'id="partenariato"' not in html
    text = page_text(response)
    assert "Completezza della domanda" in text
    assert "Indicare il titolo del progetto." in text
    assert "Il piano finanziario è vuoto." in text
    assert "Avanti: Partenariato" in text and "Indietro" not in text
    assert f'href="{step_url(application, "piano-finanziario")}#piano-finanziario"' in html
    assert "js/applications.js" in html

    # Each step is addressed by its URL, with the previous and next ones.
    response = client.get(step_url(application, "piano-finanziario"))
    html = response.content.decode()
    assert 'id="piano-finanziario"' in html and 'id="generale"' not in html
    assert re.search(r'data-step="piano-finanziario"[^>]*>\s*<a [^>]*aria-current="step"', html)
    assert "Indietro: Partenariato" in page_text(response) and "Avanti: Documenti" in page_text(response)
    # An unknown step opens the first one.
    assert 'id="generale"' in client.get(step_url(application, "altro")).content.decode()


def htmx(**headers):
    return {"HTTP_HX_REQUEST": "true", **{f"HTTP_{k.upper()}": v for k, v in headers.items()}}


def test_the_nav_swaps_the_stepper_only_with_htmx_and_history_gets_the_page(client):
    application = draft()
    signed_in(client, application.created_by)
    response = client.get(step_url(application, "partenariato"), **htmx(hx_target="domanda-stepper"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="domanda-stepper"')
    assert 'id="partenariato"' in html and "<html" not in html
    # A history restore (the back button with no cached page) gets the whole page.
    response = client.get(step_url(application, "partenariato"), **htmx(hx_history_restore_request="true"))
    assert "<html" in response.content.decode()


def test_an_htmx_save_answers_the_step_with_its_errors_and_the_panel_out_of_band(client):
    application = draft()
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "generale"),
        {
            "general-title": "",
            "general-abstract": "Sintesi scritta a mano",
            "general-partnership_name": "ATS X",
        },
        **htmx(hx_target="generale"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="generale"')
    assert field_error(response, "id_general-title") == "Indicare il titolo del progetto."
    assert "Sintesi scritta a mano</textarea>" in html  # nothing typed is lost
    assert 'value="ATS X"' in html
    assert 'id="completezza" data-testid="completeness" hx-swap-oob="true"' in html
    assert 'id="stepper-nav"' in html and 'hx-swap-oob="true"' in html
    application.refresh_from_db()
    assert application.abstract == ""

    # Saved: the step again with the message, the rule of the title no longer in the panel.
    response = client.post(
        url("save_section", application.pk, "generale"),
        {"general-title": "Case di quartiere", "general-abstract": "Sintesi"},
        **htmx(hx_target="generale"),
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Dati generali salvati." in text
    assert "Indicare il titolo del progetto." not in text
    assert "Il piano finanziario è vuoto." in text  # the panel, out of band
    assert 'data-step="generale" data-state="complete"' in response.content.decode()
    application.refresh_from_db()
    assert application.title == "Case di quartiere"


def test_an_htmx_save_of_a_closed_application_redirects_the_browser(client):
    application = ready_application()
    signed_in(client, application.created_by)
    application.status = ApplicationStatus.WITHDRAWN
    application.save()
    response = client.post(url("save_section", application.pk, "generale"), {"general-title": "T"}, **htmx())
    assert response["HX-Redirect"] == url("application_detail", application.pk)


def test_general_section_saves_and_its_errors_are_shown_next_to_the_field(client):
    application = draft()
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "generale"),
        {"general-title": "", "general-abstract": "Sintesi"},
    )
    assert response.status_code == 200
    assert field_error(response, "id_general-title") == "Indicare il titolo del progetto."
    assert 'aria-describedby="id_general-title_error"' in response.content.decode()
    application.refresh_from_db()
    assert application.abstract == ""

    municipality = MunicipalityFactory(name="Pinerolo")
    response = client.post(
        url("save_section", application.pk, "generale"),
        {"general-title": "Case di quartiere", "general-municipalities": "Atlantide"},
    )
    assert field_error(response, "id_general-municipalities") == "«Atlantide» non è un comune del Piemonte."
    response = client.post(
        url("save_section", application.pk, "generale"),
        {
            "general-title": "Case di quartiere",
            "general-abstract": "Servizi di prossimità.",
            "general-municipalities": "pinerolo",
        },
    )
    assert response.status_code == 302  # without JavaScript: back to the step
    assert response["Location"] == f"{step_url(application, 'generale')}#generale"
    application.refresh_from_db()
    assert application.title == "Case di quartiere"
    assert list(application.municipalities.all()) == [municipality]


def test_a_district_call_asks_for_the_district(client):
    from grants.territory.models import CohesionDistrict

    call = open_call(territorial_scope=TerritorialScope.DISTRICT)
    district = CohesionDistrict.objects.create(code="d-1", name="Distretto di prova")
    application = draft(call=call)
    signed_in(client, application.created_by)
    response = client.get(url("application_detail", application.pk))
    assert "Il bando è per Distretto della Coesione Sociale" in page_text(response)
    response = client.post(
        url("save_section", application.pk, "generale"),
        {"general-title": "T", "general-districts": [district.pk]},
    )
    assert response.status_code == 302
    assert list(application.districts.all()) == [district]


def partner_post(rows, lead_share=""):
    data = {
        "partners-TOTAL_FORMS": str(len(rows)),
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "50",
        "lead-lead_share_percent": lead_share,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"partners-{index}-{key}"] = value
    return data


def test_partnership_section_saves_registered_and_unregistered_partners(client):
    application = draft()
    registered = OrganisationFactory(legal_form=LegalForm.THIRD_SECTOR)
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "partenariato"),
        partner_post(
            [
                {"fiscal_code": registered.fiscal_code, "share_percent": "20"},
                {"name": "Comune di Prova", "legal_form": LegalForm.PUBLIC_BODY, "share_percent": "12,5"},
                {},  # an empty extra row is ignored
            ]
        ),
    )
    assert response.status_code == 302
    partners = list(application.partners.filter(role="partner").order_by("order"))
    assert [(p.organisation, p.name, p.share_percent) for p in partners] == [
        (registered, "", Decimal("20.00")),
        (None, "Comune di Prova", Decimal("12.50")),
    ]
    assert application.partners.get(role="lead").share_percent == Decimal("67.50")
    response = client.get(step_url(application, "partenariato"))
    assert "In attesa di conferma" in page_text(response)


def test_partnership_errors_are_shown_next_to_the_partner_field(client):
    application = draft()
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "partenariato"),
        partner_post(
            [
                {"fiscal_code": "00000000000", "share_percent": "10"},
                {"name": "Senza categoria", "share_percent": "10"},
            ]
        ),
    )
    assert response.status_code == 200
    assert field_error(response, "id_partners-0-fiscal_code").startswith(
        "Nessuna organizzazione registrata con questo codice fiscale"
    )
    assert not application.partners.filter(role="partner").exists()

    # The service's error (a missing legal form) lands next to the field of the row that caused it.
    response = client.post(
        url("save_section", application.pk, "partenariato"),
        partner_post([{}, {"name": "Senza categoria", "share_percent": "10"}]),
    )
    assert field_error(response, "id_partners-1-legal_form") == "Indicare la categoria giuridica."


def budget_post(rows):
    data = {
        "budget-TOTAL_FORMS": str(len(rows)),
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"budget-{index}-{key}"] = value
    return data


def test_budget_section_computes_unit_costs_flat_rates_and_totals(client):
    call = open_call(max_aid_intensity=Decimal(80))
    CostCategoryFactory(
        call=call,
        code="ore",
        title="Animazione",
        cost_option=CostOption.UNIT_COST,
        unit_rate=Decimal("38.00"),
        unit_label="ora",
        order=2,
    )
    CostCategoryFactory(
        call=call,
        code="indiretti",
        title="Costi indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal(15),
        flat_rate_base=["personale"],
        order=3,
    )
    application = draft(call=call)
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "piano-finanziario"),
        budget_post(
            [
                {"category": "personale", "description": "Educatori", "amount": "10000,00"},
                {"category": "ore", "description": "Laboratori", "quantity": "120"},
                {},
            ]
        ),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    # 10.000 + 120 × 38 = 4.560 + 15 % of 10.000 = 1.500 → 16.060; grant 80 %.
    assert application.total_cost == Decimal("16060.00")
    assert application.requested_grant == Decimal("12848.00")
    assert application.cofinancing == Decimal("3212.00")
    response = client.get(step_url(application, "piano-finanziario"))
    text = page_text(response)
    assert "120 × 38,00 € = 4.560,00 €" in text
    assert "Costi indiretti" in text and "1.500,00 €" in text
    assert "16.060,00 €" in text
    # Typed lines come back in the form; the computed flat rate does not.
    assert 'name="budget-TOTAL_FORMS" value="5"' in response.content.decode()


def test_budget_amounts_are_read_the_italian_way_and_plain(client):
    call = open_call(max_aid_intensity=Decimal(100), max_grant=Decimal("2000000.00"))
    application = draft(call=call)
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "piano-finanziario"),
        budget_post(
            [
                {"category": "personale", "description": "Educatori", "amount": "450.000,00"},
                {"category": "personale", "description": "Coordinamento", "amount": "1234.50"},
                {"category": "personale", "description": "Tutor", "amount": "10.000"},
            ]
        ),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.total_cost == Decimal("461234.50")
    response = client.post(
        url("save_section", application.pk, "piano-finanziario"),
        budget_post([{"category": "personale", "amount": "45O.000"}]),
    )
    assert (
        field_error(response, "id_budget-0-amount") == "Indicare un importo, ad esempio 1.234,56 o 1234,56."
    )


def test_budget_errors_are_shown_next_to_the_field(client):
    call = open_call()
    CostCategoryFactory(
        call=call, code="ore", title="Animazione", cost_option=CostOption.UNIT_COST, unit_rate=Decimal("38")
    )
    application = draft(call=call)
    signed_in(client, application.created_by)
    response = client.post(
        url("save_section", application.pk, "piano-finanziario"),
        budget_post([{"category": "personale", "amount": "-5"}, {"category": "ore", "amount": "100"}]),
    )
    assert response.status_code == 200
    assert field_error(response, "id_budget-0-amount") == "L'importo non può essere negativo."
    response = client.post(
        url("save_section", application.pk, "piano-finanziario"),
        budget_post([{"category": "personale", "amount": "1000"}, {"category": "ore", "amount": "100"}]),
    )
    assert response.status_code == 200
    assert field_error(response, "id_budget-1-quantity") == "Indicare la quantità per la voce «Animazione»."
    application.refresh_from_db()
    assert application.total_cost == Decimal("0.00")


def test_documents_are_uploaded_per_required_document(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = open_call()
    required = RequiredDocumentFactory(call=call, title="Domanda firmata")
    application = draft(call=call)
    signed_in(client, application.created_by)
    prefix = f"doc-{required.pk}-0"
    wrong = SimpleUploadedFile("nota.txt", b"testo", content_type="text/plain")
    response = client.post(
        url("save_section", application.pk, "documenti"),
        {"document": required.pk, "owner": "0", f"{prefix}-file": wrong},
    )
    assert response.status_code == 200
    assert field_error(response, f"id_{prefix}-file").startswith("Formato non ammesso (text/plain)")

    good = SimpleUploadedFile("domanda.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url("save_section", application.pk, "documenti"),
        {"document": required.pk, "owner": "0", f"{prefix}-file": good},
    )
    assert response.status_code == 302
    assert application.documents.get().original_name == "domanda.pdf"
    assert "Caricato: domanda.pdf" in page_text(client.get(step_url(application, "documenti")))


def test_an_htmx_upload_answers_the_documents_step_with_one_error_next_to_the_file(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call = open_call()
    required = RequiredDocumentFactory(call=call, title="Domanda firmata")
    application = draft(call=call)
    signed_in(client, application.created_by)
    prefix = f"doc-{required.pk}-0"
    wrong = SimpleUploadedFile("nota.txt", b"testo", content_type="text/plain")
    response = client.post(
        url("save_section", application.pk, "documenti"),
        {"document": required.pk, "owner": "0", f"{prefix}-file": wrong},
        **htmx(hx_target="documenti"),
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="documenti"')
    assert html.count("Formato non ammesso (text/plain)") == 1
    assert field_error(response, f"id_{prefix}-file").startswith("Formato non ammesso (text/plain)")
    assert 'hx-encoding="multipart/form-data"' in html

    good = SimpleUploadedFile("domanda.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url("save_section", application.pk, "documenti"),
        {"document": required.pk, "owner": "0", f"{prefix}-file": good},
        **htmx(hx_target="documenti"),
    )
    text = page_text(response)
    assert "Documento «Domanda firmata» caricato." in text and "Caricato: domanda.pdf" in text
    assert 'data-step="documenti" data-state="complete"' in response.content.decode()


# --- submission ---------------------------------------------------------------------------------------------
def test_submit_twice_with_the_same_key_gives_the_same_protocol_number(client):
    application = ready_application()
    signed_in(client, application.created_by)
    key = submit_key(client.get(step_url(application, "invio")))
    data = {"submit-idempotency_key": key, "submit-declarations_accepted": "on"}
    first = client.post(url("application_submit", application.pk), data)
    second = client.post(url("application_submit", application.pk), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("application_submitted", application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert ProtocolCounter.objects.get(year=application.protocol_year).last_number == 1
    page = client.get(first["Location"])
    assert application.protocol in page_text(page)
    assert url("application_receipt", application.pk) in page.content.decode()
    # The draft page is now read-only, with the protocol and the receipt.
    detail = client.get(url("application_detail", application.pk))
    assert 'name="section"' not in detail.content.decode()
    assert application.protocol in page_text(detail)


def test_each_render_of_the_draft_carries_a_new_key(client):
    application = ready_application()
    signed_in(client, application.created_by)
    first = submit_key(client.get(step_url(application, "invio")))
    second = submit_key(client.get(step_url(application, "invio")))
    assert first != second


def test_declarations_must_be_accepted(client):
    application = ready_application()
    signed_in(client, application.created_by)
    response = client.post(url("application_submit", application.pk), {"submit-idempotency_key": "k1"})
    assert response.status_code == 200
    assert field_error(response, "id_submit-declarations_accepted").startswith(
        "Per inviare la domanda occorre accettare le dichiarazioni"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_late_submission_is_refused_with_the_deadline(client):
    application = ready_application()
    call = application.call
    Call.objects.filter(pk=call.pk).update(closes_at=now() - timedelta(minutes=5))
    call.refresh_from_db()
    signed_in(client, application.created_by)
    response = client.post(
        url("application_submit", application.pk),
        {"submit-idempotency_key": "tardiva", "submit-declarations_accepted": "on"},
    )
    deadline = in_rome(call.closes_at)
    assert response.status_code == 200
    assert (
        f"La domanda non è stata inviata. La scadenza era il {deadline:%d/%m/%Y} alle {deadline:%H:%M}."
        in page_text(response)
    )
    application.refresh_from_db()
    assert (application.status, application.protocol_number) == (ApplicationStatus.DRAFT, None)


def test_an_incomplete_application_is_not_sent(client):
    application = draft()
    signed_in(client, application.created_by)
    response = client.post(
        url("application_submit", application.pk),
        {"submit-idempotency_key": "k", "submit-declarations_accepted": "on"},
    )
    assert response.status_code == 200
    assert "La domanda non rispetta le condizioni del bando" in page_text(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_receipt_is_a_pdf_attachment_only_after_submission(client):
    application = ready_application()
    signed_in(client, application.created_by)
    assert client.get(url("application_receipt", application.pk)).status_code == 404
    services.submit(
        actor=application.created_by, application=application, idempotency_key="r", declarations_accepted=True
    )
    response = client.get(url("application_receipt", application.pk))
    application.refresh_from_db()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ricevuta-{application.protocol.replace("/", "-")}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_withdraw_a_draft(client):
    application = ready_application()
    signed_in(client, application.created_by)
    response = client.post(
        url("application_withdraw", application.pk), {"reason": "Progetto rinviato"}, follow=True
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert "Domanda ritirata" in page_text(response)
    # A withdrawn application cannot be edited any more.
    response = client.post(url("save_section", application.pk, "generale"), {"general-title": "Di nuovo"})
    application.refresh_from_db()
    assert application.title == "Welfare di comunità"


# --- partner confirmations ----------------------------------------------------------------------------------
def test_a_partner_confirms_its_participation(client):
    application = draft()
    partner_user, partner_org = member_of(name="Partner Delta ETS")
    services.set_partners(
        actor=application.created_by,
        application=application,
        partners=[PartnerInput(organisation=partner_org, share_percent=Decimal(30))],
    )
    row = application.partners.get(organisation=partner_org)
    signed_in(client, partner_user)
    response = client.get(url("partnerships"))
    assert str(application) in page_text(response)
    response = client.post(url("partnerships"), {"partner": row.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.confirmed_by == partner_user
    # Someone who does not act for the partner cannot confirm (not found).
    stranger, _org = member_of()
    signed_in(client, stranger)
    assert client.post(url("partnerships"), {"partner": row.pk}).status_code == 404


# --- officers -----------------------------------------------------------------------------------------------
def officer():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="applications", codename="view_application")
    )
    return user


def test_officers_see_the_submitted_applications_of_a_call_with_filters(client):
    call = open_call()
    sent = ready_application(call=call)
    sent.title = "Orti sociali"
    sent.save(update_fields=["title"])
    services.submit(actor=sent.created_by, application=sent, idempotency_key="a", declarations_accepted=True)
    other = ready_application(call=call)
    services.submit(
        actor=other.created_by, application=other, idempotency_key="b", declarations_accepted=True
    )
    draft_only = ready_application(call=call)
    sent.refresh_from_db()

    signed_in(client, officer())
    response = client.get(url("officer_application_list", call.code))
    html = response.content.decode()
    assert response.status_code == 200
    assert sent.protocol in html and url("officer_application_detail", call.code, sent.pk) in html
    assert url("officer_application_detail", call.code, draft_only.pk) not in html
    assert "2 domande" in page_text(response)
    response = client.get(url("officer_application_list", call.code), {"q": "orti"})
    assert "1 domanda" in page_text(response)
    response = client.get(url("officer_application_list", call.code), {"tipologia": LegalForm.COMPANY})
    assert "Nessuna domanda corrisponde ai filtri." in page_text(response)
    response = client.get(url("officer_application_list", call.code), {"stato": "withdrawn"})
    assert "0 domande" in page_text(response)

    detail = client.get(url("officer_application_detail", call.code, sent.pk))
    assert detail.status_code == 200
    assert "Orti sociali" in page_text(detail) and sent.fingerprint in detail.content.decode()
    assert '<form method="post"' not in detail.content.decode().split("<main")[1]
    assert client.get(url("officer_application_detail", call.code, draft_only.pk)).status_code == 404


def test_applicants_may_not_see_the_officers_list(client):
    application = ready_application()
    signed_in(client, application.created_by)
    response = client.get(url("officer_application_list", application.call.code))
    assert response.status_code == 403
    assert "Accesso non consentito" in page_text(response)
    assert (
        client.get(url("officer_application_detail", application.call.code, application.pk)).status_code
        == 403
    )


def test_comuni_are_named_and_an_ambiguous_name_asks_for_the_province():
    from grants.applications.forms import resolve_municipalities

    turin = MunicipalityFactory(name="Samone")
    other = MunicipalityFactory(name="Samone")
    found, problems = resolve_municipalities("samone")
    assert found == []
    assert problems == ["«samone»: più comuni con questo nome, indicare la provincia, es. «samone (TO)»."]
    abbreviation = turin.province.abbreviation
    found, problems = resolve_municipalities(f"Samone ({abbreviation.lower()}),\nSamone ({abbreviation})")
    assert (found, problems) == ([turin], [])
    assert resolve_municipalities(f"Samone ({other.province.abbreviation})") == ([other], [])


def test_withdrawal_asks_for_confirmation_and_a_reason_kept_in_the_audit_trail(client):
    from grants.core.models import AuditEvent

    application = ready_application()
    signed_in(client, application.created_by)
    detail = client.get(url("application_detail", application.pk)).content.decode()
    withdraw_url = url("application_withdraw", application.pk)
    assert f'href="{withdraw_url}" data-testid="withdraw-link"' in detail  # a link, not a one-click form
    page = client.get(withdraw_url)
    assert page.status_code == 200
    assert "Il ritiro è definitivo" in page_text(page) and 'name="reason"' in page.content.decode()

    refused = client.post(withdraw_url, {"reason": "   "})
    assert refused.status_code == 422
    assert "Indicare il motivo del ritiro." in page_text(refused)
    assert 'aria-invalid="true"' in refused.content.decode()
    application.refresh_from_db()
    assert application.status != ApplicationStatus.WITHDRAWN

    client.post(withdraw_url, {"reason": "Il partner ha rinunciato"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    event = AuditEvent.objects.get(action="application.withdrawn", object_id=str(application.pk))
    assert event.reason == "Ritirata dal proponente: Il partner ha rinunciato"
    assert application.history.first().history_change_reason.startswith("Ritirata dal proponente: Il partner")
