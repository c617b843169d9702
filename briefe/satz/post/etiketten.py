"""Label sheets: each address inside its label, the first ``start - 1`` labels left empty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefe import geometrie as g
from briefe.satz.post.seiten import Textblock, schreibe_seiten


@dataclass(frozen=True)
class Etikett:
    """The lines of one label and the size (pt) they fit in."""

    zeilen: tuple[str, ...]
    grad: float


def seiten(bogen: g.Etikettenbogen, etiketten: Sequence[Etikett], start: int = 1) -> list[list[Textblock]]:
    """Text blocks per sheet; label ``start`` (1 = top left) is the first one used."""
    blaetter: list[list[Textblock]] = []
    for i, etikett in enumerate(etiketten, start=start - 1):
        if i // bogen.anzahl >= len(blaetter):
            blaetter.append([])
        x0, oben, x1, unten = bogen.etikett(i)
        hoehe = len(etikett.zeilen) * etikett.grad * g.ZEILENABSTAND * 25.4 / 72
        y = oben + (unten - oben - hoehe) / 2  # centred vertically
        blaetter[-1].append(Textblock(x0 + bogen.innenrand, y, x1 - x0 - 2 * bogen.innenrand,
                                      etikett.zeilen, etikett.grad))
    return blaetter


def schreibe_etiketten(bogen: g.Etikettenbogen, etiketten: Sequence[Etikett], ziel: Path,
                       start: int = 1) -> None:
    """``etiketten.pdf`` on A4 sheets."""
    schreibe_seiten(seiten(bogen, etiketten, start), g.SEITE_BREITE, g.SEITE_HOEHE, ziel,
                    f"Etiketten {bogen.name}")
