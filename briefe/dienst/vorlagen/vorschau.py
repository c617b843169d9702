"""A template text that is not saved yet: split it for the editor form, check it, and render
one recipient's letter of a sample list as PDF or page images (the live preview)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import tempfile
import threading
import tomllib
from collections import OrderedDict
from pathlib import Path

from briefe.dienst.fehler import EingabeFehler
from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.laeufe.pruefung import _render, beispielwerte
from briefe.fehler import BriefeFehler, ZeilenFehler
from briefe.vorlage.vorlage import TRENNER

_FELD = re.compile(r"\((\w+)\)\s*$")
_ZEILE = re.compile(r"Zeile (\d+)")
_FEHLT = re.compile(r"fehlt „(\w+)“")
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SPERRE = threading.Lock()
CACHE_GROESSE = 16


class EntwurfsFehler(EingabeFehler):
    """The draft cannot become a letter; ``zeile`` is the file line, ``feld`` a front-matter key."""

    def __init__(self, meldung: str, zeile: int | None = None, feld: str | None = None) -> None:
        super().__init__(meldung)
        self.zeile = zeile
        self.feld = feld

    def als_dict(self) -> dict:
        return {"detail": self.meldung, "zeile": self.zeile, "feld": self.feld}


def _json_wert(wert: object) -> object:
    """TOML values for the editor: dates become ``{"$datum": "…"}``."""
    if isinstance(wert, dt.datetime | dt.date | dt.time):
        return {"$datum": wert.isoformat()}
    if isinstance(wert, dict):
        return {k: _json_wert(v) for k, v in wert.items()}
    if isinstance(wert, list):
        return [_json_wert(v) for v in wert]
    return wert


def zerlege(quelltext: str) -> dict:
    """Front matter (as JSON for the editor form) and body of a template text."""
    text = quelltext.removeprefix("\ufeff").replace("\r\n", "\n")
    zeilen = text.split("\n")
    if not zeilen or zeilen[0].strip() != TRENNER:
        raise EntwurfsFehler(f"Die Vorlage muss mit einer Zeile „{TRENNER}“ beginnen.", zeile=1)
    for nummer, zeile in enumerate(zeilen[1:], start=1):
        if zeile.strip() == TRENNER:
            kopf_text = "\n".join(zeilen[1:nummer])
            try:
                kopf = tomllib.loads(kopf_text)
            except tomllib.TOMLDecodeError as fehler:
                treffer = re.search(r"line (\d+)", str(fehler))
                zeile_nr = int(treffer.group(1)) + 1 if treffer else None
                raise EntwurfsFehler(
                    f"Der Kopfbereich ist kein gültiges TOML (Zeile {zeile_nr or '?'}). Texte in "
                    "Anführungszeichen setzen, z. B. betreff = \"Einladung\".", zeile=zeile_nr) from None
            return {"kopf": _json_wert(kopf), "koerper": "\n".join(zeilen[nummer + 1:]),
                    "koerper_beginn": nummer + 2}
    raise EntwurfsFehler(f"Der Kopfbereich wird nicht mit „{TRENNER}“ geschlossen.")


def _sauber(text: str, ordner: str) -> str:
    """No server path in a message."""
    return text.replace(ordner + "/", "").replace(ordner, "")


def _entwurfsfehler(fehler: BriefeFehler, ordner: str) -> EntwurfsFehler:
    datei = fehler.datei or ""
    feld = _FELD.search(datei) or _FEHLT.search(fehler.meldung)
    zeile = fehler.zeile
    meldung = _sauber(fehler.meldung, ordner)
    if zeile is None and (treffer := _ZEILE.search(meldung)):
        zeile = int(treffer.group(1))
    return EntwurfsFehler(meldung, zeile=None if feld else zeile, feld=feld.group(1) if feld else None)


def lade_entwurf(konfiguration: Konfiguration, quelltext: str, ordner: Path, name: str = "entwurf"):
    """Compile a draft like a saved template (same sender profiles); errors as ``EntwurfsFehler``."""
    from briefe.vorlage.vorlage import lade_vorlage

    pfad = ordner / f"{name}.md"
    pfad.write_text(quelltext, encoding="utf-8")
    try:
        return lade_vorlage(pfad, konfiguration.vorlagen)
    except BriefeFehler as fehler:
        raise _entwurfsfehler(fehler, str(ordner)) from None


def lies_liste(pfad: Path) -> dict:
    """Columns (the clerk's headings) and recipients (row, name) of a sample list."""
    from briefe.quellen.mitglieder import lies_mitglieder

    try:
        liste = lies_mitglieder(pfad)
    except BriefeFehler as fehler:
        raise EingabeFehler(fehler.meldung) from None
    return {
        "spalten": [{"kopf": kopf, "spalte": spalte} for kopf, spalte in liste.spalten],
        "empfaenger": [{"zeile": e.zeile, "name": anzeigename(e)} for e in liste.empfaenger],
    }


def anzeigename(empfaenger) -> str:
    person = " ".join(t for t in (empfaenger.wert("vorname"), empfaenger.wert("nachname")) if t)
    return person or empfaenger.wert("organisation") or f"Zeile {empfaenger.zeile}"


def _seiten(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as dokument:
        return len(dokument.pages)


def vorschau(konfiguration: Konfiguration, quelltext: str, liste: Path, zeile: int | None,
             format_: str = "pdf", seite: int = 1) -> tuple[bytes, int]:
    """One row's letter of a draft: (PDF or PNG of page ``seite``, number of pages).

    Everything a preview does happens here (issue 18 moves it into a limited worker)."""
    if format_ not in ("pdf", "png"):
        raise EingabeFehler(f"Unbekanntes Format „{format_}“; erlaubt: pdf, png.")
    schluessel = hashlib.sha256(
        quelltext.encode() + b"\0" + liste.read_bytes() + f"\0{zeile}".encode()).hexdigest()
    with _CACHE_SPERRE:
        pdf = _CACHE.get(schluessel)
    arbeit = konfiguration.daten / "tmp"
    arbeit.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=arbeit) as temp:
        if pdf is None:
            vorlage, empfaenger = _entwurf_und_empfaenger(konfiguration, quelltext, liste, zeile, Path(temp))
            try:
                brief = vorlage.erzeuge(empfaenger)
            except BriefeFehler as fehler:
                raise _entwurfsfehler(fehler, str(temp)) from None
            pdf = _render(brief, "pdf", None)
            with _CACHE_SPERRE:
                _CACHE[schluessel] = pdf
                while len(_CACHE) > CACHE_GROESSE:
                    _CACHE.popitem(last=False)
        seiten = _seiten(pdf)
        if format_ == "pdf":
            return pdf, seiten
        seite = min(max(seite, 1), seiten)
        programm = shutil.which("pdftoppm")
        if programm is None:
            raise EingabeFehler("Für die Bildvorschau fehlt pdftoppm (Paket poppler-utils).")
        (Path(temp) / "v.pdf").write_bytes(pdf)
        subprocess.run([programm, "-png", "-r", "100", "-f", str(seite), "-l", str(seite), "-singlefile",
                        str(Path(temp) / "v.pdf"), str(Path(temp) / "seite")], check=True, timeout=60,
                       capture_output=True)
        return (Path(temp) / "seite.png").read_bytes(), seiten


def _entwurf_und_empfaenger(konfiguration: Konfiguration, quelltext: str, liste: Path, zeile: int | None,
                            ordner: Path):
    from briefe.deutsch import anschrift as anschrift_regeln
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import vorbereiten

    lade_entwurf(konfiguration, quelltext, ordner)
    pfad = ordner / "entwurf.md"
    try:
        vorlage, _, alle = vorbereiten(Laufoptionen(
            vorlage=pfad, daten=liste, vorlagen_ordner=konfiguration.vorlagen,
            werte=beispielwerte(pfad, konfiguration.vorlagen)))
    except BriefeFehler as fehler:
        raise _entwurfsfehler(fehler, str(ordner)) from None
    if not alle:
        raise EingabeFehler("Die Beispielliste enthält keine Empfänger.")
    gefunden = next((e for e in alle if e.zeile == zeile), None) if zeile else alle[0]
    if gefunden is None:
        raise EingabeFehler(f"Eine Zeile {zeile} gibt es in der Beispielliste nicht "
                            f"(Zeilen {alle[0].zeile} bis {alle[-1].zeile}).")
    probleme = anschrift_regeln.pruefe(gefunden)
    if probleme:
        raise EingabeFehler(f"Zeile {gefunden.zeile} der Liste erhält keinen Brief: "
                            + " ".join(p.meldung for p in probleme))
    return vorlage, gefunden


def beispiel_betreff(vorlage, vorlagen_ordner: Path) -> str:
    """The subject as it will read, filled from a sample recipient (for the template list)."""
    from briefe.quellen.mitglieder import Empfaenger

    felder = {"anrede": "Frau", "vorname": "Maria", "nachname": "Muster", "organisation": "Musterschule",
              "strasse": "Musterweg 1", "plz": "58095", "ort": "Hagen"}
    for spalte in vorlage.spalten:
        felder.setdefault(spalte, f"‹{spalte}›")
    try:
        werte = dict(beispielwerte(vorlage.pfad, vorlagen_ordner))
        return (vorlage.mit_werten(werte) if werte else vorlage).betreff_fuer(Empfaenger(1, felder))
    except (BriefeFehler, ZeilenFehler, Exception):  # noqa: BLE001 - a list must show every template
        return str(vorlage.kopf.get("betreff", ""))


def entwurf_vorschau(konfiguration: Konfiguration, quelltext: str, liste: Path, zeile: int | None,
                     format_: str, seite: int) -> tuple[bytes | None, int, dict | None]:
    """A draft's preview (see ``vorschau``), for a worker of ``satzprozess``:
    (data, pages, None), or (None, 0, the draft error as a dict) when the template is broken."""
    try:
        daten, seiten = vorschau(konfiguration, quelltext, liste, zeile, format_, seite)
    except EntwurfsFehler as fehler:
        return None, 0, fehler.als_dict()
    return daten, seiten, None


def word_import(daten: bytes, name: str, absender: str | None) -> tuple[str, list[str]]:
    """A Word document's template text and what was not carried over, for a worker of
    ``satzprozess`` (the preview's time and memory limit); an unreadable one is an input error."""
    from briefe.dienst.fehler import EingabeFehler
    from briefe.vorlage.word_import import importiere_docx

    try:
        ergebnis = importiere_docx(daten, name=name, absender=absender)
    except BriefeFehler as fehler:
        raise EingabeFehler(fehler.meldung) from None
    return ergebnis.quelltext, list(ergebnis.nicht_uebernommen)
