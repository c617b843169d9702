"""Fast path, paragraph slots: a paragraph, list item or other block whose text runs hold
member values, set again per letter by WeasyPrint's own line breaker.

A value run is a fixed frame (text before and after, learned per group: ``rahme``) around a
middle that differs per letter. While the skeleton (with the group's first letter's texts) is
laid out, every call of WeasyPrint's ``iter_line_boxes`` is recorded: its arguments (the layout
context, the block's un-laid-out line box, its position, the containing block) and the lines it
gave. Which text boxes hold the middles shows the skeleton itself where each middle is found
once (``_wie_mit_marken``), else a layout with a marker as each middle. A letter's
paragraph is then the same call on a copy of that line box with the letter's middles. Its lines
stand in for the skeleton's only when every line has the height, vertical position and baseline
of the skeleton's line: the block keeps its height, so no box outside it moves (same page
breaks, widows and orphans). Else the letter falls back.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import re
from collections import OrderedDict
from collections.abc import Iterator
from html import escape, unescape

from weasyprint.formatting_structure import boxes
from weasyprint.layout import block as block_layout
from weasyprint.layout import inline as inline_layout
from weasyprint.layout.background import layout_box_backgrounds

from briefe.modell import Brief
from briefe.satz.gruppen import AndereZeilenzahl, NichtSchnell, NurDieserBrief, mit_stellen, textstellen
from briefe.satz.pdf import weasy as pdf_modul
from briefe.satz.pdf.html import _LANGER_LAUF, _umbrechbar, brief_html
from briefe.satz.pdf.schnell_platz import _Platz
from briefe.satz.pdf.schnell_tabelle import TEXT, ZEICHNUNG, aufzeichnen_in, tabellen, wrapper_in

_ORIGINAL = block_layout.iter_line_boxes
_ORIGINAL_BLOCK = block_layout.block_level_layout
ERSTE_ZEILEN_JE_PLATZ = 512  # first lines of text boxes remembered per paragraph slot
# Boxes a paragraph slot may hold: text in (bold, italic) inline boxes, nothing laid out apart.
_ERLAUBT = (boxes.LineBox, boxes.InlineBox, boxes.TextBox)
# Ancestors whose size follows their content (tables, floats, flex, inline blocks): a paragraph
# there may move more than its own lines.
_UNERLAUBT_OBEN = (boxes.TableCellBox, boxes.TableBox, boxes.FlexContainerBox,
                   boxes.InlineBlockBox, boxes.GridContainerBox)


@dataclasses.dataclass(eq=False)
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
    kinder_lage: list = dataclasses.field(default_factory=list)  # per line: its boxes' places


class Aufrufe(list):
    """The recorded ``iter_line_boxes`` calls, and in ``tabellen`` the table wrappers' layouts."""

    tabellen: list


def _texte(box) -> list[str]:
    return [b.text for b in box.descendants() if isinstance(b, boxes.TextBox)]


@contextlib.contextmanager
def aufzeichnen():
    """Record every ``iter_line_boxes`` call (and table layout) of the layouts made inside."""
    aufrufe = Aufrufe()
    aufrufe.tabellen = []

    def aufzeichnend(context, box, position_y, bottom_space, skip_stack, containing_block,
                     absolute_boxes, fixed_boxes, first_letter_style, first_line_style):
        aufruf = Aufruf(context, box.deepcopy(), position_y, bottom_space, skip_stack,
                        containing_block.copy(), first_letter_style, first_line_style,
                        list(context.excluded_shapes))
        aufrufe.append(aufruf)
        for zeile, weiter in _ORIGINAL(context, box, position_y, bottom_space, skip_stack,
                                       containing_block, absolute_boxes, fixed_boxes,
                                       first_letter_style, first_line_style):
            aufruf.zeilen.append((zeile, weiter))
            aufruf.lage.append((zeile.position_y, zeile.height, zeile.baseline))
            aufruf.lage_x.append(zeile.position_x)
            aufruf.kinder_lage.append([(b.position_x, b.position_y) for b in zeile.descendants()])
            yield zeile, weiter

    block_layout.iter_line_boxes = aufzeichnend
    block_layout.block_level_layout = aufzeichnen_in(aufrufe.tabellen)
    try:
        yield aufrufe
    finally:
        block_layout.iter_line_boxes = _ORIGINAL
        block_layout.block_level_layout = _ORIGINAL_BLOCK


