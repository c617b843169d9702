"""Formatting a Word document keeps in styles and numbering, looked up once per style.

python-docx resolves a style on every access (the default style by scanning all
styles), which made the import cost milliseconds per run; here each style id and
each numbering level is resolved once per document.
"""

from __future__ import annotations

import re

from docx.oxml.ns import qn

_UEBERSCHRIFT = re.compile(r"^(heading|überschrift)\s*(\d)?", re.I)
_TITEL = ("title", "titel")


class Stile:
    """Bold/italic/underline of runs, headings and list kinds of paragraphs in ``dok``."""

    def __init__(self, dok) -> None:
        self.dok = dok
        self._zeichen: dict[str | None, tuple[object, object, object]] = {}
        self._absatz: dict[str | None, tuple[int, object, str]] = {}
        self._nummern: dict[tuple[int, int], str | None] | None = None

    # --- runs -------------------------------------------------------------------------

    def lauf(self, lauf) -> tuple[bool, bool, bool]:
        """(bold, italic, underlined) of a run, from the run or its character style."""
        fett, kursiv, unter = lauf.bold, lauf.italic, lauf.underline
        if fett is None or kursiv is None or unter is None:
            r_pr = lauf._r.rPr
            stil_id = r_pr.rStyle.val if r_pr is not None and r_pr.rStyle is not None else None
            if stil_id not in self._zeichen:
                stil = lauf.style
                font = stil.font if stil is not None else None
                self._zeichen[stil_id] = ((font.bold, font.italic, font.underline) if font
                                          else (None, None, None))
            s_fett, s_kursiv, s_unter = self._zeichen[stil_id]
            fett = s_fett if fett is None else fett
            kursiv = s_kursiv if kursiv is None else kursiv
            unter = s_unter if unter is None else unter
        return bool(fett), bool(kursiv), bool(unter)

    # --- paragraphs -------------------------------------------------------------------

    def _stil(self, absatz) -> tuple[int, object, str]:
        """(heading level or 0, numPr of the style chain, style name) of a paragraph's style."""
        p_pr = absatz._p.pPr
        stil_id = p_pr.pStyle.val if p_pr is not None and p_pr.pStyle is not None else None
        if stil_id not in self._absatz:
            ebene, num_pr, name = 0, None, ""
            stil = absatz.style
            name = (stil.name or "").lower() if stil is not None else ""
            while stil is not None:
                stilname = (stil.name or "").lower()
                treffer = _UEBERSCHRIFT.match(stilname)
                if not ebene and (treffer or stilname.startswith(_TITEL)):
                    ebene = int(treffer[2] or 1) if treffer else 1
                s_pr = stil.element.pPr
                if num_pr is None and s_pr is not None and s_pr.numPr is not None:
                    num_pr = s_pr.numPr
                stil = stil.base_style
            self._absatz[stil_id] = (ebene, num_pr, name)
        return self._absatz[stil_id]

    def ueberschrift(self, absatz) -> int:
        """Heading level of a paragraph (Heading 1 … / Überschrift 1 … / Title), 0 if none."""
        return self._stil(absatz)[0]

    def listenart(self, absatz) -> str:
        """``punkt`` (bullet), ``zahl`` (numbered) or ``absatz``: Word's numbering or list
        style."""
        p_pr = absatz._p.pPr
        _, stil_num_pr, name = self._stil(absatz)
        num_pr = p_pr.numPr if p_pr is not None and p_pr.numPr is not None else stil_num_pr
        nummeriert = num_pr is not None and num_pr.numId is not None and num_pr.numId.val != 0
        if nummeriert:
            ebene = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            art = self._nummerierung().get((num_pr.numId.val, ebene))
            if art:
                return art
        if "bullet" in name or "aufzählung" in name:
            return "punkt"
        if "number" in name or "nummer" in name:
            return "zahl"
        return "punkt" if nummeriert else "absatz"

    def _nummerierung(self) -> dict[tuple[int, int], str | None]:
        """(numId, level) → ``punkt``/``zahl``, read once from numbering.xml."""
        if self._nummern is None:
            self._nummern = {}
            try:
                element = self.dok.part.numbering_part.element
            except (KeyError, NotImplementedError):
                return self._nummern
            abstrakt: dict[str, dict[int, str]] = {}
            for knoten in element.findall(qn("w:abstractNum")):
                ebenen = abstrakt.setdefault(knoten.get(qn("w:abstractNumId")), {})
                for lvl in knoten.findall(qn("w:lvl")):
                    fmt = lvl.find(qn("w:numFmt"))
                    wert = fmt.get(qn("w:val")) if fmt is not None else "decimal"
                    try:
                        ebene = int(lvl.get(qn("w:ilvl")) or 0)
                    except ValueError:
                        continue
                    ebenen.setdefault(ebene, "punkt" if wert in ("bullet", "none") else "zahl")
            for num in element.findall(qn("w:num")):
                verweis = num.find(qn("w:abstractNumId"))
                try:
                    num_id = int(num.get(qn("w:numId")))
                except (TypeError, ValueError):
                    continue
                if verweis is not None:
                    for ebene, art in abstrakt.get(verweis.get(qn("w:val")), {}).items():
                        self._nummern.setdefault((num_id, ebene), art)
        return self._nummern
