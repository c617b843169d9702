"""WordprocessingML snippets for the DOCX renderer: units, text runs, fields, drawings.

Every function returns XML text; every string from a letter passes through
``bereinige_xml_text`` before it is written.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from briefe.geometrie import ZEILENABSTAND, mm_zu_pt

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"

# Namespace declarations for a parsed fragment or a part's root element.
NAMENSRAEUME = (
    f'xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}" '
    f'xmlns:wps="{WPS}" xmlns:mc="{MC}" xmlns:v="{V}"'
)

# --- text cleaning ---------------------------------------------------------------

# Characters that end a line in the data: Excel's soft break (\x0b), form feed,
# carriage return, NEL and the Unicode line and paragraph separators.
_ZEILENENDEN = {0x0B: "\n", 0x0C: "\n", 0x0D: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"}
_UNGUELTIG = {c: None for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
_TABELLE = str.maketrans({**_UNGUELTIG, **_ZEILENENDEN})
_SURROGAT = re.compile("[\ud800-\udfff]")


def bereinige_xml_text(text: str) -> str:
    """Return ``text`` fit for XML 1.0: line-ending characters become ``\\n``, invalid ones go."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    text = text.translate(_TABELLE)
    if _SURROGAT.search(text):
        # Join surrogate pairs into their character, drop lone halves.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return text


def attr(text: str) -> str:
    """A quoted, escaped XML attribute value from letter data."""
    return quoteattr(bereinige_xml_text(text))


# --- units -----------------------------------------------------------------------


def twips(mm: float) -> int:
    """Millimetres in twentieths of a point (dxa)."""
    return round(mm * 1440 / 25.4)


def emu(mm: float) -> int:
    """Millimetres in English Metric Units."""
    return round(mm * 36000)


def halbpunkte(pt: float) -> int:
    """A font size in half-points (w:sz)."""
    return round(pt * 2)


def zeile_twips(schriftgrad: float, faktor: float = ZEILENABSTAND) -> int:
    """Height of one text line of ``schriftgrad`` pt (exact line spacing) in twips."""
    return round(schriftgrad * faktor * 20)


# --- runs and paragraphs ---------------------------------------------------------


def _eigenschaften(fett: bool, kursiv: bool, unterstrichen: bool, groesse: float | None,
                   sprache: str = "") -> str:
    """A run's rPr children in schema order."""
    rpr = ("<w:b/><w:bCs/>" if fett else "") + ("<w:i/><w:iCs/>" if kursiv else "")
    if groesse is not None:
        rpr += f'<w:sz w:val="{halbpunkte(groesse)}"/><w:szCs w:val="{halbpunkte(groesse)}"/>'
    rpr += '<w:u w:val="single"/>' if unterstrichen else ""
    return rpr + (f'<w:lang w:val="{sprache}"/>' if sprache else "")


def lauf(text: str, fett: bool = False, kursiv: bool = False, unterstrichen: bool = False,
         groesse: float | None = None) -> str:
    """One run (``groesse`` in pt, else the style's); ``\\n`` becomes a line break,
    ``\\t`` a tab."""
    text = bereinige_xml_text(text)
    rpr = _eigenschaften(fett, kursiv, unterstrichen, groesse)
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    if _LANGER_LAUF.search(text):
        return _mit_langen_laeufen(text, fett, kursiv, unterstrichen, groesse)
    teile = []
    for n, zeile in enumerate(text.split("\n")):
        if n:
            teile.append("<w:br/>")
        for k, stueck in enumerate(zeile.split("\t")):
            if k:
                teile.append("<w:tab/>")
            if stueck:
                teile.append(f'<w:t xml:space="preserve">{escape(stueck)}</w:t>')
    return f"<w:r>{rpr}{''.join(teile)}</w:r>"


# A run without a break opportunity this long (URL, IBAN): Word and LibreOffice break it at
# the line or cell edge by themselves; as text without a language it is never hyphenated.
_LANGER_LAUF = re.compile(r"[^\s\-\u00ad]{20,}")


