"""The PDF renderer: WeasyPrint, behind it the fast path, the combined print PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefe.modell import Brief
from briefe.satz.pdf import schnell, weasy
from briefe.satz.vertrag import Fortschritt, Sammelstueck, Ziel


@dataclass(frozen=True)
class PdfRenderer:
    """PDF in one variant (see ``weasy.VARIANTEN``); the combined file is always a print PDF."""

    variante: str | None = None
    schnell: bool = True
    format: str = "pdf"

    def schreibe(self, brief: Brief, ziel: Ziel) -> None:
        if self.schnell:
            schnell.schreibe_pdf_schnell(brief, ziel, self.variante)
        else:
            weasy.schreibe_pdf(brief, ziel, self.variante)

    def schreibe_sammel(self, stuecke: Sequence[Sammelstueck], ziel: Path, duplex: bool = False,
                        fortschritt: Fortschritt | None = None) -> None:
        from briefe.satz.pdf import sammel  # pikepdf: only the combined file needs it

        sammel.verbinde_pdfs([s.datei for s in stuecke], ziel, duplex=duplex, fortschritt=fortschritt)

    def lerne(self, brief: Brief) -> bool:
        return self.schnell and schnell.lerne(brief, self.variante)

    def vorbereiten(self, brief: Brief) -> bool:
        return self.schnell and schnell.vorwaermen(brief, self.variante)
