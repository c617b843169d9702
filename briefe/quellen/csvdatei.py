"""CSV member lists: takes the bytes of a CSV export, gives a ``Mitgliederliste``.

The encoding is found from the BOM, UTF-8 or charset-normalizer (Windows-1252, cp850); the
separator from Excel's ``sep=`` line or from the parse that gives known headers.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from briefe.fehler import DatenFehler
from briefe.quellen.liste import Lesegrenzen, Mitgliederliste, baue_liste
from briefe.quellen.spalten import KOPF_SUCHTIEFE, anzahl_bekannt, spaltenbuchstabe
from briefe.quellen.werte import Unlesbar

# Candidate encodings after BOM and UTF-8: offices export Windows-1252; old
# DOS tools cp850. Wider candidate sets make charset-normalizer pick cp1250 or
# mac_roman for short German texts.
KODIERUNGEN_8BIT = ("cp1252", "cp850")
TRENNZEICHEN = (";", "\t", ",")
_SEP_ZEILE = re.compile(r'"?sep=(.)"?')


def _dekodiere(daten: bytes, datei: str) -> tuple[str, str]:
    """Text and encoding name: BOM, then UTF-8, then charset-normalizer."""
    for bom, kodierung in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                           (codecs.BOM_UTF16_BE, "utf-16"), (b"", "utf-8")):
        if daten.startswith(bom):
            try:
                return daten.decode(kodierung), kodierung
            except UnicodeDecodeError:
                pass
    import charset_normalizer  # only needed for a file that is not UTF-8

    treffer = charset_normalizer.from_bytes(daten, cp_isolation=list(KODIERUNGEN_8BIT)).best()
    if treffer is None:
        raise DatenFehler(
            "Die Zeichenkodierung der Datei ist nicht zu erkennen. "
            "Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
            datei=datei,
        )
    return str(treffer), treffer.encoding


def _erkenne_trennzeichen(text: str) -> str:
    """The separator whose parse gives known headers and consistent rows."""
    bestes, beste_wertung = TRENNZEICHEN[0], None
    for zeichen in TRENNZEICHEN:
        leser = csv.reader(io.StringIO(text, newline=""), delimiter=zeichen)
        try:
            probe = [
                z for z in itertools.islice(leser, 50) if any(f.strip(" \t;,") for f in z)
            ]
        except csv.Error:
            continue
        if not probe:
            continue
        kopf = max(probe[:KOPF_SUCHTIEFE], key=anzahl_bekannt)
        breite = len(kopf)
        gleich = sum(1 for z in probe if len(z) == breite)
        wertung = (anzahl_bekannt(kopf), breite > 1, gleich, breite)
        if beste_wertung is None or wertung > beste_wertung:
            bestes, beste_wertung = zeichen, wertung
    return bestes


def _offen(zellen: Sequence[str], zeichen: str) -> int | None:
    """The column of a quote that is never closed and swallowed the following rows into one
    field (a field of several lines that look like rows, with separators), else None."""
    for index, feld in enumerate(zellen):
        if feld.count("\n") >= 2 and sum(1 for t in feld.split("\n")[1:] if t.count(zeichen) >= 2) >= 2:
            return index
    return None


def _neu_gelesen(roh: list[str], spalte: int, zeichen: str, nr: int) -> list[Sequence[object]]:
    """The lines a stray quote swallowed, read again: the line with the quote (its cell a row
    error) and each following line as its own row."""
    erste = next(csv.reader(roh[:1], delimiter=zeichen, quoting=csv.QUOTE_NONE), [])
    zellen: list[object] = list(erste)
    while len(zellen) <= spalte:
        zellen.append("")
    zellen[spalte] = Unlesbar(
        f"In Spalte {spaltenbuchstabe(spalte).upper()} steht ein Anführungszeichen (\"), das in Zeile "
        f"{nr} geöffnet und nicht geschlossen wird; die Zeile wird nicht verwendet, die folgenden "
        "Zeilen werden einzeln gelesen. Bitte das Anführungszeichen in der Datei entfernen oder schließen.")
    return [zellen, *csv.reader(roh[1:], delimiter=zeichen, strict=False)]


def lies_csv(pfad: Path, daten: bytes, grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008
             zahlen: str | None = None) -> Mitgliederliste:
    text, kodierung = _dekodiere(daten, pfad.name)
    text = text.replace("\x00", "")
    erste, _, rest = text.partition("\n")
    sep = _SEP_ZEILE.fullmatch(erste.strip())
    if sep and sep.group(1) in TRENNZEICHEN:  # Excel's "sep=;" line, hidden by Excel
        zeichen, text = sep.group(1), rest
    else:
        zeichen = _erkenne_trennzeichen(text)
    roh = list(io.StringIO(text, newline=""))
    leser = csv.reader(roh, delimiter=zeichen, strict=False)

    def zeilen() -> Iterator[tuple[int, Sequence[object]]]:
        nr, vorher = 0, 0
        try:
            for zellen in leser:
                spalte = _offen(zellen, zeichen)
                gelesen = [zellen] if spalte is None else _neu_gelesen(
                    roh[vorher:leser.line_num], spalte, zeichen, nr + 1)
                vorher = leser.line_num
                for teil in gelesen:
                    nr += 1
                    yield nr, teil
        except csv.Error as fehler:
            raise DatenFehler(
                f"Die CSV-Datei ist fehlerhaft ({fehler}).", datei=pfad.name, zeile=nr + 1
            ) from None

    return baue_liste(pfad, zeilen(), kodierung=kodierung, trennzeichen=zeichen, grenzen=grenzen,
                      zahlen=zahlen)

