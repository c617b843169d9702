"""The fast paths make the same letters as a full render: same pages, same text,
every glyph at the same place, the same fonts embedded; and they fall back
where they cannot show that."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections import Counter

import docx
import pdfplumber
import pikepdf
import pytest

from briefe.geometrie import FORM_A
from briefe.lauf.prozesse import vorwaermen
from briefe.modell import Absatz, Textteil
from briefe.satz.docx import schnell as schnell_docx
from briefe.satz.pdf import schnell
from briefe.satz.pdf.sammel import verbinde_pdfs as verbinde_pdfs_begrenzt
from briefe.satz.pdf.weasy import pdf_bytes
from briefe.satz.renderer import renderer
from tests.beispiel import beispielbrief
from tests.conftest import MEYER, REFERENZ, empfaenger

MM = 25.4 / 72
TOLERANZ_MM = 0.05

EMPFAENGER = {
    "meyer": MEYER,
    "langer_name": dict(
        anrede="Herr", titel="Prof. Dr.", vorname="Maximilian-Alexander",
        nachname="von Hohenstein-Wittgenstein", funktion="Institutsleiter",
        organisation="Hochschule für Bildung und Soziales", zusatz="Institut für Bildungsforschung",
        strasse="Am Campus 3", plz="58097", ort="Hagen"),
    "umlaute": dict(
        anrede="Frau", vorname="Ülkü", nachname="Öztürk-Schäfer",
        organisation="Förderverein Grundschule Am Mühlenteich e. V.", strasse="Mühlenweg 4",
        plz="58091", ort="Hagen"),
    # glyphs the skeleton does not have: the font is subset again for this letter
    "neue_glyphen": dict(
        anrede="Herr", vorname="Łukasz", nachname="Yılmaz-Dvořák", strasse="Straße des 17. Juni 1",
        plz="01067", ort="Dresden"),
    "einrichtung": dict(
        organisation="Jobcenter Hagen", zusatz="U25-Team", postfach="4240", plz="58042", ort="Hagen"),
    # wider than the address field: clipped by the field, as in the full render
    "ueberlang": dict(
        anrede="Frau", vorname="Sabine", nachname="Kuhn", funktion="Geschäftsführerin",
        organisation="Arbeitsgemeinschaft der Träger der freien Wohlfahrtspflege in der Stadt Hagen e. V.",
        zusatz="Abteilung für besonders lange Bezeichnungen", strasse="Hochstraße 70", plz="58095",
        ort="Hagen"),
    "ausland": dict(
        anrede="Frau", titel="Dr.", vorname="Anouk", nachname="de Vries",
        organisation="Stichting Onderwijs Grensregio", strasse="Keizersgracht 100", plz="1012 AB",
        ort="Amsterdam", land="Niederlande"),
}


def _seiten(daten: bytes) -> list[tuple[str, list[dict]]]:
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return [(seite.extract_text(), list(seite.chars)) for seite in pdf.pages]


def _grafik(daten: bytes) -> list[list[tuple]]:
    """Per page, the rules, rectangles and curves in paint order: kind, colours, line width, and
    place in mm."""
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return [[((o["object_type"], str(o.get("stroking_color")), str(o.get("non_stroking_color")),
                   o.get("fill"), o.get("stroke"), round(o.get("linewidth") or 0, 3)),
                  tuple(o[lage] * MM for lage in ("x0", "x1", "top", "bottom")))
                 for o in seite.objects.get("rect", []) + seite.objects.get("line", [])
                 + seite.objects.get("curve", [])] for seite in pdf.pages]


def _gleiche_grafik(voll: bytes, schnell_pdf: bytes) -> None:
    for a, b in zip(_grafik(voll), _grafik(schnell_pdf), strict=True):
        assert [art for art, _ in a] == [art for art, _ in b], "Linien und Flächen"
        for (_, lage_a), (_, lage_b) in zip(a, b, strict=True):
            assert all(abs(x - y) <= TOLERANZ_MM for x, y in zip(lage_a, lage_b, strict=True)), (
                "Lage einer Linie oder Fläche", lage_a, lage_b)


def _schriften(daten: bytes) -> dict[str, set[int]]:
    """Each embedded font's glyph ids (from /W), by font name; asserts every font is embedded."""
    ergebnis: dict[str, set[int]] = {}
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        for seite in pdf.pages:
            for schrift in seite.Resources.Font.values():
                name = str(schrift.BaseFont)
                nachfahre = schrift.DescendantFonts[0]
                beschreibung = nachfahre.FontDescriptor
                assert "/FontFile2" in beschreibung or "/FontFile3" in beschreibung, name
                glyphen: set[int] = set()
                breiten = list(nachfahre.W)
                i = 0
                while i < len(breiten):
                    erste = int(breiten[i])
                    glyphen |= set(range(erste, erste + len(breiten[i + 1])))
                    i += 2
                ergebnis[name] = glyphen
    return ergebnis


