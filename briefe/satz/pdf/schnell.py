"""Fast path for a Serienbrief: lay out each layout group once, then per recipient
shape and draw only the recipient's own lines.

A layout group is all letters that are equal except for the address lines,
the salutation and the text runs that hold member values (learned per family of
letters by ``gruppen.Wertstellen``: subject, paragraph, list item, table cell or
info block runs that differ between letters). A group has six address lines; a
letter with fewer uses it once a layout of the marker letter with that many lines
has matched the skeleton box for box (``_Gruppe.passt``, once per number).
A value slot must end its line and fit on one line; the subject's value is also
written into the title and the bookmarks per letter. Per group (and process) we

1. lay out a skeleton letter with short marker texts in those slots, and again
   with long ones (as wide as the slot allows): if any other box moves, the
   group is not fast and every letter of it gets a full render;
2. paint the skeleton with each slot replaced by an empty box of a unique
   colour, and keep the PDF objects, pre-serialised; the colour marks where
   in the page content stream each slot is painted.

A recipient's PDF is then the skeleton plus one small content stream per slot,
spliced into the page's ``/Contents`` array exactly where the slot is painted
(same graphics state, same paint order). The recipient's lines are shaped with
WeasyPrint's own ``split_first_line`` and drawn with its own ``draw_text``, so
glyphs and positions are those of a full render. A letter falls back to the
full render whenever that cannot be shown: a line does not fit on one line or
is wider than the long marker, an address line is set smaller, its line height or
baseline differ (another font), odd characters (control, bidi, double spaces), or a
glyph whose PDF width WeasyPrint would round differently. A slot's line is shaped and drawn once
per distinct text and kept (``_Gruppe._linie``): it depends on nothing but the
slot and the text. Fonts are subset per letter when the
recipient needs glyphs the skeleton lacks, with WeasyPrint's font code (cached
by glyph set), so a letter's fonts hold exactly the glyphs of a full render.

A group costs about two full renders, so it is built when a second letter
needs it (at once when its family has value slots: such letters repeat). A value
that wraps in the letter a group would be built from fails that letter only; after
a few such letters the group counts as not fast.
Only the standard PDF variant takes this path; tagged and PDF/A variants are
always rendered in full. ``vorwaermen`` builds groups before worker processes
are forked, so they inherit them.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import logging
import re
import threading
import unicodedata
import zlib
from collections import Counter, OrderedDict
from pathlib import Path
from types import SimpleNamespace
from typing import BinaryIO

import pydyf
from tinycss2.color4 import parse_color
from weasyprint import DEFAULT_OPTIONS
from weasyprint.draw.text import draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.fonts import build_fonts_dictionary
from weasyprint.pdf.stream import Stream
from weasyprint.text.line_break import split_first_line

from briefe.dateien import schreibe_nach
from briefe.fehler import BriefeFehler
from briefe.geometrie import ANSCHRIFT_MAX_ZEILEN
from briefe.modell import Brief
from briefe.satz.gruppen import (
    Gruppenspeicher,
    NichtSchnell,
    NurDieserBrief,
    Wertstellen,
    gruppenschluessel,
    marke,
    mit_stellen,
    textstellen,
    wertmarke,
)
from briefe.satz.pdf import weasy as pdf_modul
from briefe.satz.pdf.html import LANGER_LAUF

MASSSTAB = 0.75  # PDF points per CSS pixel, as WeasyPrint draws
SCHRIFTEN_JE_GRUPPE = 256
LINIEN_JE_PLATZ = 256  # drawn lines kept per slot (a city, a group, an amount recur)
# Only these variants take the fast path (untagged, no PDF/A metadata).
SCHNELLE_VARIANTEN = (None, "standard")
# Bidi classes that make the line's glyph order depend on more than the text run.
_BIDI_AUSSCHLUSS = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI",
                              "FSI", "PDI"})
# Printable Latin (ASCII, Latin-1 without the soft hyphen, Latin Extended-A and -B): none of
# them is a control or changes the writing direction, so ``_pruefe_text`` need not look closer.
_LATEINISCH = re.compile("[\x20-\x7e\xa0-\xac\xae-\u024f]*")
_KONTEXT = SimpleNamespace(dictionaries={})  # what split_first_line needs of a LayoutContext

# How letters were made in this process: "schnell", "voll" and the reasons for "voll".
STATISTIK: Counter = Counter()
_LOG = logging.getLogger(__name__)


class _Genommen(Exception):
    """Raised from the ``write_pdf`` finisher once the skeleton's objects are taken."""


# --- public ---------------------------------------------------------------------------------


def pdf_bytes_schnell(brief: Brief, variante: str | None = None) -> bytes:
    """The letter as PDF bytes: fast path if provably identical, else a full render."""
    if variante in SCHNELLE_VARIANTEN:
        daten, grund = _schnell(brief)
        if daten is not None:
            STATISTIK["schnell"] += 1
            return daten
    else:
        grund = "Variante"
    STATISTIK["voll"] += 1
    STATISTIK[f"voll: {grund}"] += 1
    return pdf_modul.pdf_bytes(brief, variante)


