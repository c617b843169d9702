"""Sending a finished run: each letter with an address by e-mail (exactly once), the others
into the print file; the result per letter into ``versand.json`` and the run's protocol."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefe.dateien import schreibe_atomar, sha256
from briefe.fehler import BriefeFehler, ZeilenFehler
from briefe.lauf.protokoll import lies_fertiges_protokoll, protokoll_aus, schreibe_protokoll
from briefe.quellen.datenbank import ist_datenbank, lies_datenbank
from briefe.quellen.mitglieder import Empfaenger, Mitgliederliste, lies_mitglieder
from briefe.versand.einstellungen import Einstellungen, ist_adresse
from briefe.versand.journal import (
    FEHLER,
    GESENDET,
    NICHT_GESENDET,
    UNKLAR,
    WIRD_GESENDET,
    Journal,
    jetzt,
    lies_versandjournal,
    ordnersperre,
)
from briefe.versand.nachricht import anhang_name, baue_nachricht, neue_message_id, standard_text
from briefe.versand.post import POSTDATEI, schreibe_postdatei
from briefe.versand.senden import Abgelehnt, ServerNichtErreichbar, Verbindung, deutsch, mit_wiederholung
from briefe.vorlage.vorlage import Vorlage, lade_vorlage

VERSAND_JSON = "versand.json"
SPERRE = ".versand.sperre"
EMAIL, POST = "E-Mail", "Post"
PROBE_ANZAHL = 3

Melder = Callable[[dict], None]


@dataclass
class Brieflage:
    """One letter of the run and how it goes out."""

    nummer: int
    zeile: int
    kanal: str  # EMAIL, POST or "" (no letter was made)
    pdf: Path | None
    empfaenger: Empfaenger | None
    hinweis: str = ""
    pdf_sha256: str = ""

    @property
    def adresse(self) -> str:
        return self.empfaenger.wert("email") if self.empfaenger else ""

    @property
    def schluessel(self) -> str:
        """Binds a journal line to this letter file and this address (a new run is sent anew)."""
        return hashlib.sha256(f"{self.pdf_sha256}\0{self.adresse}".encode()).hexdigest()[:32]


@dataclass
class Plan:
    """What a send of this folder would do."""

    ausgabe: Path
    protokoll: dict
    briefe: list[Brieflage]
    vorlage_pfad: Path

    @property
    def per_email(self) -> list[Brieflage]:
        return [b for b in self.briefe if b.kanal == EMAIL]

    @property
    def per_post(self) -> list[Brieflage]:
        return [b for b in self.briefe if b.kanal == POST]

    @property
    def ohne_brief(self) -> list[Brieflage]:
        return [b for b in self.briefe if not b.kanal]

    @functools.cached_property
    def vorlage(self) -> Vorlage:
        # with the run's start values (``--wert``), so that the e-mail says what the letter says
        return lade_vorlage(self.vorlage_pfad, vorlagen_ordner_von(self.vorlage_pfad),
                            werte=dict(self.protokoll.get("werte") or {}))


@dataclass
class Versandergebnis:
    """What a send did; ``briefe`` holds one result per letter (no addresses)."""

    email: int = 0
    post: int = 0
    gesendet: int = 0
    schon_gesendet: int = 0
    fehler: list[dict] = field(default_factory=list)
    unklar: list[int] = field(default_factory=list)
    ohne_brief: list[int] = field(default_factory=list)
    postdatei: str | None = None
    abgebrochen: str = ""
    probe: str | None = None
    pdf_art: str = ""  # the run's PDF variant (what is attached)
    briefe: list[dict] = field(default_factory=list)
    beginn: str = ""
    ende: str = ""

    @property
    def rueckgabewert(self) -> int:
        offen = self.fehler or self.unklar or self.ohne_brief or self.abgebrochen
        return 1 if offen else 0


def vorlagen_ordner_von(vorlage: Path) -> Path | None:
    """The service's templates folder (BRIEFE_VORLAGEN) when the run's template lies in it."""
    umgebung = os.environ.get("BRIEFE_VORLAGEN")
    if umgebung and (Path(umgebung) / "absender").is_dir() and vorlage.resolve().is_relative_to(
            Path(umgebung).resolve()):
        return Path(umgebung)
    return None


def liste_des_laufs(protokoll: dict) -> Mitgliederliste:
    """The run's member list, read again (file or database query) and refused when it changed."""
    if ist_datenbank(protokoll["quelle"]):
        liste = lies_datenbank(protokoll["quelle"], protokoll.get("abfrage") or "",
                               protokoll.get("abfrage_werte") or {})
        summe, name = liste.pruefsumme, "Das Ergebnis der Abfrage"
    else:
        quelle = Path(protokoll["quelle"])
        try:
            summe = sha256(quelle)
        except OSError:
            raise BriefeFehler(f"Die Mitgliederliste des Laufs ({quelle}) ist nicht mehr lesbar; ohne "
                               "sie sind die E-Mail-Adressen unbekannt.") from None
        liste, name = None, f"Die Mitgliederliste {quelle.name}"
    if summe != protokoll.get("quelle_sha256"):
        raise BriefeFehler(
            f"{name} wurde nach dem Lauf verändert. Damit keine Adresse zum falschen Brief gerät, wird "
            "nicht versendet. Bitte die Briefe neu erstellen.")
    return liste or lies_mitglieder(quelle, protokoll.get("blatt"))