def _wortgrenze_vorn(text: str) -> str:
    """The shortest start of ``text`` ending at a space that holds all its long runs."""
    laeufe = list(_LANGER_LAUF.finditer(text))
    if not laeufe:
        return ""
    stelle = text.find(" ", laeufe[-1].end())
    return text[:stelle + 1] if stelle >= 0 else ""


def _wortgrenze_hinten(text: str) -> str:
    """The shortest end of ``text`` starting at a space that holds all its long runs."""
    lauf = _LANGER_LAUF.search(text)
    if not lauf:
        return ""
    stelle = text.rfind(" ", 0, lauf.start())
    return text[stelle:] if stelle >= 0 else ""


def rahme(rahmen: tuple[str, str], text: str) -> tuple[str, str]:
    """The frame (text before, text after, each ending or starting at a space) common to
    ``rahmen`` and ``text``: no more than it takes to hold the runs that html.py sets apart
    (``_umbrechbar``), so the middle, and with it the group, rarely changes."""
    vorn, hinten = rahmen
    n = 0
    while n < min(len(vorn), len(text)) and vorn[n] == text[n]:
        n += 1
    vorn = _wortgrenze_vorn(vorn[:n]) or (" " if n and text[0] == " " else "")  # a run's space
    m = 0
    while m < min(len(hinten), len(text) - len(vorn)) and hinten[-1 - m] == text[-1 - m]:
        m += 1
    hinten = _wortgrenze_hinten(hinten[len(hinten) - m:] if m else "")
    return vorn, hinten or (" " if m and text[-1] == " " else "")


def mitte(rahmen: tuple[str, str], text: str, vorlage: str, marke: str) -> str:
    """The middle of ``text`` inside ``rahmen``, if html.py writes ``text`` as ``vorlage`` (its
    HTML with ``marke`` as middle) with the middle in place of the marker."""
    vorn, hinten = rahmen
    if len(text) <= len(vorn) + len(hinten) or not text.startswith(vorn) or not text.endswith(hinten):
        raise NichtSchnell("Absatz: fester Text anders")
    wert = text[len(vorn):len(text) - len(hinten)]
    if wert != wert.strip(" "):
        raise NichtSchnell("Absatz: Leerzeichen")
    if _umbrechbar(text) != vorlage.replace(marke, escape(wert)):
        raise NichtSchnell("Absatz: langes Wort")
    return wert


def vorlage_html(rahmen: tuple[str, str], marke: str) -> str:
    return _umbrechbar(rahmen[0] + marke + rahmen[1])


@dataclasses.dataclass
class Absatzsatz:
    """What a paragraph slot needs per letter: the recorded call, where its lines went, and
    its text boxes holding markers (index among the line box's text boxes -> text)."""

    aufruf: Aufruf
    marken: tuple[str, ...]
    mit_marken: dict[int, str]
    verschiebung: tuple[float, float]  # how far the block's lines moved after the call

    def __post_init__(self) -> None:
        self.texte = _texte(self.aufruf.zeilenbox)  # the skeleton's text boxes' texts
        self.erste_zeilen: OrderedDict = OrderedDict()  # ``_gemerkte_zeilen``
        self.enden = [_textstelle(self.aufruf.zeilenbox, w) if w else None for _, w in self.aufruf.zeilen]


def bloecke(dok, aufrufe: list[Aufruf]) -> list[tuple]:
    """Every laid-out block whose lines are those of one recorded call:
    ``(page, block, its ancestors, the call)``."""
    nach_zeile = {id(z): a for a in aufrufe for z, _ in a.zeilen}
    gefunden = []

    def gehe(box, seite, oben: tuple):
        kinder = getattr(box, "children", None)
        if not isinstance(kinder, (list, tuple)):
            return
        aufruf = nach_zeile.get(id(kinder[0])) if kinder else None
        if aufruf is not None and [id(z) for z, _ in aufruf.zeilen] == [
                id(k) for k in kinder if isinstance(k, boxes.LineBox)]:
            gefunden.append((seite, box, oben, aufruf))
        for kind in kinder:
            gehe(kind, seite, (*oben, box))

    for nummer, seite in enumerate(dok.pages):
        gehe(seite._page_box, nummer, ())
    return gefunden


