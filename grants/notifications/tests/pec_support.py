"""For the PEC tests: a real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread) over implicit TLS or
STARTTLS with a self-signed certificate that the client verifies, and receipts shaped as the providers send
them.

The server asks for AUTH (PLAIN/LOGIN) and keeps every message it accepted with its envelope, the login and
whether the session was encrypted.
"""

import datetime as dt
import ipaddress
import socket
import ssl
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOGIN = "wecare@cert.regione.piemonte.example"
PASSWORD = "segreta"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pec.test")])
    today = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(today - dt.timedelta(days=1))
        .not_valid_after(today + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "pec.pem", directory / "pec.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes
    login: str
    encrypted: bool


@dataclass
class SmtpServer:
    host: str
    port: int
    cafile: str
    implicit_tls: bool
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ""
        self.messages.append(
            Received(
                mail_from=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                data=envelope.original_content or b"",
                login=login,
                encrypted=server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 Message accepted for delivery"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        LOGIN.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, auth_data=auth_data if ok else None)


class _Controller(Controller):
    """aiosmtpd's controller on a port the system picks (bound before the thread starts)."""

    def __init__(self, handler, **kwargs):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._socket.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._socket, ssl=self.ssl_context)

    def factory(self):
        # With implicit TLS aiosmtpd warns that AUTH does not require (its own) STARTTLS: the session is
        # encrypted from the first byte, which ``Received.encrypted`` records.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
            return super().factory()


def start_smtp_server(directory: Path, *, implicit_tls: bool = True):
    """A running server and how to stop it: ``(server, stop)``. ``implicit_tls``: TLS from the first byte
    (port 465 style); otherwise plain SMTP that requires STARTTLS before AUTH and MAIL (port 587 style)."""
    cert, key = self_signed_certificate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    options = {"authenticator": _authenticate, "auth_required": True}
    if implicit_tls:
        # The whole session is encrypted: aiosmtpd only knows STARTTLS, so its own TLS check on AUTH is off.
        options.update(ssl_context=context, auth_require_tls=False)
    else:
        options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    sink = SmtpServer("127.0.0.1", 0, str(cert), implicit_tls)
    controller = _Controller(sink, **options)
    controller.start()
    sink.port = controller.port
    return sink, controller.stop


# --- receipts as the providers send them ------------------------------------------------------------------
DATICERT = """<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="{kind}" errore="{error}">
  <intestazione>
    <mittente>wecare@cert.regione.piemonte.example</mittente>
    <destinatari tipo="certificato">{recipient}</destinatari>
    <risposte>wecare@cert.regione.piemonte.example</risposte>
    <oggetto>{subject}</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>GESTORE DI PROVA S.p.A.</gestore-emittente>
    <data zona="+0100">
      <giorno>{day}</giorno>
      <ora>{time}</ora>
    </data>
    <identificativo>opec.{kind}.{stamp}@pec.gestore.example</identificativo>
    <msgid>&lt;{msgid}&gt;</msgid>
    {extra}
  </dati>
</postacert>
"""

_HEADLINE = {
    "accettazione": "ACCETTAZIONE",
    "avvenuta-consegna": "CONSEGNA",
    "non-accettazione": "AVVISO DI NON ACCETTAZIONE",
    "errore-consegna": "AVVISO DI MANCATA CONSEGNA",
}


def receipt_eml(
    kind: str,
    msgid: str,
    *,
    recipient: str = "cooperativa@pec.example.it",
    moment: dt.datetime | None = None,
    subject: str = "Richiesta di integrazione",
    error: str = "nessuno",
    extended_error: str = "",
) -> bytes:
    """A receipt: a signed message (multipart/signed) whose first part holds the human text, the certified
    ``daticert.xml`` and, for a delivery, the original message (``postacert.eml``)."""
    moment = moment or dt.datetime(2026, 12, 7, 10, 15, 32)
    extra = ""
    if kind == "avvenuta-consegna":
        extra = f'<ricevuta tipo="completa" />\n    <consegna>{recipient}</consegna>'
    if kind == "errore-consegna":
        extra = f"<consegna>{recipient}</consegna>\n    <errore-esteso>{extended_error}</errore-esteso>"
    xml = DATICERT.format(
        kind=kind,
        error=error,
        recipient=recipient,
        subject=subject,
        day=moment.strftime("%d/%m/%Y"),
        time=moment.strftime("%H:%M:%S"),
        stamp=moment.strftime("%Y%m%d%H%M%S"),
        msgid=msgid,
        extra=extra,
    )
    inner = EmailMessage()
    inner.set_content(
        f"Ricevuta di {kind}\n\nIl giorno {moment:%d/%m/%Y} alle ore {moment:%H:%M:%S} il messaggio "
        f'"{subject}" ... Identificativo messaggio: {msgid}'
    )
    inner.add_attachment(xml.encode(), maintype="application", subtype="xml", filename="daticert.xml")
    if kind == "avvenuta-consegna":
        inner.add_attachment(
            f"Message-ID: <{msgid}>\r\nSubject: {subject}\r\n\r\nTesto.\r\n".encode(),
            maintype="application",
            subtype="octet-stream",
            filename="postacert.eml",
        )
    outer = EmailMessage()
    outer["From"] = "posta-certificata@pec.gestore.example"
    outer["To"] = "wecare@cert.regione.piemonte.example"
    outer["Subject"] = f"{_HEADLINE.get(kind, kind.upper())}: {subject}"
    outer["X-Ricevuta"] = kind
    outer["X-Riferimento-Message-ID"] = f"<{msgid}>"
    outer["X-Trasporto"] = "posta-certificata"
    outer.make_mixed()
    outer.attach(inner)
    outer.add_attachment(
        b"\x30\x82firma", maintype="application", subtype="pkcs7-signature", filename="smime.p7s"
    )
    outer.replace_header(
        "Content-Type", outer.get("Content-Type").replace("multipart/mixed", "multipart/signed")
    )
    return outer.as_bytes()
