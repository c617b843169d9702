"""Fast path, table slots: a table whose cells hold member values, laid out again per letter by
WeasyPrint's own table layout.

While the skeleton is laid out, every ``block_level_layout`` call for a table wrapper is recorded
(``TabellenAufruf``): its arguments and the un-laid-out wrapper. A letter's table is the same
call on a copy of that wrapper with the letter's middles in its text boxes, so column widths,
line breaks and borders are WeasyPrint's own. It stands in for the skeleton's table only when
the wrapper keeps its place, its height and the margins it passes on: then no box outside it
moves. A cell whose texts were seen before keeps its content widths, and with the same sizes
and place its layout (WeasyPrint's results for the same input, kept per table). A table is
painted at two places of the page: its backgrounds and borders with the blocks, its text with
the lines; each is one slot (``ZEICHNUNG``, ``TEXT``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re

from weasyprint import draw as weasy_draw
from weasyprint import stacking
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block as block_layout
from weasyprint.layout import preferred
from weasyprint.layout.background import layout_box_backgrounds

from briefe.satz.gruppen import AndereZeilenzahl, NichtSchnell

_ORIGINAL = block_layout.block_level_layout
_DRAW_TABLE = weasy_draw.draw_table
_DRAW_BLOCK_LEVEL = weasy_draw.draw_block_level
_ZELLENBREITE = preferred.table_cell_min_max_content_width
_ZELLENSATZ = block_layout.block_container_layout
# What a cell's layout depends on besides its content and style.
_ZELLENMASSE = ("position_x", "position_y", "width", "height", "computed_height", "margin_top",
                "margin_right", "margin_bottom", "margin_left", "padding_top", "padding_right",
                "padding_bottom", "padding_left", "border_top_width", "border_right_width",
                "border_bottom_width", "border_left_width")
ZEICHNUNG, TEXT = "tabelle", "tabellentext"  # the two slots of a table
ZELLEN_JE_TABELLE = 512  # cells' widths and layouts kept per table
# Boxes a table slot may hold: the table's own, and text in (bold, italic) inline boxes.
_ERLAUBT = (boxes.BlockBox, boxes.TableBox, boxes.TableRowGroupBox, boxes.TableRowBox,
            boxes.TableCellBox, boxes.TableColumnGroupBox, boxes.TableColumnBox, boxes.LineBox,
            boxes.InlineBox, boxes.TextBox)
# WeasyPrint's stream state that decides which colour and font operators it writes.
_ZUSTAND = ("_current_color", "_current_color_stroke", "_current_alpha", "_current_alpha_stroke",
            "_current_font", "_current_font_size", "_old_font", "_old_font_size")


@dataclasses.dataclass(eq=False)
class TabellenAufruf:
    """One recorded ``block_level_layout`` call of a table wrapper and what it gave."""

    context: object
    wrapper: object  # the un-laid-out wrapper (a copy)
    lage: tuple  # its position_x, position_y at the call
    argumente: tuple  # bottom_space, containing_block (a copy), page_is_empty
    margins: list  # adjoining margins at the call
    stile: tuple  # first_letter_style, first_line_style, discard, max_lines
    seite: tuple  # context.current_page and page_bottom at the call
    ausgeschlossen: list  # the context's float shapes at the call
    skip_stack: object = None
    ergebnis: object = None  # the laid-out wrapper
    rest: tuple = ()  # resume_at, next_page, adjoining margins, collapsing_through, max_lines
    kinder_lage: list = dataclasses.field(default_factory=list)  # its boxes' places as laid out


def aufzeichnen_in(tabellen: list):
    """A ``block_level_layout`` that records table wrapper calls into ``tabellen``."""

    def aufzeichnend(context, box, bottom_space, skip_stack, containing_block, page_is_empty=True,
                     absolute_boxes=None, fixed_boxes=None, adjoining_margins=None,
                     first_letter_style=None, first_line_style=None, discard=False, max_lines=None):
        if not getattr(box, "is_table_wrapper", False):
            return _ORIGINAL(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                             absolute_boxes, fixed_boxes, adjoining_margins, first_letter_style,
                             first_line_style, discard, max_lines)
        aufruf = TabellenAufruf(
            context, box.deepcopy(), (box.position_x, box.position_y),
            (bottom_space, containing_block.copy(), page_is_empty), list(adjoining_margins or ()),
            (first_letter_style, first_line_style, discard, max_lines),
            (context.current_page, context.page_bottom),
            list(context.excluded_shapes), skip_stack)
        ergebnis = _ORIGINAL(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                             absolute_boxes, fixed_boxes, adjoining_margins, first_letter_style,
                             first_line_style, discard, max_lines)
        neu, *rest = ergebnis
        aufruf.ergebnis, aufruf.rest = neu, _kopie(rest)
        if neu is not None:
            aufruf.kinder_lage = [(b.position_x, b.position_y) for b in neu.descendants()]
        tabellen.append(aufruf)
        return ergebnis

    return aufzeichnend


def _kopie(rest: list) -> tuple:
    return tuple(list(t) if isinstance(t, list) else dict(t) if isinstance(t, dict) else t for t in rest)


def _texte(box) -> list[str]:
    return [b.text for b in box.descendants() if isinstance(b, boxes.TextBox)]


def wrapper_in(dok, aufrufe: list[TabellenAufruf]) -> list[tuple]:
    """Every laid-out table wrapper of ``dok`` with its recorded call: ``(page, box, call)``."""
    nach_box = {id(a.ergebnis): a for a in aufrufe if a.ergebnis is not None}
    gefunden = []

    def gehe(box, seite):
        for kind in getattr(box, "children", None) or ():
            if not isinstance(kind, boxes.Box):
                continue
            if id(kind) in nach_box:
                gefunden.append((seite, kind, nach_box[id(kind)]))
            else:
                gehe(kind, seite)

    for nummer, seite in enumerate(dok.pages):
        gehe(seite._page_box, nummer)
    return gefunden


@dataclasses.dataclass
class Tabellensatz:
    """What a table slot needs per letter: the recorded call, its text boxes holding markers
    (index among the wrapper's text boxes -> text) and how far the table moved after the call."""

    aufruf: TabellenAufruf
    marken: tuple[str, ...]
    mit_marken: dict[int, str]
    verschiebung: tuple[float, float]
    # a cell (index among the wrapper's boxes) with its texts -> its min/max-content width, and
    # with its texts, sizes and place -> laid out: WeasyPrint's results, computed once
    breiten: dict = dataclasses.field(default_factory=dict)
    gesetzte_zellen: dict = dataclasses.field(default_factory=dict)


def tabellen(dok, aufrufe, marken_tabellen: list[tuple], mitten: dict[str, str]) -> list[tuple]:
    """The skeleton's tables holding value runs: ``(page, wrapper, Tabellensatz)``.
    ``marken_tabellen``: each table as the layout with markers as middles shows it (texts,
    wrapper); ``mitten``: marker -> the skeleton's middle. Matched to the skeleton's wrapper whose
    text boxes hold those texts with the skeleton's middles."""
    muster = re.compile("|".join(re.escape(m) for m in mitten))
    skelett: dict[tuple, list] = {}
    for seite, box, aufruf in wrapper_in(dok, aufrufe):
        skelett.setdefault(tuple(_texte(aufruf.wrapper)), []).append((seite, box, aufruf))
    ergebnis = []
    for texte_m, wrapper_m in marken_tabellen:
        if not any(muster.search(t) for t in texte_m):
            continue
        erwartet = tuple(muster.sub(lambda t: mitten[t.group(0)], t) for t in texte_m)
        treffer = skelett.get(erwartet, [])
        if len(treffer) != 1:
            raise NichtSchnell("Tabelle nicht eindeutig gefunden")
        seite, box, aufruf = treffer[0]
        if [type(b) for b in aufruf.wrapper.descendants()] != [
                type(b) for b in wrapper_m.descendants()]:
            raise NichtSchnell("Tabelle anders aufgebaut")
        marken = tuple(m for m in mitten if any(m in t for t in texte_m))
        mit_marken = {i: t for i, t in enumerate(texte_m) if muster.search(t)}
        ergebnis.append((seite, box, Tabellensatz(aufruf, marken, mit_marken, _pruefe(box, aufruf))))
    return ergebnis


def _pruefe(box, aufruf: TabellenAufruf) -> tuple[float, float]:
    """Whether a laid-out table may be a slot; how far it moved after the call."""
    if aufruf.skip_stack is not None or aufruf.rest[0] is not None:
        raise NichtSchnell("Tabelle über Seitenwechsel")
    _pruefe_boxen(box)
    verschiebungen = {(b.position_x - x, b.position_y - y)
                      for b, (x, y) in zip(box.descendants(), aufruf.kinder_lage, strict=True)}
    if len(verschiebungen) != 1:
        raise NichtSchnell("Tabelle ungleich verschoben")
    return verschiebungen.pop()


def _pruefe_boxen(wrapper) -> None:
    """Only table, line and text boxes, nothing positioned, floated, linked or drawn from an
    image; the wrapper itself draws nothing (its width follows the table)."""
    if wrapper.style["background_color"].alpha or wrapper.style["background_image"][0][0] != "none" or any(
            getattr(wrapper, f"border_{s}_width") for s in ("top", "right", "bottom", "left")):
        raise NichtSchnell("Tabelle mit Rahmen um die Tabelle")
    for box in wrapper.descendants(placeholders=True):
        if not isinstance(box, _ERLAUBT) or (isinstance(box, boxes.BlockBox) and box is not wrapper):
            raise NichtSchnell("Tabelle mit eingebetteten Boxen")
        stil = box.style
        if (stil["float"] != "none" or stil["position"] != "static" or stil["transform"]
                or stil["opacity"] < 1 or stil["overflow"] != "visible"
                or stil["text_transform"] != "none" or stil["background_image"][0][0] != "none"
                or stil["mask_border_source"][0] != "none"):
            raise NichtSchnell("Tabelle mit verschobener oder besonderer Box")
        if getattr(box, "link", None) or stil["anchor"] or box.bookmark_label:
            raise NichtSchnell("Tabelle mit Verweis oder Anker")


def setze_tabelle(satz: Tabellensatz, werte: dict[str, str], seite, zaehlen: bool = False):
    """The table laid out with the markers' middles ``werte`` (marker -> text) by WeasyPrint as in
    the skeleton, backgrounds too (on the page box ``seite``); ``NichtSchnell`` unless it keeps the
    skeleton table's place, height and margins (``zaehlen``: only its height, unchecked)."""
    aufruf = satz.aufruf
    muster = re.compile("|".join(re.escape(m) for m in satz.marken))
    wrapper = aufruf.wrapper.deepcopy()
    wrapper.position_x, wrapper.position_y = aufruf.lage
    textboxen = [b for b in wrapper.descendants() if isinstance(b, boxes.TextBox)]
    for index, text in satz.mit_marken.items():
        textboxen[index].text = muster.sub(lambda t: werte[t.group(0)], text)
    context = aufruf.context
    zellen = {id(b): (i, tuple(_texte(b))) for i, b in enumerate(wrapper.descendants())
              if isinstance(b, boxes.TableCellBox)}

    def zellenbreite(context, zelle, outer=True):
        """A cell's min/max-content width follows from its texts: computed once for them."""
        schluessel = zellen.get(id(zelle)) if outer else None
        if schluessel is None:
            return _ZELLENBREITE(context, zelle, outer)
        breite = satz.breiten.get(schluessel)
        if breite is None:
            if len(satz.breiten) >= ZELLEN_JE_TABELLE:
                satz.breiten.clear()
            breite = satz.breiten[schluessel] = _ZELLENBREITE(context, zelle, outer)
        return breite

    def zellensatz(context, box, bottom_space, skip_stack, page_is_empty, absolute_boxes,
                   fixed_boxes, adjoining_margins, *args, **kwargs):
        """A cell with the texts, sizes and place it had before: laid out as then."""
        index = zellen.get(id(box))
        if index is None or skip_stack is not None or adjoining_margins:
            return _ZELLENSATZ(context, box, bottom_space, skip_stack, page_is_empty, absolute_boxes,
                               fixed_boxes, adjoining_margins, *args, **kwargs)
        schluessel = (index, bottom_space, page_is_empty, id(box.style), args, tuple(kwargs.items()),
                      *(getattr(box, name) for name in _ZELLENMASSE))
        gesetzt = satz.gesetzte_zellen.get(schluessel)
        if gesetzt is None:
            zahl = len(absolute_boxes), len(fixed_boxes)
            ergebnis = _ZELLENSATZ(context, box, bottom_space, skip_stack, page_is_empty,
                                   absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
            if ergebnis[0] is None or (len(absolute_boxes), len(fixed_boxes)) != zahl:
                return ergebnis
            if len(satz.gesetzte_zellen) >= ZELLEN_JE_TABELLE:
                satz.gesetzte_zellen.clear()
            gesetzt = satz.gesetzte_zellen[schluessel] = (ergebnis[0].deepcopy(), _kopie(ergebnis[1:]))
            return ergebnis
        return (gesetzt[0].deepcopy(), *_kopie(gesetzt[1]))

    bottom_space, containing_block, page_is_empty = aufruf.argumente
    erste_buchstaben, erste_zeile, discard, max_lines = aufruf.stile
    tabellen_vorher, seite_vorher = set(context.tables), (context.current_page, context.page_bottom)
    context.current_page, context.page_bottom = aufruf.seite
    context.create_block_formatting_context(object(), list(aufruf.ausgeschlossen))
    preferred.table_cell_min_max_content_width = zellenbreite
    block_layout.block_container_layout = zellensatz
    try:
        neu, *rest = _ORIGINAL(context, wrapper, bottom_space, None, containing_block, page_is_empty,
                               [], [], list(aufruf.margins), erste_buchstaben, erste_zeile, discard,
                               max_lines)
    finally:
        preferred.table_cell_min_max_content_width = _ZELLENBREITE
        block_layout.block_container_layout = _ZELLENSATZ
        context._excluded_shapes.pop(context._excluded_shapes_root_boxes.pop())
        context.current_page, context.page_bottom = seite_vorher
        for tabelle in set(context.tables) - tabellen_vorher:
            del context.tables[tabelle]  # cached per table box: a letter's are not needed again
    alt = aufruf.ergebnis
    if zaehlen:
        return neu.margin_height() if neu is not None else None
    if neu is None or _kopie(rest) != aufruf.rest:
        raise NichtSchnell("Tabelle: anderer Umbruch")
    if (neu.position_x, neu.position_y) != (alt.position_x - satz.verschiebung[0],
                                            alt.position_y - satz.verschiebung[1]):
        raise NichtSchnell("Tabelle: andere Lage")
    if neu.margin_height() != alt.margin_height():
        raise AndereZeilenzahl("Tabelle: andere Höhe")
    if not all(isinstance(b, _ERLAUBT) for b in neu.descendants(placeholders=True)):
        raise NichtSchnell("Tabelle mit eingebetteten Boxen")  # the styles are the skeleton's
    neu.translate(*satz.verschiebung)
    layout_box_backgrounds(seite, neu, context.get_image_from_uri)
    return _Gemalt(neu)


class _Gemalt:
    """A laid-out table as the page's stacking context paints it: its blocks' backgrounds and
    borders (``zeichnung``), then its lines (``zeilen``, each drawn by ``draw_inline_level``)."""

    def __init__(self, wrapper) -> None:
        unterkontexte, bloecke, schwebend, zellen = [], [], [], {}
        stacking._dispatch(wrapper, None, unterkontexte, bloecke, schwebend, zellen)
        if unterkontexte or schwebend or [type(b) for b in bloecke] != [type(wrapper), boxes.TableBox]:
            raise NichtSchnell("Tabelle mit eigenem Stapelkontext")
        self.tabelle = bloecke[1]
        self.zeilen: list = []
        _zeilen(zellen, self.zeilen)

    def zeichnung(self, strom) -> None:
        weasy_draw.set_mask_border(strom, self.tabelle)
        _DRAW_TABLE(strom, self.tabelle)


def _zeilen(bloecke_und_zellen: dict, ergebnis: list) -> None:
    """The lines ``draw_block_level`` draws, in its order."""
    for block, darin in bloecke_und_zellen.items():
        if block.children and isinstance(block.children[-1], boxes.LineBox):
            if not all(isinstance(kind, boxes.LineBox) for kind in block.children):
                raise NichtSchnell("Tabelle mit eingebetteten Boxen")
            ergebnis.extend(block.children)
        _zeilen(darin, ergebnis)


def markiere(feld: str, wrapper, farbe: tuple) -> None:
    """Mark a skeleton table's borders (``ZEICHNUNG``) or text (``TEXT``): painted as a slot
    marker of colour ``farbe`` inside ``markiert_malen``."""
    if feld == ZEICHNUNG:
        next(b for b in wrapper.children if isinstance(b, boxes.TableBox)).briefe_marke = farbe
    else:
        wrapper.briefe_marke = farbe


def _marke(strom, farbe) -> None:
    """The marker: an empty text object in ``farbe``. The next fill colour is written again, so
    no text object that follows is joined to it."""
    strom.set_color_rgb(*farbe)
    strom.begin_text()
    strom.end_text()
    strom._current_color = None


def _tabelle_markiert(strom, tabelle) -> None:
    """A marked table's borders: the marker; the real drawing only leaves its graphics states
    in the page's resources (a letter's table needs them), not its operators."""
    farbe = getattr(tabelle, "briefe_marke", None)
    if farbe is None:
        return _DRAW_TABLE(strom, tabelle)
    zustand = {name: getattr(strom, name) for name in _ZUSTAND}
    anzahl = len(strom.stream)
    _DRAW_TABLE(strom, tabelle)
    del strom.stream[anzahl:]
    for name, wert in zustand.items():
        setattr(strom, name, wert)
    _marke(strom, farbe)
    return None


def _bloecke_markiert(page, strom, blocks_and_cells) -> None:
    for block, darin in blocks_and_cells.items():
        farbe = getattr(block, "briefe_marke", None)
        if farbe is not None and not isinstance(block, boxes.TableBox):
            _marke(strom, farbe)
        else:
            _DRAW_BLOCK_LEVEL(page, strom, {block: darin})


@contextlib.contextmanager
def markiert_malen():
    """Paint marked tables as their slot markers (``markiere``) while inside."""
    weasy_draw.draw_table, weasy_draw.draw_block_level = _tabelle_markiert, _bloecke_markiert
    try:
        yield
    finally:
        weasy_draw.draw_table, weasy_draw.draw_block_level = _DRAW_TABLE, _DRAW_BLOCK_LEVEL
