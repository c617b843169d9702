"""PDF/A, PDF/UA and both: checked on the written files (pikepdf, pdfplumber, pdftoppm)."""

import hashlib
import shutil
import subprocess
import sys
from dataclasses import replace

import pdfplumber
import pikepdf
import pytest
from defusedxml import ElementTree

from briefe.satz.pdf.weasy import VARIANTEN, dokument, schreibe_pdf
from tests.beispiel import beispielbrief
from tests.conftest import MEYER, VORLAGEN, WURZEL, empfaenger
from tests.pdfhilfe import MM

GETAGGT = ("barrierefrei", "archiv-barrierefrei")
PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"


@pytest.fixture(scope="module")
def dateien(referenz, tmp_path_factory):
    """The reference letter to Frau Dr. Meyer in every variant."""
    ordner = tmp_path_factory.mktemp("varianten")
    brief = referenz.erzeuge(empfaenger(**MEYER))
    pfade = {}
    for variante in VARIANTEN:
        pfade[variante] = ordner / f"{variante}.pdf"
        schreibe_pdf(brief, pfade[variante], variante)
    return pfade


@pytest.fixture(scope="module")
def beispiel_pdf(tmp_path_factory):
    """A letter with every block type (table with header row, numbered list, enclosures)
    and a signature image."""
    brief = beispielbrief(absaetze=12)
    bild = VORLAGEN / "absender" / "bildungsnetzwerk-logo.png"  # any image below vorlagen/
    unterschrift = replace(brief.unterschrift, bild=bild, bild_alt="Unterschrift von Jochen Becker")
    pfad = tmp_path_factory.mktemp("beispiel") / "beispiel.pdf"
    schreibe_pdf(replace(brief, unterschrift=unterschrift), pfad, "barrierefrei")
    return pfad


# --- reading the structure tree -------------------------------------------------------------------


def _kinder(element):
    kinder = element.get("/K")
    if kinder is None:
        return []
    return list(kinder) if isinstance(kinder, pikepdf.Array) else [kinder]


def _ist_element(objekt):
    return isinstance(objekt, pikepdf.Dictionary) and "/S" in objekt


def _alle(element):
    """Depth first, the element itself first."""
    yield element
    for kind in _kinder(element):
        if _ist_element(kind):
            yield from _alle(kind)


class Baum:
    """The structure tree of a file with the text of every element (MCIDs via pdfplumber)."""

    def __init__(self, pfad):
        self.pdf = pikepdf.open(pfad)
        self.seiten = {seite.obj.objgen: i for i, seite in enumerate(self.pdf.pages)}
        self.texte = {}
        with pdfplumber.open(pfad) as datei:
            for seite in datei.pages:
                for zeichen in seite.chars:
                    if zeichen["mcid"] is not None:
                        schluessel = (seite.page_number - 1, zeichen["mcid"])
                        self.texte[schluessel] = self.texte.get(schluessel, "") + zeichen["text"]
        self.dokument = self.pdf.Root.StructTreeRoot.K[0]

    def mcids(self, element):
        seite = self.seiten[element.Pg.objgen] if "/Pg" in element else None
        for kind in _kinder(element):
            if isinstance(kind, int):
                yield seite, int(kind)
            elif _ist_element(kind):
                yield from self.mcids(kind)

    def text(self, element) -> str:
        return " ".join(self.texte.get(m, "") for m in self.mcids(element)).replace("  ", " ").strip()

    def bloecke(self, anzahl=40):
        """The first block-level elements in reading order: (type, text or alt text)."""
        ergebnis = []

        def besuche(element):
            typ = str(element.S)[1:]
            if typ in ("P", "H1", "H2", "Figure", "Table", "L"):
                text = str(element.get("/Alt", "")) if typ == "Figure" else self.text(element)
                ergebnis.append((typ, text))
                return
            for kind in _kinder(element):
                if _ist_element(kind) and len(ergebnis) < anzahl:
                    besuche(kind)

        besuche(self.dokument)
        return ergebnis[:anzahl]


def _xmp(pdf) -> bytes:
    return pdf.Root.Metadata.read_bytes()


# --- PDF/A ----------------------------------------------------------------------------------------


def test_varianten_im_cli():
    from briefe.cli.haupt import parser
    from briefe.cli.optionen import aus_argumenten

    assert list(VARIANTEN) == ["standard", "archiv", "barrierefrei", "archiv-barrierefrei"]
    args = parser().parse_args(["erstellen", "v.md", "d.csv", "--pdf", "archiv-barrierefrei"])
    assert aus_argumenten(args).pdf_variante == "archiv-barrierefrei"


