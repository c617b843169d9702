"""The DOCX renderer: a ``Brief`` as an editable Word document (DIN 5008).

The address field and the info block sit in one floating table anchored to
the page, so they stay in the envelope window while the clerk edits the
body; letterhead, fold and hole marks live in the first-page header, "Seite n
von m" in the header of the following pages. Every element carries a named
style, so the look is changed in one place.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.section import Section
from lxml import etree

from briefe.fehler import BriefeFehler
from briefe.geometrie import (
    ANSCHRIFT_BREITE,
    ANSCHRIFT_LINKS,
    ANSCHRIFT_RECHTS,
    GIROCODE_ABSTAND,
    GIROCODE_BREITE,
    GIROCODE_SEITE,
    INFOBLOCK_BEZEICHNUNG_BREITE,
    INFOBLOCK_BREITE,
    INFOBLOCK_LINKS,
    SEITE_BREITE,
    TEXT_BREITE,
)
from briefe.modell import (
    Absatz,
    Brief,
    GiroCodeStelle,
    InfoZeile,
    Liste,
    Tabelle,
    Unterschrift,
    Zahlung,
    Zeile,
)
from briefe.satz import girocode
from briefe.satz.docx.grundlage import (
    SPRACHE,
    ZEILE,
    Vorlage,
    bild_einpassen,
    fuege_ein,
    fuege_liste_ein,
    hole_vorlage,
    liste_xml,
    seitenrahmen,
)
from briefe.satz.docx.ooxml import (
    NAMENSRAEUME,
    W,
    absatz,
    abstand,
    bereinige_xml_text,
    bild_im_text,
    emu,
    freiraum,
    lauf,
    twips,
    winziger_absatz,
)

__all__ = ["bereinige_xml_text", "schreibe_docx", "schreibe_sammel_docx"]

UNTERSCHRIFT_LEERZEILEN = 3  # blank lines for a handwritten signature (and its image height)
UNTERSCHRIFT_BILD_MAX_BREITE = 60.0  # mm
# LibreOffice puts the baseline of an exactly spaced line at 80 % of its height, so the
# font-size-tall em box of the first address line would start 0.3 mm above the
# recipient zone; this inner top margin keeps all six lines inside it.
ANSCHRIFT_ABSTAND_OBEN = 0.5  # mm

ZEILE_MM = ZEILE * 25.4 / 1440  # one body line in mm, as Word rounds it

_AUSRICHTUNG = {"left": "left", "center": "center", "right": "right"}


def schreibe_docx(brief: Brief, ziel: Path | str | BinaryIO) -> None:
    """Write ``brief`` as one DOCX file to ``ziel`` (path or binary file)."""
    vorlage = hole_vorlage(brief.absender, brief.form)
    dok = docx.Document(io.BytesIO(vorlage.daten))
    _Schreiber(dok, vorlage).brief(brief)
    _eigenschaften(dok, brief.betreff, brief.absender.behoerde, brief.absender.dienststelle,
                   brief.datum, brief.sprache)
    _speichere(dok, ziel)


_SAMMEL_MARKE = "briefe-sammel-vorherige-briefe"


def schreibe_sammel_docx(briefe: Iterable[Brief], ziel: Path | str | BinaryIO) -> None:
    """Write all ``briefe`` into one DOCX, one section (starting on a new page) per letter.

    No blank pages for duplex printing: each section restarts page numbering at 1, so
    Word and LibreOffice treat every letter's first page as odd (README, „--duplex“).

    Memory stays bounded: each finished letter's body leaves the XML tree for a temporary
    file and is spliced back into ``word/document.xml`` when the archive is written.
    """
    briefe = iter(briefe)
    erster = next(briefe, None)
    if erster is None:
        raise BriefeFehler("Keine Briefe für das Sammeldokument")
    vorlage = hole_vorlage(erster.absender, erster.form, sammel=True)
    dok = docx.Document(io.BytesIO(vorlage.daten))
    schreiber = _Schreiber(dok, vorlage)
    wurzel = dok.element
    with tempfile.TemporaryFile() as fertig:
        schreiber.brief(erster)
        vorher = (erster.absender, erster.form)
        for brief in briefe:
            jetzt = (brief.absender, brief.form)
            schreiber.neuer_abschnitt(brief if jetzt != vorher else None)
            # Everything before the final section properties is finished now.
            attrappe = etree.Element(wurzel.tag, nsmap=wurzel.nsmap)
            for kind in list(schreiber.koerper):
                if kind is schreiber.abschnitt:
                    break
                attrappe.append(kind)
            text = etree.tostring(attrappe, encoding="utf-8")
            fertig.write(text[text.index(b">") + 1:text.rindex(b"</")])
            schreiber.brief(brief)
            vorher = jetzt
        _eigenschaften(dok, erster.betreff, erster.absender.behoerde, erster.absender.dienststelle,
                       erster.datum, erster.sprache)
        schreiber.koerper.insert(0, etree.Comment(_SAMMEL_MARKE))
        puffer = io.BytesIO()
        dok.save(puffer)
        del dok, schreiber, wurzel
        marke = f"<!--{_SAMMEL_MARKE}-->".encode()
        ausgabe = ziel if hasattr(ziel, "write") else str(ziel)
        with zipfile.ZipFile(puffer) as quelle, zipfile.ZipFile(ausgabe, "w", zipfile.ZIP_DEFLATED) as archiv:
            for info in quelle.infolist():
                if info.filename != "word/document.xml":
                    archiv.writestr(info, quelle.read(info))
                    continue
                vorne, hinten = quelle.read(info).split(marke)
                with archiv.open(info, "w", force_zip64=True) as strom:
                    strom.write(vorne)
                    fertig.seek(0)
                    while block := fertig.read(1 << 20):
                        strom.write(block)
                    strom.write(hinten)


def _speichere(dok: Document, ziel: Path | str | BinaryIO) -> None:
    dok.save(str(ziel) if isinstance(ziel, Path) else ziel)


KERN_LAENGE = 255


def _hoechstens(text: str, laenge: int) -> str:
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


def _eigenschaften(dok: Document, titel: str, behoerde: str, dienststelle: str,
                   datum: dt.date, sprache: str) -> None:
    """Core properties: title, author, language; dates fixed to the letter date."""
    kern = dok.core_properties
    # Core properties hold at most 255 characters; the letter itself shows the full text.
    kern.title = _hoechstens(bereinige_xml_text(titel), KERN_LAENGE)
    kern.author = _hoechstens(bereinige_xml_text(" – ".join(t for t in (behoerde, dienststelle) if t)),
                              KERN_LAENGE)
    kern.language = bereinige_xml_text(sprache) or SPRACHE
    zeitpunkt = dt.datetime(datum.year, datum.month, datum.day, tzinfo=dt.UTC)
    kern.created = kern.modified = zeitpunkt
    kern.revision = 1


def _zeile(teile: Zeile) -> str:
    return "".join(lauf(t.text, t.fett, t.kursiv) for t in teile)


class _Schreiber:
    """Appends letters to one document; keeps list and drawing ids unique across them."""

    def __init__(self, dok: Document, vorlage: Vorlage) -> None:
        self.dok = dok
        self.vorlage = vorlage
        self.koerper = dok.element.body
        self.abschnitt = self.koerper.find(qn("w:sectPr"))
        self.nummerierung = dok.part.numbering_part.element
        self.listen = itertools.count(vorlage.hoechste_liste + 1)
        self.kennungen = itertools.count(vorlage.naechste_kennung)
        self.letzter_absatz = None
        self.trenner = False

    # -- document level --

    def brief(self, brief: Brief) -> None:
        """Append one letter's body before the final section properties."""
        xml = "".join(self._brief_xml(brief))
        if self.trenner:
            # LibreOffice drops a section break that a floating table follows directly;
            # a hidden empty paragraph in between takes no space.
            xml = _VERSTECKTER_ABSATZ + xml
            self.trenner = False
        fragment = parse_xml(f"<w:body {NAMENSRAEUME}>{xml}</w:body>")
        for kind in list(fragment):
            self.abschnitt.addprevious(kind)
            self.letzter_absatz = kind

    def neuer_abschnitt(self, brief: Brief | None) -> None:
        """End the previous letter's section; ``brief`` is set when its page frame differs."""
        vorher = copy.deepcopy(self.abschnitt)
        ppr = self.letzter_absatz.get_or_add_pPr()
        ppr.append(vorher)
        for verweis in (*self.abschnitt.findall(qn("w:headerReference")),
                        *self.abschnitt.findall(qn("w:footerReference"))):
            self.abschnitt.remove(verweis)
        art = self.abschnitt.find(qn("w:type"))
        if art is None:
            art = parse_xml(f'<w:type xmlns:w="{W}"/>')
            fuege_ein(self.abschnitt, art, tuple(qn(f"w:{t}") for t in ("pgSz", "pgMar")))
        art.set(qn("w:val"), "nextPage")
        self.trenner = True
        if brief is not None and self.vorlage.eigener_rahmen:
            seitenrahmen(self.dok, Section(self.abschnitt, self.dok.part), brief.absender,
                         brief.form, self.kennungen, sammel=True)

    # -- the letter --

    def _brief_xml(self, brief: Brief) -> Iterable[str]:
        yield self._anschriftfeld(brief)
        betreff = lauf(brief.betreff)
        if not self.vorlage.eigener_rahmen:
            # The base document's letterhead may end above the address field.
            betreff = freiraum(next(self.kennungen), SEITE_BREITE, brief.form.empfaengerzone_unten,
                               2 * ZEILE_MM) + betreff
        yield absatz("Betreff", betreff)
        yield absatz("Anrede", lauf(brief.anrede))
        nach_tabelle = False
        for block in brief.inhalt:
            # A table has no spacing after it: the next paragraph adds one line before.
            vor = abstand(ZEILE, ZEILE) if nach_tabelle else ""
            if isinstance(block, GiroCodeStelle):
                if brief.zahlung:
                    yield self._girocode(brief.zahlung)
            elif isinstance(block, Absatz):
                yield absatz("Brieftext", _zeile(block.teile), vor)
            elif isinstance(block, Liste):
                yield from self._liste(block, vor)
            elif isinstance(block, Tabelle):
                if not block.zeilen and not block.kopf:  # Word rejects a table without rows
                    continue
                if nach_tabelle:  # Word would merge two adjacent tables
                    yield absatz("Brieftext", "", abstand(0, 0))
                yield _tabelle(block)
            nach_tabelle = isinstance(block, Tabelle)
        # The closing block stays together on one page: every paragraph keeps with the next.
        vor = abstand(ZEILE, 0) if nach_tabelle else ""
        schluss = [("Grussformel", lauf(brief.grussformel), vor)]
        if brief.unterschrift is not None:
            schluss += self._unterschrift(brief.unterschrift)
        if brief.hinweis_maschinell:
            schluss.append(("Hinweis", lauf(brief.hinweis_maschinell), ""))
        schluss_xml = "".join(absatz(stil, inhalt, ("<w:keepNext/>" if n < len(schluss) - 1 else "") + ppr)
                              for n, (stil, inhalt, ppr) in enumerate(schluss))
        if brief.zahlung and GiroCodeStelle() not in brief.inhalt:  # beside the closing, right
            yield self._neben_schluss(schluss_xml, self._girocode(brief.zahlung))
        else:
            yield schluss_xml
        if brief.anlagen:
            titel = "Anlage" if len(brief.anlagen) == 1 else "Anlagen"
            yield from _aufstellung("Anlagen", titel, brief.anlagen)
        if brief.verteiler:
            yield from _aufstellung("Verteiler", "Verteiler", brief.verteiler)

    def _liste(self, liste: Liste, vor: str) -> Iterable[str]:
        if liste.nummeriert:
            num_id = next(self.listen)
            element = parse_xml(liste_xml(num_id, self.vorlage.liste_zahlen_abstrakt, liste.start))
            fuege_liste_ein(self.nummerierung, element)
            stil = "Nummerierung"
        else:
            num_id, stil = self.vorlage.liste_punkte, "Aufzaehlung"
        nummer = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        for n, punkt in enumerate(liste.punkte):
            yield absatz(stil, _zeile(punkt), nummer + (vor if n == 0 else ""))

    def _unterschrift(self, u: Unterschrift) -> list[tuple[str, str, str]]:
        """(style, runs, pPr) of the signature: image, blank lines or "gez.", name, function."""
        teile = []
        if u.gez:
            teile.append(("Unterschrift", lauf(f"gez. {u.name}"), ""))
        elif u.bild is not None:
            r_id, cx, cy = bild_einpassen(u.bild, self.dok.part, UNTERSCHRIFT_BILD_MAX_BREITE,
                                          UNTERSCHRIFT_LEERZEILEN * ZEILE_MM, "Unterschriftsbild")
            alt = u.bild_alt or f"Unterschrift {u.name}"
            bild = bild_im_text(r_id, next(self.kennungen), "Unterschrift", alt, cx, cy)
            einfach = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            teile.append(("Unterschrift", bild, einfach))
            teile.append(("Unterschrift", lauf(u.name), ""))
        else:
            platz = abstand(UNTERSCHRIFT_LEERZEILEN * ZEILE, 0)
            teile.append(("Unterschrift", lauf(u.name), platz))
        if u.funktion:
            teile.append(("Unterschrift", lauf(u.funktion), ""))
        return teile

    @staticmethod
    def _neben_schluss(schluss: str, girocode_xml: str) -> str:
        """The closing block left and the GiroCode right, in one borderless row."""
        rechts = twips(GIROCODE_BREITE)
        links = twips(TEXT_BREITE) - rechts
        return (_randlos((links, rechts), [_reihe((links, schluss), (rechts, girocode_xml))])
                + absatz("Brieftext", "", abstand(0, 0)))

    def _girocode(self, zahlung: Zahlung) -> str:
        """The code (PNG) and its text side by side in a borderless table."""
        r_id, _ = self.dok.part.get_or_add_image(io.BytesIO(girocode.png(zahlung)))
        seite = emu(GIROCODE_SEITE)
        bild = bild_im_text(r_id, next(self.kennungen), "GiroCode", girocode.BESCHRIFTUNG,
                            seite, seite)
        links = twips(GIROCODE_SEITE + GIROCODE_ABSTAND)
        text = twips(GIROCODE_BREITE) - links
        einfach = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        zeilen = girocode.textzeilen(zahlung)
        beschriftung = absatz("Infoblock", lauf(zeilen[0], fett=True)) + "".join(
            absatz("Infoblock", lauf(z)) for z in zeilen[1:])
        reihe = _reihe((links, absatz("Brieftext", bild, einfach)), (text, beschriftung))
        return _randlos((links, text), [reihe]) + absatz("Brieftext", "", abstand(0, 0))

    def _anschriftfeld(self, brief: Brief) -> str:
        """One floating table at the page: remark zone and recipient zone left, info block right.

        Rows have the zone heights, so the address stays in the window; the table keeps
        two blank lines of distance to the subject below it.
        """
        form = brief.form
        zelle = twips(ANSCHRIFT_BREITE)
        luecke = twips(INFOBLOCK_LINKS - ANSCHRIFT_RECHTS)
        info = twips(INFOBLOCK_BREITE)
        vermerke = [absatz("Ruecksendeangabe", lauf(brief.absender.ruecksendeangabe))] if (
            brief.absender.ruecksendeangabe) else []
        vermerke += [absatz("Vermerk", lauf(v)) for v in brief.vermerke]
        anschrift = [absatz("Anschrift", lauf(z, groesse=brief.anschrift_schriftgrad(i)))
                     for i, z in enumerate(brief.anschrift)]
        leer = absatz("Anschrift")
        oben = twips(form.infoblock_oben - form.anschriftfeld_oben)
        infoblock = _infoblock(brief.infoblock) if brief.infoblock else leer
        return (
            "<w:tbl><w:tblPr>"
            f'<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" '
            f'w:bottomFromText="{2 * ZEILE}" w:vertAnchor="page" w:horzAnchor="page" '
            f'w:tblpX="{twips(ANSCHRIFT_LINKS)}" w:tblpY="{twips(form.anschriftfeld_oben)}"/>'
            f'<w:tblW w:w="{zelle + luecke + info}" w:type="dxa"/>{_OHNE_LINIEN}'
            f'<w:tblLayout w:type="fixed"/>{_OHNE_ZELLENRAND}'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{zelle}"/><w:gridCol w:w="{luecke}"/>'
            f'<w:gridCol w:w="{info}"/></w:tblGrid>'
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="'
            f'{twips(form.vermerkzone_unten - form.vermerkzone_oben)}" w:hRule="exact"/></w:trPr>'
            f'<w:tc><w:tcPr><w:tcW w:w="{zelle}" w:type="dxa"/><w:vAlign w:val="bottom"/></w:tcPr>'
            f'{"".join(vermerke) or leer}</w:tc>'
            f'<w:tc><w:tcPr><w:tcW w:w="{luecke}" w:type="dxa"/></w:tcPr>{leer}</w:tc>'
            f'<w:tc><w:tcPr><w:tcW w:w="{info}" w:type="dxa"/><w:vMerge w:val="restart"/>'
            f'<w:tcMar><w:top w:w="{oben}" w:type="dxa"/></w:tcMar></w:tcPr>{infoblock}</w:tc>'
            "</w:tr>"
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="'
            f'{twips(form.empfaengerzone_unten - form.empfaengerzone_oben)}" w:hRule="atLeast"/>'
            # One paragraph per address line, never wrapped: the address rules
            # (deutsch.anschrift) make every line fit the cell.
            f'</w:trPr><w:tc><w:tcPr><w:tcW w:w="{zelle}" w:type="dxa"/><w:noWrap/><w:tcMar>'
            f'<w:top w:w="{twips(ANSCHRIFT_ABSTAND_OBEN)}" w:type="dxa"/></w:tcMar></w:tcPr>'
            f'{"".join(anschrift) or leer}</w:tc>'
            f'<w:tc><w:tcPr><w:tcW w:w="{luecke}" w:type="dxa"/></w:tcPr>{leer}</w:tc>'
            f'<w:tc><w:tcPr><w:tcW w:w="{info}" w:type="dxa"/><w:vMerge/></w:tcPr>{leer}</w:tc>'
            "</w:tr></w:tbl>"
        )