def _schnell(brief: Brief, erzwingen: bool = False) -> tuple[bytes | None, str]:
    """The fast path's PDF, or ``None`` and why not. A fault in the fast path costs speed,
    never a letter: the full render follows."""
    try:
        with _SPERRE:
            return _gruppe(brief, erzwingen).brief(brief), ""
    except NichtSchnell as grund:
        return None, str(grund)
    except Exception as fehler:
        if not isinstance(fehler, BriefeFehler):  # else the full render reports it
            _LOG.warning("Schnellpfad: interner Fehler (%s)", type(fehler).__name__)
        return None, f"Fehler ({type(fehler).__name__})"


def schreibe_pdf_schnell(brief: Brief, ziel: Path | str | BinaryIO, variante: str | None = None) -> None:
    """Like ``briefe.satz.pdf.weasy.schreibe_pdf``, through the fast path where it applies."""
    daten = pdf_bytes_schnell(brief, variante)
    schreibe_nach(ziel, daten)


def schnell_moeglich(brief: Brief) -> str | None:
    """``None`` if ``brief`` can take the fast path (its group is built now if need be), else
    the reason (for tests and benchmarks)."""
    daten, grund = _schnell(brief, erzwingen=True)
    return None if daten is not None else grund


def leere_zwischenspeicher() -> None:
    """Forget all layout groups (and learned value slots) of this process."""
    _GRUPPEN.leeren()
    _WERTE.leeren()


# --- layout groups --------------------------------------------------------------------------

_GRUPPEN = Gruppenspeicher(lambda brief: _Gruppe(brief), "PDF")
_WERTE = Wertstellen()
_SPERRE = threading.RLock()  # groups and WeasyPrint's objects are not shared between threads


def _gruppe(brief: Brief, erzwingen: bool = False) -> _Gruppe:
    """The layout group of ``brief`` (built when a second letter needs it, or at once with
    ``erzwingen``; a few per process)."""
    if any(brief.anschrift_schriftgrade):
        raise NichtSchnell("Anschrift kleiner gesetzt")  # another line size: full render
    if brief.zahlung:  # its code differs per letter: the full render
        raise NichtSchnell("GiroCode")
    _pruefe_text(brief.anrede, "Anrede")
    for zeile in brief.anschrift:
        _pruefe_text(zeile, "Anschrift")
    if not brief.anschrift:
        raise NichtSchnell("keine Anschrift")
    stellen, texte = _WERTE.stellen(brief)
    for stelle in stellen:
        _pruefe_text(texte[stelle], "Wert")
    erzwingen = erzwingen or bool(stellen)
    zeilen = len(brief.anschrift)
    if zeilen < ANSCHRIFT_MAX_ZEILEN:  # one group for every address length, where it is proven
        voll = dataclasses.replace(brief, anschrift=("",) * ANSCHRIFT_MAX_ZEILEN)
        schluessel = (gruppenschluessel(voll, stellen), _wurzeln())
        with contextlib.suppress(NichtSchnell):
            gruppe = _GRUPPEN.hole(schluessel, voll, erzwingen, bauen=lambda b: _Gruppe(b, stellen))
            if gruppe.passt(zeilen):
                return gruppe
    schluessel = (gruppenschluessel(brief, stellen), _wurzeln())
    return _GRUPPEN.hole(schluessel, brief, erzwingen, bauen=lambda b: _Gruppe(b, stellen))


def _wurzeln() -> tuple:
    wurzeln = getattr(pdf_modul, "erlaubte_wurzeln", None)
    return tuple(wurzeln()) if wurzeln else ()


def _pruefe_text(text: str, feld: str) -> None:
    """Texts that reach the layout unchanged: no white-space processing, no bidi, no controls."""
    if not text or text != text.strip(" ") or "  " in text:
        raise NichtSchnell(f"{feld}: Leerzeichen")
    if _LATEINISCH.fullmatch(text):
        return
    for zeichen in text:
        if unicodedata.category(zeichen)[0] == "C" or unicodedata.category(zeichen) in ("Zl", "Zp"):
            raise NichtSchnell(f"{feld}: Steuerzeichen")
        if unicodedata.bidirectional(zeichen) in _BIDI_AUSSCHLUSS:
            raise NichtSchnell(f"{feld}: Schreibrichtung")


@dataclasses.dataclass
class _Platz:
    """One slot: a line of the address or the salutation, as laid out in the skeleton."""

    feld: str  # "anschrift", "anrede" or "wert" (a run holding a member value)
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

    @property
    def name(self) -> str:
        """The slot's kind as the statistics name it."""
        return {"anschrift": "Anschrift", "anrede": "Anrede"}.get(self.feld, "Wert")

    def text(self, brief: Brief, werte: dict) -> str:
        """The slot's text in ``brief``; empty for an address line the letter does not have."""
        if self.feld == "wert":
            return werte[self.stelle]
        if self.feld == "anrede":
            return brief.anrede
        return brief.anschrift[self.nummer] if self.nummer < len(brief.anschrift) else ""


def _plaetze_fuer(brief: Brief, stellen: frozenset = frozenset()) -> list[_Platz]:
    plaetze = [_Platz("anschrift", i, marke("anschrift", i)) for i in range(len(brief.anschrift))]
    plaetze.append(_Platz("anrede", 0, marke("anrede", 0)))
    plaetze += [_Platz("wert", i, wertmarke(i), stelle)
                for i, stelle in enumerate(sorted(stellen, key=repr))]
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


