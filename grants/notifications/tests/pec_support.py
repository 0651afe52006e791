"""For the PEC tests: a real SMTP server over implicit TLS on 127.0.0.1 (a thread, a self-signed
certificate the client verifies), and receipts shaped as the providers send them.

The server speaks the part of SMTP Django's backend uses (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP,
QUIT) and keeps every message it accepted with its envelope and credentials.
"""

import base64
import datetime as dt
import ipaddress
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


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


@dataclass
class SmtpServer:
    host: str
    port: int
    cafile: str
    messages: list[Received] = field(default_factory=list)


class _Session(socketserver.StreamRequestHandler):
    def _say(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())
        self.wfile.flush()

    def handle(self):
        self._say("220 pec.test ESMTP")
        mail_from, recipients, login = "", [], ""
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.upper()
            if verb.startswith("EHLO"):
                self._say("250-pec.test", "250-AUTH PLAIN", "250 8BITMIME")
            elif verb.startswith("HELO") or verb == "NOOP":
                self._say("250 ok")
            elif verb.startswith("AUTH PLAIN"):
                login = base64.b64decode(command.split()[2]).split(b"\0")[1].decode()
                self._say("235 authenticated")
            elif verb.startswith("MAIL FROM:"):
                mail_from, recipients = command[10:].strip(" <>").split(">")[0], []
                self._say("250 ok")
            elif verb.startswith("RCPT TO:"):
                recipients.append(command[8:].strip(" <>"))
                self._say("250 ok")
            elif verb == "DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                chunks = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.sink.messages.append(Received(mail_from, recipients, b"".join(chunks), login))
                self._say("250 queued")
            elif verb == "RSET":
                mail_from, recipients = "", []
                self._say("250 ok")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


class _TlsServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, context: ssl.SSLContext, sink: SmtpServer | None = None):
        self.context, self.sink = context, sink
        super().__init__(address, _Session)

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True), address


def start_smtp_server(directory: Path):
    """A running server and how to stop it: ``(server, stop)``."""
    cert, key = self_signed_certificate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tcp = _TlsServer(("127.0.0.1", 0), context)
    sink = SmtpServer("127.0.0.1", tcp.server_address[1], str(cert))
    tcp.sink = sink
    thread = threading.Thread(target=tcp.serve_forever, daemon=True)
    thread.start()

    def stop():
        tcp.shutdown()
        tcp.server_close()

    return sink, stop


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
