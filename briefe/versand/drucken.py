"""Printing a finished run on a CUPS printer over IPP (pycups): one job per letter (or the
combined PDF as one job), each job followed until CUPS reports it done, each letter printed
once; the result per letter in ``druck.json`` and the run's protocol."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefe.dateien import schreibe_atomar, sha256
from briefe.fehler import BriefeFehler, DruckerFehler
from briefe.lauf.protokoll import lies_fertiges_protokoll, protokoll_aus, schreibe_protokoll
from briefe.versand.journal import Journal, jetzt, lies_journal, ordnersperre

DRUCKJOURNAL = ".briefe-druck.jsonl"
DRUCK_JSON = "druck.json"
SPERRE = ".druck.sperre"
SAMMEL_PDF = "serienbrief.pdf"
WIRD_GEDRUCKT, GESENDET, GEDRUCKT, FEHLER = "wird gedruckt", "an den Drucker gesendet", "gedruckt", "fehler"
FENSTER = 10  # jobs handed to CUPS before the first of them must be done (CUPS keeps at most 500)
WARTEN_S = 0.2

# IPP job states (RFC 8011 5.3.7) and printer states (5.4.12)
_AUSSTEHEND, _ANGEHALTEN, _DRUCKT, _GESTOPPT, _ABGEBROCHEN, _ABGEBROCHEN_FEHLER, _FERTIG = range(3, 10)
_DRUCKER_GESTOPPT = 5

Melder = Callable[[dict], None]


@dataclass(frozen=True)
class Druckwunsch:
    """How to print: printer (None: CUPS's default), sides, tray, copies, combined file."""

    drucker: str | None = None
    duplex: bool | None = None  # None: as the printer is set up
    fach: str | None = None
    kopien: int = 1
    sammel: bool = False
    nochmal: bool = False  # print again what was printed already
    nur_post: bool = False  # only the letters ``briefe versenden`` left for the post
    zeitgrenze: float = 600.0  # seconds a job may take once the printer works on it


@dataclass
class Druckstueck:
    """One print job: a letter's PDF (or the combined PDF, ``nummer`` 0, all rows)."""

    nummer: int
    zeilen: list[int]
    datei: str
    pfad: Path
    pdf_sha256: str

    @property
    def schluessel(self) -> str:
        """Binds journal lines to this file's content: a new run is printed anew."""
        return hashlib.sha256(f"{self.datei}\0{self.pdf_sha256}".encode()).hexdigest()[:16]

    def neuer_auftragsname(self) -> str:
        """A job name found in CUPS again after a crash, unique for each submission."""
        return f"{self.datei} [briefe {uuid.uuid4().hex[:12]}]"


@dataclass
class Druckergebnis:
    """What a print did; ``briefe`` holds one result per letter."""

    drucker: str = ""
    zu_drucken: int = 0
    gedruckt: int = 0
    schon_gedruckt: int = 0
    fehler: list[dict] = field(default_factory=list)
    ohne_brief: list[int] = field(default_factory=list)
    abgebrochen: str = ""
    hinweise: list[str] = field(default_factory=list)
    optionen: dict[str, str] = field(default_factory=dict)
    briefe: list[dict] = field(default_factory=list)
    beginn: str = ""
    ende: str = ""

    @property
    def rueckgabewert(self) -> int:
        return 1 if self.fehler or self.ohne_brief or self.abgebrochen else 0


DRUCK_SCHLUESSEL = {
    "drucker": "Name des Druckers (Standard: der Standarddrucker)",
    "duplex": "true: beidseitig, false: einseitig (Standard: wie der Drucker eingestellt ist)",
    "fach": "Papierfach, z. B. \"tray-2\"",
    "kopien": "Exemplare je Brief (Standard: 1)",
    "sammel": "true: serienbrief.pdf als ein Auftrag",
    "server": "CUPS-Druckserver HOST[:PORT] (Standard: CUPS_SERVER oder der eigene Rechner)",
    "zeitgrenze": "Sekunden, die ein Auftrag am Drucker dauern darf (Standard: 600)",
}


def druckwunsch_aus(tabelle: dict, datei: str) -> tuple[Druckwunsch, str | None]:
    """A job file's ``[drucken]`` table as print options and CUPS server; German errors."""
    def fehler(meldung: str) -> BriefeFehler:
        return BriefeFehler(f"[drucken] {meldung}", datei=datei)

    for schluessel in tabelle:
        if schluessel not in DRUCK_SCHLUESSEL:
            raise fehler(f"Unbekannter Eintrag „{schluessel}“. Erlaubt: {', '.join(DRUCK_SCHLUESSEL)}.")
    for schluessel in ("drucker", "fach", "server"):
        if schluessel in tabelle and (not isinstance(tabelle[schluessel], str) or not tabelle[schluessel]):
            raise fehler(f"„{schluessel}“ muss ein Text in Anführungszeichen sein.")
    for schluessel in ("duplex", "sammel"):
        if schluessel in tabelle and not isinstance(tabelle[schluessel], bool):
            raise fehler(f"„{schluessel}“ muss true oder false sein.")
    kopien = tabelle.get("kopien", 1)
    if not isinstance(kopien, int) or isinstance(kopien, bool) or not 1 <= kopien <= 999:
        raise fehler("„kopien“ muss eine ganze Zahl von 1 bis 999 sein.")
    zeitgrenze = tabelle.get("zeitgrenze", 600)
    if not isinstance(zeitgrenze, int | float) or isinstance(zeitgrenze, bool) or zeitgrenze <= 0:
        raise fehler("„zeitgrenze“ muss eine Zahl von Sekunden größer 0 sein.")
    return Druckwunsch(drucker=tabelle.get("drucker"), duplex=tabelle.get("duplex"), fach=tabelle.get("fach"),
                       kopien=kopien, sammel=tabelle.get("sammel", False),
                       zeitgrenze=float(zeitgrenze)), tabelle.get("server")


# --- CUPS ---------------------------------------------------------------------------------------


def verbinde(server: str | None = None):
    """A connection to the CUPS server (``host[:port]``; default: CUPS_SERVER or the local one)."""
    try:
        import cups
    except ImportError:
        raise BriefeFehler("Zum Drucken fehlt pycups: pip install 'briefe[drucken]' (braucht "
                           "libcups2-dev zum Bauen).") from None
    server = server or os.environ.get("CUPS_SERVER")
    if server:
        host, _, port = server.rpartition(":") if ":" in server else (server, "", "")
        cups.setServer(host or server)
        if port:
            if not port.isdigit():
                raise BriefeFehler(f"Druckserver „{server}“: der Port muss eine Zahl sein.")
            cups.setPort(int(port))
    try:
        return cups.Connection()
    except RuntimeError:
        raise BriefeFehler(f"Der Druckserver (CUPS) {server or cups.getServer()} ist nicht erreichbar. "
                           "Läuft CUPS? Mit --druckserver HOST:PORT einen anderen angeben.") from None


def drucker_liste(verbindung) -> list[dict]:
    """The printers CUPS knows, each with state, duplex and trays, the default first."""
    standard = _ipp(verbindung.getDefault)
    liste = []
    for name, werte in sorted(_ipp(verbindung.getPrinters).items()):
        merkmale = _merkmale(verbindung, name)
        liste.append({
            "name": name, "standard": name == standard,
            "beschreibung": werte.get("printer-info", ""), "ort": werte.get("printer-location", ""),
            "zustand": _zustandstext(merkmale),
            "bereit": _bereit(merkmale),
            "duplex": "two-sided-long-edge" in _liste(merkmale.get("sides-supported")),
            "faecher": _liste(merkmale.get("media-source-supported")),
        })
    liste.sort(key=lambda d: not d["standard"])
    return liste


def _ipp(aufruf, *args, **kwargs):
    """A pycups call; CUPS's English answers become German messages."""
    import cups

    try:
        return aufruf(*args, **kwargs)
    except cups.IPPError as fehler:
        status, text = fehler.args if len(fehler.args) == 2 else (0, str(fehler))
        raise DruckerFehler(_ipp_text(status, text)) from None
    except RuntimeError:
        raise DruckerFehler("Die Verbindung zum Druckserver (CUPS) ist abgebrochen.") from None


def _ipp_text(status: int, text: str) -> str:
    import cups

    bekannt = {
        cups.IPP_NOT_FOUND: "Drucker oder Auftrag ist dem Druckserver unbekannt.",
        cups.IPP_NOT_AUTHORIZED: "Der Druckserver verlangt eine Anmeldung.",
        cups.IPP_FORBIDDEN: "Der Druckserver erlaubt das nicht.",
        cups.IPP_NOT_ACCEPTING: "Der Drucker nimmt keine Aufträge an.",
        cups.IPP_DOCUMENT_FORMAT: "Der Drucker kann dieses Dateiformat nicht drucken.",
        cups.IPP_TOO_MANY_JOBS: "In der Warteschlange sind zu viele Aufträge.",
        cups.IPP_SERVICE_UNAVAILABLE: "Der Druckserver (CUPS) ist nicht erreichbar.",
    }
    return bekannt.get(status, f"Der Druckserver hat den Auftrag abgelehnt (IPP-Status {status:#06x}).")


def _merkmale(verbindung, drucker: str) -> dict:
    return _ipp(verbindung.getPrinterAttributes, drucker, requested_attributes=[
        "printer-state", "printer-state-message", "printer-state-reasons", "printer-is-accepting-jobs",
        "sides-supported", "media-source-supported"])


def _liste(wert) -> list[str]:
    if wert is None:
        return []
    return [str(w) for w in wert] if isinstance(wert, list | tuple) else [str(wert)]


def _bereit(merkmale: dict) -> bool:
    return merkmale.get("printer-state") != _DRUCKER_GESTOPPT and bool(
        merkmale.get("printer-is-accepting-jobs", True))


def _zustandstext(merkmale: dict) -> str:
    if merkmale.get("printer-state") == _DRUCKER_GESTOPPT:
        text = "angehalten"
    elif not merkmale.get("printer-is-accepting-jobs", True):
        text = "nimmt keine Aufträge an"
    else:
        text = {3: "bereit", 4: "druckt"}.get(merkmale.get("printer-state"), "unbekannt")
    meldung = str(merkmale.get("printer-state-message") or "").strip()
    return f"{text} ({meldung})" if meldung and text != "bereit" else text


def _pruefe_drucker(verbindung, wunsch: Druckwunsch, ergebnis: Druckergebnis) -> tuple[str, dict]:
    """The printer to use and the job options; raises when it cannot print now."""
    drucker = wunsch.drucker or _ipp(verbindung.getDefault)
    bekannt = sorted(_ipp(verbindung.getPrinters))
    vorhanden = ", ".join(bekannt) or "keiner"
    if not drucker:
        raise BriefeFehler(f"Kein Drucker angegeben und in CUPS kein Standarddrucker eingerichtet. "
                           f"Bitte --drucker NAME angeben (vorhanden: {vorhanden}).")
    if drucker not in bekannt:
        raise BriefeFehler(f"Den Drucker „{drucker}“ kennt der Druckserver nicht (vorhanden: {vorhanden}).")
    merkmale = _merkmale(verbindung, drucker)
    if not _bereit(merkmale):
        raise DruckerFehler(
            f"Der Drucker „{drucker}“ ist {_zustandstext(merkmale)}; es wurde nichts gedruckt. Bitte den "
            "Drucker fortsetzen (Druckerverwaltung oder „cupsenable“ und „cupsaccept“) und "
            "„briefe drucken“ erneut aufrufen.")
    optionen = {"copies": str(wunsch.kopien)}
    if wunsch.duplex is not None:
        optionen["sides"] = "two-sided-long-edge" if wunsch.duplex else "one-sided"
        if wunsch.duplex and "two-sided-long-edge" not in _liste(merkmale.get("sides-supported")):
            ergebnis.hinweise.append(f"Der Drucker „{drucker}“ meldet keinen beidseitigen Druck; "
                                     "beidseitig ist trotzdem verlangt.")
    if wunsch.fach:
        faecher = _liste(merkmale.get("media-source-supported"))
        if wunsch.fach not in faecher:
            raise BriefeFehler(f"Der Drucker „{drucker}“ hat kein Fach „{wunsch.fach}“ (vorhanden: "
                               f"{', '.join(faecher) or 'keine wählbaren Fächer'}).")
        optionen["media-source"] = wunsch.fach
    return drucker, optionen


# --- plan ---------------------------------------------------------------------------------------


def plane_druck(ausgabe: Path, sammel: bool = False,
                nur_post: bool = False) -> tuple[dict, list[Druckstueck], list[int]]:
    """The run's protocol, its print jobs and the rows without a letter to print (``nur_post``:
    only the letters that did not go by e-mail)."""
    protokoll = lies_fertiges_protokoll(ausgabe)
    briefe = protokoll.get("briefe", [])
    if nur_post:
        if sammel:
            raise BriefeFehler("--nur-post und --sammel zusammen gehen nicht: die Briefe für die Post "
                               "werden je Brief gedruckt.")
        if not any(e.get("kanal") for e in briefe):
            raise BriefeFehler("Dieser Lauf wurde nicht versendet („briefe versenden“); ohne Versand "
                               "ist unbekannt, welche Briefe per Post gehen.")
        briefe = [e for e in briefe if e.get("kanal") == "Post"]
    ohne = [int(e["zeile"]) for e in briefe if e.get("status") != "ok"]
    if sammel:
        pfad = ausgabe / SAMMEL_PDF
        if not pfad.is_file():
            raise BriefeFehler(f"In {ausgabe} gibt es kein {SAMMEL_PDF}; den Lauf mit --sammel erstellen "
                               "oder ohne --sammel drucken (ein Auftrag je Brief).")
        zeilen = [int(e["zeile"]) for e in briefe if e.get("status") == "ok"]
        return protokoll, [Druckstueck(0, zeilen, SAMMEL_PDF, pfad, sha256(pfad))], ohne
    stuecke = []
    for eintrag in briefe:
        if eintrag.get("status") != "ok":
            continue
        pdf = next((d for d in eintrag.get("dateien", []) if d.endswith(".pdf")), None)
        zeile = int(eintrag["zeile"])
        if pdf is None:
            raise BriefeFehler("Dieser Lauf hat keine PDF-Dateien erstellt (Format pdf fehlt); "
                               "gedruckt werden die PDFs eines Laufs.")
        pfad = ausgabe / pdf
        summe = sha256(pfad) if pfad.is_file() else ""
        if summe != eintrag.get("sha256", {}).get(pdf):
            ohne.append(zeile)
            continue
        stuecke.append(Druckstueck(int(eintrag["nummer"]), [zeile], pdf, pfad, summe))
    return protokoll, stuecke, sorted(ohne)


# --- print --------------------------------------------------------------------------------------


def drucke(ausgabe: Path | str, wunsch: Druckwunsch, *, server: str | None = None,
           melde: Melder | None = None) -> Druckergebnis:
    """Print the run in ``ausgabe``. Raises ``BriefeFehler`` (exit 2) or ``DruckerFehler``
    (exit 1: the printer is stopped) when nothing could start."""
    melde = melde or (lambda ereignis: None)
    ausgabe = Path(ausgabe)
    if not 1 <= wunsch.kopien <= 999:
        raise BriefeFehler("--kopien: erlaubt sind 1 bis 999.")
    protokoll, stuecke, ohne = plane_druck(ausgabe, wunsch.sammel, wunsch.nur_post)
    ergebnis = Druckergebnis(beginn=jetzt(), ohne_brief=ohne)
    verbindung = verbinde(server)
    with ordnersperre(ausgabe / SPERRE, f"Für {ausgabe} läuft bereits ein Druck."):
        stand = lies_journal(ausgabe / DRUCKJOURNAL)
        eigene = {s.nummer: stand[s.nummer] for s in stuecke
                  if stand.get(s.nummer, {}).get("schluessel") == s.schluessel}
        schon = set() if wunsch.nochmal else _anders_gedruckt(ausgabe, protokoll, stand, wunsch.sammel)
        offen = []
        for stueck in stuecke:
            zustand = eigene.get(stueck.nummer, {}).get("zustand")
            if (zustand == GEDRUCKT and not wunsch.nochmal) or (stueck.nummer and stueck.nummer in schon):
                ergebnis.schon_gedruckt += len(stueck.zeilen)
            else:
                offen.append(stueck)
        ergebnis.zu_drucken = sum(len(s.zeilen) for s in offen)
        if offen:
            ergebnis.drucker, ergebnis.optionen = _pruefe_drucker(verbindung, wunsch, ergebnis)
        melde({"ereignis": "druck_start", "drucker": ergebnis.drucker, "zu_drucken": ergebnis.zu_drucken,
               "schon_gedruckt": ergebnis.schon_gedruckt})
        with Journal(ausgabe, DRUCKJOURNAL) as journal:
            _Druck(verbindung, journal, eigene, ergebnis, wunsch, melde).alle(offen)
        ergebnis.ende = jetzt()
        _schreibe_ergebnis(ausgabe, protokoll, stuecke, ergebnis)
    melde({"ereignis": "druck_ende", "gedruckt": ergebnis.gedruckt, "fehler": len(ergebnis.fehler),
           "abgebrochen": bool(ergebnis.abgebrochen), "rueckgabewert": ergebnis.rueckgabewert})
    return ergebnis


def _anders_gedruckt(ausgabe: Path, protokoll: dict, stand: dict[int, dict], sammel: bool) -> set[int]:
    """Letters printed the other way (one by one, or in the combined PDF), which this call must
    not print again: with ``sammel`` a refusal when some were, else their numbers."""
    einzeln = {n for n, e in stand.items() if n and e.get("zustand") == GEDRUCKT}
    if sammel:
        if einzeln:
            raise BriefeFehler(f"{len(einzeln)} Brief(e) dieses Laufs sind schon einzeln gedruckt; das "
                               "Sammel-PDF würde sie doppelt drucken. Ohne --sammel drucken (nur der Rest) "
                               "oder mit --nochmal alles.")
        return set()
    gesamt = stand.get(0, {})
    pfad = ausgabe / SAMMEL_PDF
    if gesamt.get("zustand") == GEDRUCKT and pfad.is_file() and gesamt.get("schluessel") == Druckstueck(
            0, [], SAMMEL_PDF, pfad, sha256(pfad)).schluessel:
        return {int(e["nummer"]) for e in protokoll.get("briefe", []) if e.get("status") == "ok"}
    return set()


class _Druck:
    """Hands the jobs to CUPS (at most ``FENSTER`` unfinished at a time) and follows them."""

    def __init__(self, verbindung, journal, stand: dict, ergebnis: Druckergebnis, wunsch: Druckwunsch,
                 melde: Melder) -> None:
        self.v, self.journal, self.stand, self.ergebnis = verbindung, journal, stand, ergebnis
        self.wunsch, self.melde = wunsch, melde
        self.unterwegs: list[tuple[Druckstueck, int]] = []

    def merke(self, stueck: Druckstueck, zustand: str, **mehr) -> None:
        self.stand[stueck.nummer] = self.journal.schreibe(
            stueck.nummer, stueck.zeilen[0] if stueck.zeilen else 0, zustand,
            schluessel=stueck.schluessel, datei=stueck.datei, drucker=self.ergebnis.drucker, **mehr)

    def alle(self, offen: list[Druckstueck]) -> None:
        try:
            for stueck in offen:
                auftrag = self._schon_in_cups(stueck)
                if auftrag is None:
                    auftrag = self._sende(stueck)
                self.unterwegs.append((stueck, auftrag))
                while len(self.unterwegs) >= FENSTER:
                    self._warte_auf_ersten()
            while self.unterwegs:
                self._warte_auf_ersten()
        except DruckerFehler as fehler:
            self.ergebnis.abgebrochen = (
                f"Druck unterbrochen: {fehler.meldung} Gedruckte Briefe sind vermerkt; Aufträge in der "
                "Warteschlange bleiben dort. Ein erneuter Aufruf von „briefe drucken“ verfolgt sie "
                "und druckt nur, was noch nicht gedruckt wurde.")
            self.melde({"ereignis": "druck_abbruch"})

    def _schon_in_cups(self, stueck: Druckstueck) -> int | None:
        """A job of an earlier call still valid: sent (or perhaps sent, before a crash) and not
        failed. Found by its number, or by its unique name when the crash came before it was noted."""
        eintrag = self.stand.get(stueck.nummer)
        if self.wunsch.nochmal or not eintrag or eintrag.get("zustand") not in (WIRD_GEDRUCKT, GESENDET):
            return None
        auftrag = eintrag.get("auftrag")
        if auftrag is None:
            auftraege = _ipp(self.v.getJobs, which_jobs="all", my_jobs=True,
                             requested_attributes=["job-id", "job-name"])
            auftrag = next((nummer for nummer, werte in sorted(auftraege.items())
                            if werte.get("job-name") == eintrag.get("auftragsname")), None)
            if auftrag is None:
                return None  # the crash came before CUPS had the job
        werte = _ipp(self.v.getJobAttributes, auftrag,
                     requested_attributes=["job-state", "job-state-reasons", "number-of-documents"])
        if werte.get("job-state") in (_GESTOPPT, _ABGEBROCHEN, _ABGEBROCHEN_FEHLER):
            return None
        if _unvollstaendig(werte):
            # the hand-over was cut off before CUPS had the whole file: it can never print
            _ipp(self.v.cancelJob, auftrag)
            self.merke(stueck, FEHLER, auftrag=auftrag, meldung="Übergabe abgebrochen, Auftrag gelöscht")
            return None
        if eintrag.get("auftrag") is None:
            self.merke(stueck, GESENDET, auftrag=auftrag)
        return auftrag

    def _sende(self, stueck: Druckstueck) -> int:
        name = stueck.neuer_auftragsname()
        self.merke(stueck, WIRD_GEDRUCKT, auftragsname=name)
        auftrag = _ipp(self.v.printFile, self.ergebnis.drucker, str(stueck.pfad), name,
                       dict(self.ergebnis.optionen))
        self.merke(stueck, GESENDET, auftrag=auftrag)
        self.melde({"ereignis": "druck_gesendet", "nummer": stueck.nummer, "auftrag": auftrag})
        return auftrag

    def _warte_auf_ersten(self) -> None:
        stueck, auftrag = self.unterwegs[0]
        begonnen, gewartet = None, time.monotonic()
        while True:
            werte = _ipp(self.v.getJobAttributes, auftrag, requested_attributes=[
                "job-state", "job-state-reasons", "job-printer-state-message"])
            zustand = werte.get("job-state")
            if zustand == _FERTIG:
                self.unterwegs.pop(0)
                self.merke(stueck, GEDRUCKT, auftrag=auftrag)
                self.ergebnis.gedruckt += len(stueck.zeilen)
                self.melde({"ereignis": "druck_brief", "nummer": stueck.nummer, "status": GEDRUCKT})
                return
            if zustand in (_GESTOPPT, _ABGEBROCHEN, _ABGEBROCHEN_FEHLER):
                self.unterwegs.pop(0)
                meldung = (f"Auftrag {auftrag} wurde vom Druckserver "
                           f"{'abgebrochen' if zustand != _GESTOPPT else 'angehalten'}"
                           + _grund(werte) + "; er wird beim nächsten Aufruf neu gedruckt.")
                self.merke(stueck, FEHLER, auftrag=auftrag, meldung=meldung)
                self.ergebnis.fehler.extend({"zeile": z, "meldung": meldung} for z in stueck.zeilen)
                self.melde({"ereignis": "druck_brief", "nummer": stueck.nummer, "status": FEHLER})
                return
            merkmale = _merkmale(self.v, self.ergebnis.drucker)
            if not _bereit(merkmale):
                raise DruckerFehler(f"Der Drucker „{self.ergebnis.drucker}“ ist {_zustandstext(merkmale)}.")
            if zustand == _DRUCKT and begonnen is None:
                begonnen = time.monotonic()
            if begonnen is not None and time.monotonic() - begonnen > self.wunsch.zeitgrenze:
                raise DruckerFehler(
                    f"Auftrag {auftrag} ist nach {self.wunsch.zeitgrenze:.0f} s nicht fertig.")
            if time.monotonic() - gewartet > 2 * self.wunsch.zeitgrenze:  # never started
                raise DruckerFehler(f"Auftrag {auftrag} wartet seit {2 * self.wunsch.zeitgrenze:.0f} s "
                                    "in der Warteschlange.")
            time.sleep(WARTEN_S)


def _unvollstaendig(werte: dict) -> bool:
    """A job whose document never fully arrived (its sender died during the hand-over)."""
    return werte.get("job-state") in (_AUSSTEHEND, _ANGEHALTEN) and (
        "job-incoming" in _liste(werte.get("job-state-reasons")) or werte.get("number-of-documents") == 0)


def _grund(werte: dict) -> str:
    meldung = str(werte.get("job-printer-state-message") or "").strip()
    return f" (Meldung des Druckers: {meldung})" if meldung else ""


def druckstand(ausgabe: Path, stuecke: list[Druckstueck] | None = None,
               ohne: list[int] | None = None) -> list[dict]:
    """Per row of the run: its print state from the journal (as far as it got)."""
    stand = lies_journal(ausgabe / DRUCKJOURNAL)
    if stuecke is None:
        sammel = any(e.get("datei") == SAMMEL_PDF for e in stand.values())
        _, stuecke, ohne = plane_druck(ausgabe, sammel=sammel)
    je_zeile: dict[int, dict] = {}
    for stueck in stuecke:
        eintrag = stand.get(stueck.nummer, {})
        if eintrag.get("schluessel") != stueck.schluessel:
            eintrag = {}
        for zeile in stueck.zeilen:
            je_zeile[zeile] = {"zeile": zeile, "datei": stueck.datei,
                               "zustand": eintrag.get("zustand", "nicht gedruckt"),
                               "drucker": eintrag.get("drucker", ""), "auftrag": eintrag.get("auftrag"),
                               "zeit": eintrag.get("zeit", ""), "meldung": eintrag.get("meldung", "")}
    for zeile in ohne or []:
        je_zeile[zeile] = {"zeile": zeile, "datei": "", "zustand": "kein Brief zu drucken", "drucker": "",
                           "auftrag": None, "zeit": "",
                           "meldung": "im Lauf kein Brief, oder sein PDF wurde seither verändert"}
    return [je_zeile[z] for z in sorted(je_zeile)]


def _schreibe_ergebnis(ausgabe: Path, protokoll: dict, stuecke: list[Druckstueck],
                       ergebnis: Druckergebnis) -> None:
    """``druck.json`` and the print columns of ``protokoll.json``/``protokoll.csv``."""
    ergebnis.briefe = druckstand(ausgabe, stuecke, ergebnis.ohne_brief)
    je_zeile = {b["zeile"]: b for b in ergebnis.briefe}
    daten = json.dumps(asdict(ergebnis), ensure_ascii=False, indent=2).encode()
    schreibe_atomar(ausgabe / DRUCK_JSON, daten)
    neu = protokoll_aus(protokoll)
    for e in neu.briefe:
        b = je_zeile.get(e.zeile)
        if b:
            e.druckstatus, e.drucker, e.druckauftrag, e.druckzeit = (
                b["zustand"], b["drucker"], "" if b["auftrag"] is None else str(b["auftrag"]), b["zeit"])
    schreibe_protokoll(neu, ausgabe)


__all__ = ["DRUCK_JSON", "Druckergebnis", "Druckwunsch", "drucke", "drucker_liste", "druckstand",
           "plane_druck", "verbinde"]
