"""Fast path, layout group: the skeleton proven box for box, and per letter its slot lines
shaped, drawn and spliced into the skeleton's content streams."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
from collections import Counter, OrderedDict

import pydyf
from tinycss2.color4 import parse_color
from weasyprint import DEFAULT_OPTIONS
from weasyprint.draw import draw_inline_level
from weasyprint.draw.text import draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream

from briefe.modell import Brief
from briefe.satz.gruppen import AndereZeilenzahl, NichtSchnell, NurDieserBrief, textstellen
from briefe.satz.pdf import weasy as pdf_modul
from briefe.satz.pdf.html import brief_html
from briefe.satz.pdf.schnell_block import (
    aufzeichnen,
    blockplaetze,
    mitte,
    setze,
    textstuecke,
    zeilenschluessel,
)
from briefe.satz.pdf.schnell_platz import (
    _am_zeilenende,
    _finde,
    _geometrie,
    _lange_marke,
    _mit_texten,
    _plaetze_fuer,
    _Platz,
    _zeile,
    zeilen_entbehrlich,
)
from briefe.satz.pdf.schnell_strom import (
    MASSSTAB,
    _Bauplan,
    _Erfasser,
    _indirekt,
    _ist_verweis,
    _Linie,
    _nummer,
    _ressourcen,
    _rollen,
    _Schriftkopien,
    _seitenrechteck,
    _verbinde,
    schreibe_brief,
    schriftobjekte,
    teile_seiten,
)
from briefe.satz.pdf.schnell_tabelle import TEXT, ZEICHNUNG, markiere, markiert_malen, setze_tabelle

SCHRIFTEN_JE_GRUPPE = 256
LINIEN_JE_PLATZ = 256  # drawn lines kept per slot (a city, a group, an amount recur)
LINIEN_JE_GRUPPE = 24 * LINIEN_JE_PLATZ  # and per group: a letter with many value slots keeps fewer each


# How letters were made in this process: "schnell", "voll" and the reasons for "voll".
STATISTIK: Counter = Counter()


class _Genommen(Exception):
    """Raised from the ``write_pdf`` finisher once the skeleton's objects are taken."""




def _leer(box, farbe):
    """An empty, undecorated copy of a TextBox in the marker colour ``farbe``."""
    leer = box.copy()
    leer.text = ""
    leer.style = copy.copy(box.style)
    leer.style["color"] = farbe
    leer.style["text_decoration_line"] = "none"
    return leer


