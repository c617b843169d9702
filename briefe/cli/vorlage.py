"""``briefe vorlage importieren BRIEF.docx``: a Word letter becomes a template;
``briefe vorlage exportieren NAME --ausgabe BRIEF.docx``: a template's body as a Word document.

Exit codes (importieren): 0 written and loadable, 1 written but the template still needs a fix
(the message says which), 2 nothing written. Exit codes (exportieren): 0 written, 2 nothing
written.
"""

from __future__ import annotations

import os
from pathlib import Path

from briefe.dateien import atomar, dateiname_teil
from briefe.fehler import BriefeFehler, VorlagenFehler, dateifehler

EXIT_OK, EXIT_NACHARBEIT, EXIT_START = 0, 1, 2


def richte_ein(befehle) -> None:
    """Register ``vorlage`` and its subcommands on the CLI's subparsers."""
    vorlage = befehle.add_parser("vorlage", help="eine Vorlage aus einem Word-Dokument übernehmen",
                                 description="Befehle rund um einzelne Vorlagen.")
    unter = vorlage.add_subparsers(dest="vorlage_befehl", metavar="BEFEHL", title="Befehle")
    importieren = unter.add_parser(
        "importieren", help="einen Word-Serienbrief (.docx) als Vorlage speichern",
        description="Übernimmt den Brieftext eines Word-Dokuments (Absätze, fett, kursiv, "
                    "Aufzählungen, Nummerierungen, Tabellen, Zeilenumbrüche, Seriendruckfelder) "
                    "als Vorlage VORLAGENORDNER/NAME.md und nennt, was nicht übernommen wurde. "
                    "Rückgabewert 0: gespeichert, 1: gespeichert, aber noch zu ergänzen, "
                    "2: nichts gespeichert.",
    )
    importieren.add_argument("datei", type=Path, metavar="BRIEF.docx", help="das Word-Dokument")
    importieren.add_argument("--name", help="Name der Vorlage (Standard: Dateiname des Dokuments)")
    importieren.add_argument("--absender", metavar="PROFIL",
                             help="Absenderprofil aus VORLAGENORDNER/absender/ (Standard: das "
                                  "einzige vorhandene)")
    importieren.add_argument("--ordner", type=Path, default=Path("vorlagen"),
                             help="Vorlagenordner (Standard: vorlagen/)")
    importieren.add_argument("--liste", type=Path, metavar="MITGLIEDERLISTE",
                             help="Seriendruckfelder den Spalten dieser Liste zuordnen")
    importieren.add_argument("--ersetzen", action="store_true",
                             help="eine vorhandene Vorlage gleichen Namens überschreiben")
    importieren.set_defaults(handler=importieren_befehl)
    exportieren = unter.add_parser(
        "exportieren", help="den Brieftext einer Vorlage als Word-Dokument (.docx) schreiben",
        description="Schreibt den Brieftext der Vorlage VORLAGENORDNER/NAME.md als Word-Dokument "
                    "zum Bearbeiten in Word: Felder als Seriendruckfelder, Bedingungen als "
                    "WENN-Felder oder markierte Steuerelemente, ohne Briefkopf. Zurück mit "
                    "„briefe vorlage importieren BRIEF.docx --name NAME --ersetzen“. "
                    "Rückgabewert 0: geschrieben, 2: nichts geschrieben.")
    exportieren.add_argument("name", metavar="NAME", help="Name der Vorlage (ohne .md)")
    exportieren.add_argument("--ausgabe", type=Path, required=True, metavar="BRIEF.docx",
                             help="das zu schreibende Word-Dokument")
    exportieren.add_argument("--ordner", type=Path, default=Path("vorlagen"),
                             help="Vorlagenordner (Standard: vorlagen/)")
    exportieren.add_argument("--liste", type=Path, metavar="MITGLIEDERLISTE",
                             help="Felder nach den Spaltenköpfen dieser Liste benennen")
    exportieren.set_defaults(handler=exportieren_befehl)
    vorlage.set_defaults(handler=lambda args: _hilfe(vorlage))


