"""``briefe versenden AUSGABE``: the letters of a finished run by e-mail, the rest as a print file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefe.cli.haupt import EXIT_START, melder
from briefe.cli.optionen import wert as optionswert
from briefe.fehler import BriefeFehler

BESCHREIBUNG = """\
Versendet die Briefe eines fertigen Laufs (Ordner mit protokoll.json): jeder Brief,
dessen Empfänger in der Mitgliederliste eine E-Mail-Adresse hat (Spalte „email“),
geht als E-Mail mit seinem PDF im Anhang hinaus – genau das PDF, das der Lauf erstellt
hat. Die Briefe ohne Adresse kommen in eine Druckdatei (briefe-per-post.pdf, für
beidseitigen Druck). Jede Nachricht wird genau einmal gesendet: ein zweiter Aufruf
sendet nur, was noch nicht gesendet wurde.

Das Passwort des Mailservers kommt aus der Umgebung (BRIEFE_SMTP_PASSWORT) oder aus
einer Datei (--passwort-datei), nie von der Befehlszeile.

Rückgabewerte: 0 alle Briefe gesendet bzw. in der Druckdatei · 1 einzelne Briefe nicht
gesendet (abgelehnt, unklar, ohne Brief) oder Versand unterwegs abgebrochen – ein erneuter
Aufruf setzt fort · 2 Start nicht möglich (Einstellungen, Mailserver nicht erreichbar)."""


def smtp_argumente(parser) -> None:
    """The SMTP options, shared by ``versenden`` and ``erstellen --versenden``."""
    gruppe = parser.add_argument_group("Versand per E-Mail")
    gruppe.add_argument("--smtp-host", metavar="HOST", help="Mailserver, z. B. mail.stadt-hagen.de")
    gruppe.add_argument("--smtp-port", type=int, metavar="PORT",
                        help="Port (Standard: 587 bei starttls, 465 bei ssl)")
    gruppe.add_argument("--tls", choices=["starttls", "ssl", "keine"], default="starttls",
                        help="Verschlüsselung (Standard: starttls; keine nur für localhost)")
    gruppe.add_argument("--benutzer", metavar="NAME", help="Anmeldename am Mailserver")
    gruppe.add_argument("--passwort-datei", type=Path, metavar="DATEI",
                        help="Datei mit dem Passwort (sonst aus BRIEFE_SMTP_PASSWORT)")
    gruppe.add_argument("--absender", metavar="ADRESSE", help="Absenderadresse (From)")
    gruppe.add_argument("--antwort-an", metavar="ADRESSE", help="Antwortadresse (Reply-To)")
    gruppe.add_argument("--kopie-an", metavar="ADRESSE",
                        help="Blindkopie jeder Nachricht (Bcc), z. B. an das eigene Postfach")
    gruppe.add_argument("--rate", type=float, metavar="N",
                        help="höchstens N Nachrichten je Minute (Standard: ohne Grenze)")
    gruppe.add_argument("--timeout", type=float, metavar="SEKUNDEN",
                        help="Wartezeit auf den Mailserver (Standard: 30)")
    gruppe.add_argument("--ca-datei", type=Path, metavar="DATEI",
                        help="Zertifikat der eigenen Zertifizierungsstelle (PEM) des Mailservers")
    gruppe.add_argument("--probe", metavar="ADRESSE",
                        help="Probeversand: die ersten Briefe an diese Adresse statt an die Mitglieder, "
                             "Betreff mit [TEST]; nichts gilt als gesendet")
    gruppe.add_argument("--probe-anzahl", type=int, default=3, metavar="N",
                        help="so viele Briefe beim Probeversand (Standard: 3)")
    gruppe.add_argument("--unklare-erneut", action="store_true",
                        help="Briefe, deren Versand unklar ist (Abbruch während der Übergabe), erneut senden")


def einstellungen_aus(args, basis: dict | None = None):
    """Settings from the options, over a ``[versand]`` table (job file) if given."""
    from briefe.versand.einstellungen import lies_einstellungen

    roh = dict(basis or {})
    for schluessel, wert in (("host", args.smtp_host), ("port", args.smtp_port),
                             ("benutzer", args.benutzer), ("absender", args.absender),
                             ("antwort_an", args.antwort_an), ("kopie_an", args.kopie_an),
                             ("rate", args.rate), ("timeout", args.timeout)):
        if wert is not None:
            roh[schluessel] = wert
    if args.tls != "starttls" or "tls" not in roh:
        roh["tls"] = args.tls
    for schluessel, pfad in (("passwort_datei", args.passwort_datei), ("ca_datei", args.ca_datei)):
        if pfad is not None:
            roh[schluessel] = str(pfad)
    if not roh.get("host"):
        raise BriefeFehler("Für den Versand fehlt der Mailserver: --smtp-host HOST angeben.")
    if not roh.get("absender"):
        raise BriefeFehler("Für den Versand fehlt die Absenderadresse: --absender ADRESSE angeben.")
    return lies_einstellungen(roh, "Befehlszeile")


def versand_einstellungen(auftrag):
    """The checked ``[versand]`` table of a job (None without one)."""
    from briefe.versand.einstellungen import lies_einstellungen

    if auftrag.versand is None:
        return None
    return lies_einstellungen(auftrag.versand, str(auftrag.datei))


def versende_auftrag(auftrag, einstellungen, log_format: str) -> int:
    """Send a job's run folder after the run (a finished job sends only what is still open)."""
    args = argparse.Namespace(probe=None, probe_anzahl=0, unklare_erneut=False, log_format=log_format)
    return versende_und_melde(auftrag.ausgabe, einstellungen, args, ohne_brief_ok=auftrag.fehler_ok)