@pytest.mark.parametrize("variante, teil, stufe", [("archiv", "3", "B"), ("archiv-barrierefrei", "3", "A")])
def test_pdf_a_kennung_und_ausgabebedingung(dateien, variante, teil, stufe):
    with pikepdf.open(dateien[variante]) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == teil
        assert meta["pdfaid:conformance"] == stufe
        absicht = pdf.Root.OutputIntents[0]
        assert absicht.S == "/GTS_PDFA1"
        assert "sRGB" in str(absicht.OutputConditionIdentifier)
        assert len(absicht.DestOutputProfile.read_bytes()) > 1000
        assert pdf.pdf_version <= "1.7"
        assert len(pdf.trailer.ID) == 2
        # the info dictionary says what the XMP says
        assert str(pdf.docinfo["/Title"]) == meta["dc:title"] == "Bildungsnetzwerk Hagen"
        assert str(pdf.docinfo["/Producer"]) == meta["pdf:Producer"]
        assert str(pdf.docinfo["/Creator"]) == meta["xmp:CreatorTool"] == "briefe"
        # PDF/A forbids image interpolation; the PNG logo is drawn without it
        bilder = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert bilder and all(b.get("/Interpolate", False) is False for b in bilder)


@pytest.mark.parametrize("variante", list(VARIANTEN))
def test_allgemein_sicher(dateien, variante):
    """Every variant: fonts embedded, no encryption, no actions, JavaScript or attachments."""
    with pikepdf.open(dateien[variante]) as pdf:
        assert not pdf.is_encrypted
        assert len(pdf.attachments) == 0
        for objekt in pdf.objects:
            if not isinstance(objekt, pikepdf.Dictionary):
                continue
            assert objekt.get("/S") not in ("/URI", "/GoToR", "/Launch", "/JavaScript")
            assert "/JS" not in objekt and "/AA" not in objekt
            if objekt.get("/Type") == "/FontDescriptor":
                assert "/FontFile2" in objekt


# --- PDF/UA ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("variante", GETAGGT)
def test_pdf_ua_kennung_und_katalog(dateien, variante):
    with pikepdf.open(dateien[variante]) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == "Bildungsnetzwerk Hagen"
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "de-DE"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert "/StructTreeRoot" in pdf.Root
        for seite in pdf.pages:
            assert seite.obj.Tabs == "/S"


def test_kombination_behaelt_beide_kennungen(dateien):
    """PDF/A-3a plus PDF/UA-1: one valid XMP packet, pdfuaid described by a PDF/A extension schema."""
    with pikepdf.open(dateien["archiv-barrierefrei"]) as pdf:
        xmp = _xmp(pdf)
    wurzel = ElementTree.fromstring(xmp)  # well-formed XML
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    assert len(wurzel.findall(f"{rdf}RDF")) == 1
    assert xmp.startswith(b"<?xpacket begin=") and xmp.rstrip().endswith(b'<?xpacket end="r"?>')
    schemas = [e.text for e in wurzel.iter("{http://www.aiim.org/pdfa/ns/schema#}namespaceURI")]
    assert schemas == [PDFUA_NS]
    eigenschaften = [e.text for e in wurzel.iter("{http://www.aiim.org/pdfa/ns/property#}name")]
    assert eigenschaften == ["part"]
    # the plain variants claim only their own standard
    with pikepdf.open(dateien["barrierefrei"]) as pdf:
        assert b"pdfaid" not in _xmp(pdf)
    with pikepdf.open(dateien["archiv"]) as pdf:
        assert b"pdfuaid" not in _xmp(pdf) and "/StructTreeRoot" not in pdf.Root


