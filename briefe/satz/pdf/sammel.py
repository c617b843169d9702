"""Combined print files: all letters of a run in one PDF, with bounded memory.

Letters are copied one at a time into a file that is written as it grows: each
source is opened, its pages and everything they reference are written out, and
it is closed again; what stays in memory is one offset per written object and
one digest per distinct object. Identical objects (the fonts and the shared
page content of letters made on the fast path) are written once and shared.
(Appending with pikepdf keeps every source open until saving: memory grows with
the letters, about 0.2 MB each.)
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pikepdf

# Page attributes a page may inherit from the page tree.
_VERERBBAR = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_SEITENBAUM = 1  # object numbers reserved for the page tree, catalog and info
_KATALOG = 2
_INFO = 3


class _Ziel:
    """The output file: objects are written as they come, offsets kept for the xref."""

    def __init__(self, datei) -> None:
        self.datei = datei
        self.versaetze = array("q", [0, 0, 0, 0])  # index = object number, 0 = not yet written
        self.datei.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.position = self.datei.tell()

    def reserviere(self) -> int:
        self.versaetze.append(0)
        return len(self.versaetze) - 1

    def schreibe(self, nummer: int, daten: bytes) -> None:
        self.versaetze[nummer] = self.position
        teil = b"%d 0 obj\n%s\nendobj\n" % (nummer, daten)
        self.datei.write(teil)
        self.position += len(teil)

    def schliesse(self) -> None:
        """Write the cross-reference table and trailer."""
        anzahl = len(self.versaetze)
        zeilen = [b"xref\n0 %d\n0000000000 65535 f \n" % anzahl]
        zeilen += [b"%010d 00000 n \n" % v for v in self.versaetze[1:]]
        self.datei.write(b"".join(zeilen))
        self.datei.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                         % (anzahl, _KATALOG, _INFO, self.position))


class _Kopierer:
    """Copies pages with everything they reference; identical objects are written once."""

    def __init__(self, ziel: _Ziel) -> None:
        self.ziel = ziel
        self.gesehen: dict[bytes, int] = {}  # digest of an object's bytes -> its number
        self.abbildung: dict[tuple[int, int], int] = {}  # per source: objgen -> number
        self.in_arbeit: set[tuple[int, int]] = set()

    def neue_quelle(self, quelle: pikepdf.Pdf) -> None:
        """Start a source: its pages get their numbers first, so links to them resolve."""
        self.abbildung = {seite.obj.objgen: self.ziel.reserviere() for seite in quelle.pages}
        self.in_arbeit = set()
        for knoten in quelle.Root.Pages, *_knoten_ueber(quelle):
            self.abbildung[knoten.objgen] = _SEITENBAUM

    def seite(self, seite: pikepdf.Dictionary) -> int:
        """Copy one page (with inherited attributes made its own); returns its number."""
        teile = [b"/Parent %d 0 R" % _SEITENBAUM]
        for schluessel in seite:
            if schluessel != "/Parent":
                teile.append(pikepdf.Name(schluessel).unparse() + b" " + self._wert(seite[schluessel]))
        for schluessel in _VERERBBAR:
            if schluessel not in seite:
                wert = _geerbt(seite, schluessel)
                if wert is not None:
                    teile.append(pikepdf.Name(schluessel).unparse() + b" " + self._wert(wert))
        nummer = self.abbildung[seite.objgen]
        self.ziel.schreibe(nummer, b"<<" + b" ".join(teile) + b">>")
        return nummer

    def _objekt(self, objekt) -> int:
        """Output number of an indirect object, copying it (and what it references) first."""
        schluessel = objekt.objgen
        nummer = self.abbildung.get(schluessel)
        if nummer is not None:
            return nummer
        if schluessel in self.in_arbeit:  # a cycle: reserve now, write when done
            nummer = self.abbildung[schluessel] = self.ziel.reserviere()
            return nummer
        self.in_arbeit.add(schluessel)
        if isinstance(objekt, pikepdf.Stream):
            roh = objekt.read_raw_bytes()
            woerterbuch = {k: v for k, v in objekt.stream_dict.items() if k != "/Length"}
            daten = (b"<<" + self._eintraege(woerterbuch) + b" /Length %d>>\nstream\n" % len(roh)
                     + roh + b"\nendstream")
        else:
            daten = self._direkt(objekt)
        self.in_arbeit.discard(schluessel)
        nummer = self.abbildung.get(schluessel)
        if nummer is not None:  # reserved by a cycle: no sharing
            self.ziel.schreibe(nummer, daten)
            return nummer
        pruefsumme = hashlib.sha256(daten).digest()
        nummer = self.gesehen.get(pruefsumme)
        if nummer is None:
            nummer = self.ziel.reserviere()
            self.ziel.schreibe(nummer, daten)
            self.gesehen[pruefsumme] = nummer
        self.abbildung[schluessel] = nummer
        return nummer

    def _wert(self, wert) -> bytes:
        if isinstance(wert, pikepdf.Object) and wert.is_indirect:
            return b"%d 0 R" % self._objekt(wert)
        return self._direkt(wert)

    def _eintraege(self, woerterbuch) -> bytes:
        return b" ".join(pikepdf.Name(k).unparse() + b" " + self._wert(v) for k, v in woerterbuch.items())

    def _direkt(self, wert) -> bytes:
        if isinstance(wert, pikepdf.Dictionary | pikepdf.Array):
            daten = wert.unparse()
            if b"R" not in daten:  # no indirect reference inside: qpdf's own text will do
                return daten
        if isinstance(wert, pikepdf.Dictionary):
            return b"<<" + self._eintraege(wert) + b">>"
        if isinstance(wert, pikepdf.Array):
            return b"[" + b" ".join(self._wert(w) for w in wert) + b"]"
        if isinstance(wert, pikepdf.Object):
            return wert.unparse()
        if isinstance(wert, bool):
            return b"true" if wert else b"false"
        if isinstance(wert, int):
            return b"%d" % wert
        if isinstance(wert, Decimal | float):
            text = format(Decimal(wert).normalize(), "f")
            return text.encode("ascii")
        if wert is None:
            return b"null"
        return pikepdf.Object.parse(str(wert).encode()).unparse()


def _geerbt(seite: pikepdf.Dictionary, schluessel: str):
    knoten = seite.get("/Parent")
    while knoten is not None:
        if schluessel in knoten:
            return knoten[schluessel]
        knoten = knoten.get("/Parent")
    return None


def verbinde_pdfs(dateien: Iterable[Path], ziel: Path, duplex: bool = False,
                  fortschritt: Callable[[int], None] | None = None) -> int:
    """Append the letters' PDFs into one, one source at a time; with ``duplex`` every letter
    starts on a front side; ``fortschritt(i)`` after the i-th source. Returns the number of pages."""
    kinder = array("q")
    with open(ziel, "wb") as datei:
        ausgabe = _Ziel(datei)
        kopierer = _Kopierer(ausgabe)
        for nummer, pfad in enumerate(dateien, start=1):
            with pikepdf.open(pfad) as quelle:
                kopierer.neue_quelle(quelle)
                for seite in quelle.pages:
                    kinder.append(kopierer.seite(seite.obj))
                if duplex and len(quelle.pages) % 2:
                    box = _geerbt_oder(quelle.pages[-1].obj, "/MediaBox")
                    leer = ausgabe.reserviere()
                    ausgabe.schreibe(leer, b"<</Type /Page /Parent %d 0 R /MediaBox %s /Resources <<>>>>"
                                     % (_SEITENBAUM, kopierer._wert(box)))
                    kinder.append(leer)
            if fortschritt:
                fortschritt(nummer)
        verweise = b" ".join(b"%d 0 R" % k for k in kinder)
        ausgabe.schreibe(_SEITENBAUM, b"<</Type /Pages /Kids [%s] /Count %d>>" % (verweise, len(kinder)))
        ausgabe.schreibe(_KATALOG, b"<</Type /Catalog /Pages %d 0 R>>" % _SEITENBAUM)
        ausgabe.schreibe(_INFO, b"<</Title (Serienbrief)>>")
        ausgabe.schliesse()
    return len(kinder)


def _knoten_ueber(quelle: pikepdf.Pdf) -> list:
    """All intermediate page tree nodes of a source."""
    knoten, gesehen = [], set()
    for seite in quelle.pages:
        eltern = seite.obj.get("/Parent")
        while eltern is not None and eltern.objgen not in gesehen:
            gesehen.add(eltern.objgen)
            knoten.append(eltern)
            eltern = eltern.get("/Parent")
    return knoten


def _geerbt_oder(seite: pikepdf.Dictionary, schluessel: str):
    return seite[schluessel] if schluessel in seite else _geerbt(seite, schluessel)
