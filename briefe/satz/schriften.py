"""Which characters the shipped fonts can draw (PDF); a value with others is reported, never
printed as an empty box."""

from __future__ import annotations

import functools
import unicodedata

from briefe import RESSOURCEN

SCHRIFTEN = RESSOURCEN / "schriften"


@functools.cache
def abgedeckt() -> frozenset[int]:
    """Code points of all shipped fonts together."""
    from fontTools.ttLib import TTFont

    zeichen: set[int] = set()
    for datei in sorted(SCHRIFTEN.glob("*.ttf")):
        with TTFont(datei, lazy=True) as schrift:
            # numbered glyphs: the code points need no glyph names (reading them is most of the time)
            schrift.setGlyphOrder([f"g{i}" for i in range(schrift["maxp"].numGlyphs)])
            zeichen.update(schrift.getBestCmap() or {})
    return frozenset(zeichen)


def fehlende_zeichen(text: str) -> list[str]:
    """Characters of ``text`` no shipped font has (spaces, controls, joiners not counted)."""
    vorhanden = abgedeckt()
    fehlend = {
        z for z in text
        if ord(z) not in vorhanden and not z.isspace() and unicodedata.category(z) not in ("Cc", "Cf", "Mn")
    }
    return sorted(fehlend)
