"""Fast path, value slots: which runs of the skeleton hold a value, where their lines sit,
and the checks that keep a text on WeasyPrint's own shaping."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from types import SimpleNamespace

from weasyprint.formatting_structure import boxes
from weasyprint.text.line_break import split_first_line

from briefe.modell import Brief
from briefe.satz.gruppen import (
    NichtSchnell,
    marke,
    mit_stellen,
    wertmarke,
)
from briefe.satz.pdf.html import LANGER_LAUF

# Bidi classes that make the line's glyph order depend on more than the text run.
_BIDI_AUSSCHLUSS = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI",
                              "FSI", "PDI"})
# Printable Latin (ASCII, Latin-1 without the soft hyphen, Latin Extended-A and -B) and the
# dashes, quotes, ellipsis and euro sign of German text: none of them is a control or changes
# the writing direction, so ``_pruefe_text`` need not look closer.
_LATEINISCH = re.compile("[\x20-\x7e\xa0-\xac\xae-\u024f\u2013\u2014\u2018-\u201e\u2026\u20ac]*")
_KONTEXT = SimpleNamespace(dictionaries={})  # what split_first_line needs of a LayoutContext


def _pruefe_text(text: str, feld: str, raender: bool = True) -> None:
    """Texts that reach the layout unchanged: no white-space processing, no bidi, no controls
    (``raender``: no space at either end either)."""
    if not text or (raender and text != text.strip(" ")) or "  " in text:
        raise NichtSchnell(f"{feld}: Leerzeichen")
    if _LATEINISCH.fullmatch(text):
        return
    for zeichen in text:
        if unicodedata.category(zeichen)[0] == "C" or unicodedata.category(zeichen) in ("Zl", "Zp"):
            raise NichtSchnell(f"{feld}: Steuerzeichen")
        if unicodedata.bidirectional(zeichen) in _BIDI_AUSSCHLUSS:
            raise NichtSchnell(f"{feld}: Schreibrichtung")


BLOCKFELDER = ("absatz", "tabelle", "tabellentext")


@dataclasses.dataclass
class _Platz:
    """One slot: a line of the address or the salutation, as laid out in the skeleton."""

    feld: str  # "anschrift", "anrede", "wert" (a run holding a member value, on one line),
    # "absatz" (a block whose runs hold member values, set again per letter) or "tabelle" and
    # "tabellentext" (a table holding them: its borders and its text)
    nummer: int
    marke: str
    stelle: tuple = ()  # for "wert": the run's path (``gruppen.textstellen``)
    seite: int = 0
    box: object = None  # the laid-out TextBox of the marker
    eltern: object = None  # the box whose ``children`` hold ``box``
    vorfahren: tuple = ()  # ids of inline-level ancestors up to the block (width follows text)
    max_breite: float = 0.0  # available width at the line start
    grenze: float = 0.0  # widest text proven not to move anything (long marker)
    hoehe: float = 0.0  # raw line height and baseline of the slot's font (split_first_line)
    grundlinie: float = 0.0
    versatz_x: float = 0.0  # draw_text's offset_x
    ueberlauf: str = "clip"
    ellipse: str = "none"
    farb_op: bytes = b""  # the marker's colour operator in the content stream
    farbe: tuple = ()
    vorher: dict = dataclasses.field(default_factory=dict)  # font key -> glyphs drawn before
    breiten_vorher: dict = dataclasses.field(default_factory=dict)
    unicode_vorher: dict = dataclasses.field(default_factory=dict)
    stellen: tuple = ()  # for "absatz": the runs' paths, their markers and frames
    marken: tuple = ()
    rahmen: tuple = ()  # per run: (text before, text after, html.py's HTML with the marker)
    satz: object = None  # ``schnell_block.Absatzsatz`` or ``schnell_tabelle.Tabellensatz``

    @property
    def block(self) -> bool:
        """Whether the slot is a block set again per letter (paragraph, table), not one line."""
        return self.feld in BLOCKFELDER

    @property
    def name(self) -> str:
        """The slot's kind as the statistics name it."""
        return {"anschrift": "Anschrift", "anrede": "Anrede", "absatz": "Absatz", "tabelle": "Tabelle",
                "tabellentext": "Tabelle"}.get(self.feld, "Wert")

    def text(self, brief: Brief, werte: dict) -> str | tuple[str, ...]:
        """The slot's text in ``brief``; empty for an address line the letter does not have;
        for a paragraph its runs' texts."""
        if self.block:
            return tuple(werte[s] for s in self.stellen)
        if self.feld == "wert":
            return werte[self.stelle]
        if self.feld == "anrede":
            return brief.anrede
        return brief.anschrift[self.nummer] if self.nummer < len(brief.anschrift) else ""


