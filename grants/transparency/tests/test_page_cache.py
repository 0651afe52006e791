"""The public pages kept for anonymous readers (grants/core/page_cache.py): served from the cache, renewed by
every kind of change an officer makes, never for a signed-in user, one copy per language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from grants.core import page_cache
from grants.core.timeutils import now
from grants.evaluation import services as evaluation_services
from grants.evaluation.tests.factories import DETERMINATION, evaluated_call, manager, officer
from grants.programme import services as programme_services
from grants.programme.tests.factories import CallFactory
from grants.projects import services as project_services
from grants.projects.tests.factories import next_cup, project_officer
from grants.registry.tests.factories import staff_user

from .factories import public_project

pytestmark = pytest.mark.django_db

GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PUBLIC_PAGE_MAX_AGE = 30
    cache.clear()
    yield
    cache.clear()


def _served_from_cache(client, url, django_assert_num_queries, **kwargs):
    with django_assert_num_queries(0):
        return client.get(url, **kwargs)


def test_second_anonymous_read_is_served_from_the_cache_with_public_headers(
    client, sample, django_assert_num_queries
):
    first = client.get("/")
    again = _served_from_cache(client, "/", django_assert_num_queries)

    assert again.status_code == 200
    assert again.content == first.content
    for response in (first, again):
        assert response["Cache-Control"] == "public, max-age=30"
        assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
        assert "csrftoken" not in response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/programma/", "/misure/FSE1/", "/bandi/", "/bandi/fse1-welfare-territoriale/", "/dati-aperti/"],
)
def test_every_programme_page_is_cached(client, sample, url, django_assert_num_queries):
    assert client.get(url).status_code == 200
    assert _served_from_cache(client, url, django_assert_num_queries).status_code == 200


def test_editing_a_call_through_the_service_shows_on_the_next_read(client, sample):
    call = sample.open_call
    pages = ["/", "/bandi/", f"/bandi/{call.code}/", "/misure/FSE1/"]
    for url in pages:
        assert call.title in client.get(url).content.decode()

    call.title = "Bando rinnovato dei distretti"
    call.tie_break_rules = ["Punteggio più alto sul criterio A"]
    programme_services.save_call(actor=staff_user("programme.change_call"), call=call, check_children=False)

    for url in pages:
        assert "Bando rinnovato dei distretti" in client.get(url).content.decode(), url


def test_a_change_of_the_programme_or_a_measure_shows_on_the_next_read(client, sample):
    assert "WECARE – Welfare Cantiere Regionale" in client.get("/programma/").content.decode()
    client.get("/misure/FSE2/")

    sample.programme.title = "WECARE – seconda edizione"
    sample.programme.save()
    measure = sample.measures["FSE2"]
    measure.objective = "Un obiettivo riscritto."
    programme_services.save_measure(actor=staff_user("programme.change_call"), measure=measure)

    assert "WECARE – seconda edizione" in client.get("/programma/").content.decode()
    assert "WECARE – seconda edizione" in client.get("/").content.decode()
    assert "Un obiettivo riscritto." in client.get("/misure/FSE2/").content.decode()


def test_approving_a_ranking_shows_on_the_call_pages_at_once(client):
    call, _applications, _ = evaluated_call([("60000", GOOD)])
    ranking = evaluation_services.compute_ranking(actor=officer(), call=call)
    assert b"public-ranking-link" not in client.get(f"/bandi/{call.code}/").content
    assert f"ranking-link-{call.code}" not in client.get("/bandi/").content.decode()

    evaluation_services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)

    assert b"public-ranking-link" in client.get(f"/bandi/{call.code}/").content
    assert f"ranking-link-{call.code}" in client.get("/bandi/").content.decode()
    page = client.get(f"/bandi/{call.code}/graduatoria/")
    assert page.status_code == 200 and page["Cache-Control"] == "public, max-age=30"


def test_a_project_changing_shows_on_the_funded_projects_and_grants_pages(client):
    project = public_project()
    list_url = reverse("transparency:project_list")
    grants_url = reverse("transparency:grant_publication")
    assert project.cup in client.get(list_url).content.decode()
    client.get(grants_url)

    cup = next_cup()
    project_services.assign_cup(actor=project_officer(), project=project, cup=cup)
    project.refresh_from_db()
    assert project.cup == cup

    assert cup in client.get(list_url).content.decode()
    second = public_project()
    assert second.title in client.get(grants_url).content.decode()


def test_signed_in_users_never_get_nor_fill_a_cached_page(client, sample, django_user_model):
    anonymous = Client()
    anonymous.get("/bandi/")  # the anonymous copy is now kept
    user = django_user_model.objects.create_user(email="ada@example.org", password="a-long-password-123")
    client.force_login(user)

    response = client.get("/bandi/")

    assert "ada@example.org" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert client.get("/bandi/").content.decode().count("ada@example.org") >= 1
    assert "ada@example.org" not in anonymous.get("/bandi/").content.decode()


def test_a_signed_in_first_read_is_not_kept_for_anonymous_readers(
    client, sample, django_user_model, django_assert_max_num_queries
):
    user = django_user_model.objects.create_user(email="bob@example.org", password="a-long-password-123")
    client.force_login(user)
    client.get("/")

    anonymous = Client()
    response = anonymous.get("/")
    assert "bob@example.org" not in response.content.decode()
    assert response["Cache-Control"] == "public, max-age=30"


def test_a_session_or_a_pending_message_bypasses_the_cache(client, sample, settings):
    client.get("/")
    for cookie in (settings.SESSION_COOKIE_NAME, "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "something"
        response = visitor.get("/")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_languages_do_not_mix(client, sample):
    italian = client.get("/").content.decode()
    assert "Bandi aperti" in italian

    by_cookie = Client()
    by_cookie.get(reverse("core:switch_language"), {"language": "en", "next": "/"})
    assert "Open calls" in by_cookie.get("/").content.decode()
    by_header = Client(headers={"Accept-Language": "en"})
    assert "Open calls" in by_header.get("/").content.decode()

    again = Client().get("/").content.decode()
    assert "Bandi aperti" in again and "Open calls" not in again


def test_filters_and_htmx_partials_have_their_own_copy(client, sample):
    full = client.get("/bandi/", {"stato": "prossimi"}).content.decode()
    partial = client.get(
        "/bandi/", {"stato": "prossimi"}, headers={"HX-Request": "true", "HX-Target": "call-results"}
    ).content.decode()
    every = client.get("/bandi/").content.decode()

    assert "<html" in full and "<html" not in partial
    assert sample.upcoming_call.title in full and sample.open_call.title not in partial
    assert sample.open_call.title in every


def test_a_call_opening_renews_the_pages_and_bounds_their_max_age(
    client, sample, monkeypatch, django_assert_max_num_queries
):
    soon = CallFactory(measure=sample.measures["FSE2"], opens_at=now() + timedelta(seconds=20))
    response = client.get("/bandi/")
    assert soon.title in response.content.decode()
    max_age = int(response["Cache-Control"].split("max-age=")[1])
    assert 0 < max_age <= 20

    later = page_cache.time.time() + 25
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    with django_assert_max_num_queries(20) as queries:
        client.get("/bandi/")
    assert len(queries) > 0  # a new epoch: the page is rendered again, not taken from the cache


def test_a_page_holding_a_csrf_token_is_never_kept(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    calls = []

    @page_cache.public_page("test")
    def view(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    for _ in range(2):
        request = rf.get("/x/")
        request.user = AnonymousUser()
        response = view(request)
        assert "public" not in response.get("Cache-Control", "")
    assert len(calls) == 2


def test_the_language_switch_is_a_get_that_stays_on_this_site(client, db, settings):
    response = client.get(reverse("core:switch_language"), {"language": "en", "next": "/bandi/?stato=aperti"})
    assert response.status_code == 302 and response["Location"] == "/bandi/?stato=aperti"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    away = client.get(reverse("core:switch_language"), {"language": "xx", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in away.cookies


def test_a_plain_save_renews_the_page_before_its_transaction_commits(client, sample):
    """The generation is bumped at the write and again at commit (the test transaction never commits: the
    first bump alone lets the next read see the change)."""
    client.get(f"/bandi/{sample.open_call.code}/")
    sample.open_call.summary = "Sintesi aggiornata."
    sample.open_call.budget = Decimal("6400000.00")
    sample.open_call.save()
    assert "Sintesi aggiornata." in client.get(f"/bandi/{sample.open_call.code}/").content.decode()
