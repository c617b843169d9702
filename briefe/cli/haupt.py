"""The command line: ``briefe erstellen|pruefen|vorlagen|…``.

Exit codes: 0 every letter made, 1 some rows failed (or ``pruefen`` found
problems), 2 nothing could start, 3 the same job is already running.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import sys
import threading
from pathlib import Path
from typing import NoReturn

from briefe import __version__
from briefe.cli.optionen import aus_argumenten, optionen_argumente
from briefe.cli.parser import Parser
from briefe.fehler import BriefeFehler

EXIT_OK, EXIT_ZEILENFEHLER, EXIT_START, EXIT_LAEUFT = 0, 1, 2, 3

BESCHREIBUNG = """\
briefe erstellt Geschäftsbriefe nach DIN 5008 aus einer Vorlage und einer
Mitgliederliste: ein PDF und ein DOCX je Empfänger, dazu ein Protokoll.

Rückgabewerte: 0 alle Briefe erstellt · 1 einzelne Zeilen fehlerhaft (die
anderen Briefe wurden erstellt) · 2 Start nicht möglich (Vorlage, Datei oder
Option fehlerhaft) · 3 derselbe Auftrag oder ein anderer Lauf in denselben
Ausgabeordner läuft bereits."""


QUELLE = ("filter", "blatt", "zahlen", "abfrage", "abfrage_datei", "schluessel", "werte")
LAUF = ("ausgabe", "formate", *QUELLE, "sammel", "duplex", "zip", "pdf", "jobs", "fortsetzen", "zeitgrenze")


def log_argument(parser) -> None:
    parser.add_argument("--log-format", choices=["text", "json"], default="text",
                        help="text: kurze Zusammenfassung (Standard); json: eine JSON-Zeile je "
                             "Ereignis, ohne personenbezogene Daten")


def parser() -> Parser:
    haupt = Parser(prog="briefe", description=BESCHREIBUNG)
    haupt.add_argument("--version", action="version", version=f"briefe {__version__}",
                       help="Versionsnummer zeigen und beenden")
    befehle = haupt.add_subparsers(dest="befehl", metavar="BEFEHL", title="Befehle")

    erstellen = befehle.add_parser(
        "erstellen", help="Briefe aus Vorlage und Mitgliederliste erstellen",
        description="Erstellt je Empfänger einen Brief (PDF und/oder DOCX) und ein Protokoll.",
    )
    optionen_argumente(erstellen, ("vorlage", "daten", *LAUF, "sachbearbeitung"))
    log_argument(erstellen)
    from briefe.cli import verteilt

    verteilt.argumente(erstellen)

    pruefen = befehle.add_parser(
        "pruefen", help="Vorlage und Mitgliederliste prüfen, ohne Briefe zu erstellen",
        description="Meldet jedes Problem (Zeile, Spalte, was falsch ist). Rückgabewert 1, "
                    "wenn es Probleme gibt.",
    )
    optionen_argumente(pruefen, ("vorlage", "daten", *QUELLE, "sachbearbeitung"))

    vorlagen = befehle.add_parser("vorlagen", help="Vorlagen und ihre Variablen auflisten")
    vorlagen.add_argument("--ordner", type=Path, default=Path("vorlagen"),
                          help="Vorlagenordner (Standard: vorlagen/)")
    for erweiterung in _erweiterungen():
        erweiterung(befehle)
    return haupt


def _erweiterungen():
    """Commands that live in their own modules."""
    funktionen = []
    for modul in ("briefe.cli.auftrag", "briefe.cli.bausteine", "briefe.cli.dienst", "briefe.cli.drucken",
                  "briefe.cli.pdf", "briefe.cli.post", "briefe.cli.vorlage", "briefe.cli.versand",
                  "briefe.cli.verteilt"):
        try:
            funktionen.append(__import__(modul, fromlist=["richte_ein"]).richte_ein)
        except ModuleNotFoundError as fehler:
            if fehler.name != modul:
                raise
    return funktionen


def melder(log_format: str, gesamt_anzeige: bool = True):
    """Event sink: a JSON line per event, or a progress bar on a terminal."""
    if log_format == "json":
        def json_melder(ereignis: dict) -> None:
            if ereignis["ereignis"] == "schritt" and 0 < ereignis["fertig"] < ereignis["gesamt"]:
                return  # a step's start and end are enough for a log
            zeile = {"zeit": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
            zeile.update(ereignis)
            print(json.dumps(zeile, ensure_ascii=False), flush=True)
        return json_melder, lambda: None
    if not (gesamt_anzeige and sys.stderr.isatty()):
        return (lambda ereignis: None), lambda: None
    from tqdm import tqdm

    balken = {}

    def balken_melder(ereignis: dict) -> None:
        if ereignis["ereignis"] == "start":
            balken["b"] = tqdm(total=ereignis["gesamt"], unit="Brief", desc="Briefe",
                               file=sys.stderr, leave=False)
        elif ereignis["ereignis"] == "brief" and "b" in balken:
            balken["b"].update(1)
        elif ereignis["ereignis"] == "schritt":
            _schritt_balken(balken, ereignis, tqdm)

    return balken_melder, lambda: balken["b"].close() if "b" in balken else None


def _schritt_balken(balken: dict, ereignis: dict, tqdm) -> None:
    """A bar of its own for each step after the letters (combined PDF, DOCX, ZIP)."""
    from briefe.lauf.lauf import SCHRITT_NAMEN

    if ereignis["fertig"] == 0 or "b" not in balken:
        if "b" in balken:
            balken["b"].close()
        name = SCHRITT_NAMEN.get(ereignis["schritt"], ereignis["schritt"])
        einheit = "Datei" if ereignis["schritt"] == "zip" else "Brief"
        balken["b"] = tqdm(total=ereignis["gesamt"], unit=einheit, desc=f"{name} wird erstellt",
                           file=sys.stderr, leave=False)
    balken["b"].update(ereignis["fertig"] - balken["b"].n)
    if ereignis["fertig"] == ereignis["gesamt"]:
        balken["b"].refresh()  # a fast step still shows its end


def zusammenfassung(protokoll, ausgabe: Path) -> str:
    """The short human summary of a run; row messages may quote a faulty value (use the
    JSON log for log services)."""
    zeilen = [
        f"{protokoll.ok} von {protokoll.ausgewaehlt} Briefen erstellt"
        + (f", {protokoll.fehler} mit Fehler." if protokoll.fehler else ".")
        + (f" ({protokoll.fortgesetzt} aus früherem Lauf übernommen)"
           if protokoll.fortgesetzt else "")
    ]
    for eintrag in protokoll.briefe:
        wer = eintrag.name or eintrag.organisation
        wer = f" ({wer})" if wer else ""
        if eintrag.datensatz:
            wer = f", {protokoll.schluessel} {eintrag.datensatz}{wer}"
        if eintrag.status == "fehler":
            zeilen.append(f"  Zeile {eintrag.zeile}{wer}: {eintrag.fehler}")
        for hinweis in eintrag.hinweise:  # shortened or dropped address lines
            zeilen.append(f"  Zeile {eintrag.zeile}{wer}: Hinweis: {hinweis}")
    for hinweis in protokoll.hinweise:
        zeilen.append(f"Hinweis: {hinweis}")
    extra = f", {', '.join(protokoll.sammeldateien)}" if protokoll.sammeldateien else ""
    zeilen.append(f"Ausgabe: {ausgabe}/ (protokoll.json, protokoll.csv{extra})")
    return "\n".join(zeilen)


def _erstellen(args) -> int:
    from briefe.lauf.lauf import fuehre_aus

    optionen = aus_argumenten(args)
    from briefe.cli.verteilt import arbeit

    arbeitsweise = arbeit(args.verteilt, args.zeitlimit, args.stapel)  # checks the broker before any file
    melde, schliesse = melder(args.log_format)
    try:
        protokoll = fuehre_aus(optionen, melde, **arbeitsweise)
    finally:
        schliesse()
    if args.log_format == "text":
        print(zusammenfassung(protokoll, optionen.ausgabe))
    return protokoll.exit_code


def _pruefen(args) -> int:
    from briefe.lauf.spaltenpruefung import fasse_zusammen
    from briefe.lauf.vorbereitung import (
        spaltenhinweise,
        textprobleme,
        vorbereiten,
        zeilenhinweise,
        zeilenprobleme,
    )

    optionen = aus_argumenten(args)
    vorlage, liste, ausgewaehlt = vorbereiten(optionen)
    print(f"Vorlage: {vorlage.titel}")
    if vorlage.werte_als_text():
        print("Werte beim Start: " + ", ".join(f"{n} = {w}" for n, w in vorlage.werte_als_text().items()))
    print(f"Mitgliederliste: {liste.name}, {len(liste.empfaenger)} Zeilen, "
          f"{len(ausgewaehlt)} ausgewählt.")
    print("Erkannte Spalten: " + ", ".join(f"{kopf} → {normal}" for kopf, normal in liste.spalten))
    for hinweis in [*liste.hinweise, *spaltenhinweise(vorlage, liste)]:
        print(f"Hinweis: {hinweis}")
    probleme = zeilenprobleme(liste, ausgewaehlt, vorlage) + textprobleme(vorlage, liste, ausgewaehlt)
    bericht = fasse_zusammen(liste, sorted(probleme, key=lambda p: p.zeile or 0))
    for meldung in bericht.spaltenfehler:
        print(meldung)
    for problem in bericht.probleme:
        print(f"  {problem}")
    for hinweis in zeilenhinweise(ausgewaehlt, vorlage):
        print(f"  Hinweis: {hinweis}")
    if not ausgewaehlt:
        print("Warnung: Kein Empfänger ausgewählt (Filter prüfen).")
        return EXIT_ZEILENFEHLER
    if bericht.anzahl:
        print(f"{bericht.anzahl} Problem(e) in {bericht.fehlerhafte_zeilen} Zeile(n).")
        return EXIT_ZEILENFEHLER
    print("Keine Probleme gefunden.")
    return EXIT_OK


def _vorlagen(args) -> int:
    from briefe.vorlage.vorlage import finde_vorlagen, lade_vorlage

    pfade = finde_vorlagen(args.ordner)
    if not pfade:
        print(f"Keine Vorlagen in {args.ordner}/ gefunden.")
        return EXIT_OK
    fehler = False
    for pfad in pfade:
        try:
            vorlage = lade_vorlage(pfad)
        except BriefeFehler as problem:
            print(f"{pfad.name}: FEHLER {problem}")
            fehler = True
            continue
        except Exception as problem:  # noqa: BLE001 - one broken template must not hide the others
            print(f"{pfad.name}: FEHLER Die Vorlage lässt sich nicht laden ({type(problem).__name__}).")
            fehler = True
            continue
        print(f"{pfad.name}  (Absender: {vorlage.absender.kennung})")
        if vorlage.titel != vorlage.name:
            print(f"  {vorlage.titel}")
        if vorlage.beschreibung and vorlage.beschreibung != vorlage.titel:
            print(f"  {vorlage.beschreibung}")
        for startwert in vorlage.startwerte:
            print(f"  Wert beim Start: --wert {startwert.name}=…  {startwert.beschreibung}")
        print(f"  Variablen: {', '.join(sorted(vorlage.variablen)) or '–'}")
        spalten = ", ".join(f"empfaenger.{s}" for s in sorted(vorlage.spalten))
        print(f"  Spalten: {spalten or '– (nur Anschrift und Anrede)'}")
        if vorlage.bausteine:
            print(f"  Textbausteine: {', '.join(sorted(vorlage.bausteine))}")
    return EXIT_ZEILENFEHLER if fehler else EXIT_OK


HANDLER = {"erstellen": _erstellen, "pruefen": _pruefen, "vorlagen": _vorlagen}


def start() -> NoReturn:
    """The ``briefe`` command (console script and ``python -m briefe``)."""
    beende(main())


def beende(code: int) -> NoReturn:
    """End the process with ``code``. After a run, Python's own teardown (freeing every module
    and object) takes a few tenths of a second; it is skipped when nothing else runs: the exit
    handlers run (logs, worker processes, WeasyPrint's temporary fonts), output is flushed,
    then the process ends."""
    laeuft = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if any(t.is_alive() for t in laeuft) or not hasattr(atexit, "_run_exitfuncs"):
        sys.exit(code)  # a thread still works: Python waits for it
    atexit._run_exitfuncs()
    for strom in (sys.stdout, sys.stderr):
        try:
            strom.flush()
        except (OSError, ValueError):  # closed pipe or stream
            code = code or EXIT_START
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    haupt = parser()
    args = haupt.parse_args(argv)
    if not args.befehl:
        haupt.print_help()
        return EXIT_START
    handler = getattr(args, "handler", None) or HANDLER[args.befehl]
    from briefe.lauf.sperre import LaeuftBereits

    try:
        return handler(args)
    except LaeuftBereits as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        return EXIT_LAEUFT
    except BriefeFehler as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        return EXIT_START
    except KeyboardInterrupt:
        print("Abgebrochen. Mit --fortsetzen weitermachen.", file=sys.stderr)
        return 130
    except Exception as fehler:  # noqa: BLE001 - no traceback: its frames may hold member data
        return _interner_fehler(args, fehler)


def _interner_fehler(args, fehler: Exception) -> int:
    """An unexpected fault: the error class only (no message, no traceback), exit code 2."""
    from briefe.lauf.ausgabe import SCHREIBFEHLER, schreibfehler_text

    if isinstance(fehler, OSError) and fehler.errno in SCHREIBFEHLER:
        meldung = schreibfehler_text(fehler)
    else:
        meldung = (f"Interner Fehler ({type(fehler).__name__}); der Vorgang wurde abgebrochen. Bereits "
                   "erstellte Briefe übernimmt „--fortsetzen“.")
    if getattr(args, "log_format", "text") == "json":
        print(json.dumps({"zeit": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                          "ereignis": "abbruch", "fehlerklasse": type(fehler).__name__,
                          "rueckgabewert": EXIT_START}, ensure_ascii=False), flush=True)
    print(f"Fehler: {meldung}", file=sys.stderr)
    return EXIT_START
