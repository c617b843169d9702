"""``briefe umschlaege VORLAGE DATEN --format DL`` and ``briefe etiketten DATEN --bogen L7163``.

Exit codes: 0 every address placed, 1 some rows could not be placed (the others are in the
file), 2 nothing could start.
"""

from __future__ import annotations

from pathlib import Path

from briefe.cli.optionen import aus_argumenten, optionen_argumente

EXIT_OK, EXIT_ZEILENFEHLER = 0, 1


def richte_ein(befehle) -> None:
    """Register ``umschlaege`` and ``etiketten``."""
    from briefe import geometrie as g

    umschlaege = befehle.add_parser(
        "umschlaege", help="Briefumschläge (DL, C6, C5, C4) mit den Anschriften bedrucken",
        description="Schreibt umschlaege.pdf: je Empfänger eine Seite in Umschlaggröße, die "
                    "Rücksendeangabe oben links, die Anschrift (dieselben Zeilen wie im Brief) in "
                    "der Anschriftzone; Frankier- und Codierzone bleiben frei. Rückgabewert 0: alle "
                    "Anschriften gesetzt, 1: einzelne Zeilen fehlerhaft, 2: Start nicht möglich.")
    optionen_argumente(umschlaege, ("vorlage", "daten", "ausgabe", "filter", "blatt"))
    umschlaege.add_argument("--umschlag", "--format", dest="umschlag", default="DL",
                            choices=list(g.UMSCHLAEGE), metavar="FORMAT",
                            help="Umschlagformat: " + ", ".join(g.UMSCHLAEGE) + " (Standard: DL)")
    umschlaege.set_defaults(handler=_umschlaege)

    etiketten = befehle.add_parser(
        "etiketten", help="Adressetiketten auf A4-Bögen (Zweckform/Avery) drucken",
        description="Schreibt etiketten.pdf: je Empfänger ein Etikett mit der Anschrift. Zu lange "
                    "Zeilen werden kleiner gesetzt, notfalls gekürzt und gemeldet. Rückgabewert 0: "
                    "alle Anschriften gesetzt, 1: einzelne Zeilen fehlerhaft, 2: Start nicht möglich.")
    etiketten.add_argument("daten", type=Path, metavar="DATEN", help="Mitgliederliste (CSV, XLSX oder JSON)")
    etiketten.add_argument("--bogen", required=True, metavar="NAME",
                           help="Etikettenbogen: " + ", ".join(g.ETIKETTENBOEGEN)
                                + " oder eine TOML-Datei mit spalten, reihen, rand_links, rand_oben, "
                                  "abstand_x, abstand_y, breite, hoehe (mm)")
    etiketten.add_argument("--start", type=int, default=1, metavar="N",
                           help="erstes freies Etikett auf dem Bogen (1 = oben links); die Etiketten "
                                "davor bleiben frei, z. B. bei einem angebrochenen Bogen")
    etiketten.add_argument("--filter", action="append", default=[], metavar="SPALTE=WERT",
                           help="nur passende Empfänger; mehrfach möglich")
    etiketten.add_argument("--blatt", metavar="NAME", help="Tabellenblatt einer XLSX-Datei")
    etiketten.add_argument("--ausgabe", type=Path, default=Path("ausgabe"), metavar="ORDNER",
                           help="Ordner für etiketten.pdf (Standard: ausgabe/)")
    etiketten.set_defaults(handler=_etiketten)


def melde_post(ergebnis) -> int:
    """Print what envelopes or labels were made (errors, hints, file); the exit code."""
    for fehler in ergebnis.fehler:
        print(f"  {fehler}")
    for hinweis in ergebnis.hinweise:
        print(f"  Hinweis: {hinweis}")
    print(f"{ergebnis.anzahl} Anschriften gesetzt"
          + (f", {len(ergebnis.fehler)} Zeilen fehlerhaft." if ergebnis.fehler else ".")
          + f" Ausgabe: {ergebnis.datei}")
    return EXIT_ZEILENFEHLER if ergebnis.fehler else EXIT_OK


def _umschlaege(args) -> int:
    from briefe.lauf.post import erstelle_umschlaege
    from briefe.lauf.vorbereitung import vorbereiten

    optionen = aus_argumenten(args)
    vorlage, _, empfaenger = vorbereiten(optionen)
    optionen.ausgabe.mkdir(parents=True, exist_ok=True)
    return melde_post(erstelle_umschlaege(
        empfaenger, args.umschlag, optionen.ausgabe / "umschlaege.pdf",
        vorlage.absender.ruecksendeangabe, vorlage.anschrift_reihenfolge,
        lambda e: vorlage.erzeuge(e).vermerke))


def _etiketten(args) -> int:
    from briefe.fehler import BriefeFehler
    from briefe.lauf.post import ausgewaehlt, bogen, erstelle_etiketten

    filter_ = []
    for eintrag in args.filter:
        spalte, gleich, wert = eintrag.partition("=")
        if not gleich:
            raise BriefeFehler(f"--filter „{eintrag}“: bitte als SPALTE=WERT angeben.")
        filter_.append((spalte.strip(), wert.strip()))
    bogen_ = bogen(args.bogen)
    empfaenger = ausgewaehlt(args.daten, filter_, args.blatt)
    args.ausgabe.mkdir(parents=True, exist_ok=True)
    return melde_post(erstelle_etiketten(empfaenger, bogen_, args.ausgabe / "etiketten.pdf", args.start))
