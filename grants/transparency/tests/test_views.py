from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from grants.programme.models import CallStatus
from grants.programme.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def english_client() -> Client:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_home_shows_programme_total_funds_measures_and_open_calls(client, sample):
    response = client.get(reverse("transparency:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert 'lang="it"' in html
    assert "WECARE – Welfare Cantiere Regionale" in html
    assert "20.000.000,00 €" in html
    assert "6.400.000,00 €" in html
    for code in ("FSE1", "FSE2", "FSE3", "FESR", "FSE4"):
        assert reverse("transparency:measure", args=[code]) in html
    # open call highlighted, upcoming/closed/draft calls not in the open list
    assert sample.open_call.title in html
    assert sample.upcoming_call.title not in html
    assert sample.draft_call.title not in html
    assert "50 %" in html and "35 %" in html and "15 %" in html
    # no breadcrumb bar on the home page
    assert "breadcrumb-container" not in html


def test_home_falls_back_to_first_programme(client, sample, settings):
    settings.DEFAULT_PROGRAMME_CODE = "does-not-exist"
    response = client.get(reverse("transparency:home"))
    assert response.status_code == 200
    assert "20.000.000,00 €" in response.content.decode()


def test_home_without_any_programme(client, db):
    response = client.get(reverse("transparency:home"))
    assert response.status_code == 200
    assert "Nessun programma" in response.content.decode()


def test_home_query_count_does_not_grow_with_calls(client, sample, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("transparency:home"))


def test_programme_page(client, sample):
    response = client.get(reverse("transparency:programme"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "D.G.R. n. 22-5076 del 22/05/2017" in html
    assert "POR FESR 2014-2020" in html
    assert "20.000.000,00 €" in html
    assert "5.000.000,00 €" in html
    assert 'class="breadcrumb-item active" aria-current="page"' in html


def test_measure_page_shows_objective_phases_and_public_calls(client, sample):
    response = client.get(reverse("transparency:measure", args=["FSE1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Obiettivo della misura FSE1." in html
    assert "Progettazione" in html and "Sperimentazione" in html
    assert "01/01/2018" in html
    assert sample.open_call.title in html
    assert "Aperto" in html
    assert "6.400.000,00 €" in html


def test_measure_page_hides_draft_calls(client, sample):
    html = client.get(reverse("transparency:measure", args=["FSE2"])).content.decode()
    assert sample.draft_call.title not in html
    assert "Non sono ancora stati pubblicati bandi" in html


def test_measure_page_lists_calls_oldest_first(client, sample):
    earlier = CallFactory(
        measure=sample.measures["FSE1"],
        title="Bando FSE1 precedente",
        opens_at=sample.open_call.opens_at - timedelta(days=400),
    )
    html = client.get(reverse("transparency:measure", args=["FSE1"])).content.decode()
    assert html.index(earlier.title) < html.index(sample.open_call.title)


def test_staff_allowed_to_see_drafts_still_get_the_public_view(client, sample, django_user_model):
    staff = django_user_model.objects.create_user(
        email="staff@example.org", password="a-long-password-123", is_staff=True
    )
    staff.user_permissions.add(Permission.objects.get(codename="view_call"))
    client.force_login(staff)
    assert sample.draft_call.title not in client.get(reverse("transparency:call_list")).content.decode()
    assert client.get(reverse("transparency:call_detail", args=[sample.draft_call.code])).status_code == 404


def test_unknown_measure_is_404(client, sample):
    assert client.get(reverse("transparency:measure", args=["NOPE"])).status_code == 404


def test_call_page_shows_the_rules(client, sample):
    response = client.get(reverse("transparency:call_detail", args=[sample.open_call.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert sample.open_call.title in html
    assert "badge bg-success" in html
    assert "Ente gestore delle funzioni socio-assistenziali" in html
    assert "Comune / ente pubblico" in html
    assert "Cooperativa sociale" in html
    assert "da 2 a 10" in html
    assert "400.000,00 €" in html and "50.000,00 €" in html
    assert "1.500.000,00 €" in html and "Torino" in html
    assert "80 %" in html and "20 %" in html
    assert "Costi reali" in html and "Tasso forfettario" in html and "fino al 60 % del totale" in html
    assert "Qualità della proposta" in html and "Sostenibilità e replicabilità" in html
    assert "criterion-child" in html
    assert "Punteggio più alto sul criterio A" in html and "Ordine di presentazione" in html
    assert "Lettera di adesione del partner" in html and "uno per partner" in html
    assert "Idea progettuale" in html and "Progetto esecutivo" in html


def test_call_page_marks_indicative_values_and_shows_the_project_phases(client, sample):
    from grants.programme.models import CallProjectPhase

    call = sample.open_call
    url = reverse("transparency:call_detail", args=[call.code])
    assert "valore indicativo" not in client.get(url).content.decode()
    call.indicative_fields = ["closes_at", "criteria"]
    call.save()
    CallProjectPhase.objects.create(call=call, code="progettazione", title="Fase di progettazione", months=6)
    html = client.get(url).content.decode()
    assert html.count('data-testid="indicative"') == 2 and 'data-testid="indicative-note"' in html
    assert "Fase di progettazione" in html and "6 mesi" in html
    measure_page = client.get(reverse("transparency:measure", args=[call.measure.code])).content.decode()
    assert "valore indicativo" in measure_page


def test_call_page_times_are_in_rome(client, sample):
    html = client.get(reverse("transparency:call_detail", args=[sample.closed_call.code])).content.decode()
    assert "02/11/2017 ore 09:00" in html
    assert "28/02/2018 ore 12:00" in html
    assert "Chiuso" in html


def test_call_page_company_sizes_and_regime(client, sample):
    html = client.get(reverse("transparency:call_detail", args=[sample.upcoming_call.code])).content.decode()
    assert "Piccola impresa, Media impresa" in html
    assert "De minimis" in html
    assert "Di prossima apertura" in html
    assert "Sportello (ordine di arrivo)" in html


def test_draft_call_is_404(client, sample):
    response = client.get(reverse("transparency:call_detail", args=[sample.draft_call.code]))
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_call_page_query_count(client, sample, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("transparency:call_detail", args=[sample.open_call.code]))


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({}, ["open_call", "upcoming_call", "closed_call"], ["draft_call"]),
        ({"stato": "aperti"}, ["open_call"], ["upcoming_call", "closed_call", "draft_call"]),
        ({"stato": "prossimi"}, ["upcoming_call"], ["open_call", "closed_call", "draft_call"]),
        ({"stato": "chiusi"}, ["closed_call"], ["open_call", "upcoming_call", "draft_call"]),
        ({"misura": "FSE3"}, ["upcoming_call"], ["open_call", "closed_call"]),
        ({"modalita": "first_come"}, ["upcoming_call"], ["open_call", "closed_call"]),
        ({"stato": "tutti", "misura": "FESR", "modalita": "ranking"}, ["closed_call"], ["open_call"]),
    ],
)
def test_call_list_filters(client, sample, params, present, absent):
    response = client.get(reverse("transparency:call_list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    for name in present:
        assert getattr(sample, name).title in html
    for name in absent:
        assert getattr(sample, name).title not in html


def test_call_list_closed_includes_approved_ranking(client, sample):
    sample.open_call.status = CallStatus.RANKING_APPROVED
    sample.open_call.save()
    html = client.get(reverse("transparency:call_list"), {"stato": "chiusi"}).content.decode()
    assert sample.open_call.title in html


def test_call_list_empty_state(client, sample):
    html = client.get(
        reverse("transparency:call_list"), {"stato": "aperti", "misura": "FESR"}
    ).content.decode()
    assert 'data-testid="empty-state"' in html
    assert "Nessun bando corrisponde ai filtri scelti." in html


def test_call_list_ignores_invalid_filters(client, sample):
    html = client.get(
        reverse("transparency:call_list"), {"stato": "xxx", "misura": "ZZZ", "modalita": "bogus"}
    ).content.decode()
    assert sample.open_call.title in html and sample.closed_call.title in html


def test_call_list_htmx_returns_only_results(client, sample):
    response = client.get(
        reverse("transparency:call_list"),
        {"stato": "aperti"},
        headers={"HX-Request": "true", "HX-Target": "call-results"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="call-results"')
    assert "<html" not in html
    assert sample.open_call.title in html
    assert sample.closed_call.title not in html


def test_call_list_form_is_accessible_and_htmx_enabled(client, sample):
    html = client.get(reverse("transparency:call_list")).content.decode()
    for field in ("stato", "misura", "modalita"):
        assert f'<label for="filter-{field}">' in html
        assert f'id="filter-{field}" name="{field}"' in html
    assert 'hx-get="/bandi/"' in html and 'hx-target="#call-results"' in html


def test_privacy_and_accessibility_pages(client, db):
    privacy = client.get(reverse("transparency:privacy"))
    accessibility = client.get(reverse("transparency:accessibility"))
    assert privacy.status_code == 200 and "Titolare del trattamento" in privacy.content.decode()
    assert accessibility.status_code == 200 and "WCAG 2.1" in accessibility.content.decode()


def test_layout_has_skiplinks_landmarks_login_and_language_switch(client, sample):
    html = client.get(reverse("transparency:call_list")).content.decode()
    assert 'class="skiplinks"' in html
    assert '<main id="main-container">' in html
    assert '<footer class="it-footer" id="footer">' in html
    assert 'action="/lingua/"' in html and "csrfmiddlewaretoken" not in html
    assert 'name="language" value="en"' in html
    assert reverse("accounts:login") in html
    assert "/api/v1/docs" in html
    assert "<script>" not in html and "onclick" not in html and 'style="' not in html
    assert "bootstrap-italia-path.js" in html
    assert html.index("bootstrap-italia-path.js") < html.index("bootstrap-italia.bundle.min.js")


def test_signed_in_user_sees_name_and_logout(client, sample, django_user_model):
    user = django_user_model.objects.create_user(email="ada@example.org", password="a-long-password-123")
    client.force_login(user)
    html = client.get(reverse("transparency:home")).content.decode()
    assert "Esci" in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert "ada@example.org" in html or user.get_full_name() in html


def test_english_ui_after_switching_language(sample):
    client = english_client()
    home = client.get(reverse("transparency:home")).content.decode()
    assert 'lang="en"' in home
    assert "Open calls" in home
    assert "Go to main content" in home
    assert "WECARE – Regional Welfare Workshop" in home
    assert "Regional strategy for social innovation." in home
    assert "Innovative territorial welfare experiments" in home

    call = client.get(reverse("transparency:call_detail", args=[sample.closed_call.code])).content.decode()
    assert "02/11/2017 at 09:00" in call
    assert "Who may apply" in call
    assert "Closed" in call
    assert "Company" in call

    calls = client.get(reverse("transparency:call_list")).content.decode()
    assert "Upcoming" in calls
    assert "All measures" in calls


def test_404_page_uses_layout(client, db):
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina non trovata" in html and "it-header-wrapper" in html


def test_500_page_renders_without_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Si è verificato un errore" in html
    assert "it-footer" in html


def test_home_and_call_list_show_the_open_calls_of_every_programme(client, sample):
    from grants.programme.tests.factories import MeasureFactory, ProgrammeFactory

    demo = ProgrammeFactory(code="wecare-demo", title="[DEMO] Programma dimostrativo")
    other = CallFactory(
        measure=MeasureFactory(fund__programme=demo, code="FSE9"),
        title="[DEMO] Bando aperto di un altro programma",
    )
    CallFactory(measure=other.measure, title="[DEMO] Bando in bozza", status=CallStatus.DRAFT)

    home = client.get(reverse("transparency:home")).content.decode()
    assert other.title in home and sample.open_call.title in home
    assert "[DEMO] Programma dimostrativo" in home  # the other programme's call says whose it is
    assert "Al momento non ci sono bandi aperti" not in home
    assert "[DEMO] Bando in bozza" not in home

    listed = client.get(reverse("transparency:call_list"), {"stato": "aperti"}).content.decode()
    assert other.title in listed and sample.open_call.title in listed
    assert "[DEMO] Bando in bozza" not in listed
    by_measure = client.get(reverse("transparency:call_list"), {"misura": "FSE9"}).content.decode()
    assert other.title in by_measure and sample.open_call.title not in by_measure


def test_an_approved_ranking_is_linked_from_the_list_and_its_page_answers(client, sample):
    call = sample.closed_call
    call.status = CallStatus.RANKING_APPROVED  # approved before the platform: no ranking stored here
    call.save()
    listed = client.get(reverse("transparency:call_list"), {"stato": "chiusi"}).content.decode()
    url = reverse("transparency:ranking", args=[call.code])
    assert f'href="{url}" data-testid="ranking-link-{call.code}"' in listed
    assert (
        f'href="{url}" data-testid="public-ranking-link"'
        in client.get(reverse("transparency:call_detail", args=[call.code])).content.decode()
    )
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="ranking-elsewhere"' in page.content.decode()
    # a call whose ranking is not approved has no link and no page
    assert (
        f"ranking-link-{sample.open_call.code}"
        not in client.get(reverse("transparency:call_list")).content.decode()
    )
    assert client.get(reverse("transparency:ranking", args=[sample.open_call.code])).status_code == 404
