"""The DOCX renderer, checked on the files it writes: python-docx reads them back,
LibreOffice (a real client) lays them out as PDF, measured in millimetres."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from briefe import geometrie as g
from briefe.modell import Absatz, InfoZeile, Liste, Textteil, Unterschrift
from briefe.satz.docx.dokument import bereinige_xml_text, schreibe_docx, schreibe_sammel_docx
from tests.beispiel import ABSENDER, beispielbrief

MM = 25.4 / 72
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ISERLOHN = dataclasses.replace(ABSENDER, kennung="iserlohn", behoerde="Stadt Iserlohn",
                               dienststelle="Der Bürgermeister")
BOESE = "A\x00B\x01C\x0bD\x0cE\x1fF\ufffeG\uffffH\ud800I\r\nJ\x08K"
# Absatzzahlen, bei denen der Vergleich mit der WeasyPrint-PDF mitten in einer Seite endet.
VERGLEICH = (0, 8, 22, 36)


def _bild(ordner: Path, name: str, breite: int, hoehe: int) -> Path:
    from PIL import Image

    pfad = ordner / name
    Image.new("RGB", (breite, hoehe), (20, 40, 120)).save(pfad, dpi=(150, 150))
    return pfad


def _boeser_brief():
    """Control characters in every string field."""
    brief = beispielbrief(1)
    absender = dataclasses.replace(
        brief.absender, behoerde="Stadt\x00 Hagen", dienststelle=BOESE,
        ruecksendeangabe="Stadt Hagen\x0b58042 Hagen", fusszeilen=(BOESE,),
    )
    return dataclasses.replace(
        brief, absender=absender, anschrift=("Frau\x0bDr. Maria Meyer", BOESE, "58089 Hagen"),
        betreff="Betreff\x00 mit\x1f Steuerzeichen", anrede=f"Sehr geehrte {BOESE},",
        inhalt=(Absatz((Textteil(BOESE, fett=True), Textteil(BOESE, kursiv=True))),
                Liste(((Textteil(BOESE),),)),
                *brief.inhalt[3:4]),
        vermerke=(BOESE,), infoblock=(InfoZeile(BOESE, BOESE), InfoZeile("Telefon", BOESE)),
        grussformel=BOESE, unterschrift=Unterschrift(BOESE, BOESE), anlagen=(BOESE,),
        verteiler=(BOESE,), hinweis_maschinell=BOESE,
    )


def _basisdokument(ordner: Path) -> Path:
    """A corporate letterhead as an office would keep it: own header, own Brieftext style."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm, RGBColor

    dok = docx.Document()
    abschnitt = dok.sections[0]
    abschnitt.page_width, abschnitt.page_height = Mm(210), Mm(297)
    abschnitt.left_margin, abschnitt.right_margin = Mm(25), Mm(20)
    abschnitt.top_margin, abschnitt.header_distance = Mm(20), Mm(10)
    abschnitt.header.paragraphs[0].text = "Musterkreis · Der Landrat"
    abschnitt.footer.paragraphs[0].text = "Kreishaus · Musterstraße 1"
    stil = dok.styles.add_style("Brieftext", WD_STYLE_TYPE.PARAGRAPH)
    stil.font.size = Pt(12)
    stil.font.color.rgb = RGBColor(0x11, 0x22, 0x33)
    dok.add_paragraph("Dieser Mustertext verschwindet.")
    pfad = ordner / "kopfbogen.docx"
    dok.save(pfad)
    return pfad


