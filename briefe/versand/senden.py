"""Talking to the mail server (smtplib): connect, log in, hand over one message.

Server answers become German texts; a temporary refusal (4xx) is retried with back-off,
a permanent one (5xx) is that letter's error.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from email.policy import SMTP as SMTP_REGELN

from briefe.fehler import BriefeFehler
from briefe.versand.einstellungen import Einstellungen

BEDEUTUNG = {
    421: "Der Mailserver ist vorübergehend nicht bereit",
    450: "Das Postfach ist vorübergehend nicht erreichbar",
    451: "Der Mailserver hat einen vorübergehenden Fehler gemeldet",
    452: "Der Mailserver hat vorübergehend zu wenig Speicher",
    530: "Der Mailserver verlangt eine Anmeldung",
    535: "Benutzername oder Passwort für den Mailserver ist falsch",
    550: "Das Postfach gibt es nicht oder es nimmt keine Nachrichten an",
    551: "Der Empfänger ist bei diesem Mailserver unbekannt",
    552: "Das Postfach ist voll oder die Nachricht ist zu groß",
    553: "Die E-Mail-Adresse ist ungültig",
    554: "Der Mailserver hat die Nachricht abgelehnt",
}


class ServerNichtErreichbar(BriefeFehler):
    """The mail server cannot be reached or refuses the session (login, TLS)."""


class Abgelehnt(Exception):
    """The server refused this message; ``code`` and ``antwort`` as the server said them."""

    def __init__(self, code: int, antwort: str) -> None:
        super().__init__(f"{code} {antwort}")
        self.code = code
        self.antwort = antwort

    @property
    def voruebergehend(self) -> bool:
        return 400 <= self.code < 500


def deutsch(code: int, antwort: str) -> str:
    """The server's answer in German words, with the original answer in brackets."""
    art = "vorübergehend" if 400 <= code < 500 else "dauerhaft"
    bedeutung = BEDEUTUNG.get(code, f"Der Mailserver hat die Nachricht {art} abgelehnt")
    return f"{bedeutung} (Antwort des Servers: {code} {antwort})."


def _text(antwort: bytes | str) -> str:
    if isinstance(antwort, bytes):
        antwort = antwort.decode("utf-8", "replace")
    return " ".join(antwort.split())


