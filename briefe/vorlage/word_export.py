"""A template's body as a Word document (.docx) to edit in Word and import again.

Built from the letter editor's document (``editor_dokument.zu_dokument``): fields become
complex ``MERGEFIELD`` fields named after their label and showing «Label», conditions become
``IF`` fields or briefe's marked bookmarks (``word_felder``), what the editor keeps as
"Ausdruck" stays verbatim in a content control. The letterhead is left out; the front matter
and the field names travel in the document's custom properties.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from briefe.fehler import VorlagenFehler
from briefe.vorlage import word_felder

AUSDRUCK = word_felder.AUSDRUCK


def teile_vorlage(quelltext: str) -> tuple[str, str]:
    """(front matter, body) of a template file text."""
    if quelltext.startswith("+++\n"):
        kopf, trenner, koerper = quelltext[4:].partition("\n+++\n")
        if trenner:
            return kopf, koerper
    raise VorlagenFehler("Die Vorlage beginnt nicht mit einem Kopfbereich zwischen „+++“-Zeilen.")


def exportiere_docx(quelltext: str, beschriftungen: Mapping[str, str] | None = None) -> bytes:
    """The DOCX of a template file text; ``beschriftungen``: field name → label."""
    from briefe.vorlage.editor_dokument import zu_dokument

    kopf, koerper = teile_vorlage(quelltext)
    schreiber = _Schreiber(beschriftungen or {})
    schreiber.bloecke(zu_dokument(koerper, beschriftungen).get("content", []),
                      schreiber.dok.element.body)
    koerper_xml = schreiber.dok.element.body
    abschnitt = koerper_xml.find(qn("w:sectPr"))
    if abschnitt is not None:
        koerper_xml.append(abschnitt)  # the section properties stay the body's last child
    word_felder.schreibe_eigenschaften(schreiber.dok, {
        "briefe-kopf": kopf, "briefe-felder": json.dumps(schreiber.felder, ensure_ascii=False),
        "briefe-ausdruecke": json.dumps(schreiber.ausdruecke, ensure_ascii=False),
        "briefe-bedingungen": json.dumps(schreiber.bedingungen, ensure_ascii=False)})
    puffer = io.BytesIO()
    schreiber.dok.save(puffer)
    return puffer.getvalue()


def _element(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, wert in attrs.items():
        element.set(qn(f"w:{name}"), wert)
    return element


def _steuerelement(titel: str, tag: str, inline: bool = False):
    """``w:sdt`` with title and tag; returns (sdt, its content element)."""
    sdt = _element("w:sdt")
    eigen = _element("w:sdtPr")
    eigen.append(_element("w:alias", val=titel))
    eigen.append(_element("w:tag", val=tag))
    sdt.append(eigen)
    inhalt = _element("w:sdtContent")
    sdt.append(inhalt)
    return sdt, inhalt


class _Schreiber:
    def __init__(self, beschriftungen: Mapping[str, str]) -> None:
        self.dok = docx.Document()
        self.beschriftungen = beschriftungen
        self.felder: dict[str, list] = {}  # label → [name, format]
        self.ausdruecke: list[str] = []
        self.bedingungen: list[dict] = []
        self.marken = 0
        for absatz in list(self.dok.paragraphs):
            absatz._p.getparent().remove(absatz._p)

    # --- blocks -----------------------------------------------------------------------

    def _neu(self, ziel, stil: str | None = None):
        absatz = self.dok.add_paragraph(style=stil)
        ziel.append(absatz._p)  # moves it where it belongs (body, content control, cell)
        return absatz

    def bloecke(self, knoten: list, ziel) -> None:
        for block in knoten:
            self.block(block, ziel)

    def block(self, block: Mapping, ziel) -> None:
        art = block.get("type")
        inhalt = block.get("content", [])
        attrs = block.get("attrs") or {}
        if art == "paragraph":
            self.inline(self._neu(ziel), inhalt)
        elif art == "heading":
            self.inline(self._neu(ziel, f"Heading {int(attrs.get('level') or 1)}"), inhalt)
        elif art in ("bulletList", "orderedList"):
            stil = "List Bullet" if art == "bulletList" else "List Number"
            for eintrag in inhalt:
                for teil in eintrag.get("content", []):
                    self.inline(self._neu(ziel, stil), teil.get("content", []))
        elif art == "table":
            self.tabelle(inhalt, ziel)
        elif art == "bedingung":
            nummer = len(self.bedingungen)
            self.bedingungen.append({"spalte": attrs.get("spalte"),
                                     "art": attrs.get("art") or "gefuellt",
                                     "wert": attrs.get("wert")})
            vorher = len(ziel)
            for teil in inhalt:
                anfang = len(ziel)
                self.bloecke(teil.get("content", []), ziel)
                if teil.get("type") == "bedingungSonst":
                    self._textmarke(ziel, anfang, f"briefe_sonst_{nummer}")
            self._textmarke(ziel, vorher, f"briefe_wenn_{nummer}")
        elif art == "ausdruckBlock":
            sdt, innen = _steuerelement("Ausdruck (nicht ändern)",
                                        f"{AUSDRUCK}{len(self.ausdruecke)}")
            self.ausdruecke.append(str(attrs.get("quelltext", "")))
            ziel.append(sdt)
            absatz = self._neu(innen)
            absatz.add_run(str(attrs.get("quelltext", "")).replace("\n", " ⏎ ")).italic = True

    def _textmarke(self, ziel, anfang: int, name: str) -> None:
        """A bookmark ``name`` from the first to the last paragraph written into ``ziel`` since
        child ``anfang`` (an empty paragraph carries it where a table begins or ends)."""
        neue = [k for k in list(ziel)[anfang:] if k.tag != qn("w:sectPr")]
        if not neue or neue[0].tag != qn("w:p"):
            neue.insert(0, OxmlElement("w:p"))
            ziel.insert(anfang, neue[0])
        if neue[-1].tag != qn("w:p"):
            neue.append(OxmlElement("w:p"))
            neue[-2].addnext(neue[-1])
        kennung = str(self.marken)
        self.marken += 1
        start = _element("w:bookmarkStart", id=kennung, name=name)
        p_pr = neue[0].find(qn("w:pPr"))
        if p_pr is not None:
            p_pr.addnext(start)
        else:
            neue[0].insert(0, start)
        neue[-1].append(_element("w:bookmarkEnd", id=kennung))

    def tabelle(self, zeilen: list, ziel) -> None:
        breite = max((len(z.get("content", [])) for z in zeilen), default=0)
        if not zeilen or not breite:
            return
        tabelle = self.dok.add_table(rows=len(zeilen), cols=breite)
        tabelle.style = "Table Grid"
        ziel.append(tabelle._tbl)
        for nummer, zeile in enumerate(zeilen):
            zellen = zeile.get("content", [])
            if nummer == 0 and zellen and all(z.get("type") == "tableHeader" for z in zellen):
                tabelle.rows[0]._tr.get_or_add_trPr().append(_element("w:tblHeader"))
            for spalte, zelle in enumerate(zellen):
                absatz = tabelle.rows[nummer].cells[spalte].paragraphs[0]
                for teil in zelle.get("content", []):
                    self.inline(absatz, teil.get("content", []))

    # --- inline -----------------------------------------------------------------------

    def _label(self, name) -> str:
        from briefe.vorlage.editor_felder import beschriftung

        return beschriftung(str(name), self.beschriftungen)

    def inline(self, absatz, knoten: list) -> None:
        for teil in knoten:
            art = teil.get("type")
            attrs = teil.get("attrs") or {}
            if art == "text":
                marken = {m.get("type") for m in teil.get("marks", [])}
                lauf = absatz.add_run(teil.get("text", ""))
                lauf.bold = "bold" in marken or None
                lauf.italic = "italic" in marken or None
            elif art == "hardBreak":
                absatz.add_run().add_break()
            elif art == "feld":
                self.feld(absatz, attrs, {m.get("type") for m in teil.get("marks", [])})
            elif art == "bedingungInline":
                self.bedingung_inline(absatz, attrs)
            elif art == "ausdruck":
                sdt, innen = _steuerelement("Ausdruck (nicht ändern)",
                                            f"{AUSDRUCK}{len(self.ausdruecke)}", inline=True)
                self.ausdruecke.append(str(attrs.get("quelltext", "")))
                absatz._p.append(sdt)
                lauf = _element("w:r")
                text = _element("w:t")
                text.text = str(attrs.get("quelltext", ""))
                lauf.append(text)
                innen.append(lauf)

    def _laeufe_in(self, ziel, absatz, knoten: list) -> None:
        """Inline nodes as runs inside ``ziel`` (a content control in a paragraph)."""
        huelle = Paragraph(OxmlElement("w:p"), absatz._parent)
        self.inline(huelle, knoten)
        for kind in list(huelle._p):
            ziel.append(kind)

    def _lauf(self, absatz, kind) -> None:
        lauf = absatz.add_run()
        lauf._r.append(kind)

    def _code(self, absatz, code: str) -> None:
        text = _element("w:instrText")
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        text.text = code
        self._lauf(absatz, text)

    def _merge_name(self, name: str, format_: str | None, label: str) -> str:
        """The MERGEFIELD name: the label, made unique if it means another field."""
        kandidat = label
        if self.felder.get(kandidat, [name, format_]) != [name, format_]:
            kandidat = f"{label} ({format_ or 'ohne Format'})"
        self.felder[kandidat] = [name, format_]
        return kandidat

    def feld(self, absatz, attrs: Mapping, marken: set | None = None) -> None:
        """A complex ``MERGEFIELD`` showing «Label»."""
        name, format_ = str(attrs.get("name")), attrs.get("format") or None
        merge = self._merge_name(name, format_, str(attrs.get("label") or self._label(name)))
        self._lauf(absatz, _element("w:fldChar", fldCharType="begin"))
        self._code(absatz, f' MERGEFIELD "{merge}" \\* MERGEFORMAT ')
        self._lauf(absatz, _element("w:fldChar", fldCharType="separate"))
        ergebnis = absatz.add_run(f"«{merge}»")
        ergebnis.bold = "bold" in (marken or ()) or None
        ergebnis.italic = "italic" in (marken or ()) or None
        self._lauf(absatz, _element("w:fldChar", fldCharType="end"))

    def _text_im_code(self, absatz, knoten: list) -> None:
        for teil in knoten or []:
            if teil.get("type") == "feld":
                self.feld(absatz, teil.get("attrs") or {})
            else:
                text = teil.get("text", " " if teil.get("type") == "hardBreak" else "")
                self._code(absatz, text.replace('"', "'"))

    def bedingung_inline(self, absatz, attrs: Mapping) -> None:
        spalte, art, wert = str(attrs.get("spalte")), attrs.get("art") or "gefuellt", attrs.get("wert")
        if art == "enthaelt":  # Word's IF cannot test "contains": briefe's content control
            titel = word_felder.bedingung_titel(self._label(spalte), art, wert)
            sdt, innen = _steuerelement(titel, word_felder.wenn_tag(spalte, art, wert))
            absatz._p.append(sdt)
            self._laeufe_in(innen, absatz, attrs.get("dann") or [])
            if attrs.get("sonst"):
                sonst, sonst_innen = _steuerelement("sonst", word_felder.SONST)
                innen.append(sonst)
                self._laeufe_in(sonst_innen, absatz, attrs.get("sonst"))
            return
        operator = "=" if art in ("leer", "gleich") else "<>"
        vergleich = "" if art in ("leer", "gefuellt") else str(wert or "").replace('"', "'")
        self._lauf(absatz, _element("w:fldChar", fldCharType="begin"))
        self._code(absatz, ' IF "')
        self.feld(absatz, {"name": spalte, "format": None, "label": self._label(spalte)})
        self._code(absatz, f'" {operator} "{vergleich}" "')
        self._text_im_code(absatz, attrs.get("dann"))
        self._code(absatz, '" "')
        self._text_im_code(absatz, attrs.get("sonst"))
        self._code(absatz, '" ')
        self._lauf(absatz, _element("w:fldChar", fldCharType="separate"))
        absatz.add_run("".join(t.get("text", f"«{(t.get('attrs') or {}).get('label', '')}»")
                               for t in attrs.get("dann") or []))
        self._lauf(absatz, _element("w:fldChar", fldCharType="end"))