@pytest.fixture(scope="module")
def dateien(tmp_path_factory) -> dict[str, Path]:
    """Every DOCX the module inspects, written once."""
    ordner = tmp_path_factory.mktemp("word")
    logo = _bild(ordner, "logo.png", 400, 200)
    unterschrift = _bild(ordner, "unterschrift.png", 300, 90)
    mit_bildern = dataclasses.replace(
        beispielbrief(0),
        absender=dataclasses.replace(ABSENDER, logo=logo, logo_alt="Wappen der Stadt Hagen"),
        unterschrift=Unterschrift("Jochen Becker", "Vorsitzender", bild=unterschrift,
                                  bild_alt="Unterschrift Jochen Becker"),
    )
    basis = dataclasses.replace(
        beispielbrief(1),
        absender=dataclasses.replace(ABSENDER, basisdokument=_basisdokument(ordner)),
    )
    briefe = {
        "form_b": beispielbrief(3),
        "form_a": beispielbrief(3, form=g.FORM_A),
        "lang": beispielbrief(40),
        "steuerzeichen": _boeser_brief(),
        "bilder": mit_bildern,
        "basis": basis,
        **{f"vergleich_{n}": beispielbrief(n) for n in VERGLEICH},
    }
    pfade = {}
    for name, brief in briefe.items():
        pfade[name] = ordner / f"{name}.docx"
        schreibe_docx(brief, pfade[name])
    # A generator: the collective document must not need a list.
    sammel = (b for b in (
        beispielbrief(3),
        dataclasses.replace(beispielbrief(20, form=g.FORM_A), absender=ISERLOHN),
        dataclasses.replace(beispielbrief(0, form=g.FORM_A), absender=ISERLOHN),
    ))
    pfade["sammel"] = ordner / "sammel.docx"
    schreibe_sammel_docx(sammel, pfade["sammel"])
    return pfade