def absaetze(dok, aufrufe, marken_bloecke: list[tuple], mitten: dict[str, str]) -> list[tuple]:
    """The skeleton's blocks outside tables holding the value runs: ``(page, block,
    Absatzsatz)``. ``marken_bloecke``: each block as the layout with markers shows it (its
    ancestors, texts and un-laid-out line box); ``mitten``: marker -> the skeleton's middle.
    Matched to the skeleton's block whose text boxes are those texts with the skeleton's middles."""
    muster = re.compile("|".join(re.escape(m) for m in mitten))
    skelett = {}
    for seite, block, oben, aufruf in bloecke(dok, aufrufe):
        texte = tuple(_texte(aufruf.zeilenbox))
        skelett.setdefault(texte, []).append((seite, block, oben, aufruf))
    ergebnis, gesehen = [], set()
    for oben_m, texte_m, zeilenbox_m in marken_bloecke:
        if not any(muster.search(t) for t in texte_m) or any(b.is_table_wrapper for b in oben_m):
            continue  # a table is one slot (``schnell_tabelle``)
        erwartet = tuple(muster.sub(lambda t: mitten[t.group(0)], t) for t in texte_m)
        treffer = skelett.get(erwartet, [])
        if len(treffer) != 1:
            raise NichtSchnell("Absatz nicht eindeutig gefunden")
        seite, block, oben, aufruf = treffer[0]
        if [type(b) for b in aufruf.zeilenbox.descendants()] != [
                type(b) for b in zeilenbox_m.descendants()]:
            raise NichtSchnell("Absatz anders aufgebaut")
        marken = tuple(m for m in mitten if any(m in t for t in texte_m))
        if gesehen & set(marken):
            raise NichtSchnell("Marke mehrfach")
        gesehen.update(marken)
        mit_marken = {i: t for i, t in enumerate(texte_m) if muster.search(t)}
        ergebnis.append((seite, block, Absatzsatz(aufruf, marken, mit_marken,
                                                  _pruefe_block(block, oben, aufruf))))
    return ergebnis


def _pruefe_block(block, oben: tuple, aufruf: Aufruf) -> tuple[float, float]:
    """Whether a block may be a paragraph slot; how far its lines moved after the call."""
    zeilen = [z for z, _ in aufruf.zeilen]
    if len(zeilen) != len(block.children):
        raise NichtSchnell("Absatz mit Blöcken neben den Zeilen")
    if any(isinstance(b, _UNERLAUBT_OBEN) or b.style["float"] != "none"
           or b.style["position"] != "static" for b in (*oben[1:], block)):
        raise NichtSchnell("Wert in Tabelle oder umflossenem Block")
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
            # links, anchors and bookmarks are placed from the skeleton's boxes
            if (getattr(box, "link", None) or box.style["anchor"] or box.bookmark_label
                    or box.style["position"] != "static" or box.style["transform"]):
                raise NichtSchnell("Absatz mit Verweis, Anker oder verschobener Box")
    # every box of every line moved alike after the call (no relative positioning, alignment)
    verschiebungen = {(b.position_x - x, b.position_y - y)
                      for z, lagen in zip(zeilen, aufruf.kinder_lage, strict=True)
                      for b, (x, y) in zip(z.descendants(), lagen, strict=True)}
    if len(verschiebungen) != 1:
        raise NichtSchnell("Absatzzeilen ungleich verschoben")
    return verschiebungen.pop()


def _anzahl_texte(box) -> int:
    return sum(isinstance(b, boxes.TextBox) for b in box.descendants())


