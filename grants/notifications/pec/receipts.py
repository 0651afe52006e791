"""Reading a PEC receipt (ricevuta) as the providers send it: a signed message whose ``daticert.xml``
attachment certifies what happened (DPR 68/2005, DM 2 novembre 2005, allegato tecnico).

Pure: bytes in, a ``Receipt`` out, no ORM. The certified data are read from ``daticert.xml`` only (the
headers ``X-Ricevuta``/``X-Riferimento-Message-ID`` are a convenience the XML prevails over):

    <postacert tipo="avvenuta-consegna" errore="nessuno">
      <intestazione><mittente>…</mittente><destinatari tipo="certificato">…</destinatari><oggetto>…</oggetto>
      </intestazione>
      <dati><gestore-emittente>…</gestore-emittente>
        <data zona="+0100"><giorno>07/12/2026</giorno><ora>10:15:32</ora></data>
        <identificativo>opec…@pec.provider.it</identificativo>
        <msgid>&lt;our-message-id@wecare&gt;</msgid>
        <consegna>destinatario@pec.it</consegna>
        <errore-esteso>…</errore-esteso>   (errors only)
      </dati>
    </postacert>

The XML is parsed without entities, DTDs or network (an attached file is untrusted input).
"""

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from lxml import etree

ACCEPTANCE = "accettazione"
DELIVERY = "avvenuta-consegna"
NON_ACCEPTANCE = "non-accettazione"
DELIVERY_ERROR = "errore-consegna"
# Other receipts a provider may send (presa in carico between providers, virus notices, the 24-hour
# "preavviso di mancata consegna"): recognised, recorded, and they change nothing on the notice.
KNOWN_TYPES = frozenset(
    {
        ACCEPTANCE,
        DELIVERY,
        NON_ACCEPTANCE,
        DELIVERY_ERROR,
        "presa-in-carico",
        "preavviso-errore-consegna",
        "rilevazione-virus",
    }
)
DATICERT = "daticert.xml"
_ZONE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


class ReceiptError(ValueError):
    """The file is not a PEC receipt one can read (no daticert.xml, or a malformed one)."""


@dataclass(frozen=True)
class Receipt:
    kind: str  # tipo: accettazione, avvenuta-consegna, non-accettazione, errore-consegna, …
    msgid: str  # the Message-ID of the message the receipt is about, without angle brackets
    moment: datetime  # data/ora certified by the provider, aware
    recipient: str  # consegna (delivery) or the certified recipients (acceptance), lower case
    provider_id: str  # identificativo of the receipt, given by the provider
    error: str  # errore ("nessuno" when none) and errore-esteso, if any
    subject: str


def normalise_msgid(value: str) -> str:
    return (value or "").strip().strip("<>").strip()


def _daticert(raw: bytes) -> bytes:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        if part.is_multipart():
            continue
        name = (part.get_filename() or "").lower()
        if name == DATICERT:
            payload = part.get_payload(decode=True)
            if payload:
                return payload
    raise ReceiptError("Il messaggio non contiene il file daticert.xml: non è una ricevuta PEC.")


def _text(root, path: str) -> str:
    found = root.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _moment(root) -> datetime:
    day, hour = _text(root, "dati/data/giorno"), _text(root, "dati/data/ora")
    zone = (root.find("dati/data").get("zona") if root.find("dati/data") is not None else "") or "+0000"
    match = _ZONE.match(zone.strip())
    try:
        naive = datetime.strptime(f"{day} {hour}", "%d/%m/%Y %H:%M:%S")
    except ValueError:
        raise ReceiptError(f"Data e ora della ricevuta non leggibili: {day!r} {hour!r}.") from None
    if match is None:
        raise ReceiptError(f"Fuso orario della ricevuta non leggibile: {zone!r}.")
    sign = 1 if match.group(1) == "+" else -1
    offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3))) * sign
    return naive.replace(tzinfo=timezone(offset))


def parse_daticert(xml: bytes) -> Receipt:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ReceiptError(f"daticert.xml non valido: {exc}") from None
    if root.tag != "postacert":
        raise ReceiptError("daticert.xml non è un certificato PEC (manca postacert).")
    kind = (root.get("tipo") or "").strip()
    if kind not in KNOWN_TYPES:
        raise ReceiptError(f"Tipo di ricevuta sconosciuto: {kind!r}.")
    msgid = normalise_msgid(_text(root, "dati/msgid"))
    if not msgid:
        raise ReceiptError("La ricevuta non indica il messaggio a cui si riferisce (msgid).")
    recipient = _text(root, "dati/consegna") or ", ".join(
        (node.text or "").strip() for node in root.findall("intestazione/destinatari") if node.text
    )
    error = (root.get("errore") or "nessuno").strip()
    extended = _text(root, "dati/errore-esteso")
    return Receipt(
        kind=kind,
        msgid=msgid,
        moment=_moment(root),
        recipient=recipient.lower(),
        provider_id=_text(root, "dati/identificativo"),
        error=f"{error}: {extended}" if extended else error,
        subject=_text(root, "intestazione/oggetto"),
    )


def parse_receipt(raw: bytes) -> Receipt:
    """The receipt certified by the ``daticert.xml`` of the message ``raw`` (an .eml file's bytes)."""
    return parse_daticert(_daticert(raw))