def _geometrie(dok, ausnahmen: set[int], textlos: set[int], ohne: set[int] = frozenset()) -> list:
    """Every box's type, position and size in tree order (the boxes in ``ohne`` left out, with
    their contents); what the slots may not change."""
    ergebnis = []

    def gehe(box):
        if id(box) in ohne:
            return
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


class _Erfasser(Stream):
    """A throwaway stream for the dry paint: notes the fonts' glyphs at each slot marker."""

    def __init__(self, *args, marken: dict, schnappschuss, **kwargs):
        super().__init__(*args, **kwargs)
        self._marken = marken
        self._schnappschuss = schnappschuss

    def set_color_rgb(self, r, g, b, stroke=False):
        if not stroke and (r, g, b) in self._marken:
            self._schnappschuss(self._marken[(r, g, b)])
        super().set_color_rgb(r, g, b, stroke)


def _seitenrechteck(seite) -> tuple[float, float, float, float]:
    """The page rectangle WeasyPrint's ``generate_pdf`` gives each page stream."""
    breite = MASSSTAB * (seite.width + seite.bleed["left"] + seite.bleed["right"])
    hoehe = MASSSTAB * (seite.height + seite.bleed["top"] + seite.bleed["bottom"])
    links, oben = -MASSSTAB * seite.bleed["left"], -MASSSTAB * seite.bleed["top"]
    return (links / MASSSTAB, oben / MASSSTAB, breite / MASSSTAB, hoehe / MASSSTAB)


def _ressourcen() -> pydyf.Dictionary:
    return pydyf.Dictionary({
        "ExtGState": pydyf.Dictionary(), "XObject": pydyf.Dictionary(),
        "Pattern": pydyf.Dictionary(), "Shading": pydyf.Dictionary(),
        "ColorSpace": pydyf.Dictionary(),
    })


def _nummer(verweis) -> int:
    return int(bytes(verweis).split()[0])


def _ist_verweis(wert) -> bool:
    return isinstance(wert, bytes) and wert.endswith(b" R")


# Font objects a letter may need to rebuild, by role.
_ROLLEN = ("schrift", "unicode", "nachfahre", "beschreibung", "datei", "cidset", "kodierung")


def _rollen(objekt_von, verweis) -> dict[str, int]:
    """Object numbers of one Type0 font's objects, by role; empty if it is another kind."""
    schrift = objekt_von(verweis)
    if schrift.get("Subtype") != "/Type0":
        return {}
    rollen = {"schrift": _nummer(verweis), "unicode": _nummer(schrift["ToUnicode"]),
              "nachfahre": _nummer(schrift["DescendantFonts"][0])}
    if _ist_verweis(schrift.get("Encoding")):
        rollen["kodierung"] = _nummer(schrift["Encoding"])
    nachfahre = objekt_von(schrift["DescendantFonts"][0])
    rollen["beschreibung"] = _nummer(nachfahre["FontDescriptor"])
    beschreibung = objekt_von(nachfahre["FontDescriptor"])
    datei = beschreibung.get("FontFile2") or beschreibung.get("FontFile3")
    rollen["datei"] = _nummer(datei)
    if _ist_verweis(beschreibung.get("CIDSet")):
        rollen["cidset"] = _nummer(beschreibung["CIDSet"])
    return rollen


def _daten(objekt) -> bytes:
    """``objekt.data`` as pydyf writes it, but a letter's own compressed streams at zlib level 6:
    pydyf takes level 9, twice the time for a font program for 0.1 % less."""
    if not (isinstance(objekt, pydyf.Stream) and objekt.compress
            and all(isinstance(teil, bytes) for teil in objekt.stream)):
        return objekt.data
    daten = zlib.compress(b"\n".join(objekt.stream), 6)
    extra = pydyf.Dictionary({**objekt.extra, "Filter": "/FlateDecode", "Length": len(daten)})
    return b"\n".join((extra.data, b"stream", daten, b"endstream"))