def gleiche_briefe(voll: bytes, schnell_pdf: bytes) -> None:
    """Same pages, text, glyphs (in paint order, within 0.05 mm), rules and areas, and embedded
    fonts."""
    a, b = _seiten(voll), _seiten(schnell_pdf)
    assert len(a) == len(b), "Seitenzahl"
    for nummer, ((text_a, zeichen_a), (text_b, zeichen_b)) in enumerate(zip(a, b, strict=True)):
        assert text_a == text_b, f"Text Seite {nummer + 1}"
        assert len(zeichen_a) == len(zeichen_b)
        for x, y in zip(zeichen_a, zeichen_b, strict=True):
            assert (x["text"], x["fontname"], x["size"]) == (y["text"], y["fontname"], y["size"])
            for lage in ("x0", "x1", "top", "bottom"):
                assert abs(x[lage] - y[lage]) * MM <= TOLERANZ_MM, (nummer, x["text"], lage)
    _gleiche_grafik(voll, schnell_pdf)
    assert _schriften(voll) == _schriften(schnell_pdf)
    assert _aufbau(voll) == _aufbau(schnell_pdf)


def _aufbau(daten: bytes) -> tuple:
    """Document-level structure: catalog, info, outline titles, page boxes and keys, images."""
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        with pdf.open_outline() as gliederung:
            titel = [eintrag.title for eintrag in gliederung.root]
        return (
            sorted(pdf.Root.keys()), sorted(pdf.trailer.keys()),
            {k: str(v) for k, v in pdf.docinfo.items()}, titel,
            [(sorted(k for k in s.obj if k != "/Contents"), [float(x) for x in s.mediabox],
              sorted(s.Resources.keys()), sorted(s.Resources.get("/XObject", {}).keys()))
             for s in pdf.pages],
        )


@pytest.fixture(scope="module")
def briefe_referenz(referenz):
    return {name: referenz.erzeuge(empfaenger(**felder)) for name, felder in EMPFAENGER.items()}


@pytest.mark.parametrize("name", sorted(EMPFAENGER))
def test_referenzbrief_wie_voller_satz(briefe_referenz, name):
    brief = briefe_referenz[name]
    assert schnell.schnell_moeglich(brief) is None
    gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))


def test_form_a(briefe_referenz):
    for name in ("meyer", "ueberlang"):
        brief = dataclasses.replace(briefe_referenz[name], form=FORM_A)
        assert schnell.schnell_moeglich(brief) is None
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))


def test_mehrseitig(briefe_referenz):
    for name in ("meyer", "neue_glyphen"):
        brief = briefe_referenz[name]
        brief = dataclasses.replace(brief, inhalt=brief.inhalt * 3)
        voll = pdf_bytes(brief)
        assert len(_seiten(voll)) >= 4
        assert schnell.schnell_moeglich(brief) is None
        gleiche_briefe(voll, schnell.pdf_bytes_schnell(brief))


