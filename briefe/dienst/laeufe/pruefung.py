"""What the service does in a request: list templates, store and check an upload,
make one letter or the preview of a run. Long work (runs) goes to the workers."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

from briefe.dateien import dateiname_teil, schreibe_atomar
from briefe.dienst.fehler import EingabeFehler, SatzFehler, ZuGross, groesse_text
from briefe.dienst.konfiguration import Konfiguration
from briefe.fehler import BriefeFehler, ZeilenFehler
from briefe.satz.pdf.weasy import VARIANTEN

log = logging.getLogger("briefe.dienst")
ENDUNGEN = (".csv", ".xlsx", ".xlsm", ".json", ".txt", ".tsv")
PDF_VARIANTEN = tuple(VARIANTEN)
MAX_FELDER = 60
MAX_FELDLAENGE = 2000

# WeasyPrint and fontconfig are not made for concurrent use in one process.
_SATZ = threading.Lock()


# --- templates ---------------------------------------------------------------------


def vorlagen(konfiguration: Konfiguration) -> list[dict]:
    """Every template of the folder with variables, columns and sender; broken ones with ``fehler``."""
    from briefe.vorlage.vorlage import finde_vorlagen, lade_vorlage

    ergebnis = []
    for pfad in finde_vorlagen(konfiguration.vorlagen):
        try:
            vorlage = lade_vorlage(pfad)
        except BriefeFehler as fehler:
            ergebnis.append({"name": pfad.stem, "fehler": fehler.meldung})
            continue
        except Exception as fehler:  # noqa: BLE001 - one broken template must not hide the others
            log.error("Vorlage %s nicht ladbar (%s).", pfad.name, type(fehler).__name__)
            ergebnis.append({"name": pfad.stem,
                             "fehler": f"Die Vorlage lässt sich nicht laden ({type(fehler).__name__})."})
            continue
        a = vorlage.absender
        ergebnis.append({
            "name": vorlage.name,
            "beschreibung": vorlage.beschreibung,
            "betreff": str(vorlage.kopf.get("betreff", "")),
            "form": str(vorlage.kopf.get("form", "B")).upper(),
            "variablen": sorted(vorlage.variablen),
            "spalten": sorted(vorlage.spalten),
            "bausteine": sorted(vorlage.bausteine),
            "girocode": vorlage.zahlung is not None,
            "absender": {
                "kennung": a.kennung,
                "behoerde": a.behoerde,
                "dienststelle": a.dienststelle,
                "ruecksendeangabe": a.ruecksendeangabe,
                "infoblock": [[z.bezeichnung, z.wert] for z in a.infoblock],
                "unterschrift": ({"name": a.unterschrift.name, "funktion": a.unterschrift.funktion}
                                 if a.unterschrift else None),
            },
        })
    return ergebnis


def vorlage_pfad(konfiguration: Konfiguration, name: str) -> Path:
    """The file of a template by name; only templates of the configured folder."""
    from briefe.vorlage.vorlage import finde_vorlagen

    pfade = {p.stem: p for p in finde_vorlagen(konfiguration.vorlagen)}
    if name not in pfade:
        raise EingabeFehler(
            f"Die Vorlage „{name}“ gibt es nicht. Vorhanden: {', '.join(sorted(pfade)) or 'keine'}."
        )
    return pfade[name]


# --- uploads -----------------------------------------------------------------------


def sicherer_name(dateiname: str | None) -> str:
    """A safe file name for an upload that keeps its (allowed) extension."""
    name = Path((dateiname or "").replace("\\", "/")).name
    endung = Path(name).suffix.lower()
    if endung not in ENDUNGEN:
        raise EingabeFehler(
            f"Der Dateityp „{endung or '(ohne Endung)'}“ wird nicht gelesen. "
            "Bitte eine Mitgliederliste als CSV, XLSX oder JSON hochladen."
        )
    return (dateiname_teil(Path(name).stem) or "mitglieder") + endung


def speichere_upload(quelle: BinaryIO, ziel: Path, grenze: int) -> int:
    """Copy an upload to ``ziel``; more than ``grenze`` bytes is ``ZuGross``."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    geschrieben = 0
    with open(ziel, "wb") as datei:
        while block := quelle.read(1 << 16):
            geschrieben += len(block)
            if geschrieben > grenze:
                datei.close()
                ziel.unlink(missing_ok=True)
                raise ZuGross(f"Die Datei ist zu groß: erlaubt sind höchstens {groesse_text(grenze)}.")
            datei.write(block)
    if geschrieben == 0:
        ziel.unlink(missing_ok=True)
        raise EingabeFehler("Die hochgeladene Datei ist leer.")
    return geschrieben


def lesegrenzen(konfiguration: Konfiguration | None = None):
    """Uploaded lists: rows as configured (checked while reading), values as in ``/api/briefe``."""
    from briefe.quellen.mitglieder import MAX_ZEILEN, Lesegrenzen

    return Lesegrenzen(konfiguration.max_zeilen if konfiguration else MAX_ZEILEN, MAX_FELDLAENGE)