def _hilfe(parser) -> int:
    parser.print_help()
    return EXIT_START


def _absender(ordner: Path, gewaehlt: str | None) -> str | None:
    if gewaehlt:
        return gewaehlt
    profile = sorted(p.stem for p in (ordner / "absender").glob("*.toml"))
    return profile[0] if len(profile) == 1 else None


def importieren_befehl(args) -> int:
    from briefe.vorlage.vorlage import lade_vorlage
    from briefe.vorlage.word_import import importiere_docx

    try:
        daten = args.datei.read_bytes()
    except OSError as fehler:
        raise VorlagenFehler(f"Word-Dokument nicht lesbar: {dateifehler(fehler)}",
                             datei=args.datei.name) from None
    spalten: list[str] = []
    if args.liste:
        from briefe.quellen.mitglieder import lies_mitglieder

        spalten = [normal for _, normal in lies_mitglieder(args.liste).spalten]
    name = dateiname_teil(args.name or args.datei.stem) or "vorlage"
    absender = _absender(args.ordner, args.absender)
    ergebnis = importiere_docx(daten, name=args.name or args.datei.stem, absender=absender,
                               spalten=spalten)
    ziel = args.ordner / f"{name}.md"
    if ziel.exists() and not args.ersetzen:
        raise VorlagenFehler(f"Die Vorlage {ziel.name} gibt es schon; mit --ersetzen "
                             "überschreiben oder mit --name einen anderen Namen wählen.")
    with atomar(ziel) as temp:
        temp.write_bytes(ergebnis.quelltext.encode("utf-8"))
        if not args.ersetzen:
            try:  # never replace a template made meanwhile: link fails if it exists
                os.link(temp, ziel)
            except FileExistsError:
                raise VorlagenFehler(f"Die Vorlage {ziel.name} gibt es schon.") from None
    print(f"Vorlage gespeichert: {ziel}")
    if absender and not args.absender:
        print(f"Absender: {absender} (das einzige Profil in {args.ordner / 'absender'})")
    if ergebnis.nicht_uebernommen:
        print("Nicht übernommen oder zu prüfen:")
        for satz in ergebnis.nicht_uebernommen:
            print(f"  - {satz}")
    else:
        print("Alles wurde übernommen.")
    try:
        lade_vorlage(ziel, args.ordner)
    except BriefeFehler as fehler:
        print(f"Noch zu ergänzen: {fehler}")
        return EXIT_NACHARBEIT
    print(f"Prüfen: briefe pruefen {ziel} MITGLIEDERLISTE")
    return EXIT_OK


def exportieren_befehl(args) -> int:
    from briefe.quellen.mitglieder import normalisiere_spalte
    from briefe.vorlage.word_export import exportiere_docx

    pfad = args.ordner / f"{args.name.removesuffix('.md')}.md"
    try:
        quelltext = pfad.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as fehler:
        grund = dateifehler(fehler) if isinstance(fehler, OSError) else "kein UTF-8-Text"
        raise VorlagenFehler(f"Vorlage nicht lesbar: {grund}", datei=pfad.name) from None
    beschriftungen: dict[str, str] = {}
    if args.liste:
        from briefe.quellen.mitglieder import lies_mitglieder

        for kopf, _ in lies_mitglieder(args.liste).spalten:
            beschriftungen.setdefault(f"empfaenger.{normalisiere_spalte(kopf)}", kopf)
    daten = exportiere_docx(quelltext, beschriftungen)
    with atomar(args.ausgabe) as temp:
        temp.write_bytes(daten)
    print(f"Word-Dokument geschrieben: {args.ausgabe}")
    print(f"Zurück übernehmen: briefe vorlage importieren {args.ausgabe} --name "
          f"{pfad.stem} --ersetzen")
    return EXIT_OK