@pytest.mark.parametrize("variante", GETAGGT)
def test_lesereihenfolge(dateien, variante):
    """Letterhead, recipient, info block (sender details, then date), subject, salutation, body."""
    baum = Baum(dateien[variante])
    bloecke = baum.bloecke()
    assert bloecke[:8] == [
        ("Figure", "Logo Bildungsnetzwerk Hagen"),
        ("P", "Stadt Hagen"),
        ("P", "Der Oberbürgermeister"),
        ("P", "Stadt Hagen · Der Oberbürgermeister · 58042 Hagen"),
        ("P", "Frau Dr. Maria Meyer"),
        ("P", "Gesamtschule Eilpe"),
        ("P", "Wehringhauser Str. 38"),
        ("P", "58089 Hagen"),
    ]
    typ, info = bloecke[8]
    assert typ == "Table"
    assert info.index("Stadtamt") < info.index("Telefon") < info.index("Mein Zeichen, Datum")
    assert info.endswith("43, 25.08.2011")
    assert bloecke[9] == ("H1", "Bildungsnetzwerk Hagen")
    assert bloecke[10] == ("P", "Sehr geehrte Frau Dr. Meyer,")
    assert bloecke[11][0] == "P" and bloecke[11][1].startswith("wie viele von Ihnen wissen")
    assert bloecke[12][0] == "L" and "Individuelle Förderung in Schule gestalten" in bloecke[12][1]
    # one Part for the letter body although it spans two pages; the page-1 footer is read last
    oben = [str(e.S) for e in _kinder(baum.dokument)]
    assert oben.count("/Part") == 1
    assert "Rathausstraße 11" in baum.text(_kinder(baum.dokument)[-1])
    assert sum(1 for e in _alle(baum.dokument) if e.S == "/H1") == 1


@pytest.mark.parametrize("variante", GETAGGT)
def test_listen_und_infoblock(dateien, variante):
    baum = Baum(dateien[variante])
    listen = [e for e in _alle(baum.dokument) if e.S == "/L"]
    assert len(listen) == 3
    for liste in listen:
        for punkt in _kinder(liste):
            assert punkt.S == "/LI"
            assert [str(k.S) for k in _kinder(punkt)] == ["/Lbl", "/LBody"]
    punkte = [baum.text(_kinder(p)[1]) for p in _kinder(listen[0])]
    assert punkte == ["Individuelle Förderung in Schule gestalten", "Übergänge gestalten",
                      "Ganztage gestalten", "Lebensbegleitendes Lernen gestalten und als Querschnittsthema",
                      "Inklusion gestalten"]
    # info block: label cells are row headers that the value cells point to
    tabelle = next(e for e in _alle(baum.dokument) if e.S == "/Table")
    zeilen = [z for z in _alle(tabelle) if z.S == "/TR"]
    assert len(zeilen) == 9  # the blank spacer row is no row for a screen reader
    kopf = {str(z.K[0].ID): baum.text(z.K[0]) for z in zeilen}
    assert list(kopf.values())[0] == "Stadtamt" and list(kopf.values())[-1] == "Mein Zeichen, Datum"
    for zeile in zeilen:
        th, td = _kinder(zeile)
        assert th.S == "/TH" and td.S == "/TD"
        assert [str(h) for h in td.A.Headers] == [str(th.ID)]
    ids = baum.pdf.Root.StructTreeRoot.IDTree.Names
    assert sorted(str(ids[i]) for i in range(0, len(ids), 2)) == sorted(kopf)


def test_tabelle_mit_kopfzeile_und_anlagen(beispiel_pdf):
    baum = Baum(beispiel_pdf)
    tabelle = [e for e in _alle(baum.dokument) if e.S == "/Table"][-1]
    kopf, rumpf = _kinder(tabelle)
    assert (kopf.S, rumpf.S) == ("/THead", "/TBody")
    zellen = _kinder(_kinder(kopf)[0])
    assert [(str(z.S), baum.text(z)) for z in zellen] == [("/TH", "Termin"), ("/TH", "Ort")]
    werte = _kinder(_kinder(rumpf)[0])
    assert [baum.text(z) for z in werte] == ["17.11.2011", "Rathaus II"]
    assert [str(w.A.Headers[0]) for w in werte] == [str(z.ID) for z in zellen]
    nummeriert = [e for e in _alle(baum.dokument) if e.S == "/L"][1]
    assert [baum.text(_kinder(p)[0]) for p in _kinder(nummeriert)] == ["1.", "2."]
    abschnitte = [e for e in _alle(baum.dokument) if e.S == "/Sect"]
    assert [(baum.text(_kinder(s)[0]), str(_kinder(s)[1].S)) for s in abschnitte] == [
        ("Anlage", "/L"), ("Verteiler", "/L")]
    assert [str(e.S) for e in _alle(baum.dokument) if str(e.S)[1:2] == "H"] == ["/H1", "/H2", "/H2"]
    # the signature image: a Figure with the alt text from the signature, before the name
    schluss = [e for e in _alle(baum.dokument) if e.S == "/Div"][-1]
    assert [(str(k.S), str(k.get("/Alt", "")) or baum.text(k)) for k in _kinder(schluss)] == [
        ("/P", "Mit freundlichen Grüßen"), ("/Figure", "Unterschrift von Jochen Becker"),
        ("/P", "Jochen Becker"), ("/P", "Vorsitzender des Lenkungskreises")]


