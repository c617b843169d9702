"""The command line: ``briefe erstellen|pruefen|vorlagen|…``.

Exit codes: 0 every letter made, 1 some rows failed (or ``pruefen`` found
problems), 2 nothing could start, 3 the same job is already running.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import sys
import threading
from pathlib import Path
from typing import NoReturn

from briefe import __version__
from briefe.cli.bausteine import sachbearbeitung, sachbearbeitung_argument
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


def _filter(text: str) -> tuple[str, str]:
    spalte, gleich, wert = text.partition("=")
    if not gleich or not spalte.strip():
        raise argparse.ArgumentTypeError(f"„{text}“: erwartet SPALTE=WERT, z. B. gremien=Lenkungskreis")
    return spalte.strip(), wert.strip()


def _wert(text: str) -> tuple[str, str]:
    name, gleich, wert = text.partition("=")
    if not gleich or not name.strip():
        raise argparse.ArgumentTypeError(f"„{text}“: erwartet NAME=WERT, z. B. konferenz=12.03.2027")
    return name.strip(), wert.strip()


def wert_argument(parser) -> None:
    """``--wert NAME=WERT``: a value the template asks at the start."""
    parser.add_argument("--wert", type=_wert, action="append", default=[], dest="werte",
                        metavar="NAME=WERT",
                        help="Wert beim Start, den die Vorlage erfragt; mehrfach möglich, z. B. "
                             "--wert konferenz=12.03.2027 --wert beitrag=7,50 (welche Werte: "
                             "briefe vorlagen)")


def daten_argument(text: str) -> Path | str:
    """A member file, or a database address kept as written (``postgresql://…``)."""
    from briefe.quellen.datenbank import ist_datenbank

    return text if ist_datenbank(text) else Path(text)


def quelle_argumente(parser) -> None:
    """``--blatt``, and for a database ``--abfrage``/``--abfrage-datei``; ``--schluessel``."""
    parser.add_argument("--blatt", metavar="NAME", help="Tabellenblatt einer XLSX-Datei "
                        "(Standard: das erste)")
    abfrage = parser.add_mutually_exclusive_group()
    abfrage.add_argument("--abfrage", metavar="SQL",
                         help="bei einer Datenbank: die Abfrage, die die Mitglieder liest, z. B. "
                              "\"SELECT * FROM mitglieder WHERE austritt IS NULL\"; Werte als :name "
                              "aus --wert name=…")
    abfrage.add_argument("--abfrage-datei", type=Path, metavar="DATEI.sql",
                         help="bei einer Datenbank: die Abfrage aus einer Datei")
    parser.add_argument("--schluessel", metavar="SPALTE",
                        help="Spalte, die einen Datensatz bezeichnet (z. B. mitgliedsnr); steht im "
                             "Protokoll und in Meldungen")


def _formate(text: str) -> tuple[str, ...]:
    return tuple(f.strip().lower() for f in text.split(",") if f.strip())


def lauf_argumente(parser) -> None:
    """Options shared by ``erstellen`` and the job files."""
    parser.add_argument("--ausgabe", type=Path, default=Path("ausgabe"), metavar="ORDNER",
                        help="Ordner für Briefe und Protokoll (Standard: ausgabe/)")
    parser.add_argument("--format", type=_formate, default=("pdf", "docx"), dest="formate",
                        metavar="pdf,docx", help="Dateiformate je Brief (Standard: pdf,docx)")
    parser.add_argument("--filter", type=_filter, action="append", default=[],
                        metavar="SPALTE=WERT",
                        help="nur passende Empfänger; mehrfach möglich; bei „gremien“ zählt die "
                             "Mitgliedschaft, z. B. --filter gremien=Lenkungskreis")
    quelle_argumente(parser)
    parser.add_argument("--sammel", action="store_true",
                        help="zusätzlich serienbrief.pdf und serienbrief.docx mit allen Briefen")
    parser.add_argument("--duplex", action="store_true",
                        help="im Sammel-PDF Leerseiten einfügen, damit jeder Brief auf einer "
                             "Vorderseite beginnt")
    parser.add_argument("--zip", action="store_true", help="alles zusätzlich als serienbrief.zip")
    from briefe.satz.pdf.weasy import KENNUNGEN, VARIANTEN

    parser.add_argument("--pdf", choices=list(VARIANTEN), default="standard", dest="pdf_variante",
                        help="PDF-Art: " + ", ".join(f"{name} ({KENNUNGEN[name]})" for name in VARIANTEN)
                             + "; prüfen mit „briefe pdf pruefen DATEI.pdf“")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="Anzahl paralleler Prozesse (Standard: Anzahl der Kerne)")
    parser.add_argument("--fortsetzen", action="store_true",
                        help="abgebrochenen Lauf fortsetzen: fertige, geprüfte Briefe behalten")
    parser.add_argument("--zeitgrenze", type=float, default=60.0, metavar="SEKUNDEN",
                        help="höchstens so lange je Brief, sonst wird die Zeile als Fehler gemeldet "
                             "(Standard: 60; 0 = ohne Grenze)")
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
    erstellen.add_argument("vorlage", type=Path, metavar="VORLAGE", help="Vorlage, z. B. "
                           "vorlagen/bildungsnetzwerk-2011.md")
    erstellen.add_argument("daten", type=daten_argument, metavar="DATEN",
                           help="Mitgliederliste (CSV, XLSX oder JSON) oder Datenbank, z. B. "
                                "postgresql://benutzer@rechner/verein oder sqlite:///mitglieder.db "
                                "(mit --abfrage)")
    lauf_argumente(erstellen)
    wert_argument(erstellen)
    sachbearbeitung_argument(erstellen)
    from briefe.cli import verteilt

    verteilt.argumente(erstellen)

    pruefen = befehle.add_parser(
        "pruefen", help="Vorlage und Mitgliederliste prüfen, ohne Briefe zu erstellen",
        description="Meldet jedes Problem (Zeile, Spalte, was falsch ist). Rückgabewert 1, "
                    "wenn es Probleme gibt.",
    )
    pruefen.add_argument("vorlage", type=Path, metavar="VORLAGE")
    pruefen.add_argument("daten", type=daten_argument, metavar="DATEN")
    pruefen.add_argument("--filter", type=_filter, action="append", default=[],
                         metavar="SPALTE=WERT")
    quelle_argumente(pruefen)
    wert_argument(pruefen)
    sachbearbeitung_argument(pruefen)

    vorlagen = befehle.add_parser("vorlagen", help="Vorlagen und ihre Variablen auflisten")
    vorlagen.add_argument("--ordner", type=Path, default=Path("vorlagen"),
                          help="Vorlagenordner (Standard: vorlagen/)")
    for erweiterung in _erweiterungen():
        erweiterung(befehle)
    return haupt


