"""RNA records: born from each grant, changed by a loan's GGE and revocations, sent through the adapters
(contract test against a local HTTP server), XML valid against the shipped schema, pages and API."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from grants.finance import services
from grants.finance.models import RnaRecord
from grants.finance.rna import services as rna_services
from grants.finance.rna.adapters import FileAdapter, HttpAdapter, RnaAnswer
from grants.finance.rna.xml import NAMESPACE, to_xml, validation_errors
from grants.finance.states import RnaInstrument, RnaKind, RnaRegime, RnaStatus
from grants.programme.models import StateAidRegime
from grants.projects import services as project_services
from grants.projects.tests.factories import ProjectFactory, project_call, project_officer

from .factories import officer, today

pytestmark = pytest.mark.django_db
API = "/api/v1"


def granted_project(django_capture_on_commit_callbacks, **call_options):
    call_options.setdefault("state_aid_regime", StateAidRegime.DE_MINIMIS)
    call = project_call(**call_options)
    call.rna_car = "12345"
    call.save(update_fields=["rna_car"])
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(call=call)
    return project


def test_a_grant_produces_its_registration_record(django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks)
    record = RnaRecord.objects.get(project=project)
    assert record.kind == RnaKind.REGISTRATION and record.status == RnaStatus.TO_SEND
    assert record.car == "12345" and record.regime == RnaRegime.DE_MINIMIS
    assert record.beneficiary_fiscal_code == project.beneficiary.fiscal_code
    assert record.aid_amount == record.nominal_amount == project.grant
    assert record.instrument == RnaInstrument.GRANT
    assert record.concession_date == today()


def test_a_grant_that_is_not_state_aid_registers_nothing(django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks, state_aid_regime=StateAidRegime.NONE)
    assert not RnaRecord.objects.filter(project=project).exists()


def test_the_xml_is_valid_against_the_schema_and_the_schema_refuses_a_bad_fiscal_code(
    django_capture_on_commit_callbacks,
):
    project = granted_project(django_capture_on_commit_callbacks)
    record = RnaRecord.objects.get(project=project)
    xml = to_xml([record])
    assert validation_errors(xml) == []
    root = etree.fromstring(xml)
    ns = {"r": NAMESPACE}
    assert root.findtext("r:Operazione/r:TipoOperazione", namespaces=ns) == "REGISTRAZIONE"
    assert root.findtext("r:Operazione/r:CodiceCAR", namespaces=ns) == "12345"
    record.beneficiary_fiscal_code = "X"
    assert validation_errors(to_xml([record]))


def test_the_cor_typed_by_an_officer_registers_and_reaches_the_project(django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks)
    record = RnaRecord.objects.get(project=project)
    with pytest.raises(Exception, match="COR"):
        rna_services.set_cor(actor=project_officer(), record=record, cor="abc")
    rna_services.set_cor(actor=project_officer(), record=record, cor="987654")
    record.refresh_from_db()
    project.refresh_from_db()
    assert record.status == RnaStatus.REGISTERED and record.cor == "987654"
    assert project.rna_cor == "987654" and project.rna_registered_on == today()


def test_partial_and_total_revocations_produce_their_records(django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks)
    actor = project_officer()
    rna_services.set_cor(actor=actor, record=RnaRecord.objects.get(project=project), cor="111")
    with django_capture_on_commit_callbacks(execute=True):
        project_services.revoke(
            actor=actor, project=project, new_grant=Decimal("10000"), reason="Spese non ammesse"
        )
    variation = RnaRecord.objects.get(project=project, kind=RnaKind.VARIATION)
    assert variation.aid_amount == Decimal("10000.00") and variation.previous_aid_amount == project.grant
    project.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        project_services.revoke(
            actor=actor, project=project, new_grant=Decimal("0"), reason="Rinuncia tardiva"
        )
    revocation = RnaRecord.objects.get(project=project, kind=RnaKind.REVOCATION)
    assert revocation.aid_amount == 0 and revocation.previous_aid_amount == Decimal("10000.00")
    assert validation_errors(to_xml([variation, revocation])) == []


def test_a_loan_makes_its_gge_the_aid_element(django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks, state_aid_regime=StateAidRegime.EXEMPTION)
    loan = services.record_loan(
        actor=officer(),
        project=project,
        principal="100000",
        annual_rate_percent="0",
        term_months=60,
        pre_amortisation_months=0,
        frequency_months=6,
        first_due_date=today(),
        rating_category="weak",
        collateral_level="low",
    )
    assert Decimal(0) < loan.gross_grant_equivalent < loan.principal
    record = RnaRecord.objects.get(project=project, kind=RnaKind.REGISTRATION)
    assert record.instrument == RnaInstrument.LOAN
    assert record.nominal_amount == loan.principal and record.aid_amount == loan.gross_grant_equivalent


def test_a_loan_whose_gge_breaks_a_company_ceiling_is_refused_naming_it(django_capture_on_commit_callbacks):
    from grants.finance.models import Loan

    project = granted_project(django_capture_on_commit_callbacks)
    with pytest.raises(services.FinanceError) as refusal:
        services.record_loan(
            actor=officer(),
            project=project,
            principal="3000000",
            annual_rate_percent="0",
            term_months=120,
            pre_amortisation_months=0,
            frequency_months=12,
            first_due_date=today(),
            rating_category="bad",
            collateral_level="low",
        )
    assert project.beneficiary.name in refusal.value.message and "disponibili" in refusal.value.message
    assert not Loan.objects.filter(project=project).exists()


# --- the adapters' contract, against a local HTTP server ---------------------------------------------------
class FakeRna(BaseHTTPRequestHandler):
    """Stands for the RNA web service: a COR per IdRichiesta (the same on a retry); refuses a CAR of 0."""

    cors: dict[str, str] = {}

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        root = etree.fromstring(body)
        ns = {"r": NAMESPACE}
        request_id = root.findtext("r:Operazione/r:IdRichiesta", namespaces=ns)
        if root.findtext("r:Operazione/r:CodiceCAR", namespaces=ns) == "0" or validation_errors(body):
            answer = {"esito": "KO", "motivo": "Codice CAR inesistente"}
        else:
            cor = self.cors.setdefault(request_id, str(7000000 + len(self.cors)))
            answer = {"esito": "OK", "cor": cor}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def rna_server():
    server = HTTPServer(("127.0.0.1", 0), FakeRna)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/registrazioni"
    server.shutdown()
    server.server_close()


def test_the_http_adapter_gets_a_cor_the_same_on_retry_and_a_reason_when_refused(
    rna_server, django_capture_on_commit_callbacks
):
    record = RnaRecord.objects.get(project=granted_project(django_capture_on_commit_callbacks))
    adapter = HttpAdapter(endpoint=rna_server, token="t")
    first, again = adapter.send(record), adapter.send(record)
    assert first.sent and first.cor.isdigit() and first == again
    record.car = "0"
    refused = adapter.send(record)
    assert refused.sent and not refused.cor and refused.refusal


def test_the_file_adapter_leaves_the_upload_to_the_officer(django_capture_on_commit_callbacks):
    record = RnaRecord.objects.get(project=granted_project(django_capture_on_commit_callbacks))
    assert FileAdapter().send(record) == RnaAnswer(sent=False)


def test_sending_through_http_registers_the_record_and_the_project(
    rna_server, django_capture_on_commit_callbacks
):
    project = granted_project(django_capture_on_commit_callbacks)
    record = RnaRecord.objects.get(project=project)
    with override_settings(RNA_ADAPTER="http", RNA_ENDPOINT=rna_server):
        rna_services.send(actor=project_officer(), record=record)
    record.refresh_from_db()
    project.refresh_from_db()
    assert record.status == RnaStatus.REGISTERED and project.rna_cor == record.cor


# --- pages and API ------------------------------------------------------------------------------------
def test_the_officer_lists_filters_exports_and_types_the_cor(client, django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks)
    record = RnaRecord.objects.get(project=project)
    client.force_login(project_officer())
    page = client.get(reverse("finance:rna_list"), {"stato": "to_send", "bando": project.call_id})
    assert page.status_code == 200 and project.title in page.content.decode()
    csv_text = client.get(reverse("finance:rna_csv")).content.decode()
    assert project.beneficiary.fiscal_code in csv_text
    xml = client.get(reverse("finance:rna_xml")).content
    assert validation_errors(xml) == []
    bad = client.post(reverse("finance:rna_set_cor", args=[record.pk]), {"cor": "12a"})
    assert bad.status_code == 422
    done = client.post(reverse("finance:rna_set_cor", args=[record.pk]), {"cor": "4455"})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.rna_cor == "4455"


def test_an_applicant_does_not_see_the_rna_pages(client, django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks)
    client.force_login(project.application.created_by)
    assert client.get(reverse("finance:rna_list")).status_code == 404


def test_the_api_lists_shows_downloads_and_sets_the_cor(client, django_capture_on_commit_callbacks):
    project = granted_project(django_capture_on_commit_callbacks)
    record = RnaRecord.objects.get(project=project)
    client.force_login(project_officer())
    listed = client.get(f"{API}/finance/rna-records", {"status": "to_send"}).json()
    assert [row["id"] for row in listed["items"]] == [record.pk]
    assert client.get(f"{API}/finance/rna-records/{record.pk}").json()["car"] == "12345"
    assert validation_errors(client.get(f"{API}/finance/rna-records/{record.pk}/xml").content) == []
    bad = client.post(
        f"{API}/finance/rna-records/{record.pk}/cor", {"cor": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    ok = client.post(
        f"{API}/finance/rna-records/{record.pk}/cor", {"cor": "778899"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "registered"
    assert client.get(f"{API}/finance/rna-records/{2**63 - 1}").status_code == 404


def test_the_cor_shows_on_the_project_page_the_agreement_and_the_open_data(
    client, django_capture_on_commit_callbacks
):
    from grants.projects.agreement import render_agreement_html

    project = granted_project(django_capture_on_commit_callbacks)
    assert "in corso di registrazione" in render_agreement_html(project)
    rna_services.set_cor(actor=project_officer(), record=RnaRecord.objects.get(project=project), cor="24680")
    project.refresh_from_db()
    assert "24680" in render_agreement_html(project)
    client.force_login(project.application.created_by)
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "24680" in page
    response = client.get(reverse("transparency:opendata_download", args=["operazioni", "csv"]))
    csv_text = b"".join(response.streaming_content)
    assert b"COR_RNA" in csv_text
