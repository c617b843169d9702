"""Commands for job files: ``briefe lauf AUFTRAG.toml`` and ``briefe auftrag pruefen``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from briefe.cli.drucken import druck_wunsch, drucke_und_melde
from briefe.cli.haupt import EXIT_LAEUFT, EXIT_OK, EXIT_START, melder, zusammenfassung
from briefe.cli.post import melde_post
from briefe.cli.versand import versand_einstellungen, versende_auftrag
from briefe.fehler import BriefeFehler

LAUF_BESCHREIBUNG = """\
Führt einen Auftrag aus: eine TOML-Datei mit Vorlage, Mitgliederliste, Filtern,
Formaten und Zielordner – gedacht für cron und systemd-Timer.

Ein fertiger Lauf mit denselben Eingaben wird nicht wiederholt; ein
unterbrochener Lauf wird fortgesetzt; zwei Läufe desselben Auftrags laufen nie
gleichzeitig.

Rückgabewerte: 0 alle Briefe erstellt (oder bereits erledigt) · 1 einzelne
Zeilen fehlerhaft (auch beim Wiederholen eines solchen Laufs; mit fehler_ok = true
in der Auftragsdatei 0, solange mindestens ein Brief entstand) · 2 Start nicht
möglich oder Abbruch durch Datei-/Rechtefehler · 3 derselbe Auftrag läuft bereits."""


def richte_ein(befehle) -> None:
    """Register ``lauf`` and ``auftrag pruefen``."""
    lauf = befehle.add_parser(
        "lauf", help="einen Auftrag (TOML-Datei) ausführen – für cron und systemd",
        description=LAUF_BESCHREIBUNG,
    )
    lauf.add_argument("auftrag", type=Path, metavar="AUFTRAG",
                      help="Auftragsdatei, z. B. daten/auftraege/bildungskonferenz-einladung.toml")
    lauf.add_argument("--log-format", choices=["text", "json"], default="text",
                      help="text: kurze Zusammenfassung (Standard); json: eine JSON-Zeile je "
                           "Ereignis auf stdout, ohne personenbezogene Daten")
    lauf.set_defaults(handler=_lauf)

    auftrag = befehle.add_parser("auftrag", help="Auftragsdateien prüfen",
                                 description="Befehle für Auftragsdateien (siehe briefe lauf).")
    unterbefehle = auftrag.add_subparsers(dest="auftrag_befehl", metavar="BEFEHL", title="Befehle")
    pruefen = unterbefehle.add_parser(
        "pruefen", help="Auftragsdatei prüfen, ohne Briefe zu erstellen",
        description="Prüft Einträge, Pfade, Vorlage und die benötigten Spalten der Mitgliederliste. "
                    "Rückgabewert 0: in Ordnung, 2: fehlerhaft.",
    )
    pruefen.add_argument("auftrag", type=Path, metavar="AUFTRAG", help="Auftragsdatei (TOML)")
    pruefen.set_defaults(handler=_pruefen)

    def ohne_unterbefehl(args) -> int:
        auftrag.print_help()
        return EXIT_START

    auftrag.set_defaults(handler=ohne_unterbefehl)


def _lauf(args) -> int:
    from briefe.lauf.auftrag import fuehre_auftrag_aus, lies_auftrag
    from briefe.lauf.sperre import LaeuftBereits

    json_log = args.log_format == "json"
    melde, schliesse = melder(args.log_format)
    try:
        auftrag = lies_auftrag(args.auftrag)
        versand = versand_einstellungen(auftrag)  # bad settings stop before any letter
        druck = druck_wunsch(auftrag)
        from briefe.cli.verteilt import arbeit

        ergebnis = fuehre_auftrag_aus(auftrag, melde, **arbeit(auftrag.verteilt, auftrag.zeitlimit))
    except LaeuftBereits as fehler:
        schliesse()
        if json_log:
            melde({"ereignis": "laeuft_bereits", "rueckgabewert": EXIT_LAEUFT})
        print(f"Fehler: {fehler}", file=sys.stderr)
        return EXIT_LAEUFT
    except (BriefeFehler, OSError) as fehler:
        schliesse()
        meldung = str(fehler) if isinstance(fehler, BriefeFehler) else _dateifehler(fehler)
        if json_log:
            melde({"ereignis": "abbruch", "rueckgabewert": EXIT_START, "meldung": meldung})
        print(f"Fehler: {meldung}", file=sys.stderr)
        return EXIT_START
    schliesse()
    if not json_log:
        print(_text(ergebnis))
    code = max(ergebnis.rueckgabewert, _post_des_laufs(auftrag))
    if versand is not None:
        code = max(code, versende_auftrag(auftrag, versand, args.log_format))
    if druck is not None:
        code = max(code, drucke_und_melde(auftrag.ausgabe, druck[0], druck[1], args.log_format))
    return code


def _post_des_laufs(auftrag) -> int:
    """``umschlag``/``etiketten``: envelopes and labels for the letters the run made."""
    from briefe.versand.umschlaege import etiketten_des_laufs, umschlaege_des_laufs

    code = EXIT_OK
    arten = ((auftrag.umschlag, umschlaege_des_laufs), (auftrag.etiketten, etiketten_des_laufs))
    for wert, erstelle in arten:
        if wert is None:
            continue
        try:
            ergebnis = erstelle(auftrag.ausgabe, wert)
        except BriefeFehler as fehler:
            print(f"Fehler: {fehler}", file=sys.stderr)
            code = max(code, 1)
            continue
        zeilen_code = melde_post(ergebnis)
        code = max(code, EXIT_OK if auftrag.fehler_ok else zeilen_code)
    return code


def _dateifehler(fehler: OSError) -> str:
    ort = f" ({fehler.filename})" if fehler.filename else ""
    return (f"Datei- oder Rechtefehler{ort}: {fehler.strerror or fehler}. "
            "Ein erneuter Aufruf setzt den Lauf fort.")


def _text(ergebnis) -> str:
    """The short human summary of a job run (row numbers and counts)."""
    auftrag, protokoll = ergebnis.auftrag, ergebnis.protokoll
    zeilen = []
    if ergebnis.modus == "erledigt":
        fehler = protokoll.get("fehler") or 0
        zeilen.append(
            f"Auftrag „{auftrag.name}“ ist bereits erledigt – nichts zu tun. Der Lauf vom "
            f"{protokoll.get('ende', '')} hat {protokoll.get('ok')} von {protokoll.get('ausgewaehlt')} "
            f"Briefen erstellt" + (f", {fehler} mit Fehler" if fehler else "") + "."
        )
        if fehler:
            nummern = ", ".join(str(e["zeile"]) for e in protokoll.get("briefe", [])
                                if e.get("status") == "fehler")
            zeilen.append(f"  Fehlerhafte Zeilen: {nummern} (Einzelheiten in protokoll.csv)")
        zeilen.append(f"Ausgabe: {auftrag.ausgabe}/")
    else:
        if ergebnis.modus == "fortsetzen":
            zeilen.append(f"Auftrag „{auftrag.name}“: {ergebnis.grund} – fortgesetzt.")
        else:
            zeilen.append(f"Auftrag „{auftrag.name}“: neuer Lauf"
                          + (f" ({ergebnis.grund})." if ergebnis.grund else "."))
        zeilen.append(zusammenfassung(ergebnis.lauf_protokoll, auftrag.ausgabe))
    aufbewahrung = ergebnis.aufbewahrung
    if aufbewahrung.geloescht:
        zeilen.append(
            f"Aufbewahrung: {len(aufbewahrung.geloescht)} Lauf/Läufe älter als "
            f"{auftrag.aufbewahrung_tage} Tage gelöscht ({', '.join(aufbewahrung.geloescht)}); "
            f"Zusammenfassung in {auftrag.lauflog}."
        )
    if aufbewahrung.unfertig:
        zeilen.append(
            f"Hinweis: unfertige alte Läufe werden nicht gelöscht, bitte prüfen: "
            f"{', '.join(aufbewahrung.unfertig)}"
        )
    for fehler in aufbewahrung.fehler:
        zeilen.append(f"Hinweis: alter Lauf nicht löschbar: {fehler}")
    return "\n".join(zeilen)


def _pruefen(args) -> int:
    from briefe.lauf.auftrag import ermittle_stand, lies_auftrag
    from briefe.lauf.spaltenpruefung import fasse_zusammen
    from briefe.lauf.vorbereitung import textprobleme, vorbereiten, zeilenhinweise, zeilenprobleme

    auftrag = lies_auftrag(args.auftrag)
    vorlage, liste, ausgewaehlt = vorbereiten(auftrag.laufoptionen())
    print(f"Auftrag: {auftrag.name} ({args.auftrag})")
    if auftrag.beschreibung:
        print(f"  {auftrag.beschreibung}")
    print(f"Vorlage: {auftrag.optionen.vorlage} (Absender: {vorlage.absender.kennung})")
    filter_text = ", ".join(f"{s}={w}" for s, w in auftrag.optionen.filter)
    print(f"Mitgliederliste: {auftrag.optionen.daten}, {len(liste.empfaenger)} Zeilen, "
          f"{len(ausgewaehlt)} ausgewählt" + (f" (Filter: {filter_text})." if filter_text else "."))
    o = auftrag.optionen
    extras = [name for name, an in (("Sammeldatei", o.sammel), ("Duplex", o.duplex), ("ZIP", o.zip)) if an]
    print(f"Formate: {', '.join(o.formate)}; PDF: {o.pdf_variante or 'standard'}"
          + (f"; {', '.join(extras)}" if extras else ""))
    if vorlage.werte_als_text():
        print("Werte beim Start: " + ", ".join(f"{n} = {w}" for n, w in vorlage.werte_als_text().items()))
    modus = {"neu": "neuer Lauf", "fortsetzen": "unterbrochener Lauf, wird fortgesetzt",
             "erledigt": "bereits erledigt, ein Lauf täte nichts"}
    zustand = ermittle_stand(auftrag)
    print(f"Ausgabe heute: {auftrag.ausgabe}/ ({modus[zustand.modus]})")
    if auftrag.aufbewahrung_tage:
        print(f"Aufbewahrung: fertige Läufe nach {auftrag.aufbewahrung_tage} Tagen löschen "
              f"(Zusammenfassung in {auftrag.lauflog})")
    else:
        print("Aufbewahrung: unbegrenzt")
    vorhanden = auftrag.sammelordner
    while not vorhanden.exists() and vorhanden != vorhanden.parent:
        vorhanden = vorhanden.parent
    if not os.access(vorhanden, os.W_OK):
        print(f"Hinweis: {vorhanden} ist für diesen Benutzer nicht beschreibbar.")
    for hinweis in liste.hinweise:
        print(f"Hinweis: {hinweis}")
    if not ausgewaehlt:
        print("Hinweis: Kein Empfänger ausgewählt (Filter prüfen).")
    probleme = zeilenprobleme(liste, ausgewaehlt, vorlage) + textprobleme(vorlage, liste, ausgewaehlt)
    bericht = fasse_zusammen(liste, sorted(probleme, key=lambda p: p.zeile or 0))
    if bericht.anzahl:
        print(f"Hinweis: {bericht.fehlerhafte_zeilen} ausgewählte Zeile(n) werden beim Lauf "
              f"fehlschlagen (Rückgabewert {1 if not auftrag.fehler_ok else 0}):")
        for meldung in bericht.spaltenfehler:
            print(f"  {meldung}")
        for problem in bericht.probleme:
            print(f"  {problem}")
    for hinweis in zeilenhinweise(ausgewaehlt, vorlage):  # shortened address lines
        print(f"Hinweis: {hinweis}")
    versand = versand_einstellungen(auftrag)
    if versand is not None:
        print(f"Versand: per E-Mail über {versand.host}:{versand.port} ({versand.tls}), Absender "
              f"{versand.absender}" + (f", Blindkopie an {versand.kopie_an}" if versand.kopie_an else "")
              + (f", höchstens {versand.rate:g} je Minute" if versand.rate else "") + ".")
    druck = druck_wunsch(auftrag)
    if druck is not None:
        wunsch, server = druck
        seiten = {True: "beidseitig", False: "einseitig", None: "Seiten wie am Drucker eingestellt"}
        print(f"Drucken: auf „{wunsch.drucker or 'Standarddrucker'}“"
              + (f" (Druckserver {server})" if server else "") + f", {seiten[wunsch.duplex]}, "
              f"{wunsch.kopien} Exemplar(e)" + (f", Fach {wunsch.fach}" if wunsch.fach else "")
              + (", als ein Sammelauftrag" if wunsch.sammel else ", je Brief ein Auftrag") + ".")
    print("Der Auftrag ist in Ordnung.")
    return EXIT_OK
