"""``briefe drucken AUSGABE`` and ``briefe drucker``: a run's letters on a CUPS printer."""

from __future__ import annotations

import sys
from pathlib import Path

from briefe.cli.haupt import EXIT_START, melder
from briefe.fehler import BriefeFehler, DruckerFehler

BESCHREIBUNG = """\
Druckt die Briefe eines fertigen Laufs (Ordner mit protokoll.json) auf einem Drucker des
Druckservers (CUPS): je Brief ein Druckauftrag, genau das PDF, das der Lauf erstellt hat
(mit --sammel das Sammel-PDF als ein Auftrag). Jeder Auftrag wird verfolgt, bis der
Druckserver ihn als fertig meldet. Jeder Brief wird genau einmal gedruckt: ein erneuter
Aufruf druckt nur, was noch nicht gedruckt wurde – auch nach einem Abbruch.

Rückgabewerte: 0 alle Briefe gedruckt · 1 einzelne Briefe nicht gedruckt (Drucker
angehalten, Auftrag abgebrochen, Brief fehlt) – ein erneuter Aufruf setzt fort · 2 Start
nicht möglich (kein Lauf, Druckserver nicht erreichbar, Drucker oder Fach unbekannt)."""


def richte_ein(befehle) -> None:
    drucken = befehle.add_parser("drucken", help="Briefe eines Laufs auf einem Drucker drucken",
                                 description=BESCHREIBUNG)
    drucken.add_argument("ausgabe", type=Path, metavar="AUSGABE",
                         help="Ordner eines fertigen Laufs (mit protokoll.json)")
    drucken.add_argument("--drucker", metavar="NAME",
                         help="Drucker (Standard: der Standarddrucker; Liste: „briefe drucker“)")
    seiten = drucken.add_mutually_exclusive_group()
    seiten.add_argument("--duplex", dest="duplex", action="store_const", const=True,
                        help="beidseitig (lange Kante) – jeder Brief beginnt auf einer Vorderseite")
    seiten.add_argument("--einseitig", dest="duplex", action="store_const", const=False,
                        help="einseitig (Standard: wie der Drucker eingestellt ist)")
    drucken.add_argument("--fach", metavar="NAME", help="Papierfach, z. B. tray-2 (Liste: „briefe drucker“)")
    drucken.add_argument("--kopien", type=int, default=1, metavar="N",
                         help="Exemplare je Brief (Standard: 1)")
    drucken.add_argument("--sammel", action="store_true",
                         help="serienbrief.pdf als ein Auftrag statt je Brief ein Auftrag")
    drucken.add_argument("--nur-post", action="store_true",
                         help="nach „briefe versenden“: nur die Briefe ohne E-Mail-Adresse (für die Post)")
    drucken.add_argument("--nochmal", action="store_true",
                         help="auch schon gedruckte Briefe noch einmal drucken")
    drucken.add_argument("--zeitgrenze", type=float, default=600.0, metavar="SEKUNDEN",
                         help="so lange darf ein Auftrag am Drucker dauern (Standard: 600)")
    _server_argument(drucken)
    drucken.add_argument("--log-format", choices=["text", "json"], default="text",
                         help="text: Zusammenfassung (Standard); json: eine JSON-Zeile je Ereignis")
    drucken.set_defaults(handler=_drucken)

    drucker = befehle.add_parser("drucker", help="Drucker des Druckservers mit Zustand und Fächern",
                                 description="Listet die Drucker des Druckservers (CUPS) mit Zustand, "
                                             "beidseitigem Druck und Papierfächern.")
    _server_argument(drucker)
    drucker.set_defaults(handler=_drucker)


def _server_argument(parser) -> None:
    parser.add_argument("--druckserver", metavar="HOST[:PORT]",
                        help="CUPS-Druckserver (Standard: CUPS_SERVER oder der eigene Rechner)")


def _drucker(args) -> int:
    from briefe.versand.drucken import drucker_liste, verbinde

    liste = drucker_liste(verbinde(args.druckserver))
    if not liste:
        print("Der Druckserver kennt keinen Drucker.")
        return 0
    for d in liste:
        kopf = f"{d['name']}{' (Standard)' if d['standard'] else ''}: {d['zustand']}"
        mehr = [d["beschreibung"], d["ort"], "beidseitig" if d["duplex"] else "nur einseitig",
                "Fächer: " + (", ".join(d["faecher"]) or "keine wählbaren")]
        print(kopf + " – " + " · ".join(m for m in mehr if m))
    return 0


def _drucken(args) -> int:
    from briefe.versand.drucken import Druckwunsch

    wunsch = Druckwunsch(drucker=args.drucker, duplex=args.duplex, fach=args.fach, kopien=args.kopien,
                         sammel=args.sammel, nochmal=args.nochmal, zeitgrenze=args.zeitgrenze,
                         nur_post=args.nur_post)
    return drucke_und_melde(args.ausgabe, wunsch, args.druckserver, args.log_format)


def druck_wunsch(auftrag):
    """The checked ``[drucken]`` table of a job: (options, server), or None without one."""
    from briefe.versand.drucken import druckwunsch_aus

    return None if auftrag.drucken is None else druckwunsch_aus(auftrag.drucken, str(auftrag.datei))


def drucke_und_melde(ausgabe: Path, wunsch, server: str | None, log_format: str) -> int:
    """Print, show the summary (or JSON lines); returns the exit code."""
    from briefe.versand.drucken import drucke

    melde, schliesse = melder(log_format, gesamt_anzeige=False)
    try:
        ergebnis = drucke(ausgabe, wunsch, server=server, melde=melde)
    except DruckerFehler as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        return 1
    except BriefeFehler as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        return EXIT_START
    except KeyboardInterrupt:
        print("Druck abgebrochen. Ein erneuter Aufruf von „briefe drucken“ druckt nur, was noch nicht "
              "gedruckt wurde.", file=sys.stderr)
        return 130
    finally:
        schliesse()
    if log_format == "text":
        print(zusammenfassung(ergebnis, ausgabe))
    return ergebnis.rueckgabewert


def zusammenfassung(ergebnis, ausgabe: Path) -> str:
    """Counts, options and what did not print (per letter: druck.json, protokoll.csv)."""
    gesamt = ergebnis.gedruckt + ergebnis.schon_gedruckt
    zeilen = [f"{gesamt} von {ergebnis.zu_drucken + ergebnis.schon_gedruckt} Briefen gedruckt"
              + (f" ({ergebnis.schon_gedruckt} schon früher)" if ergebnis.schon_gedruckt else "")
              + (f" auf „{ergebnis.drucker}“" if ergebnis.drucker else "") + "."]
    zeilen += [f"Hinweis: {h}" for h in ergebnis.hinweise]
    zeilen += [f"  Zeile {f['zeile']}: {f['meldung']}" for f in ergebnis.fehler]
    if ergebnis.ohne_brief:
        zeilen.append("Nicht gedruckt, weil im Lauf kein Brief entstand oder sein PDF seither verändert "
                      "wurde: Zeile(n) " + ", ".join(map(str, ergebnis.ohne_brief)) + ".")
    if ergebnis.abgebrochen:
        zeilen.append(ergebnis.abgebrochen)
    zeilen.append(f"Ergebnis je Brief: {ausgabe}/druck.json und protokoll.csv (Spalten druckstatus, "
                  "drucker, druckauftrag, druckzeit).")
    return "\n".join(zeilen)