def plane(ausgabe: Path | str) -> Plan:
    """Read the run's protocol and member list; decide e-mail or post per letter."""
    ausgabe = Path(ausgabe)
    protokoll = lies_fertiges_protokoll(ausgabe)
    if "pdf" not in protokoll.get("formate", []):
        raise BriefeFehler("Dieser Lauf hat keine PDF-Dateien erstellt (Format pdf fehlt); "
                           "versendet werden die PDFs eines Laufs.")
    liste = liste_des_laufs(protokoll)
    nach_zeile = {e.zeile: e for e in liste.empfaenger}
    briefe = []
    for eintrag in protokoll.get("briefe", []):
        nummer, zeile = int(eintrag["nummer"]), int(eintrag["zeile"])
        pdf = next((d for d in eintrag.get("dateien", []) if d.endswith(".pdf")), None)
        empfaenger = nach_zeile.get(zeile)
        if eintrag.get("status") != "ok" or pdf is None or empfaenger is None:
            briefe.append(Brieflage(nummer, zeile, "", None, empfaenger, "kein Brief erstellt"))
            continue
        pfad = ausgabe / pdf
        if not pfad.is_file() or sha256(pfad) != eintrag.get("sha256", {}).get(pdf):
            briefe.append(Brieflage(nummer, zeile, "", None, empfaenger,
                                    f"{pdf} fehlt oder wurde nach dem Lauf verändert"))
            continue
        adresse = empfaenger.wert("email")
        summe = eintrag["sha256"][pdf]
        if adresse and ist_adresse(adresse):
            briefe.append(Brieflage(nummer, zeile, EMAIL, pfad, empfaenger, pdf_sha256=summe))
        else:
            hinweis = (f"Spalte „email“: „{adresse}“ ist keine gültige E-Mail-Adresse; Brief per Post"
                       if adresse else "")
            briefe.append(Brieflage(nummer, zeile, POST, pfad, empfaenger, hinweis, summe))
    return Plan(ausgabe, protokoll, briefe, Path(protokoll["vorlage"]))


def _eigener_stand(plan: Plan, stand: dict[int, dict]) -> dict[int, dict]:
    """Journal states of exactly these letter files and addresses."""
    schluessel = {b.nummer: b.schluessel for b in plan.briefe if b.kanal == EMAIL}
    return {n: e for n, e in stand.items() if schluessel.get(n) == e.get("schluessel")}


def _inhalt(plan: Plan, brief: Brieflage) -> tuple[str, str, str]:
    """Subject, text and attachment name of one letter's e-mail."""
    vorlage = plan.vorlage
    aus_vorlage = vorlage.email(brief.empfaenger)
    gerendert = vorlage.erzeuge(brief.empfaenger)
    betreff, text = aus_vorlage or (" ".join(gerendert.betreff.split()), "")
    return betreff, text or standard_text(gerendert), anhang_name(gerendert.betreff, brief.empfaenger)


