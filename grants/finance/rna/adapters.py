"""The exchange with the RNA, chosen by ``settings.RNA_ADAPTER``:

- ``"file"`` (default): nothing leaves the platform; officers download the records as XML (``xml.to_xml``)
  and upload them to the RNA by hand, then type the COR the register gave (``services.set_cor``);
- ``"http"``: each record is POSTed as XML to ``settings.RNA_ENDPOINT`` (optional bearer token
  ``RNA_TOKEN``); the endpoint answers JSON ``{"esito": "OK", "cor": "…"}`` or
  ``{"esito": "KO", "motivo": "…"}``.

Every adapter passes the contract test (grants/finance/tests/test_rna_adapters.py, against a local HTTP
server): an answer per record, a COR of digits when registered, a reason when refused, the same COR for the
same request id.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .xml import to_xml


@dataclass(frozen=True)
class RnaAnswer:
    sent: bool  # False: the record stays to be uploaded by hand (file adapter)
    cor: str = ""
    refusal: str = ""


class RnaExchangeError(Exception):
    """The register could not be reached or answered something unreadable: the record stays to send."""


class FileAdapter:
    name = "file"

    def send(self, record) -> RnaAnswer:
        return RnaAnswer(sent=False)


class HttpAdapter:
    name = "http"

    def __init__(self, endpoint: str | None = None, token: str | None = None, timeout: float = 15):
        self.endpoint = endpoint or settings.RNA_ENDPOINT
        self.token = token if token is not None else settings.RNA_TOKEN
        self.timeout = timeout

    def send(self, record) -> RnaAnswer:
        if not self.endpoint:
            raise RnaExchangeError("RNA_ENDPOINT non configurato.")
        headers = {"Content-Type": "application/xml", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.endpoint, data=to_xml([record]), headers=headers, method="POST")  # noqa: S310
        if not self.endpoint.startswith(("http://", "https://")):
            raise RnaExchangeError("RNA_ENDPOINT deve essere un indirizzo http(s).")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise RnaExchangeError(str(error)) from error
        outcome = str(body.get("esito", "")).upper()
        if outcome == "OK" and str(body.get("cor", "")).isdigit():
            return RnaAnswer(sent=True, cor=str(body["cor"]))
        if outcome == "KO":
            return RnaAnswer(sent=True, refusal=str(body.get("motivo") or "Rifiutato dall'RNA")[:500])
        raise RnaExchangeError(f"Risposta non valida dell'RNA: {body!r}"[:500])


ADAPTERS = {"file": FileAdapter, "http": HttpAdapter}


def get_adapter():
    try:
        return ADAPTERS[settings.RNA_ADAPTER]()
    except KeyError:
        raise RnaExchangeError(f"RNA_ADAPTER sconosciuto: {settings.RNA_ADAPTER}") from None