def _textstelle(box, weiter, vorher: int = 0) -> tuple[int, int] | None:
    """Where a line's ``resume_at`` goes on: (index among the line box's text boxes, offset)."""
    if not isinstance(weiter, dict) or len(weiter) != 1:
        return None
    (index, rest), = weiter.items()
    vorher += sum(_anzahl_texte(kind) for kind in box.children[:index])
    kind = box.children[index]
    if isinstance(kind, boxes.TextBox):
        return (vorher, next(iter(rest)) if rest else 0)
    if rest is None:
        return (vorher, 0)
    return _textstelle(kind, rest, vorher) if isinstance(kind, boxes.ParentBox) else None


def _gleich_bis(satz: Absatzsatz, texte: dict[int, str]):
    """Where the letter's texts (text box index -> text) first differ from the skeleton's, where
    they are equal again to the end (in the letter's offsets), and how that place maps back."""
    skelett = satz.texte
    erste = letzte = None
    for index in sorted(texte):
        alt, neu = skelett[index], texte[index]
        if alt == neu:
            continue
        vorn = len(os.path.commonprefix((alt, neu)))
        hinten = min(len(os.path.commonprefix((alt[::-1], neu[::-1]))), min(len(alt), len(neu)) - vorn)
        erste = erste or (index, vorn)
        letzte = (index, len(neu) - hinten, len(neu) - len(alt))
    return erste, letzte


def _wort_davor(satz: Absatzsatz, ende: tuple[int, int] | None, erste: tuple[int, int]) -> bool:
    """Whether the word that follows a line end (where its break was decided) ends before the
    first change: the line is then the same in the letter."""
    if ende is None or ende >= erste:
        return False
    texte = satz.texte
    zwischen = texte[ende[0]][ende[1]:] if ende[0] < erste[0] else texte[ende[0]][ende[1]:erste[1]]
    zwischen += "".join(texte[ende[0] + 1:erste[0]])
    if ende[0] < erste[0]:
        zwischen += texte[erste[0]][:erste[1]]
    return " " in zwischen.lstrip(" ")


@contextlib.contextmanager
def _gemerkte_zeilen(speicher: OrderedDict, context):
    """WeasyPrint's line breaker for a text box (``split_first_line``) remembered in ``speicher``
    while a block is set again in ``context``: the text after a value is broken the same way in
    every letter whose line starts at the same word. Its result depends on nothing but its
    arguments (the style is this slot's, kept with the result); the Pango layout it gives is
    only read afterwards (drawing wakes it, justified text gets a new one)."""
    urspruenglich = inline_layout.split_first_line

    def gemerkt(text, style, kontext, max_width, justification_spacing, is_line_start=True,
                minimum=False):
        schluessel = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        gespeichert = speicher.get(schluessel) if kontext is context else None
        if gespeichert is not None and gespeichert[0] is style:
            speicher.move_to_end(schluessel)
            return gespeichert[1]
        ergebnis = urspruenglich(text, style, kontext, max_width, justification_spacing,
                                 is_line_start, minimum)
        if kontext is context:
            speicher[schluessel] = (style, ergebnis)
            while len(speicher) > ERSTE_ZEILEN_JE_PLATZ:
                speicher.popitem(last=False)
        return ergebnis

    inline_layout.split_first_line = gemerkt
    try:
        yield
    finally:
        inline_layout.split_first_line = urspruenglich


