"""The PDF renderer, checked on the files it writes (positions in mm)."""

import re

import pdfplumber
import pikepdf
import pytest

from briefe import geometrie as g
from briefe.satz.pdf.weasy import RESSOURCEN, Abholer, schreibe_pdf
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import MEYER, REFERENZ, SEED, VORLAGEN, empfaenger
from tests.pdfhilfe import MM, linien, seiten_text
from tests.test_vorlage import vorlage


def _anschrift_zeichen(pdf, form):
    """All glyphs left of the info block between the remark zone and the subject."""
    with pdfplumber.open(pdf) as datei:
        seite = datei.pages[0]
        # glyphs wholly below the remark zone's last line, left of the info block
        bereich = seite.within_bbox((0, (form.empfaengerzone_oben - 1) / MM, 120 / MM,
                                     (form.betreff_y - 1) / MM))
        return bereich.chars, bereich.extract_text()


@pytest.fixture(scope="module")
def form_a_pdf(tmp_path_factory):
    ordner = tmp_path_factory.mktemp("form_a")
    (ordner / "absender").symlink_to(VORLAGEN / "absender")
    text = REFERENZ.read_text(encoding="utf-8").replace('form = "B"', 'form = "A"')
    (ordner / "brief.md").write_text(text, encoding="utf-8")
    pfad = ordner / "brief.pdf"
    schreibe_pdf(lade_vorlage(ordner / "brief.md").erzeuge(empfaenger(**MEYER)), pfad)
    return pfad


@pytest.mark.parametrize("form_name", ["A", "B"])
def test_anschrift_im_fenster(form_name, referenz_pdf, form_a_pdf):
    form = g.FORMEN[form_name]
    pdf = form_a_pdf if form_name == "A" else referenz_pdf
    zeichen, text = _anschrift_zeichen(pdf, form)
    assert text.splitlines() == ["Frau Dr. Maria Meyer", "Gesamtschule Eilpe",
                                 "Wehringhauser Str. 38", "58089 Hagen"]
    for z in zeichen:
        assert z["x0"] * MM >= g.ANSCHRIFT_LINKS - 0.01 and z["x1"] * MM <= g.ANSCHRIFT_RECHTS
        assert form.empfaengerzone_oben <= z["top"] * MM
        assert z["bottom"] * MM <= form.empfaengerzone_unten


@pytest.mark.parametrize("form_name", ["A", "B"])
def test_ruecksendeangabe_in_vermerkzone(form_name, referenz_pdf, form_a_pdf):
    form = g.FORMEN[form_name]
    pdf = form_a_pdf if form_name == "A" else referenz_pdf
    with pdfplumber.open(pdf) as datei:
        zeichen = [z for z in datei.pages[0].chars if z["size"] < 9 and z["x0"] * MM < 110]
    ruecksende = [z for z in zeichen
                  if form.vermerkzone_oben <= z["top"] * MM <= form.vermerkzone_unten]
    assert "".join(z["text"] for z in ruecksende) == "Stadt Hagen · Der Oberbürgermeister · 58042 Hagen"

    for z in ruecksende:
        assert z["bottom"] * MM <= form.vermerkzone_unten
        assert round(z["size"]) == g.SCHRIFTGRAD_RUECKSENDE


@pytest.mark.parametrize("form_name", ["A", "B"])
def test_infoblock_rechts(form_name, referenz_pdf, form_a_pdf):
    form = g.FORMEN[form_name]
    pdf = form_a_pdf if form_name == "A" else referenz_pdf
    with pdfplumber.open(pdf) as datei:
        seite = datei.pages[0]
        info = seite.crop((118 / MM, 0, seite.width, (form.betreff_y - 1) / MM))
        text = info.extract_text()
        assert "Stadtamt" in text and "43, 25.08.2011" in text and "Vermittlung" in text
        chars = info.chars
        assert min(z["x0"] for z in chars) * MM >= g.INFOBLOCK_LINKS - 0.01
        assert max(z["x1"] for z in chars) * MM <= g.INFOBLOCK_LINKS + g.INFOBLOCK_BREITE
        assert min(z["top"] for z in chars) * MM >= form.infoblock_oben