class Verbindung:
    """One SMTP session; reconnects once when the server closed it between messages."""

    def __init__(self, einstellungen: Einstellungen) -> None:
        self.e = einstellungen
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Verbindung:
        self.oeffne()
        return self

    def __exit__(self, *_) -> None:
        self.schliesse()

    def _kontext(self) -> ssl.SSLContext:
        kontext = ssl.create_default_context(cafile=str(self.e.ca_datei) if self.e.ca_datei else None)
        kontext.minimum_version = ssl.TLSVersion.TLSv1_2
        return kontext

    def oeffne(self) -> None:
        e = self.e
        ort = f"{e.host}:{e.port}"
        try:
            if e.tls == "ssl":
                smtp = smtplib.SMTP_SSL(e.host, e.port, timeout=e.timeout, context=self._kontext())
            else:
                smtp = smtplib.SMTP(e.host, e.port, timeout=e.timeout)
            smtp.ehlo()
            if e.tls == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise ServerNichtErreichbar(f"Der Mailserver {ort} bietet kein STARTTLS an; "
                                                "ohne Verschlüsselung wird nicht gesendet.")
                smtp.starttls(context=self._kontext())
                smtp.ehlo()
            if e.benutzer:
                smtp.login(e.benutzer, e.passwort or "")
        except ServerNichtErreichbar:
            raise
        except smtplib.SMTPAuthenticationError as fehler:
            raise ServerNichtErreichbar(f"Anmeldung am Mailserver {ort} als „{e.benutzer}“ fehlgeschlagen: "
                                        + deutsch(fehler.smtp_code, _text(fehler.smtp_error))) from None
        except smtplib.SMTPNotSupportedError:
            raise ServerNichtErreichbar(f"Der Mailserver {ort} bietet keine Anmeldung (AUTH) an; "
                                        "„benutzer“ weglassen oder TLS verwenden.") from None
        except ssl.SSLCertVerificationError as fehler:
            raise ServerNichtErreichbar(
                f"Das Zertifikat des Mailservers {ort} ist nicht vertrauenswürdig ({fehler.verify_message}). "
                "Nutzt der Server ein eigenes Zertifikat, dessen Zertifizierungsstelle mit --ca-datei "
                "angeben.") from None
        except ssl.SSLError as fehler:
            raise ServerNichtErreichbar(f"Verschlüsselte Verbindung zu {ort} nicht möglich "
                                        f"({fehler.reason or fehler}). Stimmt „tls“ (starttls oder ssl)?"
                                        ) from None
        except socket.gaierror:
            raise ServerNichtErreichbar(
                f"Den Mailserver „{e.host}“ gibt es nicht (Name unbekannt).") from None
        except TimeoutError:
            raise ServerNichtErreichbar(
                f"Der Mailserver {ort} antwortet nicht (nach {e.timeout:g} s).") from None
        except smtplib.SMTPResponseException as fehler:
            raise ServerNichtErreichbar(f"Der Mailserver {ort} lehnt die Verbindung ab: "
                                        + deutsch(fehler.smtp_code, _text(fehler.smtp_error))) from None
        except (OSError, smtplib.SMTPException) as fehler:
            grund = getattr(fehler, "strerror", None) or type(fehler).__name__
            raise ServerNichtErreichbar(f"Der Mailserver {ort} ist nicht erreichbar ({grund}).") from None
        self.smtp = smtp

    def schliesse(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def uebergib(self, nachricht: EmailMessage, an: list[str], vor_daten=None) -> str:
        """Hand one message over; returns the server's answer to DATA.

        Raises ``Abgelehnt`` (a refusal of this message) or ``ServerNichtErreichbar``.
        ``vor_daten`` is called right before the message data goes out.
        """
        if self.smtp is None:
            self.oeffne()
        smtp = self.smtp
        assert smtp is not None
        daten = nachricht.as_bytes(policy=SMTP_REGELN)
        try:
            code, antwort = smtp.mail(self.e.absender)
            if code != 250:
                smtp.rset()
                raise Abgelehnt(code, _text(antwort))
            for i, empfaenger in enumerate(an):
                code, antwort = smtp.rcpt(empfaenger)
                if code not in (250, 251) and i == 0:  # the member; a refused copy does not stop it
                    smtp.rset()
                    raise Abgelehnt(code, _text(antwort))
            if vor_daten:
                vor_daten()
            code, antwort = smtp.data(daten)
        except smtplib.SMTPResponseException as fehler:  # e.g. refused DATA
            if fehler.smtp_code == 421:
                self.smtp = None
                raise ServerNichtErreichbar(deutsch(421, _text(fehler.smtp_error))) from None
            raise Abgelehnt(fehler.smtp_code, _text(fehler.smtp_error)) from None
        except (OSError, smtplib.SMTPServerDisconnected) as fehler:
            self.smtp = None
            raise ServerNichtErreichbar(f"Die Verbindung zum Mailserver {self.e.host}:{self.e.port} ist "
                                        f"abgebrochen ({type(fehler).__name__}).") from None
        if code != 250:
            raise Abgelehnt(code, _text(antwort))
        return f"{code} {_text(antwort)}"


def mit_wiederholung(verbindung: Verbindung, nachricht: EmailMessage, an: list[str], vor_daten=None,
                     schlafe=time.sleep) -> str:
    """Hand over, retrying temporary refusals with doubling pauses."""
    pause = verbindung.e.pause
    for versuch in range(1, verbindung.e.versuche + 1):
        try:
            return verbindung.uebergib(nachricht, an, vor_daten)
        except Abgelehnt as fehler:
            if not fehler.voruebergehend or versuch == verbindung.e.versuche:
                raise
            schlafe(pause)
            pause *= 2
    raise AssertionError("unreachable")