def setze(satz: Absatzsatz, werte: dict[str, str], seite, zaehlen: bool = False) -> list:
    """The block's lines with the markers' middles ``werte`` (marker -> text), laid out by
    WeasyPrint as in the skeleton (backgrounds too, on the page box ``seite``); ``NichtSchnell``
    unless every line keeps its place (``zaehlen``: the lines as laid out, unchecked).

    Only the lines holding a change are laid out: the skeleton's lines before the first change
    (but one) are the letter's too, and once a line ends where the skeleton's line of the same
    number ends, in text after the last change, the skeleton's following lines are."""
    aufruf = satz.aufruf
    muster = re.compile("|".join(re.escape(m) for m in satz.marken))
    texte = {i: muster.sub(lambda t: werte[t.group(0)], text) for i, text in satz.mit_marken.items()}
    erste, letzte = _gleich_bis(satz, texte)
    skelett = [z for z, _ in aufruf.zeilen]
    if erste is None:
        return list(skelett)
    enden = satz.enden
    behalten = 0  # skeleton lines kept at the start: the word after each ends before the change
    while behalten < len(enden) - 1 and _wort_davor(satz, enden[behalten], erste):
        behalten += 1
    zeilenbox = aufruf.zeilenbox.deepcopy()
    textboxen = [b for b in zeilenbox.descendants() if isinstance(b, boxes.TextBox)]
    for index, text in texte.items():
        textboxen[index].text = text
    if behalten:
        y, hoehe, _ = aufruf.lage[behalten - 1]
        start = (y + hoehe, copy.deepcopy(aufruf.zeilen[behalten - 1][1]), None, None)
    else:
        start = (aufruf.position_y, None, aufruf.first_letter_style, aufruf.first_line_style)
    context = aufruf.context
    neu, rest = [], []
    # the float shapes of the call, in a formatting context of its own (the layout has ended)
    context.create_block_formatting_context(object(), list(aufruf.ausgeschlossen))
    try:
        with _gemerkte_zeilen(satz.erste_zeilen, context):
            for zeile, weiter in _ORIGINAL(context, zeilenbox, start[0], aufruf.bottom_space, start[1],
                                           aufruf.containing_block, [], [], start[2], start[3]):
                neu.append(zeile)
                nummer = behalten + len(neu) - 1
                stelle = _textstelle(zeilenbox, weiter) if weiter else None
                if (stelle is not None and nummer < len(enden) - 1
                        and stelle >= letzte[:2] and enden[nummer] == (
                            stelle[0], stelle[1] - letzte[2] * (stelle[0] == letzte[0]))):
                    rest = skelett[nummer + 1:]  # the same text from here: the skeleton's lines
                    break
    finally:
        context._excluded_shapes.pop(context._excluded_shapes_root_boxes.pop())
    if zaehlen:
        return skelett[:behalten] + neu + rest
    if behalten + len(neu) + len(rest) != len(aufruf.lage):
        raise AndereZeilenzahl("Absatz: andere Zeilenzahl")
    for zeile, lage in zip(neu, aufruf.lage[behalten:], strict=False):
        if (zeile.position_y, zeile.height, zeile.baseline) != lage:
            raise NichtSchnell("Absatz: andere Zeilenhöhe")
        if zeile.text_overflow != "clip" or zeile.block_ellipsis != "none" or any(
                not isinstance(b, _ERLAUBT) for b in zeile.descendants(placeholders=True)):
            raise NichtSchnell("Absatz mit eingebetteten Boxen")
        zeile.translate(*satz.verschiebung)
        layout_box_backgrounds(seite, zeile, context.get_image_from_uri)
    return skelett[:behalten] + neu + rest


_KASTEN = ("position_x", "position_y", "width", "height", "margin_top", "margin_right",
           "margin_bottom", "margin_left", "padding_top", "padding_right", "padding_bottom",
           "padding_left", "border_top_width", "border_right_width", "border_bottom_width",
           "border_left_width")


def zeilenschluessel(zeile) -> tuple:
    """What ``draw_inline_level`` draws a laid-out line from: each box's kind, style, text
    (and its Pango layout's), box model and place."""
    teile = []
    for box in zeile.descendants():
        teile.append((type(box), id(box.style), *(getattr(box, f) for f in _KASTEN),
                      getattr(box, "baseline", None), getattr(box, "justification_spacing", 0),
                      getattr(box, "text", None),
                      box.pango_layout.text if isinstance(box, boxes.TextBox) else None))
    return tuple(teile)


def _spuren(dok) -> str:
    """A document's metadata, bookmarks, links and anchors."""
    return repr((vars(dok.metadata), [(s.bookmarks, s.links, s.anchors) for s in dok.pages]))