def versende(ausgabe: Path | str, einstellungen: Einstellungen, *, probe: str | None = None,
             probe_anzahl: int = PROBE_ANZAHL, unklare_erneut: bool = False,
             melde: Melder | None = None) -> Versandergebnis:
    """Send the run in ``ausgabe``. Raises ``BriefeFehler`` (exit code 2) when nothing could start."""
    melde = melde or (lambda ereignis: None)
    plan = plane(ausgabe)
    ausgabe = plan.ausgabe
    ergebnis = Versandergebnis(email=len(plan.per_email), post=len(plan.per_post), probe=probe,
                               pdf_art=str(plan.protokoll.get("pdf") or ""),
                               beginn=jetzt(), ohne_brief=[b.zeile for b in plan.ohne_brief])
    if probe is not None and not ist_adresse(probe):
        raise BriefeFehler(f"--probe: „{probe}“ ist keine gültige E-Mail-Adresse.")
    if plan.per_email and plan.vorlage.pruefsumme() != plan.protokoll.get("vorlage_sha256"):
        raise BriefeFehler(f"Die Vorlage {plan.vorlage_pfad.name} (oder ihr Absender) wurde nach dem Lauf "
                           "verändert; Brief und E-Mail-Text passten nicht mehr zusammen. Bitte die Briefe "
                           "neu erstellen.")
    with ordnersperre(ausgabe / SPERRE, f"Für {ausgabe} läuft bereits ein Versand."):
        stand = {} if probe else _eigener_stand(plan, lies_versandjournal(ausgabe))
        offen = plan.per_email[:probe_anzahl] if probe else []
        if not probe:
            for b in plan.per_email:
                zustand = stand.get(b.nummer, {}).get("zustand")
                if zustand == GESENDET:
                    ergebnis.schon_gesendet += 1
                elif zustand == UNKLAR and not unklare_erneut:
                    ergebnis.unklar.append(b.zeile)
                else:
                    offen.append(b)
        verbindung = Verbindung(einstellungen)
        if offen:
            verbindung.oeffne()  # unreachable at the start: ServerNichtErreichbar, exit code 2
        if not probe:
            ergebnis.postdatei = schreibe_postdatei(ausgabe, [
                (b.pdf, functools.partial(plan.vorlage.erzeuge, b.empfaenger)) for b in plan.per_post])
        melde({"ereignis": "versand_start", "email": ergebnis.email, "post": ergebnis.post,
               "zu_senden": len(offen), "schon_gesendet": ergebnis.schon_gesendet,
               "unklar": len(ergebnis.unklar), "probe": bool(probe)})
        if offen:
            _sende_alle(plan, verbindung, offen, stand, ergebnis, probe, melde)
        ergebnis.ende = jetzt()
        if not probe:
            _schreibe_ergebnis(plan, ergebnis)
    melde({"ereignis": "versand_ende", "gesendet": ergebnis.gesendet, "fehler": len(ergebnis.fehler),
           "unklar": len(ergebnis.unklar), "post": ergebnis.post, "abgebrochen": bool(ergebnis.abgebrochen),
           "rueckgabewert": ergebnis.rueckgabewert})
    return ergebnis


def _sende_alle(plan: Plan, verbindung: Verbindung, offen: list[Brieflage], stand: dict,
                ergebnis: Versandergebnis, probe: str | None, melde: Melder) -> None:
    einstellungen = verbindung.e
    journal = contextlib.nullcontext() if probe else Journal(plan.ausgabe)
    letzte = 0.0
    try:
        with journal:
            for brief in offen:
                warten = letzte + einstellungen.abstand - time.monotonic()
                if letzte and warten > 0:
                    time.sleep(warten)
                letzte = time.monotonic()
                for versuch in (1, 2):  # a lost connection: reconnect once, then stop
                    try:
                        _sende_einen(plan, einstellungen, verbindung, brief, stand, ergebnis, probe,
                                     journal, melde)
                        break
                    except ServerNichtErreichbar as fehler:
                        try:
                            if versuch == 2:
                                raise
                            verbindung.schliesse()
                            verbindung.oeffne()
                        except ServerNichtErreichbar:
                            ergebnis.abgebrochen = (
                                f"Versand abgebrochen: {fehler} Bereits gesendete Briefe sind vermerkt; "
                                "ein erneuter Aufruf von „briefe versenden“ sendet nur die übrigen.")
                            melde({"ereignis": "versand_abbruch"})
                            return
                        if brief.zeile in ergebnis.unklar:  # perhaps delivered: never twice
                            break
    finally:
        verbindung.schliesse()