def _indirekt(nummer: int, daten: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (nummer, daten)


@dataclasses.dataclass
class _Bauplan:
    """A pre-serialised PDF with holes: the letter's slot streams and font objects."""

    kopf: bytes  # header, constant objects, object stream
    xref: dict[int, tuple[int, int, int]]  # constant objects' cross-reference entries
    groesse: int  # objects incl. per-letter ones, before the xref stream
    wurzel: bytes
    info: bytes | None
    bloecke: list[tuple[int, list[int]]]  # (object number, slot indexes painted there)
    schrift_bytes: dict[int, tuple[bool, bytes]]  # skeleton's font objects: (is a stream, data)
    objektstrom: int  # number of the per-letter object stream (font dictionaries)


@dataclasses.dataclass(frozen=True)
class _Linie:
    """One slot's text, shaped and drawn: its content stream operators and the glyphs it adds
    to each font (glyph id -> (width, text)), beyond those the skeleton drew before it."""

    ops: list
    glyphen: dict


class _Gruppe:
    """Everything shared by the letters of one layout group."""

    def __init__(self, brief: Brief, stellen: frozenset = frozenset()) -> None:
        self.plaetze = _plaetze_fuer(brief, stellen)
        self.hat_werte = bool(stellen)
        nach_marke = {p.marke: p for p in self.plaetze}
        self.markiert = _mit_texten(brief, self.plaetze, {m: m for m in nach_marke})
        dok = pdf_modul.dokument(self.markiert)
        zeilen_bloecke: dict[int, int] = {}  # id of an address line's block -> line number
        for text, (seite, box, eltern, inline, block, linie) in _finde(dok, nach_marke).items():
            platz = nach_marke[text]
            if platz.feld == "anschrift" and block is not None:
                zeilen_bloecke[id(block)] = platz.nummer
            platz.seite, platz.box, platz.eltern, platz.vorfahren = seite, box, eltern, inline
            if block is None:
                raise NichtSchnell("Platz ohne Block")
            platz.max_breite = block.content_box_x() + block.width - box.position_x
            _, _, rest, _, platz.hoehe, platz.grundlinie = _zeile(text, box.style, platz.max_breite)
            if rest is not None:
                raise NichtSchnell("Marke passt nicht in eine Zeile")
            if not _am_zeilenende(linie, box):
                raise NichtSchnell("Platz nicht am Ende seiner Zeile")
            platz.versatz_x = box.position_x - linie.position_x
            platz.ueberlauf, platz.ellipse = linie.text_overflow, linie.block_ellipsis
            if platz.ueberlauf != "clip" or platz.ellipse != "none":
                raise NichtSchnell("Auslassungspunkte")
        werte = textstellen(brief) if self.hat_werte else {}
        for platz in self.plaetze:
            # a value slot whose own letter already wraps: its letters would all fall back
            if platz.feld == "wert" and _zeile(platz.text(brief, werte), platz.box.style,
                                               platz.max_breite)[2] is not None:
                raise NurDieserBrief("Wert im Absatz über mehrere Zeilen")
        self._pruefe_lang(brief, dok)
        # What a letter with fewer address lines must lay out to (``passt``).
        self.anschrift_zeilen = len(brief.anschrift)
        self._kuerzer = {n: _geometrie(dok, set(), set(), ohne={
            b for b, zeile in zeilen_bloecke.items() if zeile >= n}) for n in range(1, len(brief.anschrift))}
        self._passt: dict[int, bool] = {self.anschrift_zeilen: True}
        self.geuebt = False  # whether ``vorwaermen`` made a letter with it
        self.dokument = dok
        self.schriften: dict = {}
        self.breiten: dict = {}
        self.unicode: dict = {}
        self.volle_schrift: dict = {}
        self._setze_marken()
        self._trockenlauf()
        self.optionen = dict(DEFAULT_OPTIONS)
        with contextlib.suppress(_Genommen):
            dok.write_pdf(finisher=self._nimm)
        self._schrift_zwischenspeicher: OrderedDict = OrderedDict()
        self._linien: dict[int, OrderedDict[str, _Linie]] = {}  # per slot: text -> its line

    # -- proofs --

    def passt(self, zeilen: int) -> bool:
        """Whether a letter with ``zeilen`` address lines is this skeleton without its last
        lines: proven once per number by laying out the marker letter with that many lines,
        which must match the skeleton box for box (the missing lines' blocks left out)."""
        if zeilen not in self._passt:
            erwartet = self._kuerzer.get(zeilen)
            if erwartet is None:
                self._passt[zeilen] = False
            else:
                kuerzer = dataclasses.replace(self.markiert, anschrift=self.markiert.anschrift[:zeilen])
                self._passt[zeilen] = _geometrie(pdf_modul.dokument(kuerzer), set(), set()) == erwartet
        return self._passt[zeilen]

    def _pruefe_lang(self, brief: Brief, dok_kurz) -> None:
        """Lay out again with each slot as wide as it may be: nothing else may move."""
        lang = {p.marke: _lange_marke(p) for p in self.plaetze}
        dok_lang = pdf_modul.dokument(_mit_texten(brief, self.plaetze, lang))
        gefunden = _finde(dok_lang, {t: None for t in lang.values()})
        self._pruefe_metadaten(dok_kurz, dok_lang, lang)
        ausnahmen_kurz, textlos_kurz, ausnahmen_lang, textlos_lang = set(), set(), set(), set()
        for platz in self.plaetze:
            ausnahmen_kurz |= {id(platz.box), *platz.vorfahren}
            textlos_kurz.add(id(platz.box))
            _, box_lang, _, inline_lang, _, _ = gefunden[lang[platz.marke]]
            ausnahmen_lang |= {id(box_lang), *inline_lang}
            textlos_lang.add(id(box_lang))
            platz.grenze = box_lang.width
            if abs(box_lang.position_x - platz.box.position_x) > 0 or (
                    box_lang.position_y != platz.box.position_y):
                raise NichtSchnell("Platz verschiebt sich mit der Textbreite")
        if _geometrie(dok_kurz, ausnahmen_kurz, textlos_kurz) != _geometrie(
                dok_lang, ausnahmen_lang, textlos_lang):
            raise NichtSchnell("Satz hängt von Anschrift oder Anrede ab")

    def _pruefe_metadaten(self, dok_kurz, dok_lang, lang: dict[str, str]) -> None:
        """Slot texts may appear nowhere but in their boxes, except the value slots of the
        subject in the title and the bookmarks, where they must be the plain text."""
        betreff = [p.marke for p in self.plaetze if p.stelle == ("betreff",)]

        def spuren(dok, ohne: bool) -> str:
            metadaten = dict(vars(dok.metadata))
            marken = [(s.bookmarks, s.links, s.anchors) for s in dok.pages]
            if ohne:
                metadaten.pop("title", None)
                marken = [(s.links, s.anchors) for s in dok.pages]
            return repr((metadaten, marken))

        if any(p.marke in spuren(dok_kurz, bool(betreff)) for p in self.plaetze):
            raise NichtSchnell("Platz in Metadaten")
        self.titel_marke = betreff[0] if betreff else None
        if betreff:
            if any(p.marke in spuren(dok_kurz, False) for p in self.plaetze if p.marke not in betreff):
                raise NichtSchnell("Platz in Metadaten")
            ersetzt = spuren(dok_kurz, False).replace(betreff[0], lang[betreff[0]])
            if ersetzt != spuren(dok_lang, False) or dok_kurz.metadata.title != betreff[0]:
                raise NichtSchnell("Betreff in Metadaten nicht wörtlich")

    # -- skeleton --

    def _setze_marken(self) -> None:
        """Replace each slot's TextBox by an empty one of a unique colour."""
        for nummer, platz in enumerate(self.plaetze):
            farbe = parse_color(f"rgb({nummer + 1} {2 * nummer + 3} 211)")
            platz.farbe = tuple(farbe.to("srgb").coordinates)
            probe = pydyf.Stream()
            probe.set_color_rgb(*platz.farbe)
            platz.farb_op = probe.stream[0]
            leer = platz.box.copy()
            leer.text = ""
            leer.style = copy.copy(platz.box.style)
            leer.style["color"] = farbe
            kinder = platz.eltern.children
            kinder[kinder.index(platz.box)] = leer

    def _trockenlauf(self) -> None:
        """Paint once to learn each font's glyphs (and their widths) before each slot."""
        dok = self.dokument
        marken = {p.farbe: p for p in self.plaetze}
        gesehen: list[_Platz] = []

        def schnappschuss(platz: _Platz) -> None:
            gesehen.append(platz)
            for schluessel, schrift in dok.fonts.items():
                platz.vorher[schluessel] = frozenset(schrift.widths)

        ressourcen = _ressourcen()
        for seite in dok.pages:
            strom = _Erfasser(dok.fonts, _seitenrechteck(seite), ressourcen, {}, None,
                              dok.color_profiles, dok.output_intent, marken=marken,
                              schnappschuss=schnappschuss)
            strom.transform(d=-1, f=seite.height * MASSSTAB)
            seite.paint(strom, MASSSTAB)
        if sorted(id(p) for p in gesehen) != sorted(id(p) for p in self.plaetze):
            raise NichtSchnell("Platz nicht oder mehrfach gemalt")
        self.plaetze = gesehen  # paint order
        for schluessel, schrift in dok.fonts.items():
            if schrift.bitmap or schrift.png or schrift.svg or schrift.colr or "fvar" in schrift.tables:
                continue  # never rebuilt: a letter needing new glyphs there falls back
            self.schriften[schluessel] = schrift
            self.breiten[schluessel] = dict(schrift.widths)
            self.unicode[schluessel] = dict(schrift.to_unicode)
            self.volle_schrift[schluessel] = schrift.file_content
        for platz in self.plaetze:
            for schluessel in self.schriften:
                vorher = platz.vorher.get(schluessel, frozenset())
                platz.breiten_vorher[schluessel] = {g: self.breiten[schluessel][g] for g in vorher}
                platz.unicode_vorher[schluessel] = {
                    g: t for g, t in self.unicode[schluessel].items() if g in vorher}

    def _nimm(self, dok, pdf: pydyf.PDF) -> None:
        """``write_pdf`` finisher: turn the skeleton's objects into a ``_Bauplan``."""
        objekte = pdf.objects

        def objekt_von(verweis):
            return objekte[_nummer(verweis)]

        nach_farbe = {p.farb_op: i for i, p in enumerate(self.plaetze)}
        bloecke: list[tuple[int, list[int]]] = []
        seiten = [objekt_von(v) for v in pdf.page_references]
        gefunden = 0
        for seite in seiten:
            strom = objekt_von(seite["Contents"])
            teile: list = []  # ops lists (constant) and slot index lists (per letter)
            ops: list = []
            befehle = strom.stream
            i = 0
            while i < len(befehle):
                befehl = befehle[i]
                if isinstance(befehl, bytes) and befehl in nach_farbe:
                    if befehle[i + 1:i + 3] != [b"BT", b"ET"]:
                        raise NichtSchnell("Marke im Inhaltsstrom unerwartet")
                    if ops:
                        teile.append(ops)
                        ops = []
                    if teile and isinstance(teile[-1], tuple):
                        teile[-1] = teile[-1] + (nach_farbe[befehl],)
                    else:
                        teile.append((nach_farbe[befehl],))
                    gefunden += 1
                    i += 3
                    continue
                ops.append(befehl)
                i += 1
            if ops:
                teile.append(ops)
            if not any(isinstance(t, tuple) for t in teile):
                continue
            verweise = pydyf.Array()
            erster = True
            for teil in teile:
                if isinstance(teil, tuple):
                    block = pydyf.Stream([], compress=True)
                    pdf.add_object(block)
                    bloecke.append((block.number, list(teil)))
                    verweise.append(block.reference)
                elif erster:
                    strom.stream = teil
                    verweise.append(strom.reference)
                    erster = False
                else:
                    fest = pydyf.Stream(teil, dict(strom.extra), compress=strom.compress)
                    pdf.add_object(fest)
                    verweise.append(fest.reference)
            if erster:  # the page has nothing but slots
                strom.stream = []
            seite["Contents"] = verweise
        if gefunden != len(self.plaetze):
            raise NichtSchnell("Marke nicht im Inhaltsstrom")

        # Fonts a letter may rebuild: their objects are written per letter.
        self.rollen: dict[str, dict[str, int]] = {}
        ressourcen = objekt_von(seiten[0]["Resources"])
        self.zustaende = set(ressourcen.get("ExtGState", {}))
        schriften_pdf = objekt_von(ressourcen["Font"]) if _ist_verweis(ressourcen.get("Font")) else {}
        hashes = Counter(s.hash for s in dok.fonts.values())
        for schluessel, schrift in self.schriften.items():
            verweis = schriften_pdf.get(schrift.hash)
            if verweis is None or hashes[schrift.hash] != 1:
                continue
            rollen = _rollen(objekt_von, verweis)
            if rollen:
                self.rollen[schluessel] = rollen
        schrift_bytes = {n: (not objekte[n].compressible, objekte[n].data)
                         for rollen in self.rollen.values() for n in rollen.values()}
        brief_objektstrom = pydyf.Stream()
        pdf.add_object(brief_objektstrom)
        je_brief = {*schrift_bytes, *(n for n, _ in bloecke), brief_objektstrom.number}
        if pdf.info:
            pdf.add_object(pdf.info)
        # Objects holding the subject (title, bookmarks): written per letter.
        self.titel_objekte: list[tuple[int, pydyf.Dictionary, str]] = []
        if self.titel_marke:
            marke_bytes = self.titel_marke.encode()
            for objekt in objekte[1:]:
                if objekt.free == "f" or not isinstance(objekt, pydyf.Dictionary):
                    continue
                for schluessel, wert in objekt.items():
                    if isinstance(wert, pydyf.String) and wert.string == self.titel_marke:
                        self.titel_objekte.append((objekt.number, objekt, schluessel))
                if objekt.number not in {n for n, _, _ in self.titel_objekte} and (
                        marke_bytes in objekt.data):
                    raise NichtSchnell("Betreff in Metadaten nicht wörtlich")
            je_brief |= {n for n, _, _ in self.titel_objekte}
        kopf = io.BytesIO()
        kopf.write(b"%PDF-" + pydyf._to_bytes(self.optionen["pdf_version"] or b"1.7") + b"\n")
        kopf.write(b"%\xf0\x9f\x96\xa4\n")
        xref: dict[int, tuple[int, int, int]] = {}
        kompakt = []
        for objekt in objekte[1:]:
            if objekt.free == "f" or objekt.number in je_brief:
                continue
            if objekt.compressible:
                kompakt.append(objekt)
            else:
                xref[objekt.number] = (1, kopf.tell(), 0)
                kopf.write(_indirekt(objekt.number, objekt.data))
        inhalt: list = [[]]
        position = 0
        for index, objekt in enumerate(kompakt):
            daten = objekt.data
            inhalt.append(daten)
            inhalt[0] += [objekt.number, position]
            position += len(daten) + 1
            xref[objekt.number] = (2, len(objekte), index)
        inhalt[0] = " ".join(str(z) for z in inhalt[0])
        objektstrom = pydyf.Stream(inhalt, {"Type": "/ObjStm", "N": len(kompakt),
                                             "First": len(inhalt[0]) + 1}, compress=True)
        pdf.add_object(objektstrom)
        xref[objektstrom.number] = (1, kopf.tell(), 0)
        kopf.write(_indirekt(objektstrom.number, objektstrom.data))
        self.bauplan = _Bauplan(
            kopf=kopf.getvalue(), xref=xref, groesse=len(objekte), wurzel=pdf.catalog.reference,
            info=pdf.info.reference if pdf.info else None, bloecke=bloecke,
            schrift_bytes=schrift_bytes, objektstrom=brief_objektstrom.number)
        raise _Genommen

    # -- one letter --

    def brief(self, brief: Brief) -> bytes:
        """This group's letter to one recipient, as PDF bytes."""
        neu_breiten: dict = {s: {} for s in self.schriften}  # glyphs this letter adds, per font
        neu_unicode: dict = {s: {} for s in self.schriften}
        ops_je_platz: list[list] = []
        werte = textstellen(brief) if self.hat_werte else {}
        for platz in self.plaetze:
            if platz.feld == "anschrift" and platz.nummer >= len(brief.anschrift):
                ops_je_platz.append([])  # a line this letter does not have (``passt``)
                continue
            linie = self._linie(platz, platz.text(brief, werte))
            if any(neu_breiten[s].get(g, b) != b for s, glyphen in linie.glyphen.items()
                   for g, (b, _) in glyphen.items()):
                # an earlier line of this letter brought the glyph with another rounded width
                # (another font size); a full render would draw this line with that width
                raise NichtSchnell(f"{platz.name}: Glyphenbreite gerundet anders")
            for s, glyphen in linie.glyphen.items():
                for g, (b, z) in glyphen.items():
                    if g not in neu_breiten[s]:
                        neu_breiten[s][g], neu_unicode[s][g] = b, z
            ops_je_platz.append(linie.ops)
        return self._schreibe(ops_je_platz, neu_breiten, neu_unicode, brief.betreff)

    def _linie(self, platz: _Platz, text: str) -> _Linie:
        """``text`` drawn in ``platz`` (after the skeleton's glyphs only), once per distinct text."""
        gezeichnet = self._linien.setdefault(id(platz), OrderedDict())
        linie = gezeichnet.get(text)
        if linie is None:
            linie = gezeichnet[text] = self._zeichne(platz, text)
            while len(gezeichnet) > LINIEN_JE_PLATZ:
                gezeichnet.popitem(last=False)
            STATISTIK["Zeilen gesetzt"] += 1
        else:
            gezeichnet.move_to_end(text)
            STATISTIK["Zeilen wiederverwendet"] += 1
        return linie

    def _zeichne(self, platz: _Platz, text: str) -> _Linie:
        """Shape ``text`` with WeasyPrint's line split and draw it with its ``draw_text``, the
        fonts holding the skeleton's glyphs before the slot, as in a full render. A full render
        also holds the glyphs of the letter's earlier lines; they draw the same unless their
        widths were rounded otherwise, which ``brief`` checks."""
        layout, _, rest, breite, hoehe, grundlinie = _zeile(text, platz.box.style, platz.max_breite)
        if rest is not None or breite > platz.grenze:
            raise NichtSchnell(f"{platz.name}: zu lang")
        if hoehe != platz.hoehe or grundlinie != platz.grundlinie:
            raise NichtSchnell(f"{platz.name}: andere Zeilenhöhe")
        box = platz.box.copy_with_text(text)
        box.pango_layout, box.width = layout, breite
        kopien = {}
        for s, schrift in self.schriften.items():
            kopie = kopien[s] = copy.copy(schrift)
            kopie.widths = dict(platz.breiten_vorher[s])
            kopie.to_unicode = dict(platz.unicode_vorher[s])
            kopie.missing = {}
        ressourcen = _ressourcen()
        ressourcen["ExtGState"] = pydyf.Dictionary(dict.fromkeys(self.zustaende))
        strom = Stream(kopien, (0, 0, 0, 0), ressourcen, {}, None, {}, None)
        draw_text(strom, box, platz.versatz_x, platz.ueberlauf, platz.ellipse)
        if set(kopien) != set(self.schriften):
            raise NichtSchnell(f"{platz.name}: andere Schrift")
        if set(ressourcen["ExtGState"]) != self.zustaende:
            raise NichtSchnell("neuer Grafikzustand")
        glyphen: dict = {}
        for s, kopie in kopien.items():
            if kopie.missing:
                raise NichtSchnell(f"{platz.name}: Zeichen fehlt in der Schrift")
            glyphen[s] = {}
            for glyphe, breite_g in kopie.widths.items():
                if glyphe in platz.breiten_vorher[s]:
                    continue
                zeichen = kopie.to_unicode.get(glyphe)
                if glyphe in self.breiten[s] and (
                        self.breiten[s][glyphe] != breite_g or self.unicode[s].get(glyphe) != zeichen):
                    raise NichtSchnell(f"{platz.name}: Glyphenbreite gerundet anders")
                glyphen[s][glyphe] = (breite_g, zeichen)
        # pydyf joins a stream's operators with newlines: kept joined, as one operator
        ops = [b"\n".join(strom.stream)] if all(isinstance(o, bytes) for o in strom.stream) else strom.stream
        return _Linie(ops, glyphen)

    def _schriftobjekte(self, neu_breiten: dict, neu_unicode: dict) -> dict[int, bytes]:
        """Font objects for this letter: the skeleton's, or rebuilt with the new glyphs."""
        objekte = dict(self.bauplan.schrift_bytes)
        for s, breiten in neu_breiten.items():
            extra = {g: b for g, b in breiten.items() if g not in self.breiten[s]}
            if not extra:
                continue
            if s not in self.rollen:
                raise NichtSchnell("neue Glyphen in nicht neu baubarer Schrift")
            unicode_extra = {g: neu_unicode[s][g] for g in extra}
            schluessel = (s, frozenset(extra.items()), frozenset(unicode_extra.items()))
            gebaut = self._schrift_zwischenspeicher.get(schluessel)
            if gebaut is None:
                gebaut = self._baue_schrift(s, extra, unicode_extra)
                self._schrift_zwischenspeicher[schluessel] = gebaut
                while len(self._schrift_zwischenspeicher) > SCHRIFTEN_JE_GRUPPE:
                    self._schrift_zwischenspeicher.popitem(last=False)
            else:
                self._schrift_zwischenspeicher.move_to_end(schluessel)
            objekte.update(gebaut)
        return objekte

    def _baue_schrift(self, s, extra: dict, unicode_extra: dict) -> dict[int, bytes]:
        """One font subset with the skeleton's glyphs plus ``extra``, by WeasyPrint's code."""
        schrift = copy.copy(self.schriften[s])
        schrift.widths = {**self.breiten[s], **extra}
        schrift.to_unicode = {**self.unicode[s], **unicode_extra}
        schrift.missing = {}
        schrift.variations = dict(schrift.variations)
        schrift.file_content = self.volle_schrift[s]
        mini = pydyf.PDF()
        verweise = build_fonts_dictionary(mini, {s: schrift}, True, True, self.optionen)
        mini_rollen = _rollen(lambda v: mini.objects[_nummer(v)], verweise[schrift.hash])
        rollen = self.rollen[s]
        if set(mini_rollen) != set(rollen):
            raise NichtSchnell("Schriftaufbau anders")

        def neu(rolle: str) -> bytes:
            return b"%d 0 R" % rollen[rolle]

        obj = {rolle: mini.objects[nummer] for rolle, nummer in mini_rollen.items()}
        obj["schrift"]["ToUnicode"] = neu("unicode")
        obj["schrift"]["DescendantFonts"] = pydyf.Array([neu("nachfahre")])
        if "kodierung" in obj:
            obj["schrift"]["Encoding"] = neu("kodierung")
        obj["nachfahre"]["FontDescriptor"] = neu("beschreibung")
        datei_schluessel = "FontFile2" if "FontFile2" in obj["beschreibung"] else "FontFile3"
        obj["beschreibung"][datei_schluessel] = neu("datei")
        if "cidset" in obj:
            obj["beschreibung"]["CIDSet"] = neu("cidset")
        return {rollen[rolle]: (not o.compressible, _daten(o)) for rolle, o in obj.items()}

    def _schreibe(self, ops_je_platz: list[list], neu_breiten: dict, neu_unicode: dict,
                  betreff: str) -> bytes:
        """Skeleton bytes, then this letter's objects, then the cross-reference stream."""
        plan = self.bauplan
        ausgabe = [plan.kopf]
        position = len(plan.kopf)
        xref = dict(plan.xref)
        einzeln = self._schriftobjekte(neu_breiten, neu_unicode)
        for nummer, objekt, schluessel in self.titel_objekte:
            kopie = pydyf.Dictionary(objekt)
            kopie[schluessel] = pydyf.String(betreff)
            einzeln[nummer] = (not kopie.compressible, kopie.data)
        for nummer, platz_nummern in plan.bloecke:
            ops = [b"q"]
            for index in platz_nummern:
                ops += ops_je_platz[index]
            ops.append(b"Q")
            einzeln[nummer] = (True, _daten(pydyf.Stream(ops, compress=True)))
        kompakt = sorted(n for n, (strom, _) in einzeln.items() if not strom)
        if kompakt:
            kopf, koerper, stelle = [], [], 0
            for index, nummer in enumerate(kompakt):
                daten = einzeln[nummer][1]
                kopf += [nummer, stelle]
                koerper.append(daten)
                stelle += len(daten) + 1
                xref[nummer] = (2, plan.objektstrom, index)
            kopfzeile = " ".join(map(str, kopf)).encode()
            objektstrom = pydyf.Stream([kopfzeile, *koerper], {
                "Type": "/ObjStm", "N": len(kompakt), "First": len(kopfzeile) + 1}, compress=True)
            einzeln[plan.objektstrom] = (True, _daten(objektstrom))
        for nummer in sorted(n for n, (strom, _) in einzeln.items() if strom):
            teil = _indirekt(nummer, einzeln[nummer][1])
            xref[nummer] = (1, position, 0)
            ausgabe.append(teil)
            position += len(teil)
        ausgabe.append(_xref_strom(xref, plan, position))
        ausgabe.append(b"startxref\n%d\n%%%%EOF\n" % position)
        return b"".join(ausgabe)


def _xref_strom(xref: dict[int, tuple[int, int, int]], plan: _Bauplan, position: int) -> bytes:
    """The cross-reference stream (it is the last object), as pydyf writes it."""
    nummer = plan.groesse
    eintraege = [(0, 0, 65535)]
    for n in range(1, nummer):
        eintraege.append(xref.get(n, (0, 0, 0)))
    eintraege.append((1, position, 0))
    feld2 = max(1, (max(e[1] for e in eintraege).bit_length() + 7) // 8)
    feld3 = max(1, (max(e[2] for e in eintraege).bit_length() + 7) // 8)
    daten = b"".join(
        a.to_bytes(1, "big") + b.to_bytes(feld2, "big") + c.to_bytes(feld3, "big")
        for a, b, c in eintraege)
    extra = {"Type": "/XRef", "Index": pydyf.Array((0, nummer + 1)),
             "W": pydyf.Array((1, feld2, feld3)), "Size": nummer + 1, "Root": plan.wurzel}
    if plan.info:
        extra["Info"] = plan.info
    return _indirekt(nummer, _daten(pydyf.Stream([daten], extra, compress=True)))



def vorwaermen(brief: Brief, variante: str | None = None) -> bool:
    """Build the layout group of ``brief`` in this process (and prove its number of address
    lines); whether anything new was built or proven.

    Called before worker processes are forked, they start with the groups (and
    WeasyPrint's fonts, stylesheet and hyphenation) instead of each building them again.
    """
    if variante not in SCHNELLE_VARIANTEN:
        return False
    with _SPERRE:
        vorher = _vorbereitet()
        with contextlib.suppress(NichtSchnell):
            gruppe = _gruppe(brief)
            if not gruppe.geuebt:  # one letter, so the code it runs is loaded before the fork
                gruppe.geuebt = True
                gruppe.brief(brief)
        return _vorbereitet() > vorher


def _vorbereitet() -> int:
    """Groups of this process and address-line counts proven for them."""
    return sum(1 + len(g._passt) if isinstance(g, _Gruppe) else 1 for g in _GRUPPEN.gruppen.values())
