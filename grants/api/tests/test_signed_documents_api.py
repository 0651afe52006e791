"""The API shows the signature verified at upload and which required documents want one."""

import pytest

from grants.api.applications.common import detail
from grants.applications.tests.test_signed_documents import DECLARATION, attach, ca, representative, world  # noqa: F401
from grants.core.tests import pki

pytestmark = pytest.mark.django_db


def test_the_application_detail_shows_the_verified_signature(world, ca, representative):  # noqa: F811
    application, required = world
    attach(application, required, pki.pades(DECLARATION, representative, ca))

    (document,) = detail(application)["documents"]

    assert document["signature"]["format"] == "PAdES"
    assert document["signature"]["signer_fiscal_code"] == pki.SIGNER_CF
    assert document["signature"]["signer_name"] == "Mario Rossi"


def test_the_call_says_which_documents_want_a_signature(client, world):  # noqa: F811
    application, _ = world

    response = client.get(f"/api/v1/calls/{application.call.code}")

    assert response.status_code == 200, response.content[:300]
    documents = {d["code"]: d for d in response.json()["required_documents"]}
    assert documents["dichiarazione"]["requires_signature"] is True