@pytest.mark.parametrize("form_name", ["A", "B"])
def test_falz_und_lochmarken(form_name, referenz_pdf, form_a_pdf):
    form = g.FORMEN[form_name]
    pdf = form_a_pdf if form_name == "A" else referenz_pdf
    marken = [m for m in linien(pdf) if m["x0"] < 15]
    hoehen = sorted(round((m["top"] + m["bottom"]) / 2, 0) for m in marken)
    erwartet = sorted([*form.falzmarken, g.LOCHMARKE_Y])
    assert len(hoehen) == 3
    for ist, soll in zip(hoehen, erwartet, strict=True):
        assert abs(ist - soll) <= 0.5
    # no marks on the follow-on page
    assert not [m for m in linien(pdf, 1) if m["x0"] < 15]


def test_betreff_fett_an_din_position(referenz_pdf):
    with pdfplumber.open(referenz_pdf) as datei:
        seite = datei.pages[0]
        zeichen = [z for z in seite.chars if z["text"] == "B" and abs(z["x0"] * MM - 25) < 0.1]
        betreff = min(zeichen, key=lambda z: abs(z["top"] * MM - g.FORM_B.betreff_y))
        assert "Bold" in betreff["fontname"]
        assert abs(betreff["top"] * MM - g.FORM_B.betreff_y) < 2.5


def _normal(text: str) -> str:
    text = re.sub("\u2010\n", "", text)  # hyphenation
    text = re.sub("-\n", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def test_referenzbrief_vollstaendig(referenz_pdf):
    seiten = seiten_text(referenz_pdf)
    assert len(seiten) == 2
    pdf_text = _normal("\n".join(seiten))
    seed = SEED.read_text(encoding="utf-8")
    rumpf = seed[seed.index("wie viele von Ihnen"):seed.index("Mit freundlichen Grüßen")]
    rumpf = rumpf.replace("22.6.2011", "22.06.2011")
    absaetze = [a.strip().removeprefix("- ").replace("**", "")
                for a in rumpf.splitlines() if a.strip()]
    assert len(absaetze) == 23
    for absatz in absaetze:
        assert _normal(absatz) in pdf_text, absatz
    for teil in ("Sehr geehrte Frau Dr. Meyer,", "Bildungsnetzwerk Hagen", "Mit freundlichen Grüßen",
                 "Jochen Becker", "Vorsitzender des Lenkungskreises", "Mein Zeichen, Datum",
                 "43, 25.08.2011", "Auskunft erteilt Herr Becker, Zi.-Nr. 2.08",
                 "Telefon 02331 207-2951", "Telefax 02331 207-2443", "Vermittlung 02331 207-5000"):
        assert teil in pdf_text, teil
    assert "Seite 2 von 2" in seiten[1]
    assert "Seite" not in seiten[0]
    # the closing and the signature stay together
    assert "Mit freundlichen Grüßen" in seiten[1] and "Jochen Becker" in seiten[1]


def test_schriften_eingebettet_und_metadaten(referenz_pdf):
    with pikepdf.open(referenz_pdf) as pdf:
        schriften = []
        for seite in pdf.pages:
            for font in seite.Resources.Font.values():
                beschreibung = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font \
                    else font.FontDescriptor
                schriften.append(beschreibung)
        assert schriften
        for beschreibung in schriften:
            assert any(k in beschreibung for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert str(pdf.docinfo["/Title"]) == "Bildungsnetzwerk Hagen"
        assert str(pdf.Root.Lang) == "de-DE"
        assert "Stadt Hagen" in str(pdf.docinfo["/Author"])


def test_deutsche_silbentrennung(referenz_pdf):
    text = "\n".join(seiten_text(referenz_pdf))
    assert "\u2010\n" in text  # at least one word hyphenated at a line end


def test_html_in_daten_wird_nicht_geladen(tmp_path):
    boese = '<img src="file:///etc/hostname"> {{ 7*7 }} *Stern* Müller & Söhne <Bildung>'
    v = vorlage(tmp_path, "Einrichtung: {{ empfaenger.organisation }}\n")
    pfad = tmp_path / "boese.pdf"
    felder = {**MEYER, "organisation": boese, "zusatz": '<link rel="attachment" href="/etc/passwd">'}
    schreibe_pdf(v.erzeuge(empfaenger(**felder)), pfad)
    text = _normal("\n".join(seiten_text(pfad)))
    assert f"Einrichtung: {boese}" in text
    with pdfplumber.open(pfad) as datei:
        assert all(not s.images for s in datei.pages)
    with pikepdf.open(pfad) as pdf:
        assert len(pdf.attachments) == 0
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})