def beispielwerte(vorlage_pfad: Path, vorlagen_ordner: Path) -> tuple[tuple[str, str], ...]:
    """Start values for a check or preview before the clerk entered them: default or a sample."""
    from briefe.vorlage.startwerte import beispielwerte as werte
    from briefe.vorlage.vorlage import lade_vorlage

    try:
        return tuple(werte(lade_vorlage(vorlage_pfad, vorlagen_ordner)).items())
    except BriefeFehler:
        return ()  # the run's own loading reports the error


def pruefe_liste(konfiguration: Konfiguration, vorlage: Path, daten: Path,
                 filter: list[list[str]], blatt: str | None, zahlen: str | None = None) -> dict:
    """Read and check a member list against a template, without making anything; ``zahlen``
    as the run option."""
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.spaltenpruefung import fasse_zusammen
    from briefe.lauf.vorbereitung import vorbereiten, zeilenhinweise, zeilenprobleme

    optionen = Laufoptionen(vorlage=vorlage, daten=daten, filter=tuple(tuple(f) for f in filter),
                            blatt=blatt or None, zahlen=zahlen, vorlagen_ordner=konfiguration.vorlagen,
                            werte=beispielwerte(vorlage, konfiguration.vorlagen),
                            lesegrenzen=lesegrenzen(konfiguration))
    try:
        vorlage_obj, liste, ausgewaehlt = vorbereiten(optionen)
    except BriefeFehler as fehler:
        raise EingabeFehler(str(fehler)) from None
    if len(liste.empfaenger) > konfiguration.max_zeilen:
        raise EingabeFehler(
            f"Die Liste hat {len(liste.empfaenger):,} Zeilen; erlaubt sind höchstens "
            f"{konfiguration.max_zeilen:,}. Bitte die Liste teilen.".replace(",", ".")
        )
    bericht = fasse_zusammen(liste, zeilenprobleme(liste, ausgewaehlt, vorlage_obj))
    probleme = [{"zeile": p.zeile, "spalte": p.spalte or "", "meldung": p.meldung} for p in bericht.probleme]
    return {
        "zeilen": len(liste.empfaenger),
        "ausgewaehlt": len(ausgewaehlt),
        "spalten": [{"kopf": kopf, "spalte": name} for kopf, name in liste.spalten],
        "vorlage_spalten": sorted(vorlage_obj.spalten),
        "hinweise": list(liste.hinweise) + zeilenhinweise(ausgewaehlt, vorlage_obj),
        "probleme": probleme,
        "spaltenfehler": bericht.spaltenfehler,
        "fehlerhafte_zeilen": bericht.fehlerhafte_zeilen,
    }


# --- one letter ----------------------------------------------------------------------


def _render(brief, format_: str, pdf_variante: str | None) -> bytes:
    try:
        return _render_roh(brief, format_, pdf_variante)
    except BriefeFehler as fehler:
        wo = f" ({Path(fehler.datei).name})" if fehler.datei else ""
        raise SatzFehler(f"Der Brief konnte nicht erstellt werden{wo}: {fehler.meldung}") from None


def _render_roh(brief, format_: str, pdf_variante: str | None) -> bytes:
    import io

    with _SATZ:
        if format_ == "pdf":
            from briefe.satz.pdf.weasy import pdf_bytes

            return pdf_bytes(brief, None if pdf_variante in (None, "standard") else pdf_variante)
        from briefe.satz.docx.dokument import schreibe_docx

        puffer = io.BytesIO()
        schreibe_docx(brief, puffer)
        return puffer.getvalue()


def einzelbrief(konfiguration: Konfiguration, vorlage: str, felder: dict, format_: str = "pdf",
                pdf_variante: str = "standard") -> tuple[bytes, str]:
    """One letter from recipient fields (the column names of a member list). Returns (bytes, name)."""
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import basisname, vorbereiten, zeilenprobleme

    if format_ not in ("pdf", "docx"):
        raise EingabeFehler(f"Unbekanntes Format „{format_}“; erlaubt: pdf, docx.")
    if pdf_variante not in PDF_VARIANTEN:
        raise EingabeFehler(f"Unbekannte PDF-Art „{pdf_variante}“; erlaubt: {', '.join(PDF_VARIANTEN)}.")
    if not felder:
        raise EingabeFehler(
            "„empfaenger“ ist leer: bitte mindestens Name oder Einrichtung und Anschrift angeben.")
    if len(felder) > MAX_FELDER:
        raise EingabeFehler(f"Zu viele Felder in „empfaenger“ (höchstens {MAX_FELDER}).")
    for name, wert in felder.items():
        if len(str(name)) > 100 or len(str(wert if wert is not None else "")) > MAX_FELDLAENGE:
            raise EingabeFehler(f"Feld „{str(name)[:40]}“ ist zu lang (höchstens {MAX_FELDLAENGE} Zeichen).")
    pfad = vorlage_pfad(konfiguration, vorlage)
    arbeit = konfiguration.daten / "tmp"
    arbeit.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=arbeit) as ordner:
        daten = Path(ordner) / "empfaenger.json"
        schreibe_atomar(daten, json.dumps([felder], ensure_ascii=False).encode("utf-8"))
        try:
            vorlage_obj, liste, ausgewaehlt = vorbereiten(
                Laufoptionen(vorlage=pfad, daten=daten, vorlagen_ordner=konfiguration.vorlagen))
        except BriefeFehler as fehler:
            raise EingabeFehler(fehler.meldung) from None
    if not ausgewaehlt:
        raise EingabeFehler("„empfaenger“ enthält keine Angaben.")
    empfaenger = ausgewaehlt[0]
    probleme = zeilenprobleme(liste, [empfaenger])
    if probleme:
        raise EingabeFehler(
            "Aus diesen Angaben lässt sich kein Brief erstellen: "
            + " ".join(f"Feld „{p.spalte}“: {p.meldung}" if p.spalte else p.meldung for p in probleme),
            probleme=[{"spalte": p.spalte or "", "meldung": p.meldung} for p in probleme],
        )
    try:
        brief = vorlage_obj.erzeuge(empfaenger)
    except ZeilenFehler as fehler:
        raise EingabeFehler(fehler.meldung, probleme=[{"spalte": fehler.spalte or "",
                                                       "meldung": fehler.meldung}]) from None
    return _render(brief, format_, pdf_variante), f"{basisname(1, empfaenger)}.{format_}"


