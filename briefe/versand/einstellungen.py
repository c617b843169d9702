"""SMTP settings (from the command line, a job file's or the service's ``[versand]`` table).

The password never comes from a command line or a job file: only from the environment
(``BRIEFE_SMTP_PASSWORT``) or from a file named by ``passwort_datei``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefe.fehler import BriefeFehler

UMGEBUNG_PASSWORT = "BRIEFE_SMTP_PASSWORT"
TLS_ARTEN = ("starttls", "ssl", "keine")
STANDARD_PORT = {"starttls": 587, "ssl": 465, "keine": 25}
ADRESSE = re.compile(r"[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")

SCHLUESSEL = {
    "host": "Name des Mailservers, z. B. \"mail.stadt-hagen.de\"",
    "port": "Port (Standard: 587 bei starttls, 465 bei ssl, 25 bei keine)",
    "tls": "starttls (Standard), ssl oder keine (nur für einen Server auf diesem Rechner)",
    "benutzer": "Anmeldename am Mailserver (Passwort aus BRIEFE_SMTP_PASSWORT oder passwort_datei)",
    "passwort_datei": "Datei, deren erste Zeile das Passwort ist",
    "absender": "Absenderadresse (From), z. B. \"bildungsbuero@stadt-hagen.de\"",
    "antwort_an": "Antwortadresse (Reply-To)",
    "kopie_an": "Blindkopie jeder Nachricht (Bcc), z. B. an das eigene Postfach",
    "rate": "höchstens so viele Nachrichten je Minute (0 = ohne Grenze)",
    "timeout": "Sekunden, die auf den Mailserver gewartet wird",
    "ca_datei": "Zertifikat(e) der eigenen Zertifizierungsstelle (PEM), falls der Server eines nutzt",
}


class EinstellungsFehler(BriefeFehler):
    """The SMTP settings are invalid (exit code 2)."""


@dataclass(frozen=True)
class Einstellungen:
    """How to reach the mail server and who sends."""

    host: str
    absender: str
    port: int = 587
    tls: str = "starttls"
    benutzer: str | None = None
    passwort: str | None = field(default=None, repr=False)
    antwort_an: str | None = None
    kopie_an: str | None = None
    rate: float = 0.0
    timeout: float = 30.0
    ca_datei: Path | None = None
    versuche: int = 4  # attempts for a temporary refusal (4xx)
    pause: float = 5.0  # seconds before the first retry; doubled each time

    @property
    def abstand(self) -> float:
        """Seconds between two messages from ``rate``."""
        return 60.0 / self.rate if self.rate > 0 else 0.0


def ist_adresse(text: str) -> bool:
    """A plain ASCII address (the only kind every mail server takes without SMTPUTF8)."""
    return text.isascii() and bool(ADRESSE.fullmatch(text.strip()))


def ist_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def lies_einstellungen(roh: Mapping[str, object], datei: str = "Versand",
                       umgebung: Mapping[str, str] | None = None) -> Einstellungen:
    """Check a ``[versand]`` table (or the command line options as such a table)."""
    umgebung = os.environ if umgebung is None else umgebung
    if "passwort" in roh:
        raise EinstellungsFehler(
            "Das Passwort des Mailservers gehört nicht in diese Datei. Bitte über die Umgebung "
            f"({UMGEBUNG_PASSWORT}) oder „passwort_datei“ angeben.", datei=datei)
    for schluessel in roh:
        if schluessel not in SCHLUESSEL:
            raise EinstellungsFehler(
                f"[versand]: unbekannter Eintrag „{schluessel}“. Erlaubt: {', '.join(SCHLUESSEL)}.",
                datei=datei)

    def text(schluessel: str, pflicht: bool = False) -> str | None:
        wert = roh.get(schluessel)
        if wert is None or (isinstance(wert, str) and not wert.strip()):
            if pflicht:
                raise EinstellungsFehler(
                    f"[versand]: „{schluessel}“ fehlt ({SCHLUESSEL[schluessel]}).", datei=datei)
            return None
        if not isinstance(wert, str):
            raise EinstellungsFehler(f"[versand]: „{schluessel}“ muss ein Text sein.", datei=datei)
        return wert.strip()

    def zahl(schluessel: str, standard: float, minimum: float) -> float:
        wert = roh.get(schluessel, standard)
        if isinstance(wert, bool) or not isinstance(wert, int | float) or wert < minimum:
            raise EinstellungsFehler(
                f"[versand]: „{schluessel}“ muss eine Zahl ab {minimum:g} sein, nicht {wert!r}.",
                datei=datei)
        return float(wert)

    host = text("host", pflicht=True)
    tls = (text("tls") or "starttls").lower()
    if tls not in TLS_ARTEN:
        raise EinstellungsFehler(f"[versand]: „tls“ muss starttls, ssl oder keine sein, nicht „{tls}“.",
                                 datei=datei)
    if tls == "keine" and not ist_loopback(host):
        raise EinstellungsFehler(
            f"[versand]: tls = \"keine\" ist nur für einen Mailserver auf diesem Rechner erlaubt "
            f"(localhost, 127.0.0.1), nicht für „{host}“: Passwort und Briefe gingen unverschlüsselt "
            "durchs Netz. Bitte starttls oder ssl verwenden.", datei=datei)
    adressen = {}
    for schluessel in ("absender", "antwort_an", "kopie_an"):
        wert = text(schluessel, pflicht=schluessel == "absender")
        if wert is not None and not ist_adresse(wert):
            raise EinstellungsFehler(f"[versand]: „{schluessel}“ ist keine gültige E-Mail-Adresse: „{wert}“.",
                                     datei=datei)
        adressen[schluessel] = wert
    benutzer = text("benutzer")
    passwort = umgebung.get(UMGEBUNG_PASSWORT) or None
    passwort_datei = text("passwort_datei")
    if passwort_datei:
        try:
            passwort = Path(passwort_datei).read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, UnicodeDecodeError, IndexError):
            raise EinstellungsFehler(f"[versand]: „passwort_datei“ {passwort_datei} ist nicht lesbar "
                                     "oder leer.", datei=datei) from None
    if benutzer and not passwort:
        raise EinstellungsFehler(
            f"Für die Anmeldung als „{benutzer}“ fehlt das Passwort: bitte {UMGEBUNG_PASSWORT} setzen "
            "oder „passwort_datei“ angeben.", datei=datei)
    ca_datei = text("ca_datei")
    if ca_datei and not Path(ca_datei).is_file():
        raise EinstellungsFehler(f"[versand]: „ca_datei“ {ca_datei} gibt es nicht.", datei=datei)
    port = zahl("port", STANDARD_PORT[tls], 1)
    if port != int(port) or port > 65535:
        raise EinstellungsFehler("[versand]: „port“ muss eine ganze Zahl bis 65535 sein.", datei=datei)
    return Einstellungen(
        host=host, absender=adressen["absender"], port=int(port), tls=tls, benutzer=benutzer,
        passwort=passwort if benutzer else None, antwort_an=adressen["antwort_an"],
        kopie_an=adressen["kopie_an"], rate=zahl("rate", 0, 0), timeout=zahl("timeout", 30, 1),
        ca_datei=Path(ca_datei) if ca_datei else None,
    )