def _erweiterungen():
    """Commands that live in their own modules."""
    funktionen = []
    for modul in ("briefe.cli.auftrag", "briefe.cli.bausteine", "briefe.cli.dienst", "briefe.cli.pdf",
                  "briefe.cli.vorlage", "briefe.cli.versand", "briefe.cli.verteilt"):
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
    from briefe.lauf.vorbereitung import Laufoptionen

    optionen = Laufoptionen(
        vorlage=args.vorlage, daten=args.daten, ausgabe=args.ausgabe, formate=args.formate,
        filter=tuple(args.filter), blatt=args.blatt, sammel=args.sammel, duplex=args.duplex,
        zip=args.zip, pdf_variante=None if args.pdf_variante == "standard" else args.pdf_variante,
        jobs=args.jobs, fortsetzen=args.fortsetzen, werte=tuple(args.werte),
        zeitgrenze=args.zeitgrenze, abfrage=args.abfrage, abfrage_datei=args.abfrage_datei,
        schluessel=args.schluessel, sachbearbeitung=sachbearbeitung(args),
    )
    from briefe.cli.verteilt import arbeit

    arbeitsweise = arbeit(args.verteilt, args.zeitlimit, args.stapel)  # checks the broker before any file
    melde, schliesse = melder(args.log_format)
    try:
        protokoll = fuehre_aus(optionen, melde, **arbeitsweise)
    finally:
        schliesse()
    if args.log_format == "text":
        print(zusammenfassung(protokoll, args.ausgabe))
    return protokoll.exit_code


def _pruefen(args) -> int:
    from briefe.lauf.spaltenpruefung import fasse_zusammen
    from briefe.lauf.vorbereitung import (
        Laufoptionen,
        spaltenhinweise,
        textprobleme,
        vorbereiten,
        zeilenhinweise,
        zeilenprobleme,
    )

    optionen = Laufoptionen(vorlage=args.vorlage, daten=args.daten, filter=tuple(args.filter),
                            blatt=args.blatt, werte=tuple(args.werte), abfrage=args.abfrage,
                            abfrage_datei=args.abfrage_datei, schluessel=args.schluessel,
                            sachbearbeitung=sachbearbeitung(args))
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