@pytest.fixture(scope="module")
def lo_pdf(dateien) -> dict[str, Path]:
    """All DOCX files laid out by LibreOffice in one headless run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) nicht gefunden: die DOCX-Darstellung bleibt ungeprüft")
    ordner = next(iter(dateien.values())).parent
    profil = ordner / "lo-profil"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profil.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(ordner), *map(str, dateien.values())],
        check=True, capture_output=True, timeout=600,
    )
    pdfs = {name: pfad.with_suffix(".pdf") for name, pfad in dateien.items()}
    fehlend = [name for name, pfad in pdfs.items() if not pfad.exists()]
    assert not fehlend, f"LibreOffice hat nicht konvertiert: {fehlend}"
    return pdfs


def _absatz_stile(dok) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in dok.paragraphs]


def _anschrifttabelle(dok):
    return dok.tables[0]


# --- text cleaning -------------------------------------------------------------------


def test_bereinige_xml_text():
    assert bereinige_xml_text("a\x0bb\r\nc\x0cd\re") == "a\nb\nc\nd\ne"
    assert bereinige_xml_text("x\x00y\x1fz\x08\ufffe\uffff") == "xyz"
    assert bereinige_xml_text("Tab\tund\nZeile") == "Tab\tund\nZeile"
    assert bereinige_xml_text("\ud83d\ude00 ganz, \ud800 halb") == "\U0001f600 ganz,  halb"
    assert bereinige_xml_text("Grüße – „Zitat“ · €") == "Grüße – „Zitat“ · €"


# --- content, read back with python-docx -------------------------------------------


def test_anschriftfeld_und_infoblock(dateien):
    dok = docx.Document(dateien["form_b"])
    tabelle = _anschrifttabelle(dok)
    vermerkzone = tabelle.cell(0, 0).paragraphs
    assert [(p.style.name, p.text) for p in vermerkzone] == [
        ("Ruecksendeangabe", "Stadt Hagen · 58042 Hagen")]
    anschrift = tabelle.cell(1, 0).paragraphs
    assert [p.text for p in anschrift] == [
        "Frau", "Dr. Maria Meyer", "Gesamtschule Eilpe", "Wehringhauser Str. 38", "58089 Hagen"]
    assert {p.style.name for p in anschrift} == {"Anschrift"}
    lage = tabelle._tbl.tblPr.find(qn("w:tblpPr"))
    assert lage.get(qn("w:horzAnchor")) == lage.get(qn("w:vertAnchor")) == "page"
    assert abs(int(lage.get(qn("w:tblpX"))) / 1440 * 25.4 - g.ANSCHRIFT_LINKS) < 0.05
    assert abs(int(lage.get(qn("w:tblpY"))) / 1440 * 25.4 - g.FORM_B.anschriftfeld_oben) < 0.05

    info = tabelle.cell(0, 2).tables[0]
    zeilen = [[c.text for c in reihe.cells] for reihe in info.rows]
    assert zeilen == [
        ["Stadtamt", "Amt für Weiterbildung und Medien"], ["Telefon", "02331 207-2951"],
        ["", ""], ["Mein Zeichen, Datum", "43, 25.08.2011"]]
    assert info.rows[0].cells[0].paragraphs[0].style.name == "Infoblock Bezeichnung"
    assert info.rows[0].cells[1].paragraphs[0].style.name == "Infoblock"


def test_brieftext_in_stilen(dateien):
    dok = docx.Document(dateien["form_b"])
    absaetze = _absatz_stile(dok)
    text = "Dieses soll sowohl die Abstimmung der verschiedenen Stufen des Bildungswesens " \
           "untereinander fördern als auch die Kooperation von Bildungseinrichtungen mit " \
           "anderen gesellschaftlichen Bereichen."
    assert absaetze == [
        ("Betreff", "Bildungsnetzwerk Hagen"),
        ("Anrede", "Sehr geehrte Frau Dr. Meyer,"),
        ("Brieftext", "Die Bildungskonferenz tagt jährlich."),
        ("Aufzaehlung", "Übergänge gestalten"), ("Aufzaehlung", "Inklusion gestalten"),
        ("Nummerierung", "Erstens"), ("Nummerierung", "Zweitens"),
        ("Brieftext", "Zeile eins\nZeile zwei"),
        ("Brieftext", text), ("Brieftext", text), ("Brieftext", text),
        ("Grussformel", "Mit freundlichen Grüßen"),
        ("Unterschrift", "Jochen Becker"), ("Unterschrift", "Vorsitzender des Lenkungskreises"),
        ("Anlagen", "Anlage"), ("Anlagen", "Kooperationsvertrag"),
        ("Verteiler", "Verteiler"), ("Verteiler", "Lenkungskreis"),
    ]
    betreff = dok.paragraphs[0]
    assert betreff.style.font.bold
    laeufe = [(r.text, bool(r.bold), bool(r.italic)) for r in dok.paragraphs[2].runs]
    assert laeufe == [("Die ", False, False), ("Bildungskonferenz", True, False),
                      (" tagt ", False, False), ("jährlich", False, True), (".", False, False)]
    assert dok.paragraphs[7]._p.findall(f".//{qn('w:br')}"), "Zeilenumbruch fehlt"


def test_listen_mit_word_nummerierung(tmp_path):
    brief = dataclasses.replace(beispielbrief(0), inhalt=(
        Liste(((Textteil("a"),), (Textteil("b"),)), nummeriert=True),
        Liste(((Textteil("c"),),)),
        Liste(((Textteil("d"),),), nummeriert=True, start=5),
    ))
    schreibe_docx(brief, tmp_path / "listen.docx")
    dok = docx.Document(tmp_path / "listen.docx")
    nummerierung = dok.part.numbering_part.element
    punkte = [p for p in dok.paragraphs if p.style.name in ("Aufzaehlung", "Nummerierung")]
    nummern = [p._p.pPr.numPr.numId.val for p in punkte]
    assert nummern[0] == nummern[1] and len({nummern[0], nummern[2], nummern[3]}) == 3

    def format_von(num_id: int) -> tuple[str, str | None]:
        num = nummerierung.xpath(f"./w:num[@w:numId='{num_id}']")[0]
        abstrakt = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        ebene = nummerierung.xpath(f"./w:abstractNum[@w:abstractNumId='{abstrakt}']/w:lvl")[0]
        start = num.xpath("./w:lvlOverride/w:startOverride/@w:val")
        return ebene.find(qn("w:numFmt")).get(qn("w:val")), start[0] if start else None

    assert format_von(nummern[0]) == ("decimal", "1")
    assert format_von(nummern[2]) == ("bullet", None)
    assert format_von(nummern[3]) == ("decimal", "5")


def test_tabelle(dateien):
    dok = docx.Document(dateien["form_b"])
    tabelle = dok.tables[1]
    assert [[c.text for c in r.cells] for r in tabelle.rows] == [
        ["Termin", "Ort"], ["17.11.2011", "Rathaus II"]]
    assert tabelle.style.name == "Brieftabelle"
    assert tabelle.rows[0].cells[0].paragraphs[0].style.name == "Tabellenkopf"
    assert tabelle.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert tabelle.rows[1].cells[0].paragraphs[0].style.name == "Tabellentext"


def test_stile_schrift_sprache_silbentrennung(dateien):
    dok = docx.Document(dateien["form_b"])
    namen = {s.name for s in dok.styles}
    for name in ("Brieftext", "Betreff", "Anrede", "Anschrift", "Ruecksendeangabe", "Vermerk",
                 "Infoblock", "Infoblock Bezeichnung", "Grussformel", "Unterschrift",
                 "Fusszeile", "Aufzaehlung", "Nummerierung", "Tabellentext", "Tabellenkopf",
                 "Anlagen", "Verteiler", "Briefkopf", "Seitenzahl", "Brieftabelle"):
        assert name in namen, name
    stile = dok.styles.element
    for rpr in (stile.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"),
                dok.styles["Brieftext"].element.rPr):
        schrift = rpr.find(qn("w:rFonts"))
        for art in ("ascii", "hAnsi", "cs", "eastAsia"):
            assert schrift.get(qn(f"w:{art}")) == g.SCHRIFT_WORD
        assert rpr.find(qn("w:lang")).get(qn("w:val")) == "de-DE"
    assert dok.styles["Brieftext"].font.size == Pt(g.SCHRIFTGRAD_TEXT)
    assert dok.styles["Ruecksendeangabe"].font.size == Pt(g.SCHRIFTGRAD_RUECKSENDE)
    assert dok.settings.element.find(qn("w:autoHyphenation")) is not None
    kern = dok.core_properties
    assert kern.title == "Bildungsnetzwerk Hagen"
    assert kern.author == "Stadt Hagen – Der Oberbürgermeister"  # as in the PDF
    assert kern.language == "de-DE"


def test_seitenrahmen(dateien):
    dok = docx.Document(dateien["form_b"])
    abschnitt = dok.sections[0]
    assert round(abschnitt.page_width.mm) == 210 and round(abschnitt.page_height.mm) == 297
    assert round(abschnitt.left_margin.mm) == g.RAND_LINKS
    assert abschnitt.different_first_page_header_footer
    assert abschnitt._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    kopf = abschnitt.first_page_header
    assert [p.text for p in kopf.paragraphs][:2] == ["Stadt Hagen", "Der Oberbürgermeister"]
    # fold and hole marks: lines anchored to the page at the left edge
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    marken = {}
    for anker in kopf._element.iter(f"{{{wp}}}anchor"):
        name = anker.find(f"{{{wp}}}docPr").get("name")
        x, y = (int(anker.find(f"{{{wp}}}position{a}/{{{wp}}}posOffset").text) / 36000
                for a in "HV")
        assert anker.find(f"{{{wp}}}positionV").get("relativeFrom") == "page"
        marken[name] = (x, y)
    assert marken == {"Falzmarke 1": (g.FALZMARKE_X, 105.0), "Falzmarke 2": (g.FALZMARKE_X, 210.0),
                      "Lochmarke": (g.FALZMARKE_X, g.LOCHMARKE_Y)}
    folge = abschnitt.header._element
    felder = [t.text.strip() for t in folge.iter(qn("w:instrText"))]
    assert felder == ["PAGE", "NUMPAGES"]
    assert "".join(t.text for t in folge.iter(qn("w:t"))).startswith("Seite ")
    fuss = [(p.style.name, p.text) for p in abschnitt.first_page_footer.paragraphs if p.text]
    assert fuss == [("Fusszeile", z) for z in ABSENDER.fusszeilen]


def test_bilder_mit_alternativtext(dateien):
    dok = docx.Document(dateien["bilder"])
    beschreibungen = [d.get("descr") for d in dok.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert beschreibungen == ["Unterschrift Jochen Becker"]
    kopf = dok.sections[0].first_page_header._element
    logo = [d.get("descr") for d in kopf.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert "Wappen der Stadt Hagen" in logo
    with zipfile.ZipFile(dateien["bilder"]) as paket:
        assert len([n for n in paket.namelist() if n.startswith("word/media/")]) == 2


def test_gez_ohne_platz(tmp_path):
    brief = dataclasses.replace(beispielbrief(0), unterschrift=Unterschrift(
        "Jochen Becker", "Vorsitzender", gez=True))
    puffer = io.BytesIO()
    schreibe_docx(brief, puffer)
    dok = docx.Document(io.BytesIO(puffer.getvalue()))
    texte = [p.text for p in dok.paragraphs]
    i = texte.index("Mit freundlichen Grüßen")
    assert texte[i + 1:i + 3] == ["gez. Jochen Becker", "Vorsitzender"]
    assert dok.paragraphs[i + 1].paragraph_format.space_before in (None, 0)


def test_steuerzeichen_docx(dateien):
    dok = docx.Document(dateien["steuerzeichen"])
    with zipfile.ZipFile(dateien["steuerzeichen"]) as paket:
        for name in paket.namelist():
            if name.endswith(".xml"):
                text = paket.read(name).decode("utf-8")
                assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text), name
    anschrift = _anschrifttabelle(dok).cell(1, 0).paragraphs
    assert anschrift[0].text == "Frau\nDr. Maria Meyer"
    assert anschrift[1].text == "ABC\nD\nEFGHI\nJK"
    assert dok.paragraphs[0].text == "Betreff mit Steuerzeichen"
    assert dok.core_properties.title == "Betreff mit Steuerzeichen"


def test_sammel_abschnitte(dateien):
    dok = docx.Document(dateien["sammel"])
    abschnitte = dok.element.body.findall(f".//{qn('w:sectPr')}")
    assert len(abschnitte) == 3
    for sect in abschnitte:
        assert sect.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert sect.find(qn("w:titlePg")) is not None
    verweise = [len(sect.findall(qn("w:headerReference"))) for sect in abschnitte]
    assert verweise == [2, 2, 0]  # the third letter inherits the second one's letterhead
    assert [s.start_type for s in dok.sections][1:] == [2, 2]  # WD_SECTION.NEW_PAGE
    folge = dok.sections[1].header._element
    assert [t.text.strip() for t in folge.iter(qn("w:instrText"))] == ["PAGE", "SECTIONPAGES"]
    betreffe = [p.text for p in dok.paragraphs if p.style.name == "Betreff"]
    assert betreffe == ["Bildungsnetzwerk Hagen"] * 3


def test_sammel_leer_ist_fehler(tmp_path):
    from briefe.fehler import BriefeFehler

    with pytest.raises(BriefeFehler):
        schreibe_sammel_docx([], tmp_path / "leer.docx")


def test_basisdokument(dateien):
    dok = docx.Document(dateien["basis"])
    abschnitt = dok.sections[0]
    assert abschnitt.header.paragraphs[0].text == "Musterkreis · Der Landrat"
    assert abschnitt.footer.paragraphs[0].text == "Kreishaus · Musterstraße 1"
    assert dok.styles["Brieftext"].font.size == Pt(12)  # the base document's style wins
    assert dok.styles["Betreff"].font.bold  # ours are added
    texte = [p.text for p in dok.paragraphs]
    assert "Dieser Mustertext verschwindet." not in texte
    assert texte[:2] == ["Bildungsnetzwerk Hagen", "Sehr geehrte Frau Dr. Meyer,"]


# Child order of the elements we write, from the WordprocessingML schema: Word refuses
# ("unreadable content") what LibreOffice and python-docx forgive.
_REIHENFOLGE = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
           "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
           "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
           "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
           "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike "
           "outline shadow emboss imprint noProof snapToGrid vanish webHidden color spacing w "
           "kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang "
           "eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
             "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook "
             "tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
            "tcFitText vAlign hideMark",
    "sectPr": "headerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
              "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi "
              "rtlGutter docGrid printerSettings sectPrChange",
    "style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
             "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr "
             "rPr tblPr trPr tcPr tblStylePr",
    "lvl": "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc "
           "pPr rPr",
    "tblBorders": "top left start bottom right end insideH insideV",
    "tblCellMar": "top left start bottom right end",
    "anchor": "simplePos positionH positionV extent effectExtent wrapNone wrapSquare "
              "wrapTight wrapThrough wrapTopAndBottom docPr cNvGraphicFramePr graphic",
}


@pytest.mark.parametrize("name", ["form_b", "bilder", "steuerzeichen", "sammel", "basis"])
def test_schema_reihenfolge(dateien, name):
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    rang = {tag: {n: i for i, n in enumerate(folge.split())}
            for tag, folge in _REIHENFOLGE.items()}
    rang["sectPr"]["footerReference"] = 0
    with zipfile.ZipFile(dateien[name]) as paket:
        for teil in paket.namelist():
            if not teil.startswith("word/") or not teil.endswith(".xml"):
                continue
            for element in etree.fromstring(paket.read(teil)).iter(f"{w}*", f"{wp}anchor"):
                tag = etree.QName(element).localname
                if tag not in rang:
                    continue
                kinder = [etree.QName(k).localname for k in element
                          if isinstance(k.tag, str) and k.tag.startswith((w, wp))]
                stellen = [rang[tag].get(k, -1) for k in kinder]
                assert -1 not in stellen, f"{teil}: unbekanntes Kind in {tag}: {kinder}"
                assert stellen == sorted(stellen), f"{teil}: {tag} in falscher Folge: {kinder}"


def test_basisdokument_als_dotx_und_fehler(tmp_path):
    from briefe.fehler import VorlagenFehler

    vorlage = tmp_path / "kopfbogen.dotx"
    with zipfile.ZipFile(_basisdokument(tmp_path)) as alt, zipfile.ZipFile(vorlage, "w") as neu:
        for eintrag in alt.infolist():
            inhalt = alt.read(eintrag)
            if eintrag.filename == "[Content_Types].xml":
                inhalt = inhalt.replace(b"document.main+xml", b"template.main+xml")
            neu.writestr(eintrag, inhalt)
    brief = beispielbrief(0)
    mit = dataclasses.replace(brief, absender=dataclasses.replace(ABSENDER, basisdokument=vorlage))
    schreibe_docx(mit, tmp_path / "aus_dotx.docx")
    kopf = docx.Document(tmp_path / "aus_dotx.docx").sections[0].header.paragraphs[0].text
    assert kopf == "Musterkreis · Der Landrat"

    kaputt = tmp_path / "kaputt.docx"
    kaputt.write_text("kein Word", encoding="utf-8")
    for pfad, meldung in ((kaputt, "keine lesbare Word-Datei"), (tmp_path / "fehlt.docx",
                                                                 "kann nicht gelesen werden")):
        absender = dataclasses.replace(ABSENDER, basisdokument=pfad)
        with pytest.raises(VorlagenFehler, match=meldung) as fehler:
            schreibe_docx(dataclasses.replace(brief, absender=absender), tmp_path / "x.docx")
        assert fehler.value.datei == str(pfad)


def test_fehlendes_bild_ist_vorlagenfehler(tmp_path):
    from briefe.fehler import VorlagenFehler

    brief = dataclasses.replace(beispielbrief(0), unterschrift=Unterschrift(
        "Jochen Becker", bild=tmp_path / "fehlt.png"))
    with pytest.raises(VorlagenFehler, match="Unterschriftsbild nicht gefunden"):
        schreibe_docx(brief, tmp_path / "x.docx")
    kaputt = tmp_path / "logo.png"
    kaputt.write_bytes(b"kein Bild")
    absender = dataclasses.replace(ABSENDER, logo=kaputt)
    with pytest.raises(VorlagenFehler, match="Logo ist kein lesbares Bild"):
        schreibe_docx(dataclasses.replace(brief, absender=absender), tmp_path / "x.docx")


# --- layout by LibreOffice ---------------------------------------------------------


def _zeilen(pdf: Path, seite: int = 0) -> list[dict]:
    with pdfplumber.open(pdf) as datei:
        return datei.pages[seite].extract_text_lines()


def _finde(pdf: Path, anfang: str, seite: int = 0) -> dict:
    for zeile in _zeilen(pdf, seite):
        if zeile["text"].startswith(anfang):
            return zeile
    raise AssertionError(f"Zeile „{anfang}“ nicht auf Seite {seite + 1}")


@pytest.mark.parametrize("name, form", [("form_b", g.FORM_B), ("form_a", g.FORM_A)])
def test_lo_anschrift_im_fenster(lo_pdf, name, form):
    with pdfplumber.open(lo_pdf[name]) as datei:
        seite = datei.pages[0]
        bereich = seite.within_bbox((0, (form.empfaengerzone_oben - 1) / MM, 120 / MM,
                                     (form.betreff_y - 1) / MM))
        zeichen = [z for z in bereich.chars if z["size"] > 9]
        assert bereich.extract_text().splitlines() == [
            "Frau", "Dr. Maria Meyer", "Gesamtschule Eilpe", "Wehringhauser Str. 38",
            "58089 Hagen"]
    for z in zeichen:
        assert z["x0"] * MM >= g.ANSCHRIFT_LINKS and z["x1"] * MM <= g.ANSCHRIFT_RECHTS, z
        assert form.empfaengerzone_oben <= z["top"] * MM, z
        assert z["bottom"] * MM <= form.empfaengerzone_unten, z


@pytest.mark.parametrize("name, form", [("form_b", g.FORM_B), ("form_a", g.FORM_A)])
def test_lo_ruecksendeangabe_infoblock_betreff(lo_pdf, name, form):
    with pdfplumber.open(lo_pdf[name]) as datei:
        seite = datei.pages[0]
        info = seite.crop((118 / MM, 0, seite.width, (form.betreff_y - 1) / MM))
        assert "Stadtamt" in info.extract_text() and "43, 25.08.2011" in info.extract_text()
        assert min(z["x0"] for z in info.chars) * MM >= g.INFOBLOCK_LINKS - 0.01
        assert max(z["x1"] for z in info.chars) * MM <= g.INFOBLOCK_LINKS + g.INFOBLOCK_BREITE
        assert min(z["top"] for z in info.chars) * MM >= form.infoblock_oben - 0.3
        klein = [z for z in seite.chars if z["size"] < 9 and z["x0"] * MM < 110
                 and form.vermerkzone_oben <= z["top"] * MM < form.vermerkzone_unten]
        assert "".join(z["text"] for z in klein) == "Stadt Hagen · 58042 Hagen"
        assert max(z["bottom"] for z in klein) * MM <= form.vermerkzone_unten
    betreff = _finde(lo_pdf[name], "Bildungsnetzwerk Hagen")
    # the line box starts at betreff_y; the glyph box of an 11 pt line is a little taller
    assert abs(betreff["top"] * MM - form.betreff_y) < 1.0
    assert "Bold" in betreff["chars"][0]["fontname"]
    kopf = _finde(lo_pdf[name], "Stadt Hagen")
    assert kopf["top"] * MM < form.briefkopf_hoehe and "Bold" in kopf["chars"][0]["fontname"]


def test_lo_falz_und_lochmarken(lo_pdf):
    with pdfplumber.open(lo_pdf["form_b"]) as datei:
        seite = datei.pages[0]
        marken = sorted((round(o["top"] * MM, 1), round(o["x0"] * MM, 1), round(o["x1"] * MM, 1))
                        for o in seite.lines + seite.rects if o["x1"] * MM < 20)
    assert marken == [(105.0, 3.0, 8.0), (148.5, 3.0, 11.0), (210.0, 3.0, 8.0)]


def test_lo_fusszeile_nur_auf_seite_1(lo_pdf):
    with pdfplumber.open(lo_pdf["lang"]) as datei:
        texte = [s.extract_text() for s in datei.pages]
    assert "www.hagen.de" in texte[0]
    assert all("www.hagen.de" not in t for t in texte[1:])


def test_lo_folgeseiten_seite_n_von_m(lo_pdf):
    with pdfplumber.open(lo_pdf["lang"]) as datei:
        seiten = len(datei.pages)
        texte = [s.extract_text() for s in datei.pages]
    assert seiten >= 3
    assert "Seite" not in texte[0]
    for n in range(2, seiten + 1):
        assert f"Seite {n} von {seiten}" in texte[n - 1]
    erste = _finde(lo_pdf["lang"], "Dieses soll", seite=1)
    assert g.RAND_OBEN_FOLGESEITE - 1 < erste["top"] * MM < g.RAND_OBEN_FOLGESEITE + 1


def test_lo_bilder(lo_pdf):
    with pdfplumber.open(lo_pdf["bilder"]) as datei:
        bilder = sorted(datei.pages[0].images, key=lambda b: b["top"])
    assert len(bilder) == 2
    logo, unterschrift = bilder
    assert abs(logo["x1"] * MM - (g.SEITE_BREITE - g.RAND_RECHTS)) < 0.5
    assert abs(logo["top"] * MM - 12.0) < 0.5 and logo["bottom"] * MM <= g.FORM_B.anschriftfeld_oben
    assert abs(unterschrift["x0"] * MM - g.RAND_LINKS) < 0.5


def test_lo_steuerzeichen(lo_pdf):
    with pdfplumber.open(lo_pdf["steuerzeichen"]) as datei:
        seite = datei.pages[0]
        links = seite.crop((0, 0, 120 / MM, seite.height)).extract_text()
    assert "Frau\nDr. Maria Meyer\nABC\nD\nEFGHI\nJK\n58089 Hagen" in links
    assert "Betreff mit Steuerzeichen" in links


def test_lo_sammel(lo_pdf):
    with pdfplumber.open(lo_pdf["sammel"]) as datei:
        texte = [s.extract_text() for s in datei.pages]
    briefanfaenge = [i for i, t in enumerate(texte) if "Sehr geehrte Frau Dr. Meyer," in t]
    assert len(briefanfaenge) == 3
    assert texte[briefanfaenge[0]].startswith("Stadt Hagen")
    assert texte[briefanfaenge[1]].startswith("Stadt Iserlohn")
    assert texte[briefanfaenge[2]].startswith("Stadt Iserlohn")
    # numbering restarts with every letter
    assert "Seite 2 von" in texte[briefanfaenge[0] + 1]
    assert "Seite 2 von" in texte[briefanfaenge[1] + 1]
    assert "Seite 3 von" in texte[briefanfaenge[1] + 2]


def test_lo_basisdokument(lo_pdf):
    texte = [z["text"] for z in _zeilen(lo_pdf["basis"])]
    assert texte[0] == "Musterkreis · Der Landrat"
    with pdfplumber.open(lo_pdf["basis"]) as datei:
        bereich = datei.pages[0].within_bbox((0, g.FORM_B.empfaengerzone_oben / MM, 120 / MM,
                                              g.FORM_B.empfaengerzone_unten / MM))
        assert bereich.extract_text().splitlines()[-1] == "58089 Hagen"
    # The base document's 12 pt Brieftext makes the subject taller, not lower.
    betreff = _finde(lo_pdf["basis"], "Bildungsnetzwerk Hagen")
    assert g.FORM_B.betreff_y - 1.5 < betreff["top"] * MM < g.FORM_B.betreff_y + 1.0


# --- the same letter as PDF (WeasyPrint) ---------------------------------------------

_KOERPERSTILE = {"Betreff", "Anrede", "Brieftext", "Aufzaehlung", "Nummerierung", "Grussformel",
                 "Unterschrift", "Hinweis", "Anlagen", "Verteiler", "Tabellenkopf", "Tabellentext"}


def _ohne_leerraum(text: str) -> str:
    """Whitespace, hyphens (hyphenation) and list markers removed."""
    return re.sub(r"[\s\-\u00ad\u2010•]", "", text)


def _docx_absaetze(pfad: Path) -> list[str]:
    dok = docx.Document(pfad)
    ergebnis = []
    for element in dok.element.body.iter(qn("w:p")):
        stil = element.pPr.pStyle.val if element.pPr is not None and element.pPr.pStyle is not None \
            else ""
        text = "".join(t.text or "" for t in element.iter(qn("w:t")))
        if stil in _KOERPERSTILE and text.strip():
            ergebnis.append(text)
    return ergebnis


def _pdf_brieftext(pdf: Path, form: g.Form) -> str:
    """The body text of all pages, without letterhead, address, footer and page numbers."""
    teile = []
    with pdfplumber.open(pdf) as datei:
        for n, seite in enumerate(datei.pages):
            oben = form.betreff_y - 2 if n == 0 else g.RAND_OBEN_FOLGESEITE - 2
            unten = g.SEITE_HOEHE - (g.RAND_UNTEN if n == 0 else g.RAND_UNTEN_FOLGESEITE) + 1
            teile.append(seite.crop((0, oben / MM, seite.width, unten / MM)).extract_text())
    return "\n".join(teile)


@pytest.mark.parametrize("absaetze", VERGLEICH)
def test_wie_pdf(lo_pdf, tmp_path, absaetze):
    pdf = pytest.importorskip("briefe.satz.pdf.weasy", reason="PDF-Renderer briefe.satz.pdf.weasy fehlt")
    weasy = tmp_path / "weasyprint.pdf"
    pdf.schreibe_pdf(beispielbrief(absaetze), weasy)
    libre = lo_pdf[f"vergleich_{absaetze}"]
    with pdfplumber.open(weasy) as a, pdfplumber.open(libre) as b:
        assert len(b.pages) == len(a.pages)
    pdf_text = _ohne_leerraum(_pdf_brieftext(weasy, g.FORM_B))
    position = 0
    for absatz in _docx_absaetze(libre.with_suffix(".docx")):
        gefunden = pdf_text.find(_ohne_leerraum(absatz), position)
        assert gefunden >= 0, f"„{absatz}“ fehlt im PDF (nach Position {position})"
        position = gefunden + len(_ohne_leerraum(absatz))