def _mit_langen_laeufen(text: str, fett: bool, kursiv: bool, unterstrichen: bool,
                        groesse: float | None) -> str:
    teile, ende = [], 0
    for treffer in _LANGER_LAUF.finditer(text):
        if treffer.start() > ende:
            teile.append(lauf(text[ende:treffer.start()], fett, kursiv, unterstrichen, groesse))
        rpr = _eigenschaften(fett, kursiv, unterstrichen, groesse, "zxx")
        wort = escape(treffer.group(0))
        teile.append(f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{wort}</w:t></w:r>')
        ende = treffer.end()
    if ende < len(text):
        teile.append(lauf(text[ende:], fett, kursiv, unterstrichen, groesse))
    return "".join(teile)


def absatz(stil: str, inhalt: str = "", ppr: str = "") -> str:
    """A paragraph in style ``stil``; ``ppr`` holds further pPr children in schema order."""
    return f'<w:p><w:pPr><w:pStyle w:val="{stil}"/>{ppr}</w:pPr>{inhalt}</w:p>'


def feld(anweisung: str, ergebnis: str) -> str:
    """A complex field such as ``PAGE`` with a cached result."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {anweisung} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{ergebnis}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def abstand(vor: int = 0, nach: int = 0, zeile: int | None = None) -> str:
    """A w:spacing element (twips); ``zeile`` sets an exact line height."""
    hoehe = f' w:line="{zeile}" w:lineRule="exact"' if zeile is not None else ""
    return f'<w:spacing w:before="{vor}" w:after="{nach}"{hoehe}/>'


def winziger_absatz() -> str:
    """An empty paragraph of (almost) no height, where the schema demands a paragraph."""
    return (
        '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
    )


# --- drawings ----------------------------------------------------------------------


def linie(kennung: int, name: str, x: float, y: float, laenge: float, staerke: float) -> str:
    """A short horizontal line anchored to the page at (x, y) mm, as a run.

    DrawingML for Word 2010 and later, VML as fallback, as Word itself writes it.
    """
    x_pt, y_pt, ende_pt = mm_zu_pt(x), mm_zu_pt(y), mm_zu_pt(x + laenge)
    return (
        f'<w:r><mc:AlternateContent xmlns:mc="{MC}" xmlns:wps="{WPS}">'
        '<mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor xmlns:wp="{WP}" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="1" behindDoc="1" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{emu(laenge)}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{kennung}" name={attr(name)}/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{WPS}"><wps:wsp><wps:cNvCnPr/>'
        f'<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(laenge)}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        f'<a:ln w="{emu(staerke)}"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
        "</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:line xmlns:v="{V}" '
        'style="position:absolute;z-index:-1;mso-position-horizontal-relative:page;'
        f'mso-position-vertical-relative:page" from="{x_pt:.2f}pt,{y_pt:.2f}pt" '
        f'to="{ende_pt:.2f}pt,{y_pt:.2f}pt" strokeweight="{mm_zu_pt(staerke):.2f}pt"/>'
        "</w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def freiraum(kennung: int, breite: float, hoehe: float, abstand_unten: float) -> str:
    """An invisible rectangle from the page's top-left corner that no body text may overlap.

    Keeps the body of page 1 below the address field where the letterhead (from a base
    document) does not push it there itself; sizes in mm.
    """
    cx, cy = emu(breite), emu(hoehe)
    return (
        f'<w:r><mc:AlternateContent xmlns:mc="{MC}" xmlns:wps="{WPS}">'
        '<mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor xmlns:wp="{WP}" distT="0" distB="{emu(abstand_unten)}" distL="0" distR="0" '
        'simplePos="0" relativeHeight="0" behindDoc="1" locked="1" layoutInCell="1" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapTopAndBottom/><wp:docPr id="{kennung}" name="Freiraum Anschriftfeld"/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{WPS}"><wps:wsp><wps:cNvSpPr/>'
        f'<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        "</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:rect xmlns:v="{V}" xmlns:w10="urn:schemas-microsoft-com:'
        'office:word" style="position:absolute;margin-left:0;margin-top:0;'
        f"width:{mm_zu_pt(breite):.2f}pt;height:{mm_zu_pt(hoehe):.2f}pt;z-index:-1;"
        "mso-position-horizontal-relative:page;mso-position-vertical-relative:page;"
        f'mso-wrap-distance-bottom:{mm_zu_pt(abstand_unten):.2f}pt" filled="f" stroked="f">'
        '<w10:wrap type="topAndBottom"/></v:rect></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>"
    )


def _bild(r_id: str, kennung: int, name: str, alt: str, cx: int, cy: int) -> str:
    return (
        f'<wp:docPr id="{kennung}" name={attr(name)} descr={attr(alt)}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="{PIC}"><pic:pic xmlns:pic="{PIC}">'
        f'<pic:nvPicPr><pic:cNvPr id="0" name={attr(name)} descr={attr(alt)}/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{r_id}"/><a:stretch><a:fillRect/>'
        f'</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</pic:spPr></pic:pic></a:graphicData></a:graphic>"
    )


def bild_im_text(r_id: str, kennung: int, name: str, alt: str, cx: int, cy: int) -> str:
    """An inline picture (EMU size) as a run."""
    return (
        f'<w:r><w:drawing><wp:inline xmlns:wp="{WP}" xmlns:a="{A}" xmlns:r="{R}" '
        f'distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f"{_bild(r_id, kennung, name, alt, cx, cy)}</wp:inline></w:drawing></w:r>"
    )


def bild_auf_seite(
    r_id: str, kennung: int, name: str, alt: str, cx: int, cy: int, x: float, y: float
) -> str:
    """A picture (EMU size) anchored to the page at (x, y) mm, text not wrapped, as a run."""
    return (
        f'<w:r><w:drawing><wp:anchor xmlns:wp="{WP}" xmlns:a="{A}" xmlns:r="{R}" '
        'distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f"{_bild(r_id, kennung, name, alt, cx, cy)}</wp:anchor></w:drawing></w:r>"
    )
