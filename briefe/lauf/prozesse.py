"""The letters of a run, made in this process or in local worker processes.

Each letter is checked, made from the template and written atomically in every
format; a row problem or a renderer fault becomes that letter's ``fehler`` entry.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import itertools
import logging
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from briefe.dateien import atomar, lege_hin, schreibe_temp, sha256, sichere_offen
from briefe.deutsch import anschrift as anschrift_regeln
from briefe.fehler import BriefeFehler, VorlagenFehler, ZeilenFehler
from briefe.lauf.ausgabe import SCHREIBFEHLER, Schreibfehler, schreibfehler_text
from briefe.lauf.optionen import Laufoptionen
from briefe.lauf.protokoll import Eintrag
from briefe.lauf.vorbereitung import basisname, lade_laufvorlage
from briefe.modell import Brief
from briefe.quellen.mitglieder import Empfaenger
from briefe.satz import renderer as satz_renderer
from briefe.satz.schriften import abgedeckt, fehlende_zeichen
from briefe.satz.vertrag import Renderer
from briefe.vorlage.grenzen import Zeitueberschreitung, zeitgrenze
from briefe.vorlage.vorlage import Vorlage

_LOG = logging.getLogger("briefe.lauf")

_VORLAGE: Vorlage | None = None
_OPTIONEN: Laufoptionen | None = None
_RENDERER: dict[str, Renderer] = {}
STAPEL = 8  # letters per task for a worker process, at most
_AUFGESCHOBEN: list[tuple[bytes, str]] | None = None  # in ``mache_briefe``: files the run writes


def renderer_fuer(optionen: Laufoptionen) -> dict[str, Renderer]:
    """The renderer of each format the run makes."""
    return {f: satz_renderer.renderer(f, optionen.pdf_variante) for f in optionen.formate}


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


def _initialisiere(optionen: Laufoptionen, arbeiter: bool = False, vorlage: Vorlage | None = None) -> None:
    """This process's template (``vorlage``: the run's, already compiled), options and renderers."""
    global _VORLAGE, _OPTIONEN
    if arbeiter:
        _stirb_mit_dem_lauf()
    _OPTIONEN = optionen
    _VORLAGE = vorlage or lade_laufvorlage(optionen)
    _RENDERER.clear()
    _RENDERER.update(renderer_fuer(optionen))


def mache_brief(auftrag: tuple[int, Empfaenger]) -> Eintrag:
    """Make all files of one letter within the time limit; whatever goes wrong with this
    row becomes its ``fehler`` entry. Only a file system fault (``Schreibfehler``) or a
    broken template (``VorlagenFehler``) stops the run."""
    nummer, empfaenger = auftrag
    assert _OPTIONEN is not None
    person = " ".join(t for t in (empfaenger.wert("vorname"), empfaenger.wert("nachname")) if t)
    eintrag = Eintrag(zeile=empfaenger.zeile, nummer=nummer, status="ok", name=person,
                      organisation=" ".join(empfaenger.wert("organisation").split()))
    try:
        with zeitgrenze(_OPTIONEN.zeitgrenze):
            return _mache_brief(eintrag, nummer, empfaenger)
    except Zeitueberschreitung:
        eintrag.dateien, eintrag.sha256 = [], {}
        return _fehler_eintrag(eintrag, [ZeilenFehler(
            f"Der Brief braucht länger als {_OPTIONEN.zeitgrenze:g} Sekunden und wurde abgebrochen "
            "(Zeitgrenze je Brief; Vorlage oder sehr lange Werte prüfen).", zeile=empfaenger.zeile)])


def _mache_brief(eintrag: Eintrag, nummer: int, empfaenger: Empfaenger) -> Eintrag:
    assert _VORLAGE is not None and _OPTIONEN is not None
    probleme = zeilen_pruefung(empfaenger, _VORLAGE.anschrift_reihenfolge)
    if "pdf" in _OPTIONEN.formate:
        probleme += schriftprobleme(empfaenger, _VORLAGE.spalten)
    if probleme:
        return _fehler_eintrag(eintrag, probleme)
    try:
        brief = _VORLAGE.erzeuge(empfaenger)
    except ZeilenFehler as fehler:
        return _fehler_eintrag(eintrag, [fehler])
    except VorlagenFehler:
        raise
    except Exception as fehler:  # noqa: BLE001 - a fault with one row must not stop the others
        return _fehler_eintrag(eintrag, [_interner_fehler(fehler, empfaenger, "in der Vorlage")])
    eintrag.hinweise = list(brief.hinweise)
    name = basisname(nummer, empfaenger)
    for format_ in _OPTIONEN.formate:
        ziel = _OPTIONEN.ausgabe / f"{name}.{format_}"
        try:
            if _AUFGESCHOBEN is None:
                with atomar(ziel) as temp:
                    _RENDERER[format_].schreibe(brief, temp)
            else:  # the run's process writes the file: no file system work here
                puffer = io.BytesIO()
                _RENDERER[format_].schreibe(brief, puffer)
        except BriefeFehler:
            raise
        except OSError as fehler:
            if fehler.errno in SCHREIBFEHLER:
                raise Schreibfehler(schreibfehler_text(fehler, _OPTIONEN.ausgabe)) from None
            return _fehler_eintrag(eintrag, [_interner_fehler(fehler, empfaenger, "beim Erzeugen")])
        except Exception as fehler:  # a renderer bug must not stop the other letters
            return _fehler_eintrag(eintrag, [_interner_fehler(fehler, empfaenger, "beim Erzeugen")])
        eintrag.dateien.append(ziel.name)
        if _AUFGESCHOBEN is None:
            eintrag.sha256[ziel.name] = sha256(ziel)
        else:
            daten = puffer.getvalue()
            eintrag.sha256[ziel.name] = hashlib.sha256(daten).hexdigest()
            _AUFGESCHOBEN.append((daten, ziel.name))
    return eintrag


def zeilen_pruefung(empfaenger: Empfaenger, folge: str = "person") -> list[ZeilenFehler]:
    """Every problem of a row found before rendering: unreadable values, address rules."""
    probleme = [ZeilenFehler(meldung, zeile=empfaenger.zeile, spalte=spalte, datei=empfaenger.datei)
                for spalte, meldung in empfaenger.lesefehler]
    return probleme + anschrift_regeln.pruefe(empfaenger, folge)


ANSCHRIFT_SPALTEN = frozenset({"anrede", "titel", "vorname", "nachname", "funktion", "organisation",
                               "zusatz", "strasse", "hausnummer", "postfach", "plz", "ort", "land"})


def schriftprobleme(empfaenger: Empfaenger, spalten: Iterable[str]) -> list[ZeilenFehler]:
    """Values the letter prints with characters no shipped font has (the PDF would show boxes)."""
    probleme = []
    for name in sorted(ANSCHRIFT_SPALTEN | set(spalten)):
        fehlend = fehlende_zeichen(empfaenger.wert(name))
        if fehlend:
            beispiele = ", ".join(f"„{z}“ (U+{ord(z):04X})" for z in fehlend[:3])
            probleme.append(ZeilenFehler(
                f"Zeichen ohne Schrift im PDF: {beispiele}. Mitgeliefert sind Schriften für lateinische, "
                "griechische, kyrillische, arabische und hebräische Schrift; bitte den Wert in lateinischer "
                "Umschrift angeben oder nur DOCX erstellen.", zeile=empfaenger.zeile, spalte=name))
    return probleme


def _interner_fehler(fehler: BaseException, empfaenger: Empfaenger, wo: str) -> ZeilenFehler:
    # Only the class: the message of a library error may quote member data.
    _LOG.error("Zeile %s: interner Fehler %s (%s)", empfaenger.zeile, wo, type(fehler).__name__)
    return ZeilenFehler(f"Interner Fehler {wo} ({type(fehler).__name__}); dieser Brief wurde nicht "
                        "erstellt, die anderen schon.", zeile=empfaenger.zeile)


def _fehler_eintrag(eintrag: Eintrag, probleme: list[BriefeFehler]) -> Eintrag:
    eintrag.status = "fehler"
    eintrag.probleme = [{"spalte": p.spalte or "", "meldung": p.meldung} for p in probleme]
    eintrag.fehler = "; ".join(
        f"Spalte „{p.spalte}“: {p.meldung}" if p.spalte else p.meldung for p in probleme
    )
    return eintrag


def vorwaermen(vorlage: Vorlage, empfaenger: Iterable[Empfaenger], renderer: Iterable[Renderer],
               hoechstens: int = 200, ruhig: int = 20) -> int:
    """Let the renderers prepare for the first ``hoechstens`` recipients in this process, so
    worker processes forked from it start prepared. First they learn what varies between the
    letters until ``ruhig`` recipients in a row teach nothing new, then they prepare for the
    same letters and the next ones until ``ruhig`` in a row need nothing new. Returns how
    often a renderer prepared something; rows with problems are skipped (the run reports
    them)."""
    renderer = list(renderer)
    briefe = _briefe(vorlage, itertools.islice(empfaenger, hoechstens))
    gelernt = []
    nichts_neues = 0
    for brief in briefe:
        gelernt.append(brief)
        nichts_neues = 0 if sum(_versuche(r.lerne, brief) for r in renderer) else nichts_neues + 1
        if nichts_neues >= ruhig:
            break
    for brief in gelernt:  # again: the frames around the final value slots
        for r in renderer:
            _versuche(r.lerne, brief)
    gebaut = nichts_neues = 0
    for brief in itertools.chain(gelernt, briefe):
        neu = sum(_versuche(r.vorbereiten, brief) for r in renderer)
        gebaut += neu
        nichts_neues = 0 if neu else nichts_neues + 1
        if nichts_neues >= ruhig:
            break
    return gebaut


def _briefe(vorlage: Vorlage, empfaenger: Iterable[Empfaenger]) -> Iterator[Brief]:
    """The letters of the recipients without problems (the run reports the others)."""
    for e in empfaenger:
        if not anschrift_regeln.pruefe(e):
            with contextlib.suppress(Exception):  # preparing must never stop a run
                yield vorlage.erzeuge(e)


def _versuche(schritt, brief: Brief) -> bool:
    """``schritt(brief)``; ``False`` if it fails (the letter's own rendering reports it)."""
    try:
        return schritt(brief)
    except Exception:  # noqa: BLE001 - preparing must never stop a run
        return False


def arbeite(
    optionen: Laufoptionen, vorlage: Vorlage, auftraege: list[tuple[int, Empfaenger]], jobs: int
) -> Iterator[Eintrag]:
    """Make letters, in this process or in ``jobs`` worker processes; bounded in flight."""
    if jobs <= 1 or len(auftraege) < 2:
        _initialisiere(optionen, vorlage=vorlage)
        for auftrag in auftraege:
            yield mache_brief(auftrag)
        return
    geerbt = None  # a spawned worker loads and compiles the template itself
    if multiprocessing.get_start_method() == "fork":
        # Workers are forked from here: they inherit the template and what the renderers prepared.
        geerbt = vorlage
        if "pdf" in optionen.formate:
            abgedeckt()  # the font check's character table
        vorwaermen(vorlage, (e for _, e in auftraege), renderer_fuer(optionen).values())
        gc.freeze()  # the workers' collections skip what they inherit (no copies of its pages)
    try:
        yield from _verteile(optionen, auftraege, jobs, geerbt)
    finally:
        gc.unfreeze()


def _verteile(optionen: Laufoptionen, auftraege: list[tuple[int, Empfaenger]], jobs: int,
              geerbt: Vorlage | None) -> Iterator[Eintrag]:
    """The letters made by ``jobs`` worker processes, bounded in flight."""
    groesse = max(1, min(STAPEL, len(auftraege) // (jobs * 16)))  # small runs: one at a time
    with ProcessPoolExecutor(jobs, initializer=_initialisiere, initargs=(optionen, True, geerbt)) as pool:
        offen: set[Future] = set()  # submitted batches whose letters are not all put in place
        try:
            for beginn, ende in _stapel(len(auftraege), groesse, jobs):
                offen.add(pool.submit(mache_briefe, auftraege[beginn:ende]))
                if len(offen) >= jobs * 4:
                    fertig, _ = wait(offen, return_when=FIRST_COMPLETED)
                    for zukunft in fertig:
                        yield from _lege_ab(zukunft, offen, optionen.ausgabe)
            while offen:
                yield from _lege_ab(next(iter(offen)), offen, optionen.ausgabe)
        except BaseException:  # a write error, or the run stops early: no temporary file stays
            _verwirf(offen)
            raise


def _stapel(anzahl: int, groesse: int, jobs: int) -> Iterator[tuple[int, int]]:
    """The batches of ``anzahl`` letters (start, end): ``groesse`` each, smaller towards the end, so
    the workers finish together and the run's process has few letters left to write after them."""
    beginn = 0
    while beginn < anzahl:
        ende = beginn + max(1, min(groesse, (anzahl - beginn) // (2 * jobs)))
        yield beginn, ende
        beginn = ende


def _lege_ab(zukunft: Future, offen: set[Future], ausgabe: Path) -> Iterator[Eintrag]:
    """The letters of one finished batch, each put in place; then the batch leaves ``offen``."""
    fertig, schreibfehler = _schliesse_ab(zukunft.result(), ausgabe)
    yield from fertig
    offen.discard(zukunft)
    if schreibfehler is not None:
        raise Schreibfehler(schreibfehler_text(schreibfehler, ausgabe)) from None


def _verwirf(offen: set[Future]) -> None:
    """Cancel the batches not started; the letters of the others are dropped unwritten."""
    for zukunft in offen:
        zukunft.cancel()


def mache_briefe(auftraege: list[tuple[int, Empfaenger]]) -> list[tuple[Eintrag, list[tuple[bytes, str]]]]:
    """``mache_brief`` for a few letters in a worker process: one round trip for them all.
    Each letter comes with its files' contents (bytes, file name): the run's process writes,
    syncs and renames them (``_schliesse_ab``) while this one makes the next letters, so the
    workers never wait for the file system."""
    global _AUFGESCHOBEN
    ergebnisse = []
    try:
        for auftrag in auftraege:
            _AUFGESCHOBEN = []
            eintrag = mache_brief(auftrag)
            ergebnisse.append((eintrag, _AUFGESCHOBEN))
    finally:
        _AUFGESCHOBEN = None
    return ergebnisse


def _schliesse_ab(briefe: list[tuple[Eintrag, list[tuple[bytes, str]]]],
                  ausgabe: Path) -> tuple[list[Eintrag], OSError | None]:
    """Put a worker's letters in place before they count as made: every file written, then every
    file synced (the file system flushes them together, not one by one), then each letter's files
    renamed; a file a letter does not list (it failed after making it) is dropped. A letter is all
    its files or none: one that cannot be written gets its ``fehler`` entry. Returns the letters
    put in place or failed, and a fault of the output folder (``SCHREIBFEHLER``), which stops
    the run: the letters from the one it hit on are left out."""
    temps: list[list[tuple[Path, Path]]] = [[] for _ in briefe]  # per letter: (temporary, target)
    offen: dict[Path, int] = {}  # temporary file -> its descriptor, until synced
    fehler: dict[int, OSError] = {}
    ende = len(briefe)

    def versuche(i: int, schritt) -> bool:
        """``schritt()`` for letter ``i`` unless it failed; whether it went well."""
        nonlocal ende
        if i in fehler or i >= ende:
            return False
        try:
            schritt()
            return True
        except OSError as grund:
            fehler[i] = grund
            if grund.errno in SCHREIBFEHLER:
                ende = i
            return False

    def schreibe(i: int, daten: bytes, ziel: Path) -> None:
        temp, griff = schreibe_temp(ziel, daten)
        offen[temp] = griff
        temps[i].append((temp, ziel))

    try:
        if briefe and not ausgabe.is_dir():  # made again if it went away (a fault: the first letter's)
            versuche(0, lambda: ausgabe.mkdir(parents=True, exist_ok=True))
        for i, (eintrag, dateien) in enumerate(briefe):
            for daten, name in dateien:
                if name in eintrag.dateien:
                    versuche(i, lambda i=i, d=daten, n=name: schreibe(i, d, ausgabe / n))
        for i, paare in enumerate(temps):
            for temp, _ in paare:
                versuche(i, lambda t=temp: sichere_offen(offen.pop(t)))
        fertig = []
        for i, (eintrag, _) in enumerate(briefe):
            if i >= ende:
                break
            hingelegt = [z for t, z in temps[i] if versuche(i, lambda t=t, z=z: lege_hin(t, z))]
            if i in fehler:  # a letter is all its files or none
                for ziel in hingelegt:
                    ziel.unlink(missing_ok=True)
            if i < ende:
                fertig.append(_nicht_gespeichert(eintrag, fehler[i]) if i in fehler else eintrag)
    finally:
        for griff in offen.values():  # a letter that failed before its files were synced
            with contextlib.suppress(OSError):
                os.close(griff)
        for paare in temps:
            for temp, _ in paare:
                temp.unlink(missing_ok=True)
    return fertig, fehler.get(ende)


def _nicht_gespeichert(eintrag: Eintrag, grund: OSError) -> Eintrag:
    _LOG.error("Zeile %s: Datei nicht abgeschlossen (%s)", eintrag.zeile, type(grund).__name__)
    eintrag.dateien, eintrag.sha256 = [], {}
    return _fehler_eintrag(eintrag, [ZeilenFehler(
        f"Interner Fehler beim Speichern ({type(grund).__name__}); dieser Brief wurde nicht "
        "erstellt, die anderen schon.", zeile=eintrag.zeile)])
