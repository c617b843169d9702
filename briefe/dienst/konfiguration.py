"""Service settings from a TOML file and the environment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefe.dienst.datenquellen import lies_datenquellen
from briefe.fehler import BriefeFehler, VorlagenFehler
from briefe.versand.einstellungen import SCHLUESSEL as VERSAND_SCHLUESSEL
from briefe.versand.einstellungen import Einstellungen, lies_einstellungen
from briefe.vorlage.sachbearbeitung import Sachbearbeitung, sachbearbeitung_aus

UMGEBUNG_TOKEN = "BRIEFE_DIENST_TOKEN"
UMGEBUNG_BENUTZER = "BRIEFE_DIENST_BENUTZER"
UMGEBUNG_GEHEIMNIS = "BRIEFE_DIENST_GEHEIMNIS"
UMGEBUNG_KONFIGURATION = "BRIEFE_DIENST_KONFIGURATION"
MIN_TOKEN_LAENGE = 16


class KonfigurationsFehler(BriefeFehler):
    """The service configuration is invalid."""


@dataclass(frozen=True)
class Benutzer:
    """A person who logs in on the page; ``passwort`` is an scrypt hash."""

    name: str
    passwort: str
    rollen: tuple[str, ...] = ()
    absender: Sachbearbeitung | None = None  # own sender data for the info block


@dataclass(frozen=True)
class Token:
    """A bearer token for other systems; only its hash is kept."""

    name: str
    hash: str
    rollen: tuple[str, ...] = ()


@dataclass(frozen=True)
class Konfiguration:
    """Everything the service needs; paths are resolved against the working directory."""

    daten: Path = Path("dienst-daten")
    vorlagen: Path = Path("vorlagen")
    host: str = "127.0.0.1"
    port: int = 8000
    upload_bytes: int = 10 * 1024 * 1024
    max_zeilen: int = 5000
    warteschlange: int = 10
    arbeiter: int = 2
    jobs_je_lauf: int = 1
    zeitlimit: float = 30 * 60.0  # seconds per run
    aufbewahrung: float = 24 * 3600.0  # seconds results are kept
    max_neustarts: int = 3
    satz_sekunden: float = 30.0  # per single letter or preview
    satz_prozesse: int = 2  # processes for single letters and previews
    satz_speicher_mb: int = 2048  # address space of each of them
    sitzung: int = 8 * 3600  # seconds a login lasts
    sichere_cookies: bool = False
    geheimnis: str | None = None
    benutzer: tuple[Benutzer, ...] = ()
    tokens: tuple[Token, ...] = ()
    versand: Einstellungen | None = None  # SMTP settings for "Per E-Mail versenden"
    drucken: Druckeinstellungen | None = None  # [drucken]: the "Drucken" step after a run
    verteilt: str | None = None  # broker of workers on other machines (briefe arbeiter)
    datenquellen: tuple = ()  # [[datenquelle]]: databases clerks may choose (dienst.datenquellen)

    @property
    def datenbank(self) -> Path:
        return self.daten / "dienst.sqlite3"

    @property
    def laeufe(self) -> Path:
        return self.daten / "laeufe"

    def finde_benutzer(self, name: str) -> Benutzer | None:
        return next((b for b in self.benutzer if b.name == name), None)

    def hat_rolle(self, art: str, name: str, rolle: str) -> bool:
        """Whether a logged-in user (``art`` "sitzung") or a token has a role."""
        eintraege = self.benutzer if art == "sitzung" else self.tokens
        return any(e.name == name and rolle in e.rollen for e in eintraege)


_ABSCHNITTE: Mapping[str, set[str]] = {
    "dienst": {"host", "port", "daten", "vorlagen", "sichere_cookies", "sitzung_stunden", "geheimnis",
               "verteilt"},
    "grenzen": {"upload_mb", "zeilen", "warteschlange", "arbeiter", "jobs_je_lauf",
                "zeitlimit_minuten", "aufbewahrung_stunden", "neustarts",
                "satz_sekunden", "satz_prozesse", "satz_speicher_mb"},
    "benutzer": {"name", "passwort", "rollen", "absender"},
    "token": {"name", "hash", "rollen"},
    "versand": set(VERSAND_SCHLUESSEL),
    "drucken": {"server", "drucker"},
    "datenquelle": set(),  # checked by briefe.dienst.datenquellen
}


def _pruefe(daten: dict, erlaubt: set[str], datei: str, bereich: str) -> None:
    for schluessel in daten:
        if schluessel not in erlaubt:
            raise KonfigurationsFehler(
                f"Unbekannter Eintrag „{schluessel}“ in [{bereich}]. "
                f"Erlaubt: {', '.join(sorted(erlaubt))}.",
                datei=datei,
            )


def _zahl(daten: dict, schluessel: str, standard: float, datei: str, bereich: str,
          ganz: bool = True, minimum: float = 0) -> float:
    wert = daten.get(schluessel, standard)
    art = int if ganz else (int, float)
    if isinstance(wert, bool) or not isinstance(wert, art) or wert < minimum:
        wie = "eine ganze Zahl" if ganz else "eine Zahl"
        raise KonfigurationsFehler(
            f"[{bereich}] {schluessel} muss {wie} ≥ {minimum:g} sein, nicht {wert!r}.", datei=datei
        )
    return wert


def _text(daten: dict, schluessel: str, datei: str, bereich: str) -> str:
    wert = daten.get(schluessel)
    if not isinstance(wert, str) or not wert.strip():
        raise KonfigurationsFehler(f"[{bereich}] „{schluessel}“ fehlt oder ist leer.", datei=datei)
    return wert.strip()


ROLLEN = ("vorlagen",)


def _rollen(daten: dict, datei: str, bereich: str) -> tuple[str, ...]:
    rollen = daten.get("rollen", [])
    if not isinstance(rollen, list) or not all(isinstance(r, str) for r in rollen):
        raise KonfigurationsFehler(
            f"[{bereich}] „rollen“ muss eine Liste sein, z. B. rollen = [\"vorlagen\"].", datei=datei)
    unbekannt = sorted(set(rollen) - set(ROLLEN))
    if unbekannt:
        raise KonfigurationsFehler(f"[{bereich}] Unbekannte Rolle {', '.join(unbekannt)}; "
                                   f"erlaubt: {', '.join(ROLLEN)}.", datei=datei)
    return tuple(rollen)


def _versand(roh: dict | None, datei: str, umgebung: Mapping[str, str]) -> Einstellungen | None:
    try:
        return lies_einstellungen(roh, datei, umgebung) if roh is not None else None
    except BriefeFehler as fehler:
        raise KonfigurationsFehler(fehler.meldung, datei=datei) from None


@dataclass(frozen=True)
class Druckeinstellungen:
    """CUPS server (None: CUPS_SERVER or the local one) and the printers clerks may choose
    (empty: every printer CUPS has)."""

    server: str | None = None
    drucker: tuple[str, ...] = ()


def _drucken(roh, datei: str) -> Druckeinstellungen | None:
    if roh is None:
        return None
    if not isinstance(roh, dict):
        raise KonfigurationsFehler("„drucken“ muss ein Abschnitt [drucken] sein.", datei=datei)
    _pruefe(roh, _ABSCHNITTE["drucken"], datei, "drucken")
    drucker = roh.get("drucker", [])
    if not isinstance(drucker, list) or not all(isinstance(d, str) and d for d in drucker):
        raise KonfigurationsFehler('[drucken] „drucker“ muss eine Liste von Namen sein, z. B. '
                                   'drucker = ["Buero-2-OG"].', datei=datei)
    server = _text(roh, "server", datei, "drucken") if "server" in roh else None
    return Druckeinstellungen(server=server, drucker=tuple(drucker))


def lade_konfiguration(pfad: Path | None = None, umgebung: Mapping[str, str] | None = None
                       ) -> Konfiguration:
    """Read the TOML file (optional) and the environment variables."""
    umgebung = os.environ if umgebung is None else umgebung
    if pfad is None and umgebung.get(UMGEBUNG_KONFIGURATION):
        pfad = Path(umgebung[UMGEBUNG_KONFIGURATION])
    roh: dict = {}
    datei = str(pfad) if pfad else "Umgebung"
    if pfad is not None:
        try:
            roh = tomllib.loads(Path(pfad).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KonfigurationsFehler("Die Konfigurationsdatei gibt es nicht.", datei=datei) from None
        except OSError as fehler:
            raise KonfigurationsFehler(f"Datei nicht lesbar ({fehler.strerror}).", datei=datei) from None
        except tomllib.TOMLDecodeError as fehler:
            raise KonfigurationsFehler(f"Fehler im TOML: {fehler}", datei=datei) from None
    _pruefe(roh, set(_ABSCHNITTE), datei, "oberste Ebene")
    dienst = roh.get("dienst", {})
    grenzen = roh.get("grenzen", {})
    for name, abschnitt in (("dienst", dienst), ("grenzen", grenzen)):
        if not isinstance(abschnitt, dict):
            raise KonfigurationsFehler(f"„{name}“ muss ein Abschnitt [{name}] sein.", datei=datei)
        _pruefe(abschnitt, _ABSCHNITTE[name], datei, name)

    benutzer = []
    for eintrag in roh.get("benutzer", []):
        if not isinstance(eintrag, dict):
            raise KonfigurationsFehler("Benutzer als [[benutzer]]-Abschnitte angeben.", datei=datei)
        _pruefe(eintrag, _ABSCHNITTE["benutzer"], datei, "benutzer")
        passwort = _text(eintrag, "passwort", datei, "benutzer")
        if not passwort.startswith("scrypt$"):
            raise KonfigurationsFehler(
                "[benutzer] „passwort“ muss ein Hash sein (scrypt$…), kein Klartext. "
                "Erzeugen mit: briefe dienst --passwort-hash",
                datei=datei,
            )
        name = _text(eintrag, "name", datei, "benutzer")
        absender = None
        if "absender" in eintrag:
            try:
                absender = sachbearbeitung_aus(eintrag["absender"], datei)
            except VorlagenFehler as fehler:
                raise KonfigurationsFehler(f"[[benutzer]] „{name}“, absender: {fehler.meldung}",
                                           datei=datei) from None
        benutzer.append(Benutzer(name, passwort, _rollen(eintrag, datei, "benutzer"), absender))
    tokens = []
    for eintrag in roh.get("token", []):
        if not isinstance(eintrag, dict):
            raise KonfigurationsFehler("Tokens als [[token]]-Abschnitte angeben.", datei=datei)
        _pruefe(eintrag, _ABSCHNITTE["token"], datei, "token")
        wert = _text(eintrag, "hash", datei, "token")
        if not wert.startswith("sha256$"):
            raise KonfigurationsFehler(
                "[token] „hash“ muss mit sha256$ beginnen. Erzeugen mit: briefe dienst --neues-token",
                datei=datei,
            )
        tokens.append(Token(_text(eintrag, "name", datei, "token"), wert, _rollen(eintrag, datei, "token")))

    from briefe.dienst.zugang.sicherheit import token_hash

    if umgebung.get(UMGEBUNG_TOKEN):
        token = umgebung[UMGEBUNG_TOKEN].strip()
        if len(token) < MIN_TOKEN_LAENGE:
            raise KonfigurationsFehler(
                f"{UMGEBUNG_TOKEN} ist zu kurz (mindestens {MIN_TOKEN_LAENGE} Zeichen).", datei="Umgebung"
            )
        tokens.append(Token("umgebung", token_hash(token)))
    for teil in umgebung.get(UMGEBUNG_BENUTZER, "").split():
        name, _, passwort = teil.partition("=")
        if not name or not passwort.startswith("scrypt$"):
            raise KonfigurationsFehler(
                f"{UMGEBUNG_BENUTZER}: erwartet NAME=scrypt$… (durch Leerzeichen getrennt).",
                datei="Umgebung",
            )
        benutzer.append(Benutzer(name, passwort))
    namen = [b.name for b in benutzer]
    doppelt = sorted({n for n in namen if namen.count(n) > 1})
    if doppelt:
        raise KonfigurationsFehler(f"Benutzer doppelt angegeben: {', '.join(doppelt)}.", datei=datei)

    geheimnis = umgebung.get(UMGEBUNG_GEHEIMNIS) or dienst.get("geheimnis")
    versand = roh.get("versand")
    if versand is not None and not isinstance(versand, dict):
        raise KonfigurationsFehler("„versand“ muss ein Abschnitt [versand] sein.", datei=datei)
    return Konfiguration(
        daten=Path(dienst.get("daten", "dienst-daten")).resolve(),
        vorlagen=Path(dienst.get("vorlagen", "vorlagen")).resolve(),
        host=str(dienst.get("host", "127.0.0.1")),
        port=int(_zahl(dienst, "port", 8000, datei, "dienst")),
        upload_bytes=int(_zahl(grenzen, "upload_mb", 10, datei, "grenzen", ganz=False) * 1024 * 1024),
        max_zeilen=int(_zahl(grenzen, "zeilen", 5000, datei, "grenzen", minimum=1)),
        warteschlange=int(_zahl(grenzen, "warteschlange", 10, datei, "grenzen", minimum=1)),
        arbeiter=int(_zahl(grenzen, "arbeiter", 2, datei, "grenzen", minimum=1)),
        jobs_je_lauf=int(_zahl(grenzen, "jobs_je_lauf", 1, datei, "grenzen", minimum=1)),
        zeitlimit=float(_zahl(grenzen, "zeitlimit_minuten", 30, datei, "grenzen", ganz=False)) * 60,
        aufbewahrung=float(_zahl(grenzen, "aufbewahrung_stunden", 24, datei, "grenzen", ganz=False))
        * 3600,
        max_neustarts=int(_zahl(grenzen, "neustarts", 3, datei, "grenzen")),
        satz_sekunden=float(_zahl(grenzen, "satz_sekunden", 30, datei, "grenzen", ganz=False, minimum=1)),
        satz_prozesse=int(_zahl(grenzen, "satz_prozesse", 2, datei, "grenzen", minimum=1)),
        satz_speicher_mb=int(_zahl(grenzen, "satz_speicher_mb", 2048, datei, "grenzen", minimum=256)),
        sitzung=int(_zahl(dienst, "sitzung_stunden", 8, datei, "dienst", ganz=False) * 3600),
        sichere_cookies=bool(dienst.get("sichere_cookies", False)),
        geheimnis=str(geheimnis) if geheimnis else None,
        benutzer=tuple(benutzer),
        tokens=tuple(tokens),
        versand=_versand(versand, datei, umgebung),
        drucken=_drucken(roh.get("drucken"), datei),
        verteilt=_text(dienst, "verteilt", datei, "dienst") if "verteilt" in dienst else None,
        datenquellen=lies_datenquellen(roh.get("datenquelle"), datei, KonfigurationsFehler),
    )