def _plaetze_fuer(brief: Brief, stellen: frozenset = frozenset()) -> list[_Platz]:
    plaetze = [_Platz("anschrift", i, marke("anschrift", i)) for i in range(len(brief.anschrift))]
    plaetze.append(_Platz("anrede", 0, marke("anrede", 0)))
    for i, stelle in enumerate(sorted(stellen, key=repr)):
        if stelle[0] == "inhalt":  # one slot per paragraph, once the layout shows which
            plaetze.append(_Platz("absatz", i, wertmarke(i), stellen=(stelle,), marken=(wertmarke(i),)))
        else:
            plaetze.append(_Platz("wert", i, wertmarke(i), stelle))
    return plaetze


def _mit_texten(brief: Brief, plaetze: list[_Platz], texte: dict[str, str]) -> Brief:
    anschrift = tuple(texte[p.marke] for p in plaetze if p.feld == "anschrift")
    anrede = next(texte[p.marke] for p in plaetze if p.feld == "anrede")
    werte = {p.stelle: texte[p.marke] for p in plaetze if p.feld == "wert"}
    return mit_stellen(dataclasses.replace(brief, anschrift=anschrift, anrede=anrede), werte)


def _kinder(box) -> list:
    kinder = getattr(box, "children", None)
    return kinder if isinstance(kinder, (list, tuple)) else ()


def _finde(dok, texte: dict[str, _Platz]) -> dict[str, tuple]:
    """Locate each marker's TextBox: (page, box, parent, inline ancestors, block, line)."""
    gefunden: dict[str, tuple] = {}

    def gehe(box, seite, pfad):
        for kind in _kinder(box):
            if isinstance(kind, boxes.TextBox) and kind.text in texte:
                if kind.text in gefunden:
                    raise NichtSchnell("Marke mehrfach")
                block = next((b for b in reversed(pfad + [box]) if isinstance(b, boxes.BlockContainerBox)),
                             None)
                inline = tuple(id(b) for b in pfad + [box]
                               if isinstance(b, (boxes.LineBox, boxes.InlineBox)))
                linie = next((b for b in reversed(pfad + [box]) if isinstance(b, boxes.LineBox)),
                             None)
                gefunden[kind.text] = (seite, kind, box, inline, block, linie)
            gehe(kind, seite, pfad + [box])

    for nummer, seite in enumerate(dok.pages):
        gehe(seite._page_box, nummer, [])
    if set(gefunden) != set(texte):
        raise NichtSchnell("Marke nicht gefunden (Platz nicht als eine Zeile gesetzt)")
    return gefunden


def _am_zeilenende(linie, box) -> bool:
    """Whether ``box`` is the last thing on ``linie``, inside undecorated inline boxes only
    (a wider text then moves nothing on its line)."""
    knoten = linie
    while knoten is not None and knoten is not box:
        kinder = knoten.children if isinstance(getattr(knoten, "children", None), list) else ()
        letztes = kinder[-1] if kinder else None
        if isinstance(letztes, boxes.InlineBox) and (
                letztes.background is not None or letztes.padding_right or letztes.margin_right
                or any(getattr(letztes, f"border_{seite}_width") for seite in (
                    "top", "right", "bottom", "left"))):
            return False
        if letztes is not box and not isinstance(letztes, boxes.InlineBox):
            return False
        knoten = letztes
    return knoten is box


