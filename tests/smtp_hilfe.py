"""A real SMTP server on loopback for the tests (aiosmtpd in a thread): plain or STARTTLS with a
self-signed certificate, optional AUTH, refusals per address (550 always, 451 the first time)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def selbstsigniert(ordner: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    schluessel = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    jetzt = dt.datetime.now(dt.UTC)
    zertifikat = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(schluessel.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(jetzt - dt.timedelta(minutes=5)).not_valid_after(jetzt + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(schluessel, hashes.SHA256())
    )
    zert, key = ordner / "cert.pem", ordner / "key.pem"
    zert.write_bytes(zertifikat.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(schluessel.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    return zert, key


class Postfach:
    """The aiosmtpd handler: keeps every accepted message; refuses as told."""

    def __init__(self) -> None:
        self.nachrichten: list[dict] = []
        self.ablehnen: dict[str, str] = {}  # address -> "550 …" (every time)
        self.einmal: dict[str, str] = {}  # address -> "451 …" (the first time only)
        self.sperre = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, adresse, optionen):
        if adresse in self.ablehnen:
            return self.ablehnen[adresse]
        if adresse in self.einmal:
            return self.einmal.pop(adresse)
        envelope.rcpt_tos.append(adresse)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sperre:
            self.nachrichten.append({
                "von": envelope.mail_from, "an": list(envelope.rcpt_tos), "roh": envelope.content,
                "tls": session.ssl is not None, "angemeldet": bool(session.authenticated),
                "nachricht": email.message_from_bytes(envelope.content, policy=email.policy.default),
            })
            nummer = len(self.nachrichten)
        return f"250 2.0.0 Ok: queued as TEST{nummer:04d}"

    def an(self, adresse: str) -> list[dict]:
        return [n for n in self.nachrichten if adresse in n["an"]]


class Server:
    """``with Server(...) as s``: aiosmtpd on a free loopback port."""

    def __init__(self, ordner: Path | None = None, starttls: bool = False,
                 benutzer: tuple[str, str] | None = None) -> None:
        self.postfach = Postfach()
        self.port = freier_port()
        self.zertifikat: Path | None = None
        optionen: dict = {}
        if starttls:
            assert ordner is not None
            self.zertifikat, key = selbstsigniert(ordner)
            kontext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            kontext.load_cert_chain(self.zertifikat, key)
            optionen.update(tls_context=kontext, require_starttls=True)
        if benutzer:
            name, passwort = benutzer

            def pruefe(server, session, envelope, mechanismus, daten):
                ok = daten.login == name.encode() and daten.password == passwort.encode()
                return AuthResult(success=ok, handled=False)

            optionen.update(authenticator=pruefe, auth_required=True, auth_require_tls=starttls)
        self.controller = Controller(self.postfach, hostname="127.0.0.1", port=self.port, **optionen)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *_) -> None:
        self.stoppe()

    def stoppe(self) -> None:
        """Stop listening and close every connection (also in the middle of a send)."""
        if self.controller._thread is not None:
            self.controller.stop()