def richte_ein(befehle) -> None:
    versenden = befehle.add_parser("versenden", help="Briefe eines Laufs per E-Mail versenden",
                                   description=BESCHREIBUNG)
    versenden.add_argument("ausgabe", type=Path, metavar="AUSGABE",
                           help="Ordner eines fertigen Laufs (mit protokoll.json)")
    smtp_argumente(versenden)
    versenden.add_argument("--log-format", choices=["text", "json"], default="text",
                           help="text: Zusammenfassung (Standard); json: eine JSON-Zeile je Ereignis, "
                                "ohne Namen und Adressen")
    versenden.set_defaults(handler=_versenden)

    erstellen = befehle.choices.get("erstellen")
    if erstellen is not None:
        erstellen.add_argument("--versenden", action="store_true",
                               help="danach per E-Mail versenden wie „briefe versenden“ (PDF-Art dann "
                                    "barrierefrei, wenn --pdf nicht angegeben ist)")
        smtp_argumente(erstellen)
        erstellen.set_defaults(handler=_erstellen_und_versenden)


def _erstellen_und_versenden(args) -> int:
    from briefe.cli.haupt import _erstellen

    if not args.versenden:
        return _erstellen(args)
    einstellungen = einstellungen_aus(args)  # bad settings stop before any letter is made
    if "pdf" not in optionswert(args, "formate"):
        raise BriefeFehler("--versenden braucht PDF-Dateien: --format muss pdf enthalten.")
    if args.pdf is None:
        args.pdf = "barrierefrei"  # README „PDF-Arten“: PDF/UA for e-mail
    code = _erstellen(args)
    return max(code, versende_und_melde(optionswert(args, "ausgabe"), einstellungen, args))


def _versenden(args) -> int:
    einstellungen = einstellungen_aus(args)
    return versende_und_melde(args.ausgabe, einstellungen, args)


def versende_und_melde(ausgabe: Path, einstellungen, args: argparse.Namespace,
                       ohne_brief_ok: bool = False) -> int:
    """Send, print the summary (or JSON lines); returns the exit code (``ohne_brief_ok``: rows
    that got no letter in the run do not count, as with a job's ``fehler_ok``)."""
    from briefe.versand.versand import versende

    melde, schliesse = melder(args.log_format, gesamt_anzeige=False)
    try:
        ergebnis = versende(ausgabe, einstellungen, probe=args.probe, probe_anzahl=args.probe_anzahl,
                            unklare_erneut=args.unklare_erneut, melde=melde)
    except BriefeFehler as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        if args.log_format == "json":
            melde({"ereignis": "versand_abbruch", "rueckgabewert": EXIT_START})
        return EXIT_START
    except KeyboardInterrupt:
        print("Versand abgebrochen. Ein erneuter Aufruf von „briefe versenden“ sendet nur, was noch "
              "nicht gesendet wurde.", file=sys.stderr)
        return 130
    finally:
        schliesse()
    if args.log_format == "text":
        print(zusammenfassung(ergebnis, ausgabe))
    if ohne_brief_ok and not (ergebnis.fehler or ergebnis.unklar or ergebnis.abgebrochen):
        return 0
    return ergebnis.rueckgabewert


def zusammenfassung(ergebnis, ausgabe: Path) -> str:
    """The human summary: counts and row numbers (the per-letter answers are in the protocol)."""
    if ergebnis.probe:
        return (f"Probeversand: {ergebnis.gesendet} Brief(e) an die Probeadresse gesendet "
                "(Betreff mit [TEST]); nichts wurde als gesendet vermerkt."
                + (f"\n{ergebnis.abgebrochen}" if ergebnis.abgebrochen else ""))
    zeilen = [f"{ergebnis.gesendet + ergebnis.schon_gesendet} von {ergebnis.email} Briefen per E-Mail "
              f"gesendet" + (f" ({ergebnis.schon_gesendet} schon früher)" if ergebnis.schon_gesendet else "")
              + f", {ergebnis.post} per Post."]
    art = f" (PDF-Art: {ergebnis.pdf_art})" if ergebnis.pdf_art else ""
    zeilen.append(f"Angehängt sind die PDF-Dateien, die der Lauf erstellt hat{art}.")
    for fehler in ergebnis.fehler:
        zeilen.append(f"  Zeile {fehler['zeile']}: {fehler['meldung']}")
    for brief in ergebnis.briefe:
        if brief["hinweis"] and brief["kanal"]:
            zeilen.append(f"  Zeile {brief['zeile']}: {brief['hinweis']}")
    if ergebnis.unklar:
        zeilen.append(
            f"Unklar (Abbruch während der Übergabe, nicht erneut gesendet): Zeile(n) "
            f"{', '.join(map(str, ergebnis.unklar))}. Bitte in der Blindkopie bzw. beim Empfänger prüfen; "
            "mit --unklare-erneut werden sie noch einmal gesendet (mit derselben Message-ID).")
    if ergebnis.ohne_brief:
        zeilen.append("Ohne Brief (im Lauf fehlgeschlagen): Zeile(n) "
                      + ", ".join(map(str, ergebnis.ohne_brief)) + ".")
    if ergebnis.abgebrochen:
        zeilen.append(ergebnis.abgebrochen)
    if ergebnis.postdatei:
        zeilen.append(f"Zum Drucken: {ausgabe}/{ergebnis.postdatei} ({ergebnis.post} Briefe, beidseitig).")
    zeilen.append(f"Ergebnis je Brief: {ausgabe}/versand.json und protokoll.csv (Spalten kanal, "
                  "versandstatus, message_id, versandzeit, serverantwort).")
    return "\n".join(zeilen)
