"""A run (Lauf): every letter of a member list, written as files, with a protocol.

Letters are written one by one (atomically) and recorded in a journal, so a
killed run can be continued (``fortsetzen``) without duplicates.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from briefe import anschrift as anschrift_regeln
from briefe.dateien import atomar, dateiname_teil, raeume_reste_auf, schreibe_atomar, sha256
from briefe.fehler import BriefeFehler, VorlagenFehler, ZeilenFehler
from briefe.mitglieder import (
    Empfaenger,
    Mitgliederliste,
    lies_mitglieder,
    normalisiere_spalte,
    passt_filter,
)
from briefe.vorlage import Vorlage, lade_vorlage

FORMATE = ("pdf", "docx")
JOURNAL = ".briefe-journal.jsonl"
PROTOKOLL_JSON = "protokoll.json"
PROTOKOLL_CSV = "protokoll.csv"
SAMMEL_PDF = "serienbrief.pdf"
SAMMEL_DOCX = "serienbrief.docx"
ZIP = "serienbrief.zip"

Melder = Callable[[dict], None]


@dataclass(frozen=True)
class Laufoptionen:
    """Everything a run needs to know; the same for CLI, job files and the service."""

    vorlage: Path
    daten: Path
    ausgabe: Path = Path("ausgabe")
    formate: tuple[str, ...] = FORMATE
    filter: tuple[tuple[str, str], ...] = ()
    blatt: str | None = None
    sammel: bool = False
    duplex: bool = False
    zip: bool = False
    pdf_variante: str | None = None
    jobs: int = 0
    fortsetzen: bool = False
    vorlagen_ordner: Path | None = None


@dataclass
class Eintrag:
    """One selected member row in the protocol."""

    zeile: int
    nummer: int
    status: str  # "ok" or "fehler"
    dateien: list[str] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)
    hinweise: list[str] = field(default_factory=list)
    fehler: str = ""
    probleme: list[dict] = field(default_factory=list)


@dataclass
class Protokoll:
    """What a run made and what it did not."""

    vorlage: str
    quelle: str
    ausgabe: str
    beginn: str
    vorlage_sha256: str = ""
    quelle_sha256: str = ""
    ende: str = ""
    status: str = "laeuft"
    formate: list[str] = field(default_factory=list)
    filter: list[str] = field(default_factory=list)
    zeilen_gesamt: int = 0
    ausgewaehlt: int = 0
    ok: int = 0
    fehler: int = 0
    fortgesetzt: int = 0
    sammeldateien: list[str] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)
    briefe: list[Eintrag] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.fehler else 0

    def als_dict(self) -> dict:
        return asdict(self)


def _jetzt() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def vorbereiten(optionen: Laufoptionen) -> tuple[Vorlage, Mitgliederliste, list[Empfaenger]]:
    """Load template and list, check they fit, select recipients. Errors here stop the run."""
    vorlage = lade_vorlage(optionen.vorlage, optionen.vorlagen_ordner)
    liste = lies_mitglieder(optionen.daten, optionen.blatt)
    vorhanden = {normal for _, normal in liste.spalten}
    fehlend = sorted(vorlage.spalten - vorhanden)
    if fehlend:
        raise VorlagenFehler(
            f"Die Vorlage verwendet die Spalte(n) {', '.join(fehlend)}, die in der "
            f"Mitgliederliste {liste.quelle.name} fehlen. Vorhandene Spalten: "
            f"{', '.join(sorted(vorhanden))}.",
            datei=str(optionen.vorlage),
        )
    unbekannte_formate = set(optionen.formate) - set(FORMATE)
    if unbekannte_formate or not optionen.formate:
        raise BriefeFehler(
            f"Unbekanntes Format {', '.join(sorted(unbekannte_formate)) or '(leer)'}; "
            f"erlaubt: {', '.join(FORMATE)}."
        )
    for spalte, _ in optionen.filter:
        if normalisiere_spalte(spalte) not in vorhanden:
            raise BriefeFehler(
                f"Filter: Spalte „{spalte}“ gibt es in der Mitgliederliste nicht. "
                f"Vorhanden: {', '.join(sorted(vorhanden))}."
            )
    ausgewaehlt = [
        e for e in liste.empfaenger
        if all(passt_filter(e, spalte, wert) for spalte, wert in optionen.filter)
    ]
    return vorlage, liste, ausgewaehlt


def basisname(nummer: int, empfaenger: Empfaenger) -> str:
    """``0001-nachname-vorname``, or the organisation when there is no person."""
    person = " ".join(t for t in (empfaenger.wert("nachname"), empfaenger.wert("vorname")) if t)
    teil = dateiname_teil(person or empfaenger.wert("organisation")) or "brief"
    return f"{nummer:04d}-{teil}"


# --- one letter (runs in a worker process) --------------------------------------------

_VORLAGE: Vorlage | None = None
_OPTIONEN: Laufoptionen | None = None


def _stirb_mit_dem_lauf() -> None:
    """A worker process ends when the run that started it dies (Linux; a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import multiprocessing
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    eltern = multiprocessing.parent_process()
    if eltern is not None and os.getppid() != eltern.pid:  # died before prctl
        os._exit(1)


def _initialisiere(optionen: Laufoptionen, arbeiter: bool = False) -> None:
    global _VORLAGE, _OPTIONEN
    if arbeiter:
        _stirb_mit_dem_lauf()
    _OPTIONEN = optionen
    _VORLAGE = lade_vorlage(optionen.vorlage, optionen.vorlagen_ordner)


def renderer(format_: str, pdf_variante: str | None = None) -> Callable:
    """A function ``(brief, ziel_pfad)`` for one output format."""
    # The fast paths render in full whenever they cannot show the letter is the same.
    if format_ == "pdf":
        from briefe.schnell import schreibe_pdf_schnell

        return lambda brief, ziel: schreibe_pdf_schnell(brief, ziel, pdf_variante)
    from briefe.schnell_docx import schreibe_docx_schnell

    return schreibe_docx_schnell


def mache_brief(auftrag: tuple[int, Empfaenger]) -> Eintrag:
    """Make all files of one letter; row problems become a ``fehler`` entry."""
    nummer, empfaenger = auftrag
    assert _VORLAGE is not None and _OPTIONEN is not None
    eintrag = Eintrag(zeile=empfaenger.zeile, nummer=nummer, status="ok")
    probleme = anschrift_regeln.pruefe(empfaenger)
    if probleme:
        return _fehler_eintrag(eintrag, probleme)
    try:
        brief = _VORLAGE.erzeuge(empfaenger)
    except ZeilenFehler as fehler:
        return _fehler_eintrag(eintrag, [fehler])
    eintrag.hinweise = list(brief.hinweise)
    name = basisname(nummer, empfaenger)
    for format_ in _OPTIONEN.formate:
        ziel = _OPTIONEN.ausgabe / f"{name}.{format_}"
        try:
            with atomar(ziel) as temp:
                renderer(format_, _OPTIONEN.pdf_variante)(brief, temp)
        except BriefeFehler:
            raise
        except Exception as fehler:  # a renderer bug must not stop the other letters
            return _fehler_eintrag(
                eintrag, [ZeilenFehler(f"Interner Fehler beim Erzeugen ({type(fehler).__name__}).",
                                       zeile=empfaenger.zeile)]
            )
        eintrag.dateien.append(ziel.name)
        eintrag.sha256[ziel.name] = sha256(ziel)
    return eintrag


def _fehler_eintrag(eintrag: Eintrag, probleme: list[BriefeFehler]) -> Eintrag:
    eintrag.status = "fehler"
    eintrag.probleme = [{"spalte": p.spalte or "", "meldung": p.meldung} for p in probleme]
    eintrag.fehler = "; ".join(
        f"Spalte „{p.spalte}“: {p.meldung}" if p.spalte else p.meldung for p in probleme
    )
    return eintrag


# --- the run ---------------------------------------------------------------------------


def _lies_journal(ausgabe: Path) -> dict[int, Eintrag]:
    """Finished letters of an earlier run whose files are still intact."""
    pfad = ausgabe / JOURNAL
    fertig: dict[int, Eintrag] = {}
    if not pfad.is_file():
        return fertig
    for zeile in pfad.read_text(encoding="utf-8").splitlines():
        try:
            eintrag = Eintrag(**json.loads(zeile))
        except (ValueError, TypeError):
            continue  # a line cut off by a crash
        intakt = all(
            (ausgabe / datei).is_file() and sha256(ausgabe / datei) == eintrag.sha256.get(datei)
            for datei in eintrag.dateien
        )
        if eintrag.status == "ok" and intakt:
            fertig[eintrag.nummer] = eintrag
    return fertig


def entferne_alte_ergebnisse(ausgabe: Path) -> None:
    """A fresh run into a used folder: remove what the earlier run recorded."""
    alt = ausgabe / PROTOKOLL_JSON
    namen: set[str] = {JOURNAL, PROTOKOLL_JSON, PROTOKOLL_CSV, SAMMEL_PDF, SAMMEL_DOCX, ZIP}
    if alt.is_file():
        with contextlib.suppress(ValueError, AttributeError):
            for eintrag in json.loads(alt.read_text(encoding="utf-8")).get("briefe", []):
                namen.update(eintrag.get("dateien", []))
    journal = ausgabe / JOURNAL
    if journal.is_file():
        for zeile in journal.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError, AttributeError):
                namen.update(json.loads(zeile).get("dateien", []))
    for name in namen:
        if "/" not in name and "\\" not in name:
            (ausgabe / name).unlink(missing_ok=True)


