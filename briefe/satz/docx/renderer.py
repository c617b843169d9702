"""The DOCX renderer: python-docx, behind it the fast path, the combined DOCX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefe.modell import Brief
from briefe.satz.docx import dokument, schnell
from briefe.satz.vertrag import Fortschritt, Sammelstueck, Ziel


@dataclass(frozen=True)
class DocxRenderer:
    """DOCX; the combined file holds one section per letter (``duplex`` changes nothing)."""

    schnell: bool = True
    format: str = "docx"

    def schreibe(self, brief: Brief, ziel: Ziel) -> None:
        if self.schnell:
            schnell.schreibe_docx_schnell(brief, ziel)
        else:
            dokument.schreibe_docx(brief, ziel)

    def schreibe_sammel(self, stuecke: Sequence[Sammelstueck], ziel: Path, duplex: bool = False,
                        fortschritt: Fortschritt | None = None) -> None:
        def briefe():
            for nummer, stueck in enumerate(stuecke, start=1):
                yield stueck.brief()
                if fortschritt:
                    fortschritt(nummer)

        dokument.schreibe_sammel_docx(briefe(), ziel)

    def lerne(self, brief: Brief) -> bool:
        return self.schnell and schnell.lerne(brief)

    def vorbereiten(self, brief: Brief) -> bool:
        return self.schnell and schnell.vorwaermen(brief)