_VERSTECKTER_ABSATZ = "<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr></w:p>"

# In tblPr, tblBorders precedes tblLayout and tblCellMar follows it (schema order).
_OHNE_LINIEN = (
    '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
    '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'
)
_OHNE_ZELLENRAND = (
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
)


def _infoblock(zeilen: tuple[InfoZeile, ...]) -> str:
    """The info block as a two-column table (label, value), nested in the address table."""
    links = twips(INFOBLOCK_BEZEICHNUNG_BREITE)
    rechts = twips(INFOBLOCK_BREITE - INFOBLOCK_BEZEICHNUNG_BREITE)
    reihen = []
    for zeile in zeilen:
        if zeile.bezeichnung and not zeile.wert:  # a heading over both columns
            zellen = (
                f'<w:tc><w:tcPr><w:tcW w:w="{links + rechts}" w:type="dxa"/><w:gridSpan w:val="2"/>'
                f'</w:tcPr>{absatz("InfoblockBezeichnung", lauf(zeile.bezeichnung))}</w:tc>'
            )
        else:
            zellen = (
                f'<w:tc><w:tcPr><w:tcW w:w="{links}" w:type="dxa"/></w:tcPr>'
                f'{absatz("InfoblockBezeichnung", lauf(zeile.bezeichnung))}</w:tc>'
                f'<w:tc><w:tcPr><w:tcW w:w="{rechts}" w:type="dxa"/></w:tcPr>'
                f'{absatz("Infoblock", lauf(zeile.wert))}</w:tc>'
            )
        reihen.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{zellen}</w:tr>")
    return _randlos((links, rechts), reihen) + winziger_absatz()