def _arbeite(
    optionen: Laufoptionen, vorlage: Vorlage, auftraege: list[tuple[int, Empfaenger]], jobs: int
) -> Iterator[Eintrag]:
    """Make letters, in this process or in ``jobs`` worker processes; bounded in flight."""
    if jobs <= 1 or len(auftraege) < 2:
        _initialisiere(optionen)
        for auftrag in auftraege:
            yield mache_brief(auftrag)
        return
    if multiprocessing.get_start_method() == "fork":
        # Workers are forked from here: they inherit the fast path's layout groups.
        from briefe.schnell import vorwaermen

        vorwaermen(vorlage, (e for _, e in auftraege), optionen.formate, optionen.pdf_variante)
    with ProcessPoolExecutor(jobs, initializer=_initialisiere, initargs=(optionen, True)) as pool:
        offen = set()
        for auftrag in auftraege:
            offen.add(pool.submit(mache_brief, auftrag))
            if len(offen) >= jobs * 4:
                fertig, offen = wait(offen, return_when=FIRST_COMPLETED)
                for zukunft in fertig:
                    yield zukunft.result()
        for zukunft in offen:
            yield zukunft.result()


def fuehre_aus(optionen: Laufoptionen, melde: Melder | None = None) -> Protokoll:
    """Run: make every letter, write protocol (and combined files, ZIP). Raises
    ``BriefeFehler`` only when nothing could start."""
    melde = melde or (lambda ereignis: None)
    beginn = _jetzt()
    vorlage, liste, ausgewaehlt = vorbereiten(optionen)
    ausgabe = Path(optionen.ausgabe)
    ausgabe.mkdir(parents=True, exist_ok=True)
    optionen = replace(optionen, ausgabe=ausgabe.resolve())
    raeume_reste_auf(ausgabe)

    fertig = _lies_journal(ausgabe) if optionen.fortsetzen else {}
    if not optionen.fortsetzen:
        entferne_alte_ergebnisse(ausgabe)
    protokoll = Protokoll(
        vorlage=str(optionen.vorlage),
        quelle=str(optionen.daten),
        ausgabe=str(optionen.ausgabe),
        beginn=beginn,
        vorlage_sha256=vorlage.pruefsumme(),
        quelle_sha256=sha256(Path(optionen.daten)),
        formate=list(optionen.formate),
        filter=[f"{s}={w}" for s, w in optionen.filter],
        zeilen_gesamt=len(liste.empfaenger),
        ausgewaehlt=len(ausgewaehlt),
        fortgesetzt=len(fertig),
        hinweise=list(liste.hinweise),
    )
    auftraege = [(n, e) for n, e in enumerate(ausgewaehlt, start=1) if n not in fertig]
    eintraege: dict[int, Eintrag] = dict(fertig)
    melde({"ereignis": "start", "gesamt": len(ausgewaehlt), "fertig": len(fertig)})
    for eintrag in fertig.values():
        melde({"ereignis": "brief", "zeile": eintrag.zeile, "status": "ok", "fortgesetzt": True})

    jobs = optionen.jobs or os.cpu_count() or 1
    with open(ausgabe / JOURNAL, "a", encoding="utf-8") as journal:
        for eintrag in _arbeite(optionen, vorlage, auftraege, jobs):
            eintraege[eintrag.nummer] = eintrag
            journal.write(json.dumps(asdict(eintrag), ensure_ascii=False) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
            melde({"ereignis": "brief", "zeile": eintrag.zeile, "status": eintrag.status})

    protokoll.briefe = [eintraege[n] for n in sorted(eintraege)]
    protokoll.ok = sum(1 for e in protokoll.briefe if e.status == "ok")
    protokoll.fehler = len(protokoll.briefe) - protokoll.ok
    if not ausgewaehlt:
        protokoll.hinweise.append("Keine Empfänger ausgewählt (Filter prüfen).")

    if optionen.sammel:
        protokoll.sammeldateien += _sammeldateien(optionen, vorlage, ausgewaehlt, protokoll)
    protokoll.ende = _jetzt()
    protokoll.status = "fertig"
    schreibe_protokoll(protokoll, ausgabe)
    if optionen.zip:
        _schreibe_zip(ausgabe, protokoll)
        protokoll.sammeldateien.append(ZIP)
        schreibe_protokoll(protokoll, ausgabe)
    melde({"ereignis": "ende", "ok": protokoll.ok, "fehler": protokoll.fehler,
           "gesamt": protokoll.ausgewaehlt})
    return protokoll


def _sammeldateien(
    optionen: Laufoptionen, vorlage: Vorlage, ausgewaehlt: list[Empfaenger], protokoll: Protokoll
) -> list[str]:
    ok = [e for e in protokoll.briefe if e.status == "ok"]
    if not ok:
        return []
    ausgabe = Path(optionen.ausgabe)
    namen = []
    if "pdf" in optionen.formate:
        from briefe.sammel import verbinde_pdfs

        with atomar(ausgabe / SAMMEL_PDF) as temp:
            verbinde_pdfs(
                [ausgabe / next(d for d in e.dateien if d.endswith(".pdf")) for e in ok],
                temp, duplex=optionen.duplex,
            )
        namen.append(SAMMEL_PDF)
    if "docx" in optionen.formate:
        from briefe.word import schreibe_sammel_docx

        briefe = (vorlage.erzeuge(ausgewaehlt[e.nummer - 1]) for e in ok)
        with atomar(ausgabe / SAMMEL_DOCX) as temp:
            schreibe_sammel_docx(briefe, temp)
        namen.append(SAMMEL_DOCX)
    return namen


CSV_SPALTEN = ["zeile", "nummer", "status", "dateien", "sha256", "hinweise", "fehler"]


def schreibe_protokoll(protokoll: Protokoll, ausgabe: Path) -> None:
    """``protokoll.json`` and ``protokoll.csv`` (``;``-separated, UTF-8 with BOM for Excel)."""
    daten = json.dumps(protokoll.als_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    schreibe_atomar(ausgabe / PROTOKOLL_JSON, daten)
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    schreiber.writerow(CSV_SPALTEN)
    for e in protokoll.briefe:
        schreiber.writerow([
            e.zeile, e.nummer, e.status, " ".join(e.dateien),
            " ".join(f"{d}:{h}" for d, h in e.sha256.items()),
            " | ".join(e.hinweise), e.fehler,
        ])
    schreibe_atomar(ausgabe / PROTOKOLL_CSV, ("\ufeff" + puffer.getvalue()).encode("utf-8"))


def _schreibe_zip(ausgabe: Path, protokoll: Protokoll) -> None:
    namen: list[str] = [d for e in protokoll.briefe for d in e.dateien]
    namen += protokoll.sammeldateien + [PROTOKOLL_JSON, PROTOKOLL_CSV]
    with atomar(ausgabe / ZIP) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archiv:
        for name in namen:
            archiv.write(ausgabe / name, arcname=name)


def lies_protokoll(ausgabe: Path) -> dict | None:
    pfad = Path(ausgabe) / PROTOKOLL_JSON
    if not pfad.is_file():
        return None
    return json.loads(pfad.read_text(encoding="utf-8"))


def zeilenprobleme(liste: Mitgliederliste, empfaenger: Iterable[Empfaenger]) -> list[ZeilenFehler]:
    """Every row problem of a list, without rendering (for ``briefe pruefen``)."""
    probleme: list[ZeilenFehler] = []
    for e in empfaenger:
        for problem in anschrift_regeln.pruefe(e):
            problem.datei = problem.datei or liste.quelle.name
            probleme.append(problem)
    return probleme
