"""The one contract every renderer keeps (see ``satz.renderer`` for getting one)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from briefe.modell import Brief

FORMATE = ("pdf", "docx")

Ziel = Path | str | BinaryIO
Fortschritt = Callable[[int], None]  # called with the number of letters done so far


@dataclass(frozen=True)
class Sammelstueck:
    """One letter of a combined file: its own file of that format (already written) and the
    letter itself, made again only when a renderer needs it."""

    datei: Path
    brief: Callable[[], Brief]


class Renderer(Protocol):
    """Writes letters in one format (and PDF variant)."""

    format: str

    def schreibe(self, brief: Brief, ziel: Ziel) -> None:
        """One letter to a path or binary file."""

    def schreibe_sammel(self, stuecke: Sequence[Sammelstueck], ziel: Path, duplex: bool = False,
                        fortschritt: Fortschritt | None = None) -> None:
        """All letters into one file; with ``duplex`` each letter starts on a front side;
        ``fortschritt(i)`` after the i-th letter is in."""

    def lerne(self, brief: Brief) -> bool:
        """Learn from ``brief`` what varies between letters, building nothing (before
        ``vorbereiten``); whether anything was learned."""

    def vorbereiten(self, brief: Brief) -> bool:
        """Prepare for letters like ``brief`` in this process (before workers are forked);
        whether anything was built."""
