"""Envelopes: one page per recipient, the size of the envelope, the return line in the sender
zone and the address in the address zone (never in the franking or coding zone)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from briefe import geometrie as g
from briefe.satz.post.seiten import Textblock, schreibe_seiten

# Lines start where they start in the letter's window: indented, below the annotation zone.
EINZUG = g.ANSCHRIFT_LINKS - g.ANSCHRIFTFELD_LINKS
VERMERKZONE = g.FORM_A.vermerkzone_unten - g.FORM_A.vermerkzone_oben


def seite(umschlag: g.Umschlag, zeilen: Sequence[str], ruecksende: str | None,
          vermerke: Sequence[str] = ()) -> list[Textblock]:
    """The text blocks of one envelope."""
    bloecke = []
    if ruecksende:
        bloecke.append(Textblock(g.RUECKSENDE_X, g.RUECKSENDE_Y,
                                 umschlag.frankierzone[0] - g.RUECKSENDE_X - 5, (ruecksende,),
                                 g.SCHRIFTGRAD_RUECKSENDE, "ruecksende"))
    x = umschlag.feld_x + EINZUG
    if vermerke:
        hoehe = g.ZEILE * g.SCHRIFTGRAD_RUECKSENDE / g.SCHRIFTGRAD_TEXT
        y = umschlag.feld_y + VERMERKZONE - len(vermerke) * hoehe
        bloecke.append(Textblock(x, y, g.ANSCHRIFT_BREITE, tuple(vermerke),
                                 g.SCHRIFTGRAD_RUECKSENDE))
    bloecke.append(Textblock(x, umschlag.feld_y + VERMERKZONE, g.ANSCHRIFT_BREITE, tuple(zeilen),
                             g.SCHRIFTGRAD_TEXT))
    return bloecke


def schreibe_umschlaege(umschlag: g.Umschlag, anschriften: Sequence[tuple[Sequence[str], Sequence[str]]],
                        ruecksende: str | None, ziel: Path) -> None:
    """``umschlaege.pdf``: one envelope per (address lines, annotation lines above them)."""
    schreibe_seiten([seite(umschlag, z, ruecksende, v) for z, v in anschriften],
                    umschlag.breite, umschlag.hoehe, ziel, f"Umschläge {umschlag.name}")
