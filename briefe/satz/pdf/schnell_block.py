"""Fast path, paragraph slots: a paragraph, list item or other block whose text runs hold
member values, set again per letter by WeasyPrint's own line breaker.

While the skeleton is laid out, every call of WeasyPrint's ``iter_line_boxes`` for a line box
holding a value marker is recorded: its arguments (the layout context, the block's
un-laid-out line box, its position, the containing block) and the lines it gave. A letter's
paragraph is then the same call on a copy of that line box with the markers replaced by the
letter's texts. Its lines stand in for the skeleton's only when every line has the height,
vertical position and baseline of the skeleton's line: the block keeps its height, so no
box outside it moves (same page breaks, widows and orphans). Else the letter falls back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re

from weasyprint.formatting_structure import boxes
from weasyprint.layout import block as block_layout

from briefe.satz.gruppen import NichtSchnell
from briefe.satz.pdf.html import _LANGER_LAUF

_ORIGINAL = block_layout.iter_line_boxes
# Boxes a paragraph slot may hold: text in (bold, italic) inline boxes, nothing laid out apart.
_ERLAUBT = (boxes.LineBox, boxes.InlineBox, boxes.TextBox)
# Ancestors whose size follows their content (tables, floats, flex, inline blocks): a paragraph
# there may move more than its own lines.
_UNERLAUBT_OBEN = (boxes.TableCellBox, boxes.TableBox, boxes.FlexContainerBox,
                   boxes.InlineBlockBox, boxes.GridContainerBox)


@dataclasses.dataclass
class Aufruf:
    """One recorded ``iter_line_boxes`` call and the lines it gave."""

    context: object
    zeilenbox: object  # the un-laid-out line box (a copy)
    position_y: float
    bottom_space: float
    skip_stack: object
    containing_block: object  # a shallow copy, as it was at the call
    first_letter_style: object
    first_line_style: object
    ausgeschlossen: list  # the context's float shapes at the call
    zeilen: list = dataclasses.field(default_factory=list)  # (line, resume_at)
    lage: list = dataclasses.field(default_factory=list)  # per line: (y, height, baseline)
    lage_x: list = dataclasses.field(default_factory=list)  # per line: x as given


def _texte(box) -> list[str]:
    return [b.text for b in box.descendants() if isinstance(b, boxes.TextBox)]


@contextlib.contextmanager
def aufzeichnen(marken: tuple[str, ...]):
    """Record the ``iter_line_boxes`` calls whose line box holds one of ``marken``."""
    aufrufe: list[Aufruf] = []

    def aufzeichnend(context, box, position_y, bottom_space, skip_stack, containing_block,
                     absolute_boxes, fixed_boxes, first_letter_style, first_line_style):
        zeilen = _ORIGINAL(context, box, position_y, bottom_space, skip_stack, containing_block,
                           absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
        if not any(m in t for t in _texte(box) for m in marken):
            yield from zeilen
            return
        aufruf = Aufruf(context, box.deepcopy(), position_y, bottom_space, skip_stack,
                        containing_block.copy(), first_letter_style, first_line_style,
                        list(context.excluded_shapes))
        aufrufe.append(aufruf)
        for zeile, weiter in zeilen:
            aufruf.zeilen.append((zeile, weiter))
            aufruf.lage.append((zeile.position_y, zeile.height, zeile.baseline))
            aufruf.lage_x.append(zeile.position_x)
            yield zeile, weiter

    block_layout.iter_line_boxes = aufzeichnend
    try:
        yield aufrufe
    finally:
        block_layout.iter_line_boxes = _ORIGINAL


@dataclasses.dataclass
class Absatzsatz:
    """What a paragraph slot needs per letter: the recorded call, where its lines went."""

    aufruf: Aufruf
    marken: tuple[str, ...]
    verschiebung: tuple[float, float]  # how far the block's lines moved after the call


def finde_absaetze(dok, aufrufe: list[Aufruf], marken: tuple[str, ...]) -> dict:
    """The laid-out blocks holding markers: ``{id of the block: (page, block, Absatzsatz)}``;
    ``NichtSchnell`` where a paragraph is not one recorded call on one page."""
    nach_zeile = {id(z): a for a in aufrufe for z, _ in a.zeilen}
    gefunden: dict = {}
    gesehen: set[str] = set()

    def gehe(box, seite, oben: tuple):
        kinder = getattr(box, "children", None)
        if not isinstance(kinder, list):
            return
        zeilen = [k for k in kinder if isinstance(k, boxes.LineBox)]
        if zeilen and any(m in t for z in zeilen for t in _texte(z) for m in marken):
            gefunden[id(box)] = (seite, box, _satz(box, zeilen, oben, nach_zeile, marken, gesehen))
        for kind in kinder:
            gehe(kind, seite, (*oben, box))

    for nummer, seite in enumerate(dok.pages):
        gehe(seite._page_box, nummer, ())
    if gesehen != set(marken):
        raise NichtSchnell("Wert nicht in einem Absatz gefunden")
    return gefunden


def _satz(block, zeilen: list, oben: tuple, nach_zeile: dict, marken, gesehen: set) -> Absatzsatz:
    if len(zeilen) != len(block.children):
        raise NichtSchnell("Absatz mit Blöcken neben den Zeilen")
    if any(isinstance(b, _UNERLAUBT_OBEN) or b.style["float"] != "none"
           or b.style["position"] not in ("static",) for b in (*oben[1:], block)):
        raise NichtSchnell("Wert in Tabelle oder umflossenem Block")
    aufruf = nach_zeile.get(id(zeilen[0]))
    if aufruf is None or [id(z) for z, _ in aufruf.zeilen] != [id(z) for z in zeilen]:
        raise NichtSchnell("Absatz nicht in einem Zug gesetzt")
    if aufruf.skip_stack is not None or aufruf.zeilen[-1][1] is not None:
        raise NichtSchnell("Absatz über Seitenwechsel")
    for zeile in zeilen:
        if zeile.text_overflow != "clip" or zeile.block_ellipsis != "none":
            raise NichtSchnell("Auslassungspunkte")
        for box in zeile.descendants(placeholders=True):
            if not isinstance(box, _ERLAUBT):
                raise NichtSchnell("Absatz mit eingebetteten Boxen")
            if box.style["text_transform"] != "none":
                raise NichtSchnell("Absatz mit Textumwandlung")
    verschiebungen = {(z.position_x - x, z.position_y - lage[0])
                      for z, x, lage in zip(zeilen, aufruf.lage_x, aufruf.lage, strict=True)}
    if len(verschiebungen) != 1:
        raise NichtSchnell("Absatzzeilen ungleich verschoben")
    eigene = tuple(m for m in marken if any(m in t for t in _texte(aufruf.zeilenbox)))
    if gesehen & set(eigene):
        raise NichtSchnell("Marke mehrfach")
    gesehen.update(eigene)
    return Absatzsatz(aufruf, eigene, verschiebungen.pop())


def pruefe_wert(text: str) -> None:
    """A value html.py writes as plain text (no unbreakable-run span, no line break)."""
    if _LANGER_LAUF.search(text):
        raise NichtSchnell("Absatz: langes Wort")


def setze(satz: Absatzsatz, werte: dict[str, str]) -> list:
    """The block's lines with the markers replaced by ``werte`` (marker -> text), laid out by
    WeasyPrint as in the skeleton; ``NichtSchnell`` unless every line keeps its place."""
    aufruf = satz.aufruf
    muster = re.compile("|".join(re.escape(m) for m in satz.marken))
    zeilenbox = aufruf.zeilenbox.deepcopy()
    for box in zeilenbox.descendants():
        if isinstance(box, boxes.TextBox) and muster.search(box.text):
            box.text = muster.sub(lambda t: werte[t.group(0)], box.text)
    context = aufruf.context
    vorher = context.excluded_shapes
    context.excluded_shapes = list(aufruf.ausgeschlossen)
    try:
        zeilen = [z for z, _ in _ORIGINAL(
            context, zeilenbox, aufruf.position_y, aufruf.bottom_space, None,
            aufruf.containing_block, [], [], aufruf.first_letter_style, aufruf.first_line_style)]
    finally:
        context.excluded_shapes = vorher
    if len(zeilen) != len(aufruf.lage):
        raise NichtSchnell("Absatz: andere Zeilenzahl")
    for zeile, lage in zip(zeilen, aufruf.lage, strict=True):
        if (zeile.position_y, zeile.height, zeile.baseline) != lage:
            raise NichtSchnell("Absatz: andere Zeilenhöhe")
        if zeile.text_overflow != "clip" or zeile.block_ellipsis != "none" or any(
                not isinstance(b, _ERLAUBT) for b in zeile.descendants(placeholders=True)):
            raise NichtSchnell("Absatz mit eingebetteten Boxen")
        zeile.translate(*satz.verschiebung)
    return zeilen
