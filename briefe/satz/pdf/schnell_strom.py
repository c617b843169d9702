"""Fast path, PDF objects: capturing the skeleton's page streams and writing a letter's
objects and cross-reference stream as pydyf does."""

from __future__ import annotations

import copy
import dataclasses
import zlib

import pydyf
from weasyprint.pdf.fonts import build_fonts_dictionary
from weasyprint.pdf.stream import Stream

from briefe.satz.gruppen import NichtSchnell

MASSSTAB = 0.75  # PDF points per CSS pixel, as WeasyPrint draws


@dataclasses.dataclass(frozen=True)
class _Linie:
    """One slot's text, shaped and drawn: its content stream operators and the glyphs it adds
    to each font (glyph id -> (width, text)), beyond those the skeleton drew before it."""

    ops: list
    glyphen: dict


def _verbinde(linien: list[_Linie]) -> _Linie:
    """A paragraph's lines, drawn each on its own, as one: a glyph two lines bring must have
    the same width in both (else a full render would draw the second with the first's)."""
    ops: list = []
    glyphen: dict = {}
    for linie in linien:
        ops += linie.ops
        for s, neu in linie.glyphen.items():
            ziel = glyphen.setdefault(s, {})
            for g, (breite, zeichen) in neu.items():
                if ziel.setdefault(g, (breite, zeichen))[0] != breite:
                    raise NichtSchnell("Absatz: Glyphenbreite gerundet anders")
    return _Linie(ops, glyphen)


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


class _Schriftkopien(dict):
    """The fonts a slot is drawn with: a skeleton font is copied when first used, holding the
    glyphs the skeleton drew before the slot; any other font is kept as WeasyPrint adds it."""

    def __init__(self, schriften: dict, platz) -> None:
        super().__init__()
        self._schriften, self._platz = schriften, platz

    def __contains__(self, schluessel) -> bool:
        return schluessel in self._schriften or dict.__contains__(self, schluessel)

    def __missing__(self, schluessel):
        kopie = copy.copy(self._schriften[schluessel])
        kopie.widths = dict(self._platz.breiten_vorher[schluessel])
        kopie.to_unicode = dict(self._platz.unicode_vorher[schluessel])
        kopie.missing = {}
        self[schluessel] = kopie
        return kopie


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
    """``objekt.data`` as pydyf writes it, but a letter's own compressed streams at zlib level 1:
    pydyf takes level 9, level 1 is about three times faster than 6 on a font subset and within
    1 % of its size."""
    if not (isinstance(objekt, pydyf.Stream) and objekt.compress
            and all(isinstance(teil, bytes) for teil in objekt.stream)):
        return objekt.data
    daten = zlib.compress(b"\n".join(objekt.stream), 1)
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


def schreibe_brief(plan: _Bauplan, einzeln: dict[int, tuple[bool, bytes]],
                   ops_je_platz: list[list]) -> bytes:
    """A letter's PDF: the skeleton bytes, the letter's own objects (``einzeln``: number ->
    (is a stream, bytes)), its slot streams, then the cross-reference stream."""
    ausgabe = [plan.kopf]
    position = len(plan.kopf)
    xref = dict(plan.xref)
    for nummer, platz_nummern in plan.bloecke:
        # not wrapped in q/Q: the state the slots' ops leave (fill colour, text state) is the
        # state their text leaves in a full render, which the next operators see there too
        ops = [op for index in platz_nummern for op in ops_je_platz[index]]
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


def schriftobjekte(schluessel, schrift, rollen: dict[str, int],
                   optionen: dict) -> dict[int, tuple[bool, bytes]]:
    """A font's PDF objects built by WeasyPrint's code for ``schrift`` (its glyphs set), numbered
    as the skeleton's objects of that font (``rollen``: role -> object number)."""
    mini = pydyf.PDF()
    verweise = build_fonts_dictionary(mini, {schluessel: schrift}, True, True, optionen)
    mini_rollen = _rollen(lambda v: mini.objects[_nummer(v)], verweise[schrift.hash])
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


def teile_seiten(pdf: pydyf.PDF, seiten: list, farb_ops: list[bytes]) -> list[tuple[int, list[int]]]:
    """Split each page's content stream where a slot marker (``farb_ops``: the markers' colour
    operators, by slot) is painted: the page's ``/Contents`` becomes an array of the constant
    parts and an empty stream per run of slots, written per letter. Returns those streams'
    object numbers with the slots painted there, in paint order."""
    nach_farbe = {op: i for i, op in enumerate(farb_ops)}
    bloecke: list[tuple[int, list[int]]] = []
    gefunden = 0
    for seite in seiten:
        strom = pdf.objects[_nummer(seite["Contents"])]
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
    if gefunden != len(farb_ops):
        raise NichtSchnell("Marke nicht im Inhaltsstrom")
    return bloecke