def test_abholer_verweigert_fremde_dateien():
    abholer = Abholer([RESSOURCEN])
    for url in ("file:///etc/hostname", "http://example.org/x.png", "data:text/plain,hallo",
                (RESSOURCEN / ".." / ".." / "pyproject.toml").as_uri()):
        with pytest.raises(ValueError, match="Zugriff verweigert"):
            abholer.fetch(url)
    antwort = abholer.fetch((RESSOURCEN / "schriften" / "OFL.txt").as_uri())
    assert b"Open Font License" in antwort.read()
    antwort.close()


def test_mehrseitig_seitenzahlen(tmp_path):
    from tests.beispiel import beispielbrief

    pfad = tmp_path / "lang.pdf"
    schreibe_pdf(beispielbrief(absaetze=40), pfad)
    seiten = seiten_text(pfad)
    assert len(seiten) >= 3
    for nummer, text in enumerate(seiten[1:], start=2):
        assert f"Seite {nummer} von {len(seiten)}" in text


def test_pdf_a(tmp_path, referenz):
    pfad = tmp_path / "archiv.pdf"
    schreibe_pdf(referenz.erzeuge(empfaenger(**MEYER)), pfad, "archiv")
    with pikepdf.open(pfad) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "B"
        assert "/OutputIntents" in pdf.Root


def test_logo_ohne_vorlagenordner_im_arbeitsverzeichnis(tmp_path, monkeypatch, referenz):
    """The logo named by the profile loads wherever the run starts (e.g. from cron)."""
    monkeypatch.delenv("BRIEFE_VORLAGEN", raising=False)
    monkeypatch.chdir(tmp_path)
    pfad = tmp_path / "brief.pdf"
    schreibe_pdf(referenz.erzeuge(empfaenger(**MEYER)), pfad)
    with pdfplumber.open(pfad) as datei:
        assert len(datei.pages[0].images) == 1


def test_einzelne_anlage(tmp_path):
    from dataclasses import replace

    from tests.beispiel import beispielbrief

    pfad = tmp_path / "anlage.pdf"
    schreibe_pdf(replace(beispielbrief(absaetze=0), anlagen=("Programm",), verteiler=()), pfad)
    text = seiten_text(pfad)[-1]
    assert "Anlage\nProgramm" in text and "•" not in text.split("Anlage")[1]


def test_bild_ausserhalb_des_vorlagenordners(tmp_path):
    from briefe.fehler import VorlagenFehler
    from briefe.vorlage.absender import lies_absender

    (tmp_path / "vorlagen" / "absender").mkdir(parents=True)
    (tmp_path / "geheim.png").write_bytes((VORLAGEN / "absender" / "bildungsnetzwerk-logo.png").read_bytes())
    profil = tmp_path / "vorlagen" / "absender" / "x.toml"
    profil.write_text('behoerde = "X"\nlogo = "../../geheim.png"\n', encoding="utf-8")
    with pytest.raises(VorlagenFehler, match="außerhalb des Vorlagenordners"):
        lies_absender(profil)


def test_geaendertes_logo_im_selben_prozess(tmp_path):
    """Images are kept between renders of a process, by file state: a logo replaced between
    two letters (a long-running service) is the new one in the second."""
    from dataclasses import replace

    from PIL import Image

    from tests.beispiel import beispielbrief

    logo = tmp_path / "logo.png"
    brief = beispielbrief(absaetze=0)
    brief = replace(brief, absender=replace(brief.absender, logo=logo))
    groessen = []
    for nummer, groesse in enumerate([(40, 20), (30, 30)]):
        Image.new("RGB", groesse, (200, 30 * nummer, 0)).save(logo)
        schreibe_pdf(brief, tmp_path / f"{nummer}.pdf")
        with pdfplumber.open(tmp_path / f"{nummer}.pdf") as datei:
            groessen.append([bild["srcsize"] for bild in datei.pages[0].images])
    assert groessen == [[(40, 20)], [(30, 30)]]