# --- preview of a run ---------------------------------------------------------------


def vorschau_pdf(konfiguration: Konfiguration, ordner: Path, lauf, nummer: int | None = None) -> bytes:
    """The first letter of a checked list (or the ``nummer``-th selected one) as PDF
    (cached in the run folder)."""
    from briefe.deutsch import anschrift as anschrift_regeln
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import vorbereiten

    zwischenspeicher = ordner / _vorschau_name(nummer, "pdf")
    if zwischenspeicher.is_file():
        return zwischenspeicher.read_bytes()
    optionen = lauf.optionen
    try:
        vorlage, _, ausgewaehlt = vorbereiten(Laufoptionen(
            vorlage=Path(optionen["vorlage_pfad"]), daten=ordner / "eingabe" / lauf.eingabe,
            filter=tuple(tuple(f) for f in optionen.get("filter", [])), blatt=optionen.get("blatt") or None,
            vorlagen_ordner=konfiguration.vorlagen,
            werte=tuple(tuple(w) for w in optionen["werte"]) if optionen.get("werte") else
            beispielwerte(Path(optionen["vorlage_pfad"]), konfiguration.vorlagen),
            sachbearbeitung=optionen.get("sachbearbeitung")))  # the clerk's, as in the run
    except BriefeFehler as fehler:
        raise EingabeFehler(str(fehler)) from None
    if nummer is not None:
        if not 1 <= nummer <= len(ausgewaehlt):
            raise EingabeFehler(f"Einen Empfänger Nr. {nummer} gibt es nicht (1 bis {len(ausgewaehlt)}).")
        ausgewaehlt = ausgewaehlt[nummer - 1:nummer]
    for empfaenger in ausgewaehlt:
        if anschrift_regeln.pruefe(empfaenger):
            continue
        try:
            brief = vorlage.erzeuge(empfaenger)
        except ZeilenFehler as fehler:
            if nummer is not None:
                raise EingabeFehler(
                    f"Zeile {empfaenger.zeile} ergibt keinen Brief: {fehler.meldung}") from None
            continue
        daten = _render(brief, "pdf", None)
        schreibe_atomar(zwischenspeicher, daten)
        return daten
    if nummer is not None:
        raise EingabeFehler(f"Zeile {ausgewaehlt[0].zeile} ergibt keinen Brief (siehe Probleme der Liste).")
    raise EingabeFehler("Kein ausgewählter Empfänger ergibt einen Brief; keine Vorschau möglich.")


def _vorschau_name(nummer: int | None, endung: str) -> str:
    return f"vorschau.{endung}" if nummer is None else f"vorschau-{nummer}.{endung}"


def vorschau_png(konfiguration: Konfiguration, ordner: Path, lauf, aufloesung: int = 100,
                 nummer: int | None = None) -> bytes | None:
    """Page 1 of the preview as PNG (``pdftoppm`` from poppler-utils); None without it."""
    programm = shutil.which("pdftoppm")
    if programm is None:
        return None
    bild = ordner / _vorschau_name(nummer, "png")
    if bild.is_file():
        return bild.read_bytes()
    vorschau_pdf(konfiguration, ordner, lauf, nummer)
    with tempfile.TemporaryDirectory(dir=ordner) as temp:
        ziel = Path(temp) / "seite"
        subprocess.run([programm, "-png", "-r", str(aufloesung), "-f", "1", "-l", "1", "-singlefile",
                        str(ordner / _vorschau_name(nummer, "pdf")), str(ziel)], check=True, timeout=60,
                       capture_output=True)
        daten = (Path(temp) / "seite.png").read_bytes()
    schreibe_atomar(bild, daten)
    return daten


def bereinige_anzeige(text: str) -> str:
    """A user-supplied name for display: no control characters, single spaces."""
    from briefe.quellen.mitglieder import bereinige

    return bereinige(text).replace("\n", " ")
