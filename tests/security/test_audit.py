"""The audit trail: append-only events with actor, organisation, object, before/after and request context."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from grants.core import requestcontext
from grants.core.audit import record_event, save_audited
from grants.core.models import AppendOnlyError, AuditEvent
from grants.core.selectors import can_view_audit, events_for
from grants.registry.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_event_keeps_actor_object_organisation_and_values():
    actor = UserFactory(email="funzionaria@regione.test")
    organisation = OrganisationFactory(name="Cooperativa Aurora")

    event = record_event(
        actor=actor,
        action="document.downloaded",
        obj=organisation,
        before={"status": "draft"},
        after={"status": "published", "amount": Decimal("10.50")},
        organisation=organisation,
    )

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == actor
    assert event.actor_label == "funzionaria@regione.test"
    assert event.organisation_id == organisation.pk
    assert event.organisation_name == "Cooperativa Aurora"
    assert event.object_type == "registry.organisation"
    assert event.object_id == str(organisation.pk)
    assert event.object_repr == "Cooperativa Aurora"
    assert event.before == {"status": "draft"}
    assert event.after == {"status": "published", "amount": "10.50"}
    # Outside a request there is no request context.
    assert (event.ip_address, event.user_agent, event.request_id) == (None, "", "")


def test_record_event_reads_the_request_it_is_given():
    request = RequestFactory().get("/", HTTP_USER_AGENT="Firefox/140", HTTP_X_REQUEST_ID="abc-123")
    request.META["REMOTE_ADDR"] = "192.0.2.7"

    event = record_event(actor=None, action="system.check", request=request)

    assert (event.ip_address, event.user_agent, event.request_id) == ("192.0.2.7", "Firefox/140", "abc-123")
    assert event.actor is None and event.actor_label == ""


def test_the_context_variable_reaches_code_that_has_no_request():
    token = requestcontext.activate(
        requestcontext.RequestContext(request_id="req-9", ip_address="2001:db8::1", user_agent="curl/8")
    )
    try:
        event = record_event(actor=None, action="system.check")
    finally:
        requestcontext.deactivate(token)

    assert (event.ip_address, event.user_agent, event.request_id) == ("2001:db8::1", "curl/8", "req-9")
    assert requestcontext.current().request_id == ""


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = record_event(actor=None, action="call.published")

    event.action = "call.archived"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "call.published"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_in_the_database():
    event = record_event(actor=None, action="call.published")
    table = AuditEvent._meta.db_table

    for statement in (f"UPDATE {table} SET action = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).action == "call.published"


def test_save_audited_records_created_then_only_the_changed_fields():
    actor = UserFactory()
    organisation = OrganisationFactory.build(name="Prima", seat=OrganisationFactory().seat)

    save_audited(organisation, actor=actor, reason="Registrazione")
    organisation.name = "Seconda"
    save_audited(organisation, actor=actor, reason="Modifica", action="organisation.renamed")

    renamed, created = list(events_for(organisation))
    assert created.action == "organisation.created"
    assert created.before == {}
    assert created.after["name"] == "Prima"
    assert created.after["seat_id"] == organisation.seat_id
    assert "created_at" not in created.after  # timestamps are noise, history keeps them
    assert created.reason == "Registrazione"
    assert renamed.action == "organisation.renamed"
    assert renamed.before == {"name": "Prima"}
    assert renamed.after == {"name": "Seconda"}
    assert renamed.actor == actor
    # The simple-history row is still written with the actor and the reason.
    assert organisation.history.first().history_user == actor
    assert organisation.history.first().history_change_reason == "Modifica"


def test_save_audited_never_copies_a_password():
    user = UserFactory.build(email="nuova@esempio.test")
    user.set_password("una-password-lunga-123")

    save_audited(user, actor=None, reason="Creazione")

    event = events_for(user).get()
    assert "password" not in event.after
    assert event.after["email"] == "nuova@esempio.test"


def test_a_request_id_header_is_echoed_or_generated(client):
    given = client.get("/health/", HTTP_X_REQUEST_ID="trace-42")
    generated = client.get("/health/", HTTP_X_REQUEST_ID="not valid; <script>")

    assert given["X-Request-ID"] == "trace-42"
    assert len(generated["X-Request-ID"]) == 32
    assert generated["X-Request-ID"] != "not valid; <script>"


def test_a_service_called_by_a_view_records_the_request_context(client):
    user = UserFactory()
    organisation = OrganisationFactory(representative=user, name="Prima")
    client.force_login(user)
    data = {
        field: getattr(organisation, field)
        for field in (
            "legal_form",
            "company_size",
            "runts_number",
            "vat_number",
            "address",
            "pec",
            "legal_representative_first_name",
            "legal_representative_last_name",
            "legal_representative_fiscal_code",
        )
    }
    data.update(name="Seconda", seat=organisation.seat.istat_code)

    response = client.post(
        reverse("registry:organisation_update", args=[organisation.pk]),
        data,
        HTTP_X_REQUEST_ID="req-update-1",
        HTTP_USER_AGENT="Mozilla/5.0 prova",
        REMOTE_ADDR="198.51.100.4",
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = events_for(organisation).filter(after__name="Seconda").get()
    assert event.request_id == "req-update-1"
    assert event.user_agent == "Mozilla/5.0 prova"
    assert event.ip_address == "198.51.100.4"
    assert event.actor == user
    assert event.before == {"name": "Prima"}


def test_only_staff_with_the_permission_may_view_the_trail():
    applicant = UserFactory()
    staff = UserFactory(is_staff=True)
    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    officer = type(officer).objects.get(pk=officer.pk)  # drop the permission cache

    assert not can_view_audit(applicant)
    assert not can_view_audit(staff)
    assert can_view_audit(officer)


def test_the_admin_is_read_only_even_for_superusers(rf):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = rf.get("/")
    request.user = superuser
    model_admin = admin_site._registry[AuditEvent]
    event = record_event(actor=None, action="call.published")

    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_the_admin_change_page_shows_the_event_without_a_save_button(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    event = record_event(actor=None, action="call.published")

    page = client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    add = client.get(reverse("admin:core_auditevent_add"))
    delete = client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert b"call.published" in page.content
    assert b'name="_save"' not in page.content
    assert add.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_audit_trail_include_renders_only_for_permitted_staff(rf):
    organisation = OrganisationFactory(name="Cooperativa <Aurora>")
    record_event(actor=None, action="organisation.checked", obj=organisation, after={"name": "<b>x</b>"})
    officer = UserFactory(is_staff=True, is_superuser=True)
    template = Template("{% load audit %}{% audit_trail obj %}")

    request = rf.get("/")
    request.user = officer
    shown = template.render(Context({"obj": organisation, "request": request}))
    request.user = UserFactory()
    hidden = template.render(Context({"obj": organisation, "request": request}))

    assert "organisation.checked" in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "Registro delle operazioni" in shown
    assert hidden.strip() == ""