def test_eine_gruppe_fuer_alle_anschriftlaengen(briefe_referenz):
    """Letters of three to six address lines share one layout group, built when a second
    letter needs it; each shorter address is proven once by a layout of its own."""
    schnell.leere_zwischenspeicher()
    vorher = Counter(schnell.STATISTIK)
    for brief in briefe_referenz.values():
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    zeilen = Counter(len(b.anschrift) for b in briefe_referenz.values())
    assert {3, 4, 5, 6} <= set(zeilen)
    assert len(schnell._GRUPPEN) == 1
    gruppe = next(iter(schnell._GRUPPEN.gruppen.values()))
    assert gruppe.anschrift_zeilen == 6
    assert set(gruppe._passt) == set(zeilen) and all(gruppe._passt.values())
    neu = Counter(schnell.STATISTIK) - vorher
    assert neu["schnell"] == len(briefe_referenz) - 1 and neu["voll: erster Brief seiner Gruppe"] == 1


def test_kuerzere_anschrift_ohne_beweis_faellt_zurueck(briefe_referenz, monkeypatch):
    """A line count the skeleton does not prove gets a group of its own."""
    schnell.leere_zwischenspeicher()
    briefe = sorted(briefe_referenz.values(), key=lambda b: -len(b.anschrift))
    for brief in briefe[:2]:
        schnell.pdf_bytes_schnell(brief)
    gruppe = next(iter(schnell._GRUPPEN.gruppen.values()))
    assert gruppe._entbehrlich
    gruppe._entbehrlich = False
    kurz = briefe[-1]
    assert len(kurz.anschrift) == 3
    assert schnell.schnell_moeglich(kurz) is None
    assert gruppe._passt[3] is False and len(schnell._GRUPPEN) == 2
    gleiche_briefe(pdf_bytes(kurz), schnell.pdf_bytes_schnell(kurz))


@pytest.mark.parametrize(("stil", "entbehrlich"), [
    ("height: 40mm", True),
    ("height: auto", False),  # the block shrinks with fewer lines: what follows moves up
    ("height: 40mm; display: flex; flex-direction: column; justify-content: flex-end", False),
])
def test_letzte_anschriftzeilen_entbehrlich(stil, entbehrlich):
    """Fewer address lines leave everything else in place only if the lines are the last
    blocks of a block of fixed height in normal flow (checked on WeasyPrint's layout)."""
    from weasyprint import HTML

    from briefe.satz.pdf.schnell_platz import zeilen_entbehrlich

    dok = HTML(string=f"<address style='{stil}'><p>Eins</p><p>Zwei</p><p>Drei</p></address>"
                      "<p>Danach</p>").render()
    zeilen = {}
    stapel = [dok.pages[0]._page_box]
    while stapel:
        box = stapel.pop()
        for kind in getattr(box, "children", []):
            if getattr(kind, "element_tag", None) == "p" and kind.style["display"] == ("block", "flow"):
                text = "".join(b.text for b in kind.descendants() if hasattr(b, "text"))
                if text in ("Eins", "Zwei", "Drei"):
                    zeilen[id(kind)] = ("Eins", "Zwei", "Drei").index(text)
            stapel.append(kind)
    assert len(zeilen) == 3
    assert zeilen_entbehrlich(dok, zeilen) is entbehrlich


def test_wert_im_absatz_ueber_mehrere_zeilen(referenz, tmp_path):
    """A member value inside a paragraph of several lines: the paragraph is set again per
    letter, fast, and each letter equals its full render."""
    vorlage = tmp_path / "persoenlich.md"
    vorlage.write_text(REFERENZ.read_text(encoding="utf-8").replace(
        "wie viele von Ihnen wissen", "wie {{ empfaenger.vorname }} weiß"), encoding="utf-8")
    from briefe.vorlage.vorlage import lade_vorlage

    persoenlich = lade_vorlage(vorlage, REFERENZ.parent)
    schnell.leere_zwischenspeicher()
    for nummer, felder in enumerate((MEYER, EMPFAENGER["umlaute"], {**MEYER, "vorname": "Petra"})):
        brief = persoenlich.erzeuge(empfaenger(**felder))
        vorher = schnell.STATISTIK["schnell"]
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
        assert schnell.STATISTIK["schnell"] == vorher + (nummer > 0)  # the first: full render