def _reihe(*zellen: tuple[int, str]) -> str:
    """One row that does not split across pages; each cell (width in twips, content)."""
    inhalt = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{breite}" w:type="dxa"/></w:tcPr>{xml}</w:tc>'
                     for breite, xml in zellen)
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{inhalt}</w:tr>"


def _randlos(spalten: tuple[int, ...], reihen: list[str]) -> str:
    """A table without borders and cell margins, fixed column widths (twips)."""
    gitter = "".join(f'<w:gridCol w:w="{breite}"/>' for breite in spalten)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(spalten)}" w:type="dxa"/>'
        f'{_OHNE_LINIEN}<w:tblLayout w:type="fixed"/>{_OHNE_ZELLENRAND}'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid>{gitter}</w:tblGrid>{"".join(reihen)}</w:tbl>'
    )


def _tabelle(tabelle: Tabelle) -> str:
    """A body table in style Brieftabelle, header row repeated on each page."""
    spalten = max(len(tabelle.kopf or ()), *(len(z) for z in tabelle.zeilen), 1)
    breite = twips(TEXT_BREITE) // spalten
    ausrichtung = [_AUSRICHTUNG.get(a, "left") for a in tabelle.ausrichtung]
    ausrichtung += ["left"] * (spalten - len(ausrichtung))

    def reihe(zellen: tuple[Zeile, ...], kopf: bool) -> str:
        stil = "Tabellenkopf" if kopf else "Tabellentext"
        merkmale = "<w:cantSplit/><w:tblHeader/>" if kopf else "<w:cantSplit/>"
        inhalt = []
        for n in range(spalten):
            text = _zeile(zellen[n]) if n < len(zellen) else ""
            jc = f'<w:jc w:val="{ausrichtung[n]}"/>'
            inhalt.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{breite}" w:type="dxa"/></w:tcPr>'
                f"{absatz(stil, text, jc)}</w:tc>"
            )
        return f"<w:tr><w:trPr>{merkmale}</w:trPr>{''.join(inhalt)}</w:tr>"

    reihen = [reihe(tabelle.kopf, True)] if tabelle.kopf else []
    reihen += [reihe(z, False) for z in tabelle.zeilen]
    gitter = "".join(f'<w:gridCol w:w="{breite}"/>' for _ in range(spalten))
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="Brieftabelle"/>'
        f'<w:tblW w:w="{breite * spalten}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{gitter}</w:tblGrid>{''.join(reihen)}</w:tbl>"
    )


def _aufstellung(stil: str, titel: str, eintraege: tuple[str, ...]) -> Iterable[str]:
    """Enclosures or copies: a label one line below, then one paragraph per entry."""
    yield absatz(stil, lauf(titel, unterstrichen=True), "<w:keepNext/>" + abstand(ZEILE, 0))
    for n, eintrag in enumerate(eintraege):
        yield absatz(stil, lauf(eintrag), "<w:keepNext/>" if n < len(eintraege) - 1 else "")