def blockplaetze(brief: Brief, markiert: Brief, dok, aufrufe: Aufrufe, absatz: list[_Platz],
                 rahmen: dict) -> list[_Platz]:
    """The value runs in the body joined into one slot per laid-out block holding them (two per
    table: ``schnell_tabelle``), found by a layout of ``markiert`` with a marker as each run's
    middle; ``dok``, ``aufrufe``: the skeleton's layout and its recorded calls."""
    werte = textstellen(brief)
    mitten, nach_marke = {}, {}
    for platz in absatz:
        stelle = platz.stellen[0]
        vorn, hinten = rahmen.get(stelle, ("", ""))
        platz.rahmen = ((vorn, hinten, vorlage_html((vorn, hinten), platz.marke)),)
        try:
            mitten[platz.marke] = mitte((vorn, hinten), werte[stelle], platz.rahmen[0][2], platz.marke)
        except NichtSchnell as grund:
            raise NurDieserBrief(str(grund)) from None
        nach_marke[platz.marke] = platz
    mit_marken = mit_stellen(markiert, {
        p.stellen[0]: p.rahmen[0][0] + p.marke + p.rahmen[0][1] for p in absatz})
    sicht = _wie_mit_marken(markiert, mit_marken, dok, aufrufe, mitten)
    if sicht is None:  # the skeleton does not show where the middles are: a layout with markers
        with aufzeichnen() as aufrufe_marken:
            dok_marken = pdf_modul.dokument(mit_marken)
        spuren = _spuren(dok_marken)
        if any(p.marke in spuren for p in absatz):  # the paragraphs' texts reach no metadata
            raise NichtSchnell("Absatz in Metadaten")
        sicht = _sicht(dok_marken, aufrufe_marken)
    marken_bloecke, marken_tabellen = sicht
    gefunden = [("absatz", *t) for t in absaetze(dok, aufrufe, marken_bloecke, mitten)]
    for seite, wrapper, satz in tabellen(dok, aufrufe.tabellen, marken_tabellen, mitten):
        gefunden += [(ZEICHNUNG, seite, wrapper, satz), (TEXT, seite, wrapper, satz)]
    marken = [m for feld, _, _, satz in gefunden if feld != TEXT for m in satz.marken]
    if len(marken) != len(set(marken)):
        raise NichtSchnell("Marke mehrfach")
    if set(marken) != set(mitten):
        raise NichtSchnell("Wert nicht in einem Absatz gefunden")
    plaetze = []
    for feld, seite, box, satz in gefunden:
        teile = [nach_marke[m] for m in satz.marken]
        plaetze.append(_Platz(feld, teile[0].nummer, teile[0].marke, seite=seite, box=box,
                              stellen=tuple(t.stellen[0] for t in teile), marken=satz.marken,
                              rahmen=tuple(t.rahmen[0] for t in teile), satz=satz))
    return plaetze


def _sicht(dok, aufrufe: Aufrufe, ersetzt: dict[int, list[str]] | None = None) -> tuple[list, list]:
    """Each block's (ancestors, texts, un-laid-out line box) and each table's (texts, wrapper) of a
    layout; ``ersetzt``: texts to show instead, by the call's id."""
    ersetzt = ersetzt or {}
    return ([(oben, ersetzt.get(id(a)) or _texte(a.zeilenbox), a.zeilenbox)
             for _, _, oben, a in bloecke(dok, aufrufe)],
            [(ersetzt.get(id(a)) or _texte(a.wrapper), a.wrapper)
             for _, _, a in wrapper_in(dok, aufrufe.tabellen)])