@pytest.mark.parametrize("variante", GETAGGT)
def test_marken_und_linien_sind_artefakte(dateien, variante):
    """Fold and hole marks, the footer rule and the page number are artifacts, not structure."""
    baum = Baum(dateien[variante])
    # no structure element without content: the marks' empty boxes are gone from the tree
    for element in _alle(baum.dokument):
        assert list(baum.mcids(element)), f"leeres Element {element.S}"
    with pdfplumber.open(dateien[variante]) as datei:
        seite = datei.pages[0]
        marken = [o for o in seite.rects + seite.lines if o["x0"] * MM < 15]
        assert len(marken) == 3
        fusslinie = [o for o in seite.rects + seite.lines if o["top"] * MM > 260]
        assert fusslinie
        for objekt in marken + fusslinie:
            assert objekt["tag"] == "Artifact" and objekt["mcid"] is None
        # everything else that is painted belongs to text (underline) or the logo (Figure)
        assert {o["tag"] for o in seite.rects + seite.lines + seite.curves} <= {"Artifact", "Span", "Figure"}
        # page number on page 2: a pagination artifact; the footer text on page 1: tagged
        kopf = [z for z in datei.pages[1].chars if z["top"] * MM < 20]
        assert "".join(z["text"] for z in kopf) == "Seite 2 von 2"
        assert {z["tag"] for z in kopf} == {"Artifact"}
        fuss = [z for z in seite.chars if z["top"] * MM > 270]
        assert fuss and all(z["mcid"] is not None for z in fuss)
    artefakte = [o for o in pikepdf.parse_content_stream(baum.pdf.pages[1])
                 if str(o.operator) == "BDC" and o.operands[0] == "/Artifact"]
    assert [str(o.operands[1].Type) for o in artefakte] == ["/Pagination"]
    # every marked content sequence with an MCID is reachable from the structure tree
    im_baum = {m for e in _alle(baum.dokument) for m in baum.mcids(e)}
    assert set(baum.texte) <= im_baum


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) fehlt")
@pytest.mark.parametrize("variante", ["archiv", "barrierefrei", "archiv-barrierefrei"])
def test_sieht_aus_wie_standard(dateien, variante, tmp_path):
    """Tags and metadata change nothing on paper: both pages render to identical pixels."""
    def seiten(pfad, name):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pfad), str(tmp_path / name)], check=True)
        return [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(tmp_path.glob(f"{name}-*.png"))]

    standard = seiten(dateien["standard"], "standard")
    assert len(standard) == 2
    assert seiten(dateien[variante], "variante") == standard


def test_barrierefrei_ist_reproduzierbar(referenz):
    from briefe.satz.pdf.weasy import pdf_bytes

    brief = referenz.erzeuge(empfaenger(**MEYER))
    assert pdf_bytes(brief, "archiv-barrierefrei") == pdf_bytes(brief, "archiv-barrierefrei")


# --- briefe pdf pruefen ---------------------------------------------------------------------------


def _pruefen(pfad):
    ergebnis = subprocess.run([sys.executable, "-m", "briefe", "pdf", "pruefen", str(pfad)],
                              capture_output=True, text=True, cwd=WURZEL)
    return ergebnis.returncode, ergebnis.stdout, ergebnis.stderr


@pytest.mark.parametrize("variante, anspruch, punkte", [
    ("standard", "weder PDF/A noch PDF/UA", 5),
    ("archiv", "PDF/A-3B", 10),
    ("barrierefrei", "PDF/UA-1", 15),
    ("archiv-barrierefrei", "PDF/A-3A und PDF/UA-1", 21),
])
def test_pruefen_varianten(dateien, variante, anspruch, punkte):
    code, ausgabe, _ = _pruefen(dateien[variante])
    assert code == 0, ausgabe
    zeilen = ausgabe.splitlines()
    assert f"Die Datei beansprucht: {anspruch}" in zeilen[1]
    assert sum(1 for z in zeilen if z.startswith("✓ ")) == punkte
    assert not [z for z in zeilen if z.startswith("✗ ")]
    assert f"Ergebnis: alle {punkte} Prüfungen bestanden." in zeilen
    assert "Alle Schriften eingebettet" in ausgabe
    assert zeilen[-1].startswith("Nicht geprüft:") and "veraPDF" in zeilen[-1]
    if variante in GETAGGT:
        assert "✓ Struktur: jede Abbildung mit Alternativtext oder als Artefakt: 1 Abbildung(en): " \
               "„Logo Bildungsnetzwerk Hagen“" in zeilen
        assert "✓ PDF/UA: Titelleiste zeigt den Titel (DisplayDocTitle)" in zeilen
        reihenfolge = zeilen[zeilen.index("Lesereihenfolge (Anfang, bitte selbst beurteilen):") + 1:]
        assert reihenfolge[0] == "  1. Abbildung: „Logo Bildungsnetzwerk Hagen“"
        assert "  10. Überschrift 1: „Bildungsnetzwerk Hagen“" in reihenfolge
    if variante.startswith("archiv"):
        assert "✓ PDF/A: Ausgabebedingung (OutputIntent) mit ICC-Profil" in ausgabe