def test_anrede_ueber_zwei_zeilen_faellt_zurueck(briefe_referenz):
    schnell.leere_zwischenspeicher()  # value slots learned from earlier tests' letters would decide first
    brief = dataclasses.replace(
        briefe_referenz["meyer"],
        anrede="Sehr geehrte Frau Dr. Meyer, liebe Kolleginnen und Kollegen der Bildungskonferenz "
               "und des Lenkungskreises der Bildungsregion Hagen,")
    assert "zu lang" in schnell.schnell_moeglich(brief)
    gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))


def test_zeichen_ohne_glyphe_faellt_zurueck(briefe_referenz):
    brief = dataclasses.replace(briefe_referenz["meyer"], anrede="Sehr geehrter Herr 小明,")
    assert schnell.schnell_moeglich(brief) is not None
    gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))


@pytest.mark.parametrize("text", ["Frau  Doppel", " Vorne", "Tab\tText", "Zeile\nZwei", "שלום"])
def test_ungewoehnlicher_text_faellt_zurueck(briefe_referenz, text):
    brief = briefe_referenz["meyer"]
    brief = dataclasses.replace(brief, anschrift=(text, *brief.anschrift[1:]))
    assert schnell.schnell_moeglich(brief) is not None


def test_andere_varianten_voll(briefe_referenz):
    vorher = schnell.STATISTIK["voll: Variante"]
    schnell.pdf_bytes_schnell(briefe_referenz["meyer"], "archiv")
    assert schnell.STATISTIK["voll: Variante"] == vorher + 1


# --- combined PDF -------------------------------------------------------------------------


def verbinde_pdfs(dateien, ziel, duplex=False) -> int:
    """The combined PDF as qpdf makes it (all sources open), to compare with."""
    ergebnis = pikepdf.new()
    quellen = []
    for datei in dateien:
        quelle = pikepdf.open(datei)
        quellen.append(quelle)
        ergebnis.pages.extend(quelle.pages)
        if duplex and len(quelle.pages) % 2:
            breite, hoehe = quelle.pages[-1].mediabox[2], quelle.pages[-1].mediabox[3]
            ergebnis.add_blank_page(page_size=(breite, hoehe))
    ergebnis.docinfo["/Title"] = "Serienbrief"
    ergebnis.save(ziel)
    for quelle in quellen:
        quelle.close()
    return len(ergebnis.pages)


def test_sammel_pdf_begrenzt_wie_pikepdf(briefe_referenz, tmp_path):
    kurz = dataclasses.replace(briefe_referenz["umlaute"], inhalt=(Absatz((Textteil("Kurz."),)),))
    dateien = []
    for nummer, brief in enumerate([briefe_referenz["meyer"], kurz, briefe_referenz["neue_glyphen"]]):
        pfad = tmp_path / f"{nummer}.pdf"
        pfad.write_bytes(schnell.pdf_bytes_schnell(brief))
        dateien.append(pfad)
    for duplex in (False, True):
        alt, neu = tmp_path / f"alt{duplex}.pdf", tmp_path / f"neu{duplex}.pdf"
        seiten = verbinde_pdfs(dateien, alt, duplex=duplex)
        assert verbinde_pdfs_begrenzt(dateien, neu, duplex=duplex) == seiten
        assert seiten == (6 if duplex else 5)
        a, b = _seiten(alt.read_bytes()), _seiten(neu.read_bytes())
        assert [t for t, _ in a] == [t for t, _ in b]
        for (_, zeichen_a), (_, zeichen_b) in zip(a, b, strict=True):
            assert [(z["text"], z["x0"], z["top"]) for z in zeichen_a] == [
                (z["text"], z["x0"], z["top"]) for z in zeichen_b]
        with pikepdf.open(neu) as pdf:
            assert str(pdf.docinfo["/Title"]) == "Serienbrief"
            assert not pdf.check_pdf_syntax()
    # shared objects are written once
    assert neu.stat().st_size < 0.7 * alt.stat().st_size


