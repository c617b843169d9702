"""The prepared DOCX template per sender: styles, numbering, settings, page frame.

A template is built once per (sender, form) and kept as bytes; every letter
opens a copy of it. With ``Absender.basisdokument`` the template starts from
that document instead of an empty one.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.parts.numbering import NumberingPart
from docx.section import Section

from briefe.fehler import VorlagenFehler
from briefe.geometrie import (
    FALZMARKE_LAENGE,
    FALZMARKE_X,
    FUSSZEILE_HOEHE,
    LOCHMARKE_LAENGE,
    LOCHMARKE_Y,
    MARKE_STAERKE,
    RAND_LINKS,
    RAND_OBEN_FOLGESEITE,
    RAND_RECHTS,
    RAND_UNTEN,
    RAND_UNTEN_FOLGESEITE,
    SCHRIFT_WORD,
    SCHRIFTGRAD_FUSS,
    SCHRIFTGRAD_INFOBLOCK,
    SCHRIFTGRAD_KOPF,
    SCHRIFTGRAD_RUECKSENDE,
    SCHRIFTGRAD_TEXT,
    SEITE_BREITE,
    SEITE_HOEHE,
    ZEILENABSTAND,
    Form,
    mm_zu_pt,
)
from briefe.modell import Absender
from briefe.satz.docx.ooxml import (
    NAMENSRAEUME,
    W,
    absatz,
    abstand,
    bild_auf_seite,
    emu,
    feld,
    halbpunkte,
    lauf,
    linie,
    twips,
    zeile_twips,
)

# Geometry the DOCX needs beyond geometrie.py (candidates to move there); the values
# follow the print stylesheet of the PDF renderer (briefe/html.py).
KOPFZEILE_ABSTAND = 12.0  # letterhead and page number start here, mm from the top edge
FUSSZEILE_ABSTAND = RAND_UNTEN - FUSSZEILE_HOEHE  # footer ends here, mm from the bottom edge
FUSSZEILE_ABSTAND_OBEN = 4.0  # gap between the end of the body and the footer rule, mm
FUSSZEILE_LINIE_ABSTAND = 1.5  # gap between the footer rule and its text, mm
LOGO_MAX_BREITE = 50.0  # mm
LOGO_ABSTAND_UNTEN = 5.0  # the logo ends this far above the address field, mm
LISTE_EINZUG = 6.0  # text indent of list items, mm
TABELLE_ZELLE_OBEN_UNTEN = 0.8  # top and bottom cell padding of body tables, mm
TABELLE_ZELLE_RECHTS = 3.0  # right cell padding of body tables, mm
ZEILENABSTAND_KOPF = 1.1  # line height factors per text kind
ZEILENABSTAND_VERMERK = 1.2
ZEILENABSTAND_INFOBLOCK = 1.25
ZEILENABSTAND_FUSS = 1.25
FARBE_NEBENTEXT = "333333"  # info block labels and footer
FARBE_LINIE = "777777"  # footer rule
FARBE_TABELLENLINIE = "999999"

SPRACHE = "de-DE"
ZEILE = zeile_twips(SCHRIFTGRAD_TEXT)  # one body line in twips

# --- the empty package -----------------------------------------------------------

_DOKUMENT = (
    f'<w:document {NAMENSRAEUME}><w:body><w:sectPr>'
    f'<w:pgSz w:w="{twips(SEITE_BREITE)}" w:h="{twips(SEITE_HOEHE)}"/>'
    '<w:pgMar w:top="0" w:right="0" w:bottom="0" w:left="0" w:header="0" w:footer="0" '
    'w:gutter="0"/><w:cols w:space="720"/></w:sectPr></w:body></w:document>'
)

_SCHRIFT = (
    f'<w:rFonts w:ascii="{SCHRIFT_WORD}" w:hAnsi="{SCHRIFT_WORD}" w:eastAsia="{SCHRIFT_WORD}" '
    f'w:cs="{SCHRIFT_WORD}"/>'
)
_SPRACHE = f'<w:lang w:val="{SPRACHE}" w:eastAsia="{SPRACHE}" w:bidi="ar-SA"/>'


def _groesse(pt: float) -> str:
    return f'<w:sz w:val="{halbpunkte(pt)}"/><w:szCs w:val="{halbpunkte(pt)}"/>'


_STILE_GRUND = (
    f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{_SCHRIFT}'
    f"{_groesse(SCHRIFTGRAD_TEXT)}{_SPRACHE}</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
    "</w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "<w:qFormat/></w:style>"
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    "<w:unhideWhenUsed/></w:style>"
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" '
    'w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    "</w:style>"
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style></w:styles>'
)

_EINSTELLUNGEN = (
    f'<w:settings xmlns:w="{W}"><w:defaultTabStop w:val="709"/><w:autoHyphenation/>'
    '<w:hyphenationZone w:val="425"/><w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    f'<w:themeFontLang w:val="{SPRACHE}"/><w:decimalSymbol w:val=","/>'
    '<w:listSeparator w:val=";"/></w:settings>'
)

_SCHRIFTEN = (
    f'<w:fonts xmlns:w="{W}"><w:font w:name="{SCHRIFT_WORD}">'
    '<w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/><w:family w:val="swiss"/>'
    '<w:pitch w:val="variable"/></w:font></w:fonts>'
)

_KERN = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
    'XMLSchema-instance"><dc:title></dc:title></cp:coreProperties>'
)

_ANWENDUNG = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>briefe</Application></Properties>"
)

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PAKET_BEZUEGE = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_R}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_DOKUMENT_BEZUEGE = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_R}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_R}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_R}/numbering" Target="numbering.xml"/>'
    f'<Relationship Id="rId4" Type="{_R}/fontTable" Target="fontTable.xml"/>'
    "</Relationships>"
)
_NUMMERIERUNG = f'<w:numbering xmlns:w="{W}"/>'


def _inhaltstypen() -> str:
    typen = {
        "/word/document.xml": CT.WML_DOCUMENT_MAIN,
        "/word/styles.xml": CT.WML_STYLES,
        "/word/settings.xml": CT.WML_SETTINGS,
        "/word/numbering.xml": CT.WML_NUMBERING,
        "/word/fontTable.xml": CT.WML_FONT_TABLE,
        "/docProps/core.xml": CT.OPC_CORE_PROPERTIES,
        "/docProps/app.xml": CT.OFC_EXTENDED_PROPERTIES,
    }
    eintraege = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in typen.items())
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{CT.OPC_RELATIONSHIPS}"/>'
        f'<Default Extension="xml" ContentType="{CT.XML}"/>{eintraege}</Types>'
    )


@functools.cache
def _geruest() -> bytes:
    """An empty, minimal DOCX package (no python-docx default styles)."""
    teile = {
        "[Content_Types].xml": _inhaltstypen(),
        "_rels/.rels": _PAKET_BEZUEGE,
        "docProps/core.xml": _KERN,
        "docProps/app.xml": _ANWENDUNG,
        "word/document.xml": _DOKUMENT,
        "word/_rels/document.xml.rels": _DOKUMENT_BEZUEGE,
        "word/styles.xml": _STILE_GRUND,
        "word/settings.xml": _EINSTELLUNGEN,
        "word/numbering.xml": _NUMMERIERUNG,
        "word/fontTable.xml": _SCHRIFTEN,
    }
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as paket:
        for name, text in teile.items():
            kopf = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            paket.writestr(name, kopf + text)
    return puffer.getvalue()


# --- styles ------------------------------------------------------------------------


def _stil(
    kennung: str,
    name: str,
    basiert: str = "Brieftext",
    naechster: str | None = None,
    ppr: str = "",
    rpr: str = "",
) -> str:
    folge = f'<w:next w:val="{naechster}"/>' if naechster else ""
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{kennung}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="{basiert}"/>{folge}<w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _zeilen(pt: float, faktor: float = ZEILENABSTAND, vor: int = 0, nach: int = 0) -> str:
    return abstand(vor, nach, zeile_twips(pt, faktor))


def _stile(punkte: int, zahlen: int) -> dict[str, str]:
    """Our named styles by style id; ``punkte``/``zahlen`` are the list numIds."""
    z = ZEILE
    kein_fenster = "<w:widowControl w:val=\"0\"/>"
    stile = {
        "Brieftext": _stil(
            "Brieftext", "Brieftext", "Normal", "Brieftext",
            f'<w:widowControl/>{_zeilen(SCHRIFTGRAD_TEXT, nach=z)}<w:ind w:left="0" w:right="0" '
            'w:firstLine="0"/><w:jc w:val="left"/>',
            f"{_SCHRIFT}{_groesse(SCHRIFTGRAD_TEXT)}{_SPRACHE}",
        ),
        "Betreff": _stil("Betreff", "Betreff", naechster="Anrede",
                         ppr=f"<w:keepNext/>{abstand(0, 2 * z)}", rpr="<w:b/><w:bCs/>"),
        "Anrede": _stil("Anrede", "Anrede", naechster="Brieftext",
                        ppr=f"<w:keepNext/>{abstand(0, z)}"),
        "Aufzaehlung": _stil(
            "Aufzaehlung", "Aufzaehlung", naechster="Aufzaehlung",
            ppr=f'<w:numPr><w:numId w:val="{punkte}"/></w:numPr>{abstand(0, z)}'
            "<w:contextualSpacing/>",
        ),
        "Nummerierung": _stil(
            "Nummerierung", "Nummerierung", naechster="Nummerierung",
            ppr=f'<w:numPr><w:numId w:val="{zahlen}"/></w:numPr>{abstand(0, z)}'
            "<w:contextualSpacing/>",
        ),
        "Tabellentext": _stil("Tabellentext", "Tabellentext", ppr=abstand(0, 0)),
        "Tabellenkopf": _stil("Tabellenkopf", "Tabellenkopf", "Tabellentext",
                              ppr="<w:keepNext/>", rpr="<w:b/><w:bCs/>"),
        "Grussformel": _stil("Grussformel", "Grussformel", naechster="Unterschrift",
                             ppr=f"<w:keepNext/>{abstand(0, 0)}"),
        "Unterschrift": _stil("Unterschrift", "Unterschrift", naechster="Unterschrift",
                              ppr=abstand(0, 0)),
        "Hinweis": _stil("Hinweis", "Hinweis", ppr=_zeilen(SCHRIFTGRAD_INFOBLOCK, vor=z),
                         rpr=_groesse(SCHRIFTGRAD_INFOBLOCK)),
        "Anlagen": _stil("Anlagen", "Anlagen", naechster="Anlagen", ppr=abstand(0, 0)),
        "Verteiler": _stil("Verteiler", "Verteiler", naechster="Verteiler", ppr=abstand(0, 0)),
        # Size and line height fixed here too: six lines must fit the recipient zone
        # even where a base document's Brieftext is larger.
        "Anschrift": _stil("Anschrift", "Anschrift", naechster="Anschrift",
                           ppr=kein_fenster + _zeilen(SCHRIFTGRAD_TEXT),
                           rpr=_groesse(SCHRIFTGRAD_TEXT)),
        "Ruecksendeangabe": _stil(
            "Ruecksendeangabe", "Ruecksendeangabe", naechster="Vermerk",
            ppr=kein_fenster + _zeilen(SCHRIFTGRAD_RUECKSENDE, ZEILENABSTAND_VERMERK),
            rpr=_groesse(SCHRIFTGRAD_RUECKSENDE) + '<w:u w:val="single"/>',
        ),
        "Vermerk": _stil("Vermerk", "Vermerk", "Ruecksendeangabe", "Vermerk",
                         rpr='<w:u w:val="none"/>'),
        "Infoblock": _stil(
            "Infoblock", "Infoblock", naechster="Infoblock",
            ppr=kein_fenster + _zeilen(SCHRIFTGRAD_INFOBLOCK, ZEILENABSTAND_INFOBLOCK),
            rpr=_groesse(SCHRIFTGRAD_INFOBLOCK),
        ),
        "InfoblockBezeichnung": _stil("InfoblockBezeichnung", "Infoblock Bezeichnung",
                                      "Infoblock", "InfoblockBezeichnung",
                                      rpr=f'<w:color w:val="{FARBE_NEBENTEXT}"/>'),
        "Briefkopf": _stil(
            "Briefkopf", "Briefkopf", naechster="BriefkopfDienststelle",
            ppr=kein_fenster + _zeilen(SCHRIFTGRAD_KOPF, ZEILENABSTAND_KOPF),
            rpr=f"<w:b/><w:bCs/>{_groesse(SCHRIFTGRAD_KOPF)}",
        ),
        "BriefkopfDienststelle": _stil("BriefkopfDienststelle", "Briefkopf Dienststelle",
                                       ppr=kein_fenster + abstand(0, 0)),
        "Seitenzahl": _stil(
            "Seitenzahl", "Seitenzahl",
            ppr=f'{kein_fenster}{_zeilen(SCHRIFTGRAD_INFOBLOCK)}<w:jc w:val="right"/>',
            rpr=_groesse(SCHRIFTGRAD_INFOBLOCK),
        ),
        "Fusszeile": _stil(
            "Fusszeile", "Fusszeile", naechster="Fusszeile",
            ppr=kein_fenster + _zeilen(SCHRIFTGRAD_FUSS, ZEILENABSTAND_FUSS),
            rpr=f'<w:color w:val="{FARBE_NEBENTEXT}"/>{_groesse(SCHRIFTGRAD_FUSS)}',
        ),
    }
    linie = f'w:val="single" w:sz="4" w:space="0" w:color="{FARBE_TABELLENLINIE}"'
    polster = twips(TABELLE_ZELLE_OBEN_UNTEN)
    stile["Brieftabelle"] = (
        '<w:style w:type="table" w:customStyle="1" w:styleId="Brieftabelle">'
        '<w:name w:val="Brieftabelle"/><w:basedOn w:val="TableNormal"/><w:qFormat/>'
        f'<w:tblPr><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom {linie}/>'
        f'<w:right w:val="nil"/><w:insideH {linie}/><w:insideV w:val="nil"/></w:tblBorders>'
        f'<w:tblCellMar><w:top w:w="{polster}" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        f'<w:bottom w:w="{polster}" w:type="dxa"/>'
        f'<w:right w:w="{twips(TABELLE_ZELLE_RECHTS)}" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
    )
    return stile


# --- numbering -----------------------------------------------------------------------


def _abstrakte_liste(kennung: int, nummeriert: bool, stil: str) -> str:
    ebenen = []
    for ebene in range(9):
        if nummeriert:
            fmt, text = ("lowerLetter", f"%{ebene + 1})") if ebene % 2 else (
                "decimal", f"%{ebene + 1}.")
        else:
            fmt, text = "bullet", "–" if ebene % 2 else "•"
        einzug = twips(LISTE_EINZUG * (ebene + 1))
        verweis = f'<w:pStyle w:val="{stil}"/>' if ebene == 0 else ""
        ebenen.append(
            f'<w:lvl w:ilvl="{ebene}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{verweis}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{einzug}" '
            f'w:hanging="{twips(LISTE_EINZUG)}"/></w:pPr><w:rPr>{_SCHRIFT}</w:rPr></w:lvl>'
        )
    return (
        f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{kennung}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(ebenen)}</w:abstractNum>'
    )


def liste_xml(num_id: int, abstrakt: int, start: int | None = None) -> str:
    """A w:num instance; ``start`` restarts the count there."""
    neu = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        if start is not None
        else ""
    )
    return (
        f'<w:num xmlns:w="{W}" w:numId="{num_id}"><w:abstractNumId w:val="{abstrakt}"/>{neu}'
        "</w:num>"
    )


def fuege_liste_ein(nummerierung, element) -> None:
    """Insert a w:num or w:abstractNum at its place in the numbering part."""
    if element.tag == qn("w:abstractNum"):
        vorhandene = nummerierung.findall(qn("w:abstractNum"))
        if vorhandene:
            vorhandene[-1].addnext(element)
        else:
            nummerierung.insert(0, element)
        return
    aufraeumen = nummerierung.find(qn("w:numIdMacAtCleanup"))
    if aufraeumen is not None:
        aufraeumen.addprevious(element)
    else:
        nummerierung.append(element)


def _nummerierung(dok: Document) -> tuple[int, int, int, int]:
    """Add our list definitions; return (bullet numId, number numId, number abstract, max numId)."""
    try:
        teil = dok.part.numbering_part
    except NotImplementedError:
        teil = NumberingPart(
            PackURI("/word/numbering.xml"), CT.WML_NUMBERING, parse_xml(_NUMMERIERUNG),
            dok.part.package,
        )
        dok.part.relate_to(teil, RT.NUMBERING)
    wurzel = teil.element
    abstrakt = [int(x) for x in wurzel.xpath("./w:abstractNum/@w:abstractNumId")] or [-1]
    nums = [int(x) for x in wurzel.xpath("./w:num/@w:numId")] or [0]
    a_punkt, a_zahl = max(abstrakt) + 1, max(abstrakt) + 2
    n_punkt, n_zahl = max(nums) + 1, max(nums) + 2
    fuege_liste_ein(wurzel, parse_xml(_abstrakte_liste(a_punkt, False, "Aufzaehlung")))
    fuege_liste_ein(wurzel, parse_xml(_abstrakte_liste(a_zahl, True, "Nummerierung")))
    fuege_liste_ein(wurzel, parse_xml(liste_xml(n_punkt, a_punkt)))
    fuege_liste_ein(wurzel, parse_xml(liste_xml(n_zahl, a_zahl)))
    return n_punkt, n_zahl, a_zahl, n_zahl


# --- settings and base documents -----------------------------------------------------

# Children of w:settings that follow w:autoHyphenation in the schema.
_NACH_SILBENTRENNUNG = tuple(qn(f"w:{t}") for t in (
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
    "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
    "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
    "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
    "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
))
# Children of w:rPr that follow w:lang.
_NACH_SPRACHE = tuple(qn(f"w:{t}") for t in ("eastAsianLayout", "specVanish", "oMath"))


def fuege_ein(eltern, kind, nachfolger: tuple[str, ...]) -> None:
    """Insert ``kind`` before the first child whose tag is in ``nachfolger``, else append."""
    for vorhanden in eltern:
        if vorhanden.tag in nachfolger:
            vorhanden.addprevious(kind)
            return
    eltern.append(kind)


def _einstellungen(dok: Document) -> None:
    wurzel = dok.settings.element
    if wurzel.find(qn("w:autoHyphenation")) is None:
        fuege_ein(wurzel, parse_xml(f'<w:autoHyphenation xmlns:w="{W}"/>'), _NACH_SILBENTRENNUNG)


def _stile_ergaenzen(dok: Document, punkte: int, zahlen: int) -> None:
    """Add our styles where the document lacks them; set German as default language."""
    wurzel = dok.styles.element
    vorhanden = set(wurzel.xpath("./w:style/@w:styleId"))
    namen = {n.lower() for n in wurzel.xpath("./w:style/w:name/@w:val")}
    for kennung, xml in _stile(punkte, zahlen).items():
        element = parse_xml(xml.replace("<w:style ", f'<w:style xmlns:w="{W}" ', 1))
        name = element.find(qn("w:name")).get(qn("w:val")).lower()
        if kennung not in vorhanden and name not in namen:
            wurzel.append(element)
    standard = wurzel.find(qn("w:docDefaults"))
    if standard is None:
        standard = parse_xml(f'<w:docDefaults xmlns:w="{W}"/>')
        wurzel.insert(0, standard)
    rpr_standard = standard.find(qn("w:rPrDefault"))
    if rpr_standard is None:
        rpr_standard = parse_xml(f'<w:rPrDefault xmlns:w="{W}"><w:rPr/></w:rPrDefault>')
        standard.insert(0, rpr_standard)
    rpr = rpr_standard.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f'<w:rPr xmlns:w="{W}"/>')
        rpr_standard.append(rpr)
    if rpr.find(qn("w:lang")) is None:
        fuege_ein(rpr, parse_xml(_SPRACHE.replace("<w:lang ", f'<w:lang xmlns:w="{W}" ')),
                  _NACH_SPRACHE)


def _basis_oeffnen(pfad: Path) -> Document:
    """Open a letterhead .docx (or .dotx) and empty its body."""
    try:
        daten = pfad.read_bytes()
    except OSError as fehler:
        raise VorlagenFehler(
            f"Basisdokument kann nicht gelesen werden: {fehler.strerror}", datei=str(pfad)
        ) from fehler
    try:
        dok = docx.Document(io.BytesIO(_als_dokument(daten)))
    except Exception as fehler:  # python-docx raises many kinds for broken packages
        raise VorlagenFehler(
            "Basisdokument ist keine lesbare Word-Datei (.docx)", datei=str(pfad)
        ) from fehler
    koerper = dok.element.body
    for kind in list(koerper):
        if kind.tag != qn("w:sectPr"):
            koerper.remove(kind)
    if koerper.find(qn("w:sectPr")) is None:
        koerper.append(parse_xml(_DOKUMENT).find(f".//{qn('w:sectPr')}"))
    return dok


def _als_dokument(daten: bytes) -> bytes:
    """A Word template (.dotx) turned into a document package; other data unchanged."""
    vorlage_typ = b"wordprocessingml.template.main+xml"
    try:
        with zipfile.ZipFile(io.BytesIO(daten)) as paket:
            typen = paket.read("[Content_Types].xml")
            if vorlage_typ not in typen:
                return daten
            puffer = io.BytesIO()
            with zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED) as neu:
                for eintrag in paket.infolist():
                    inhalt = paket.read(eintrag)
                    if eintrag.filename == "[Content_Types].xml":
                        inhalt = typen.replace(vorlage_typ, b"wordprocessingml.document.main+xml")
                    neu.writestr(eintrag, inhalt)
            return puffer.getvalue()
    except (zipfile.BadZipFile, KeyError):
        return daten


# --- header and footer -------------------------------------------------------------


def bild_einpassen(pfad: Path, teil, max_breite: float, max_hoehe: float, was: str):
    """Add a picture to ``teil``; return (rId, cx, cy) fitted into the box (mm)."""
    try:
        r_id, bild = teil.get_or_add_image(str(pfad))
    except FileNotFoundError as fehler:
        raise VorlagenFehler(f"{was} nicht gefunden", datei=str(pfad)) from fehler
    except (UnrecognizedImageError, OSError) as fehler:
        raise VorlagenFehler(
            f"{was} ist kein lesbares Bild (PNG, JPEG, GIF, BMP oder TIFF)", datei=str(pfad)
        ) from fehler
    faktor = min(emu(max_breite) / bild.width, emu(max_hoehe) / bild.height)
    return r_id, round(bild.width * faktor), round(bild.height * faktor)


def _erste_kopfzeile(absender: Absender, form: Form, teil, kennungen: Iterator[int]) -> str:
    """Page 1 header: letterhead, logo, fold and hole marks; its height ends at the address field."""
    teile, hoehe = [], 0
    if absender.behoerde:
        teile.append(absatz("Briefkopf", lauf(absender.behoerde)))
        hoehe += zeile_twips(SCHRIFTGRAD_KOPF, ZEILENABSTAND_KOPF)
    if absender.dienststelle:
        teile.append(absatz("BriefkopfDienststelle", lauf(absender.dienststelle)))
        hoehe += ZEILE
    zeichnungen = []
    if absender.logo is not None:
        max_hoehe = form.briefkopf_hoehe - KOPFZEILE_ABSTAND - LOGO_ABSTAND_UNTEN
        r_id, cx, cy = bild_einpassen(absender.logo, teil, LOGO_MAX_BREITE, max_hoehe, "Logo")
        x = SEITE_BREITE - RAND_RECHTS - cx / 36000
        zeichnungen.append(bild_auf_seite(
            r_id, next(kennungen), "Logo", absender.logo_alt or absender.behoerde, cx, cy,
            x, KOPFZEILE_ABSTAND,
        ))
    for n, y in enumerate(form.falzmarken, 1):
        zeichnungen.append(
            linie(next(kennungen), f"Falzmarke {n}", FALZMARKE_X, y, FALZMARKE_LAENGE, MARKE_STAERKE)
        )
    zeichnungen.append(
        linie(next(kennungen), "Lochmarke", FALZMARKE_X, LOCHMARKE_Y, LOCHMARKE_LAENGE,
              MARKE_STAERKE)
    )
    rest = max(twips(form.briefkopf_hoehe - KOPFZEILE_ABSTAND) - hoehe, 20)
    teile.append(
        f"<w:p><w:pPr>{abstand(0, 0, rest)}<w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr>"
        f"{''.join(zeichnungen)}</w:p>"
    )
    return "".join(teile)


def _folgekopfzeile(sammel: bool) -> str:
    """Header of pages 2 ff.: "Seite n von m" with PAGE and NUMPAGES/SECTIONPAGES fields.

    A single letter counts with NUMPAGES, which LibreOffice evaluates too (it shows
    the cached result of SECTIONPAGES); in a collective document each letter is a
    section and SECTIONPAGES is the only correct count.
    """
    gesamt = "SECTIONPAGES" if sammel else "NUMPAGES"
    inhalt = lauf("Seite ") + feld("PAGE", "2") + lauf(" von ") + feld(gesamt, "2")
    return absatz("Seitenzahl", inhalt)


def _erste_fusszeile(absender: Absender) -> str:
    """Page 1 footer: a rule and the sender's footer lines, between body end and FUSSZEILE_ABSTAND.

    Word grows a footer upwards from its distance to the bottom edge, so a spacer at
    the end makes it exactly as tall as the space below the body on page 1.
    """
    zeilen = []
    for n, text in enumerate(absender.fusszeilen):
        ppr = ""
        if n == 0:
            abstand_pt = round(mm_zu_pt(FUSSZEILE_LINIE_ABSTAND))
            ppr = (
                f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="{abstand_pt}" '
                f'w:color="{FARBE_LINIE}"/></w:pBdr>{abstand(twips(FUSSZEILE_ABSTAND_OBEN), 0)}'
            )
        zeilen.append(absatz("Fusszeile", lauf(text), ppr))
    belegt = len(zeilen) * zeile_twips(SCHRIFTGRAD_FUSS, ZEILENABSTAND_FUSS)
    if zeilen:
        belegt += twips(FUSSZEILE_ABSTAND_OBEN + FUSSZEILE_LINIE_ABSTAND)
    rest = twips(FUSSZEILE_HOEHE) - belegt
    if rest > 0:
        zeilen.append(
            f"<w:p><w:pPr>{abstand(0, 0, rest)}<w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>"
        )
    return "".join(zeilen)


def _fuelle(teil, inhalt: str) -> None:
    wurzel = teil.element
    for kind in list(wurzel):
        wurzel.remove(kind)
    for kind in parse_xml(f"<w:hdr {NAMENSRAEUME}>{inhalt}</w:hdr>"):
        wurzel.append(kind)


def seitenrahmen(dok: Document, abschnitt: Section, absender: Absender, form: Form,
                 kennungen: Iterator[int], sammel: bool) -> None:
    """Give ``abschnitt`` our page geometry, letterhead, page numbers and footer."""
    sect = abschnitt._sectPr
    for alt in (*sect.findall(qn("w:pgSz")), *sect.findall(qn("w:pgMar"))):
        sect.remove(alt)
    seite = parse_xml(
        f'<w:x xmlns:w="{W}"><w:pgSz w:w="{twips(SEITE_BREITE)}" w:h="{twips(SEITE_HOEHE)}"/>'
        f'<w:pgMar w:top="{twips(RAND_OBEN_FOLGESEITE)}" w:right="{twips(RAND_RECHTS)}" '
        f'w:bottom="{twips(RAND_UNTEN_FOLGESEITE)}" w:left="{twips(RAND_LINKS)}" '
        f'w:header="{twips(KOPFZEILE_ABSTAND)}" w:footer="{twips(FUSSZEILE_ABSTAND)}" '
        'w:gutter="0"/></w:x>'
    )
    nach_rand = tuple(qn(f"w:{t}") for t in (
        "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
        "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
        "printerSettings", "sectPrChange"))
    for element in list(seite):
        fuege_ein(sect, element, nach_rand)
    abschnitt.different_first_page_header_footer = True
    if sect.find(qn("w:pgNumType")) is None:
        nachfolger = tuple(qn(f"w:{t}") for t in (
            "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
            "rtlGutter", "docGrid", "printerSettings", "sectPrChange"))
        fuege_ein(sect, parse_xml(f'<w:pgNumType xmlns:w="{W}" w:start="1"/>'), nachfolger)
    for kopf, inhalt in (
        (abschnitt.first_page_header, None),
        (abschnitt.header, _folgekopfzeile(sammel)),
        (abschnitt.first_page_footer, _erste_fusszeile(absender)),
    ):
        kopf.is_linked_to_previous = False
        teil = kopf.part
        if inhalt is None:
            inhalt = _erste_kopfzeile(absender, form, teil, kennungen)
        _fuelle(teil, inhalt)


def hat_kopf_oder_fuss(sect) -> bool:
    return bool(sect.findall(qn("w:headerReference")) or sect.findall(qn("w:footerReference")))


# --- the cached template ---------------------------------------------------------------


@dataclass(frozen=True)
class Vorlage:
    """A prepared empty letter as DOCX bytes, and the ids a letter continues from."""

    daten: bytes
    liste_punkte: int  # numId of the bullet list
    liste_zahlen_abstrakt: int  # abstractNumId of numbered lists
    hoechste_liste: int  # highest numId in the template
    naechste_kennung: int  # first free drawing id
    eigener_rahmen: bool  # header and footer come from briefe, not from a base document


def _stempel(pfad: Path | None) -> tuple | None:
    if pfad is None:
        return None
    try:
        info = os.stat(pfad)
    except OSError:
        return (str(pfad),)
    return (str(pfad), info.st_mtime_ns, info.st_size)


def hole_vorlage(absender: Absender, form: Form, sammel: bool = False) -> Vorlage:
    """The template for this sender and form, built once while its files are unchanged.

    ``sammel`` prepares the first section of a collective document.
    """
    stempel = _stempel(absender.basisdokument), _stempel(absender.logo)
    return _vorlage(absender, form, sammel, stempel)


@functools.lru_cache(maxsize=32)
def _vorlage(absender: Absender, form: Form, sammel: bool, _stempel: tuple) -> Vorlage:
    if absender.basisdokument is not None:
        dok = _basis_oeffnen(Path(absender.basisdokument))
    else:
        dok = docx.Document(io.BytesIO(_geruest()))
    punkte, zahlen, abstrakt, hoechste = _nummerierung(dok)
    _stile_ergaenzen(dok, punkte, zahlen)
    _einstellungen(dok)
    kennungen = itertools.count(_hoechste_kennung(dok) + 1)
    abschnitt = dok.sections[-1]
    eigener = not hat_kopf_oder_fuss(abschnitt._sectPr)
    if eigener:
        seitenrahmen(dok, abschnitt, absender, form, kennungen, sammel)
    puffer = io.BytesIO()
    dok.save(puffer)
    return Vorlage(puffer.getvalue(), punkte, abstrakt, hoechste, next(kennungen), eigener)


def _hoechste_kennung(dok: Document) -> int:
    hoechste = 0
    for teil in dok.part.package.iter_parts():
        element = getattr(teil, "element", None)
        if element is not None:
            for wert in element.xpath(".//wp:docPr/@id"):
                if wert.isdigit():
                    hoechste = max(hoechste, int(wert))
    return hoechste
