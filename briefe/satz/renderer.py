"""Where a run gets the renderer of a format; the fast paths are behind it."""

from __future__ import annotations

from briefe.fehler import BriefeFehler
from briefe.satz.vertrag import FORMATE, Renderer


def renderer(format_: str, pdf_variante: str | None = None, schnell: bool = True) -> Renderer:
    """The renderer of ``format_``; with ``schnell`` its fast path where it can prove the
    letter identical to the full render."""
    if format_ == "pdf":
        from briefe.satz.pdf.renderer import PdfRenderer

        return PdfRenderer(pdf_variante, schnell)
    if format_ == "docx":
        from briefe.satz.docx.renderer import DocxRenderer

        return DocxRenderer(schnell)
    raise BriefeFehler(f"Unbekanntes Format {format_ or '(leer)'}; erlaubt: {', '.join(FORMATE)}.")