# --- DOCX -----------------------------------------------------------------------------------


def _docx_teile(daten: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(daten)) as archiv:
        assert archiv.testzip() is None
        return {name: archiv.read(name) for name in archiv.namelist()}


@pytest.mark.parametrize("anschrift, anrede", [
    (("Frau", "Dr. Maria Meyer", "Gesamtschule Eilpe", "Wehringhauser Str. 38", "58089 Hagen"),
     "Sehr geehrte Frau Dr. Meyer,"),
    (("Herrn Łukasz Yılmaz & Söhne <GmbH>", "Straße \"des\" 17. Juni 1", "01067 Dresden"),
     "Sehr geehrter Herr Yılmaz,"),
])
def test_docx_wie_voller_satz(anschrift, anrede):
    from briefe.satz.docx.dokument import schreibe_docx

    brief = dataclasses.replace(beispielbrief(), anschrift=anschrift, anrede=anrede)
    voll = io.BytesIO()
    schreibe_docx(brief, voll)
    schnell_docx.docx_bytes_schnell(brief)  # the first letter of a group is rendered in full
    vorher = schnell_docx.STATISTIK["schnell"]
    assert _docx_teile(schnell_docx.docx_bytes_schnell(brief)) == _docx_teile(voll.getvalue())
    assert schnell_docx.STATISTIK["schnell"] == vorher + 1


def test_docx_zeilenumbruch_faellt_zurueck():
    brief = dataclasses.replace(beispielbrief(), anrede="Sehr geehrte\nFrau Meyer,")
    vorher = schnell_docx.STATISTIK["voll"]
    schnell_docx.docx_bytes_schnell(brief)
    assert schnell_docx.STATISTIK["voll"] == vorher + 1


def _sammel_docx_im_speicher(briefe, ziel) -> None:
    """Reference: the combined DOCX built as one python-docx document in memory."""
    from briefe.satz.docx import dokument as word

    briefe = iter(briefe)
    erster = next(briefe)
    vorlage = word.hole_vorlage(erster.absender, erster.form, sammel=True)
    dok = docx.Document(io.BytesIO(vorlage.daten))
    schreiber = word._Schreiber(dok, vorlage)
    schreiber.brief(erster)
    vorher = (erster.absender, erster.form)
    for brief in briefe:
        jetzt = (brief.absender, brief.form)
        schreiber.neuer_abschnitt(brief if jetzt != vorher else None)
        schreiber.brief(brief)
        vorher = jetzt
    word._eigenschaften(dok, erster.betreff, erster.absender.behoerde, erster.absender.dienststelle,
                        erster.datum, erster.sprache)
    dok.save(str(ziel))


def test_sammel_docx_begrenzt_wie_im_speicher(briefe_referenz, tmp_path):
    from briefe.satz.docx.dokument import schreibe_sammel_docx

    briefe = [briefe_referenz[n] for n in ("meyer", "neue_glyphen", "einrichtung")]
    briefe.append(dataclasses.replace(briefe_referenz["umlaute"], form=FORM_A))  # a new page frame
    alt, neu = tmp_path / "alt.docx", tmp_path / "neu.docx"
    _sammel_docx_im_speicher(iter(briefe), alt)
    schreibe_sammel_docx(iter(briefe), neu)
    assert _docx_teile(neu.read_bytes()) == _docx_teile(alt.read_bytes())


def test_vorwaermen_baut_gruppen_vor(referenz):
    """What a run does before it forks its worker processes."""
    schnell.leere_zwischenspeicher()
    liste = [empfaenger(**MEYER), empfaenger(**{**MEYER, "nachname": "Schulz"}), empfaenger()]
    assert vorwaermen(referenz, liste, [renderer("pdf")]) == 1  # a row with problems is skipped
    brief = referenz.erzeuge(empfaenger(**{**MEYER, "nachname": "Krüger"}))
    vorher = schnell.STATISTIK["schnell"]
    schnell.pdf_bytes_schnell(brief)
    assert schnell.STATISTIK["schnell"] == vorher + 1