def _sende_einen(plan: Plan, einstellungen: Einstellungen, verbindung: Verbindung, brief: Brieflage,
                 stand: dict, ergebnis: Versandergebnis, probe: str | None, journal, melde: Melder) -> None:
    def merke(zustand: str, **mehr) -> dict:
        mehr["schluessel"] = brief.schluessel
        eintrag = {"nummer": brief.nummer, "zeile": brief.zeile, "zustand": zustand, "zeit": jetzt(), **mehr}
        if journal is not None and not probe:
            eintrag = journal.schreibe(brief.nummer, brief.zeile, zustand, **mehr)
        stand[brief.nummer] = eintrag
        return eintrag

    try:
        betreff, text, anhang = _inhalt(plan, brief)
    except (ZeilenFehler, BriefeFehler) as fehler:
        meldung = f"E-Mail-Text der Vorlage: {fehler.meldung}"
        merke(FEHLER, antwort=meldung)
        ergebnis.fehler.append({"zeile": brief.zeile, "meldung": meldung})
        melde({"ereignis": "versand_brief", "zeile": brief.zeile, "status": FEHLER})
        return
    # The same Message-ID when an unclear letter is sent again: receivers can drop the double.
    message_id = stand.get(brief.nummer, {}).get("message_id") or neue_message_id(einstellungen)
    nachricht = baue_nachricht(einstellungen, probe or brief.adresse, betreff, text, brief.pdf.read_bytes(),
                               anhang, message_id, test=bool(probe))
    an = [probe or brief.adresse]
    if einstellungen.kopie_an and not probe:
        an.append(einstellungen.kopie_an)
    begonnen = []

    def vor_daten() -> None:
        begonnen.append(True)
        merke(WIRD_GESENDET, message_id=message_id, anhang=anhang)

    try:
        antwort = mit_wiederholung(verbindung, nachricht, an, vor_daten)
    except Abgelehnt as fehler:
        meldung = deutsch(fehler.code, fehler.antwort)
        merke(FEHLER, message_id=message_id, antwort=meldung, anhang=anhang)
        ergebnis.fehler.append({"zeile": brief.zeile, "meldung": meldung})
        melde({"ereignis": "versand_brief", "zeile": brief.zeile, "status": FEHLER, "code": fehler.code})
        return
    except ServerNichtErreichbar:
        if begonnen:
            merke(UNKLAR, message_id=message_id, anhang=anhang,
                  antwort="Verbindung während der Übergabe abgebrochen; ob die Nachricht ankam, ist unklar.")
            ergebnis.unklar.append(brief.zeile)
        else:
            merke(NICHT_GESENDET, message_id=message_id, anhang=anhang)
        raise
    merke(GESENDET, message_id=message_id, antwort=antwort, anhang=anhang)
    ergebnis.gesendet += 1
    melde({"ereignis": "versand_brief", "zeile": brief.zeile, "status": GESENDET})


def _schreibe_ergebnis(plan: Plan, ergebnis: Versandergebnis) -> None:
    """``versand.json`` and the channel columns of ``protokoll.json``/``protokoll.csv``."""
    stand = _eigener_stand(plan, lies_versandjournal(plan.ausgabe))
    for brief in plan.briefe:
        eintrag = stand.get(brief.nummer, {})
        ergebnis.briefe.append({
            "nummer": brief.nummer, "zeile": brief.zeile, "kanal": brief.kanal,
            "zustand": ("Post" if brief.kanal == POST else eintrag.get("zustand", "offen")
                        if brief.kanal == EMAIL else "kein Brief"),
            "message_id": eintrag.get("message_id", ""), "zeit": eintrag.get("zeit", ""),
            "antwort": eintrag.get("antwort", ""), "anhang": eintrag.get("anhang", ""),
            "hinweis": brief.hinweis,
        })
    daten = asdict(ergebnis)
    schreibe_atomar(plan.ausgabe / VERSAND_JSON, json.dumps(daten, ensure_ascii=False, indent=2).encode())
    protokoll = protokoll_aus(plan.protokoll)
    nach_nummer = {b["nummer"]: b for b in ergebnis.briefe}
    for e in protokoll.briefe:
        b = nach_nummer.get(e.nummer)
        if b and b["kanal"]:
            e.kanal, e.message_id, e.versandzeit = b["kanal"], b["message_id"], b["zeit"]
            e.versandstatus = b["zustand"]
            e.serverantwort = b["antwort"]
    if ergebnis.postdatei and ergebnis.postdatei not in protokoll.sammeldateien:
        protokoll.sammeldateien.append(ergebnis.postdatei)
    schreibe_protokoll(protokoll, plan.ausgabe)


__all__ = ["EMAIL", "POST", "POSTDATEI", "VERSAND_JSON", "Plan", "Versandergebnis", "plane", "versende"]