class _Gruppe:
    """Everything shared by the letters of one layout group."""

    def __init__(self, brief: Brief, stellen: frozenset = frozenset(), rahmen: dict | None = None) -> None:
        self.plaetze = _plaetze_fuer(brief, stellen)
        self.hat_werte = bool(stellen)
        # paragraphs keep this letter's texts in the skeleton: its line count is a letter's
        self.markiert = _mit_texten(brief, self.plaetze, {p.marke: p.marke for p in self.plaetze})
        absatz = [p for p in self.plaetze if p.feld == "absatz"]
        with aufzeichnen() if absatz else contextlib.nullcontext([]) as aufrufe:
            dok = pdf_modul.dokument(self.markiert)
        if absatz:
            self.plaetze = [p for p in self.plaetze if p.feld != "absatz"] + blockplaetze(
                brief, self.markiert, dok, aufrufe, absatz, rahmen or {})
        nach_marke = {p.marke: p for p in self.plaetze if not p.block}
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
        # Whether a letter with fewer address lines is this skeleton without its last (``passt``).
        self.anschrift_zeilen = len(brief.anschrift)
        self._entbehrlich = zeilen_entbehrlich(dok, zeilen_bloecke)
        self._passt: dict[int, bool] = {self.anschrift_zeilen: True}
        self.geuebt = False  # whether ``vorwaermen`` made a letter with it
        self.letzte_variante: _Gruppe | None = None  # the variant (``zeilenzahlen``) last used
        self.proben = 0  # letters ``vorwaermen`` counted the lines of
        self.dokument = dok
        self.schriften: dict = {}
        self.breiten: dict = {}
        self.unicode: dict = {}
        self.volle_schrift: dict = {}
        gemeldet = self._melde_schriften()
        self._setze_marken()
        self.optionen = dict(DEFAULT_OPTIONS)
        with markiert_malen():
            self._trockenlauf()
            self.nur_in_bloecken = {s for s in gemeldet if not dok.fonts[s].widths}
            with contextlib.suppress(_Genommen):
                dok.write_pdf(finisher=self._nimm)
        self._schrift_zwischenspeicher: OrderedDict = OrderedDict()
        self._je_platz = min(LINIEN_JE_PLATZ, max(32, LINIEN_JE_GRUPPE // max(1, len(self.plaetze))))
        self._linien: dict[int, OrderedDict[str, _Linie]] = {}  # per slot: text -> its line
        self._absatzzeilen: dict[int, OrderedDict] = {}  # per paragraph slot: line -> drawn
        self._textstuecke: dict[int, OrderedDict] = {}  # per paragraph slot: text box -> drawn
        self._gesetzt: dict = {}  # this letter's blocks laid out (``_setze``)
        self._andere_zeilen: set = set()  # (slot, text) seen with other line counts

    # -- proofs --

    def passt(self, zeilen: int) -> bool:
        """Whether a letter with ``zeilen`` address lines is this skeleton without its last
        lines: its HTML is the skeleton's without those lines' paragraphs, and the skeleton's
        layout shows that they can go without moving anything (``zeilen_entbehrlich``)."""
        if zeilen not in self._passt:
            self._passt[zeilen] = self._entbehrlich and 0 < zeilen < self.anschrift_zeilen and (
                self._html_ohne(zeilen))
        return self._passt[zeilen]

    def _html_ohne(self, zeilen: int) -> bool:
        kuerzer = dataclasses.replace(self.markiert, anschrift=self.markiert.anschrift[:zeilen])
        erwartet = brief_html(self.markiert)
        for marke in self.markiert.anschrift[zeilen:]:
            absatz = f"<p>{marke}</p>"
            if erwartet.count(absatz) != 1:
                return False
            erwartet = erwartet.replace(absatz, "")
        return brief_html(kuerzer) == erwartet

    def _pruefe_lang(self, brief: Brief, dok_kurz) -> None:
        """Lay out again with each slot as wide as it may be: nothing else may move."""
        zeilen = [p for p in self.plaetze if not p.block]  # a block is proven per letter
        lang = {p.marke: _lange_marke(p) for p in zeilen}
        dok_lang = pdf_modul.dokument(_mit_texten(brief, self.plaetze, lang))
        gefunden = _finde(dok_lang, {t: None for t in lang.values()})
        self._pruefe_metadaten(dok_kurz, dok_lang, lang)
        ausnahmen_kurz, textlos_kurz, ausnahmen_lang, textlos_lang = set(), set(), set(), set()
        for platz in zeilen:
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

        spur = spuren(dok_kurz, bool(betreff))
        if any(m in spur for p in self.plaetze for m in (p.marken or (p.marke,))):
            raise NichtSchnell("Platz in Metadaten")
        self.titel_marke = betreff[0] if betreff else None
        if betreff:
            if any(p.marke in spuren(dok_kurz, False) for p in self.plaetze if p.marke not in betreff):
                raise NichtSchnell("Platz in Metadaten")
            ersetzt = spuren(dok_kurz, False).replace(betreff[0], lang[betreff[0]])
            if ersetzt != spuren(dok_lang, False) or dok_kurz.metadata.title != betreff[0]:
                raise NichtSchnell("Betreff in Metadaten nicht wörtlich")

    # -- skeleton --

    def _melde_schriften(self) -> set:
        """Register the fonts the blocks' lines are drawn with, without glyphs: the skeleton
        paints none of those lines, a letter's are drawn with them (a font used nowhere else,
        e.g. the italic of a value, must be in the skeleton's PDF). Returns the fonts registered;
        a letter must draw with each of them the skeleton uses nowhere else, or its PDF would
        hold one font more than its full render."""
        bloecke = [p.box for p in self.plaetze if p.feld in ("absatz", ZEICHNUNG)]
        if not bloecke:
            return set()
        schriften = self.dokument.fonts
        vorher = set(schriften)
        strom = Stream(schriften, (0, 0, 0, 0), _ressourcen(), {}, None, {}, None)
        for block in bloecke:
            for zeile in block.descendants():
                if isinstance(zeile, boxes.LineBox):
                    draw_inline_level(strom, None, zeile)
        for schluessel in set(schriften) - vorher:
            schriften[schluessel].widths, schriften[schluessel].to_unicode = {}, {}
            schriften[schluessel].missing = {}
        return set(schriften) - vorher

    def _setze_marken(self) -> None:
        """Replace each slot's TextBox by an empty one of a unique colour."""
        for nummer, platz in enumerate(self.plaetze):
            farbe = parse_color(f"rgb({nummer + 1} {2 * nummer + 3} 211)")
            platz.farbe = tuple(farbe.to("srgb").coordinates)
            probe = pydyf.Stream()
            probe.set_color_rgb(*platz.farbe)
            platz.farb_op = probe.stream[0]
            if platz.feld in (ZEICHNUNG, TEXT):  # painted as markers (``markiert_malen``)
                markiere(platz.feld, platz.box, platz.farbe)
                continue
            if platz.feld == "absatz":  # the block's lines make way for one marker line
                zeile = platz.box.children[0]
                vorlage = next(b for b in zeile.descendants() if isinstance(b, boxes.TextBox))
                platz.box.children = [zeile.copy_with_children([_leer(vorlage, farbe)])]
                continue
            kinder = platz.eltern.children
            kinder[kinder.index(platz.box)] = _leer(platz.box, farbe)

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

        seiten = [objekt_von(v) for v in pdf.page_references]
        bloecke = teile_seiten(pdf, seiten, [p.farb_op for p in self.plaetze])

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
        self._gesetzt = {}
        bloecke = [(p, p.text(brief, werte)) for p in self.plaetze if p.feld in ("absatz", ZEICHNUNG)]
        for platz, text in bloecke:  # a text seen with other line counts: not this group's
            if (id(platz), text) in self._andere_zeilen:
                raise AndereZeilenzahl(f"{platz.name}: andere Zeilenzahl")
        for platz, text in bloecke:  # first the blocks' layouts: another line count draws nothing
            if text not in self._linien.get(id(platz), ()):
                try:
                    self._setze(platz, text)
                except AndereZeilenzahl:
                    if len(self._andere_zeilen) >= self._je_platz * 4:
                        self._andere_zeilen.clear()
                    self._andere_zeilen.add((id(platz), text))
                    raise
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
        if any(not neu_breiten.get(s) for s in self.nur_in_bloecken):
            raise NichtSchnell("Schrift der Gruppe im Brief nicht gebraucht")
        return self._schreibe(ops_je_platz, neu_breiten, neu_unicode, brief.betreff)

    def _linie(self, platz: _Platz, text: str) -> _Linie:
        """``text`` drawn in ``platz`` (after the skeleton's glyphs only), once per distinct text."""
        gezeichnet = self._linien.setdefault(id(platz), OrderedDict())
        linie = gezeichnet.get(text)
        if linie is None:
            linie = gezeichnet[text] = self._zeichne(platz, text)
            while len(gezeichnet) > self._je_platz:
                gezeichnet.popitem(last=False)
            STATISTIK["Zeilen gesetzt"] += 1
        else:
            gezeichnet.move_to_end(text)
            STATISTIK["Zeilen wiederverwendet"] += 1
        return linie

    def eigene_zeilenzahlen(self) -> tuple:
        """``zeilenzahlen`` of the skeleton itself."""
        return tuple(len(p.satz.aufruf.lage) if p.feld == "absatz" else p.satz.aufruf.ergebnis.margin_height()
                     for p in self.plaetze if p.feld in ("absatz", ZEICHNUNG))

    def zeilenzahlen(self, brief: Brief) -> tuple:
        """The number of lines of each paragraph slot and the height of each table in ``brief``
        (its layout variant)."""
        werte = textstellen(brief)
        zahlen = []
        for p in self.plaetze:
            if p.feld in ("absatz", ZEICHNUNG):
                seite = self.dokument.pages[p.seite]._page_box
                mitten = self._mitten(p, p.text(brief, werte))
                zahlen.append(len(setze(p.satz, mitten, seite, zaehlen=True)) if p.feld == "absatz"
                              else setze_tabelle(p.satz, mitten, seite, zaehlen=True))
        return tuple(zahlen)

    @staticmethod
    def _mitten(platz: _Platz, texte: tuple[str, ...]) -> dict[str, str]:
        return {marke: mitte((vorn, hinten), wert, vorlage, marke) for marke, wert, (
            vorn, hinten, vorlage) in zip(platz.marken, texte, platz.rahmen, strict=True)}

    def _setze(self, platz: _Platz, text: tuple):
        """A block slot laid out with this letter's texts (paragraph: its lines; table: it drawn
        as ``schnell_tabelle`` paints it), once per letter."""
        schluessel = (id(platz.satz), text)
        if schluessel not in self._gesetzt:
            seite = self.dokument.pages[platz.seite]._page_box
            setzen = setze if platz.feld == "absatz" else setze_tabelle
            self._gesetzt[schluessel] = setzen(platz.satz, self._mitten(platz, text), seite)
        return self._gesetzt[schluessel]

    def _zeichne(self, platz: _Platz, text) -> _Linie:
        """Shape ``text`` with WeasyPrint's line split and draw it with its ``draw_text`` (a
        paragraph: set with its line breaker, drawn with its ``draw_inline_level``)."""
        if platz.feld == "absatz":
            return _verbinde([self._absatzzeile(platz, zeile) for zeile in self._setze(platz, text)])
        if platz.block:  # a table's borders or its text, from one layout per letter
            gemalt = self._setze(platz, text)
            if platz.feld == ZEICHNUNG:
                return self._male(platz, gemalt.zeichnung)
            return _verbinde([self._absatzzeile(platz, zeile) for zeile in gemalt.zeilen])
        layout, _, rest, breite, hoehe, grundlinie = _zeile(text, platz.box.style, platz.max_breite)
        if rest is not None or breite > platz.grenze:
            raise NichtSchnell(f"{platz.name}: zu lang")
        if hoehe != platz.hoehe or grundlinie != platz.grundlinie:
            raise NichtSchnell(f"{platz.name}: andere Zeilenhöhe")
        box = platz.box.copy_with_text(text)
        box.pango_layout, box.width = layout, breite
        return self._male(platz, lambda strom: draw_text(strom, box, platz.versatz_x, platz.ueberlauf,
                                                          platz.ellipse))

    def _absatzzeile(self, platz: _Platz, zeile) -> _Linie:
        """One laid-out line of a paragraph slot drawn with ``draw_inline_level``, once per
        distinct line (its boxes, texts, styles and places)."""
        gezeichnet = self._absatzzeilen.setdefault(id(platz), OrderedDict())
        schluessel = zeilenschluessel(zeile)
        linie = gezeichnet.get(schluessel)
        if linie is None:
            stuecke = textstuecke(zeile)
            if stuecke is None:
                linie = self._male(platz, lambda strom: draw_inline_level(strom, None, zeile))
            else:  # each text drawn on its own: a bold amount, the text before it recur
                linie = _verbinde([self._textstueck(platz, *stueck) for stueck in stuecke])
            # the styles stay alive with it (their ids are in the key), not the laid-out line
            stile = {id(b.style): b.style for b in zeile.descendants()}
            gezeichnet[schluessel] = (linie, tuple(stile.values()))
            while len(gezeichnet) > self._je_platz:
                gezeichnet.popitem(last=False)
            return linie
        gezeichnet.move_to_end(schluessel)
        return linie[0]

    def _textstueck(self, platz: _Platz, box, versatz: float, ueberlauf: str, ellipse: str) -> _Linie:
        """One text box of a line drawn with ``draw_text``, once per distinct box and place."""
        gezeichnet = self._textstuecke.setdefault(id(platz), OrderedDict())
        schluessel = (zeilenschluessel(box), versatz, ueberlauf, ellipse)
        linie = gezeichnet.get(schluessel)
        if linie is None:
            linie = self._male(platz, lambda strom: draw_text(strom, box, versatz, ueberlauf, ellipse))
            gezeichnet[schluessel] = (linie, box.style)  # the style stays alive (its id in the key)
            while len(gezeichnet) > 2 * self._je_platz:
                gezeichnet.popitem(last=False)
            return linie
        gezeichnet.move_to_end(schluessel)
        return linie[0]

    def _male(self, platz: _Platz, malen) -> _Linie:
        """Draw with ``malen``, the fonts holding the skeleton's glyphs before the slot, as in a
        full render. A full render also holds the glyphs of the letter's earlier lines; they
        draw the same unless their widths were rounded otherwise, which ``brief`` checks."""
        kopien = _Schriftkopien(self.schriften, platz)
        ressourcen = _ressourcen()
        ressourcen["ExtGState"] = pydyf.Dictionary(dict.fromkeys(self.zustaende))
        strom = Stream(kopien, (0, 0, 0, 0), ressourcen, {}, None, {}, None)
        malen(strom)
        if not self.schriften.keys() >= kopien.keys():
            raise NichtSchnell(f"{platz.name}: andere Schrift")
        if set(ressourcen["ExtGState"]) != self.zustaende:
            raise NichtSchnell("neuer Grafikzustand")
        if any(ressourcen[art] for art in ("XObject", "Pattern", "Shading", "ColorSpace")):
            raise NichtSchnell(f"{platz.name}: Bild oder Verlauf")
        glyphen: dict = {}
        for s, kopie in kopien.items():
            if kopie.missing:
                raise NichtSchnell(f"{platz.name}: Zeichen fehlt in der Schrift")
            neu = kopie.widths.keys() - platz.breiten_vorher[s].keys()
            if not neu:
                continue
            glyphen[s] = {}
            for glyphe in neu:
                breite_g, zeichen = kopie.widths[glyphe], kopie.to_unicode.get(glyphe)
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

    def _baue_schrift(self, s, extra: dict, zeichen: dict) -> dict[int, bytes]:
        """One font subset with the skeleton's glyphs plus ``extra``, by WeasyPrint's code."""
        schrift = copy.copy(self.schriften[s])
        schrift.widths, schrift.to_unicode = {**self.breiten[s], **extra}, {**self.unicode[s], **zeichen}
        schrift.missing, schrift.variations = {}, dict(schrift.variations)
        schrift.file_content = self.volle_schrift[s]
        return schriftobjekte(s, schrift, self.rollen[s], self.optionen)

    def _schreibe(self, ops_je_platz: list[list], neu_breiten: dict, neu_unicode: dict,
                  betreff: str) -> bytes:
        """Skeleton bytes, then this letter's objects, then the cross-reference stream."""
        einzeln = self._schriftobjekte(neu_breiten, neu_unicode)
        for nummer, objekt, schluessel in self.titel_objekte:
            kopie = pydyf.Dictionary(objekt)
            kopie[schluessel] = pydyf.String(betreff)
            einzeln[nummer] = (not kopie.compressible, kopie.data)
        return schreibe_brief(self.bauplan, einzeln, ops_je_platz)