def _wie_mit_marken(markiert: Brief, mit_marken: Brief, dok, aufrufe: Aufrufe,
                    mitten: dict[str, str]) -> tuple | None:
    """What the layout of ``mit_marken`` (``markiert`` with markers as middles) would show
    (``_sicht``), read off the skeleton ``dok``: each middle, in the order of the letter, stands
    where its marker stands in ``mit_marken``'s HTML. Possible when no middle reaches the
    metadata, the middles occur nowhere else in the HTML (the longest first), the laid-out texts
    (blocks outside tables and tables, in the order of the layout) hold them in that same order,
    and a middle that several markers share is only in the body's normal flow (where the layout
    keeps the order of the HTML); else ``None``."""
    werte = list(mitten.values())
    if not all(werte):
        return None
    ziel = unescape(brief_html(mit_marken))
    folge = sorted(mitten, key=ziel.find)  # the markers in the order of the letter
    muster = re.compile("|".join(re.escape(w) for w in sorted(set(werte), key=len, reverse=True)))
    geteilt = {w for w in werte if werte.count(w) > 1}
    spuren = _spuren(dok)
    if any(ziel.count(m) != 1 for m in mitten) or any(w in spuren for w in werte):
        return None

    def ersetze(texte: list[str], marken: Iterator[str], nur_einmalige: bool) -> list[str] | None:
        """``texte`` with each middle found replaced by the next of ``marken``; ``None`` where
        that marker is not the middle's (or a shared middle is where only unique ones may be)."""
        ergebnis = []
        for text in texte:
            teile, ende = [], 0
            for treffer in muster.finditer(text):
                marke = next(marken, None)
                if marke is None or mitten[marke] != treffer[0] or (nur_einmalige and treffer[0] in geteilt):
                    return None
                teile += [text[ende:treffer.start()], marke]
                ende = treffer.end()
            ergebnis.append("".join(teile) + text[ende:])
        return ergebnis

    if ersetze([unescape(brief_html(markiert))], iter(folge), False) != [ziel]:
        return None
    ersetzt: dict[int, list[str]] = {}
    im_satz = iter(folge)
    for aufruf, texte, fliesst in _in_folge(dok, aufrufe):
        neu = ersetze(texte, im_satz, not fliesst)
        if neu is None:
            return None
        ersetzt[id(aufruf)] = neu
    return _sicht(dok, aufrufe, ersetzt) if next(im_satz, None) is None else None


def _in_folge(dok, aufrufe: Aufrufe) -> list[tuple]:
    """The layout's blocks outside tables and its tables in the order of the layout: (recorded
    call, texts, whether in the body's normal flow)."""
    nach_block = {id(block): aufruf for _, block, _, aufruf in bloecke(dok, aufrufe)}
    nach_tabelle = {id(box): aufruf for _, box, aufruf in wrapper_in(dok, aufrufe.tabellen)}
    folge = []

    def gehe(box, fliesst: bool | None) -> None:
        if fliesst is not None:  # inside the body: in its flow while nothing is placed apart
            fliesst = fliesst and box.style["float"] == "none" and box.style["position"] in (
                "static", "relative")
        elif box.element_tag == "main":
            fliesst = True
        if id(box) in nach_tabelle:
            aufruf = nach_tabelle[id(box)]
            folge.append((aufruf, _texte(aufruf.wrapper), bool(fliesst)))
        elif id(box) in nach_block:
            aufruf = nach_block[id(box)]
            folge.append((aufruf, _texte(aufruf.zeilenbox), bool(fliesst)))
        else:
            for kind in getattr(box, "children", None) or ():
                if isinstance(kind, boxes.Box):
                    gehe(kind, fliesst)

    for seite in dok.pages:
        gehe(seite._page_box, None)
    return folge


def textstuecke(zeile) -> list[tuple] | None:
    """The text boxes ``draw_inline_level`` draws for a laid-out line, each with the arguments
    it passes to ``draw_text`` (offset, overflow, ellipsis); ``None`` if the line or an inline box
    in it draws anything else (background, border, mask, an embedded box)."""
    stuecke: list[tuple] = []

    def gehe(box, versatz: float, ueberlauf: str, ellipse: str) -> bool:
        if box.background is not None or box.style["mask_border_source"][0] != "none" or any(
                getattr(box, f"border_{seite}_width") for seite in ("top", "right", "bottom", "left")):
            return False
        if isinstance(box, boxes.LineBox):
            ueberlauf, ellipse = box.text_overflow, box.block_ellipsis
        letzte = len(box.children) - 1
        for nummer, kind in enumerate(box.children):
            kind_ellipse = ellipse if nummer == letzte else "none"
            kind_versatz = versatz + kind.position_x - box.position_x
            if isinstance(kind, boxes.TextBox):
                stuecke.append((kind, kind_versatz, ueberlauf, kind_ellipse))
            elif not isinstance(kind, boxes.InlineBox) or not gehe(kind, kind_versatz, ueberlauf,
                                                                    kind_ellipse):
                return False
        return True

    return stuecke if gehe(zeile, 0, "clip", "none") else None