def _mit_anhang(pdf):
    pdf.attachments["daten.csv"] = pikepdf.AttachedFileSpec(pdf, b"a;b\n1;2\n", filename="daten.csv")


def _mit_javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def _mit_link(pdf):
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
                              A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org")))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))


def _ohne_struktur(pdf):
    del pdf.Root.StructTreeRoot
    del pdf.Root.MarkInfo


def _ohne_alt(pdf):
    figur = next(e for e in _alle(pdf.Root.StructTreeRoot.K[0]) if e.S == "/Figure")
    del figur.Alt


def _ohne_sprache(pdf):
    del pdf.Root.Lang


@pytest.mark.parametrize("aenderung, zeile, befund", [
    (_mit_anhang, "✗ Keine Dateianhänge", "daten.csv"),
    (_mit_javascript, "✗ Kein JavaScript", "JavaScript-Aktion"),
    (_mit_link, "✗ Keine externen Verweise", "URI-Link"),
    (_ohne_struktur, "✗ Struktur: Strukturbaum vorhanden", "kein StructTreeRoot"),
    (_ohne_alt, "✗ Struktur: jede Abbildung mit Alternativtext", "1 Abbildung(en) ohne Alternativtext"),
    (_ohne_sprache, "✗ Struktur: Dokumentsprache gesetzt", "keine Sprache"),
])
def test_pruefen_findet_maengel(dateien, tmp_path, aenderung, zeile, befund):
    pfad = tmp_path / "kaputt.pdf"
    with pikepdf.open(dateien["archiv-barrierefrei"]) as pdf:
        aenderung(pdf)
        pdf.save(pfad)
    code, ausgabe, _ = _pruefen(pfad)
    assert code == 1, ausgabe
    treffer = [z for z in ausgabe.splitlines() if z.startswith(zeile)]
    assert len(treffer) == 1 and befund in treffer[0], ausgabe
    assert "Prüfungen nicht bestanden" in ausgabe


@pytest.mark.parametrize("weasyprint, zeile", [
    # WeasyPrint alone tags the footer and page number outside the tree
    ("pdf/ua-1", "✗ Struktur: aller Inhalt ausgezeichnet (im Strukturbaum oder Artefakt): "
                 "3 ausgezeichnete(r) Inhalt(e) nicht im Strukturbaum"),
    # … and marks the PNG logo for interpolation, which PDF/A forbids
    ("pdf/a-3b", "✗ PDF/A: keine verbotenen Elemente (Interpolate, LZW, PostScript, Transferfunktion): "
                 "gefunden: Bild mit Interpolate true"),
])
def test_pruefen_erkennt_weasyprints_luecken(referenz, tmp_path, weasyprint, zeile):
    """What ``satz.pdf.weasy`` repairs after WeasyPrint, seen by the check on WeasyPrint's own output."""
    pfad = tmp_path / "roh.pdf"
    pfad.write_bytes(dokument(referenz.erzeuge(empfaenger(**MEYER))).write_pdf(pdf_variant=weasyprint))
    code, ausgabe, _ = _pruefen(pfad)
    assert code == 1
    assert zeile in ausgabe.splitlines()


def test_pruefen_unlesbar(tmp_path):
    pfad = tmp_path / "kein.pdf"
    pfad.write_text("kein PDF", encoding="utf-8")
    code, ausgabe, fehler = _pruefen(pfad)
    assert code == 2 and not ausgabe
    assert "Kein lesbares PDF" in fehler
    code, _, fehler = _pruefen(tmp_path / "fehlt.pdf")
    assert code == 2 and "fehlt.pdf" in fehler