def _geometrie(dok, ausnahmen: set[int], textlos: set[int]) -> list:
    """Every box's type, position and size in tree order; what the slots may not change."""
    ergebnis = []

    def gehe(box):
        zeile = (type(box).__name__, getattr(box, "element_tag", None),
                 getattr(box, "position_x", None), getattr(box, "position_y", None),
                 None if id(box) in ausnahmen else getattr(box, "width", None),
                 getattr(box, "height", None),
                 None if id(box) in textlos else getattr(box, "text", None))
        ergebnis.append(zeile)
        for kind in _kinder(box):
            gehe(kind)

    for seite in dok.pages:
        ergebnis.append(("Seite", seite.width, seite.height))
        gehe(seite._page_box)
    return ergebnis


def _zeile(text: str, stil, max_breite: float | None):
    """WeasyPrint's own line split: (layout, length, resume, width, height, baseline)."""
    return split_first_line(text, stil, _KONTEXT, max_breite, 0, is_line_start=True)


def _lange_marke(platz: _Platz) -> str:
    """The marker filled up to the slot's available width; far beyond it where lines do not
    wrap (``nowrap``: an overlong address line is clipped, and the clip stays in the skeleton)."""
    stil = platz.box.style
    umbruch = stil["white_space"] in ("normal", "pre-wrap", "pre-line")
    grenze = platz.max_breite - 0.5 if umbruch else 4 * platz.max_breite
    text = platz.marke
    for fueller in ("W", "i"):
        breite = _zeile(fueller, stil, None)[3]
        basis = _zeile(text, stil, None)[3]
        anzahl = max(0, int((grenze - basis) / breite) - 1) if breite else 0
        text += fueller * anzahl
        while _zeile(text + fueller, stil, None)[3] <= grenze:
            text += fueller
    if len(text) >= LANGER_LAUF:  # below the unbreakable-run rule of the HTML: a space every few letters
        schritt = LANGER_LAUF // 2
        text = " ".join(text[i:i + schritt] for i in range(0, len(text), schritt))
        while len(text) > len(platz.marke) and _zeile(text, stil, None)[3] > grenze:
            text = text[:-1].rstrip()
    return text


def zeilen_entbehrlich(dok, bloecke: dict[int, int]) -> bool:
    """Whether the address lines' blocks (id -> line number) can lose any number of last lines
    without moving another box: they are the last in-flow blocks, in order, of a block in normal
    flow whose height is fixed (so it neither grows nor shrinks with them, and nothing after it
    moves), and they carry no link, anchor or bookmark."""
    gefunden: list = []

    def gehe(box):
        kinder = _kinder(box)
        if any(id(k) in bloecke for k in kinder):
            gefunden.append(box)
        for kind in kinder:
            gehe(kind)

    for seite in dok.pages:
        gehe(seite._page_box)
    if len(gefunden) != 1:
        return False
    eltern = gefunden[0]
    kinder = list(eltern.children)
    ende = [id(k) for k in kinder[len(kinder) - len(bloecke):]]
    if sorted(bloecke, key=bloecke.get) != ende:
        return False
    stil = eltern.style
    hoehe = stil["height"]
    if (stil["display"] != ("block", "flow") or hoehe == "auto" or getattr(hoehe, "unit", "%") == "%"
            or eltern.is_flex_item or getattr(eltern, "is_grid_item", False)
            or stil["column_width"] != "auto" or stil["column_count"] != "auto"):
        return False
    for block in kinder[len(kinder) - len(bloecke):]:
        for box in block.descendants():
            if (box.style["float"] != "none" or box.style["position"] != "static"
                    or getattr(box, "link", None) or box.style["anchor"] or box.bookmark_label):
                return False
    return True
