"""Combined print files: all letters of a run in one PDF."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pikepdf


def verbinde_pdfs(dateien: Iterable[Path], ziel: Path, duplex: bool = False) -> int:
    """Append the letters' PDFs into one; with ``duplex`` every letter starts on a
    front side (a blank page after letters with an odd page count). Returns pages."""
    ergebnis = pikepdf.new()
    quellen = []
    for datei in dateien:
        quelle = pikepdf.open(datei)
        quellen.append(quelle)
        ergebnis.pages.extend(quelle.pages)
        if duplex and len(quelle.pages) % 2:
            breite, hoehe = quelle.pages[-1].mediabox[2], quelle.pages[-1].mediabox[3]
            ergebnis.add_blank_page(page_size=(breite, hoehe))
    ergebnis.docinfo["/Title"] = "Serienbrief"
    ergebnis.save(ziel)
    seiten = len(ergebnis.pages)
    for quelle in quellen:
        quelle.close()
    return seiten
