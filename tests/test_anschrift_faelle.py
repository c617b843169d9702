"""Address and salutation rules, case by case (``anschrift_faelle.py``), checked on the rules,
on the real PDF in Form A and B (lines and window: every glyph within x 25–100 mm and the
recipient zone) and on the real DOCX (address cell), a few also through LibreOffice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import docx
import pdfplumber
import pytest

from briefe.deutsch.anschrift import anrede, anschrift, pruefe
from briefe.fehler import ZeilenFehler
from briefe.geometrie import ANSCHRIFT_LINKS, ANSCHRIFT_RECHTS, FORM_A, FORM_B, Form
from briefe.modell import Absatz, Absender, Brief, Textteil
from briefe.quellen.mitglieder import Empfaenger
from briefe.satz.docx.dokument import schreibe_sammel_docx
from briefe.satz.pdf import weasy
from tests.anschrift_faelle import FAELLE, FEHLER, Fall

MM = 25.4 / 72
TOLERANZ = 0.3  # mm: glyph boxes of the PDF vs. the zone edges
ABSENDER = Absender(kennung="test", behoerde="Stadt Hagen",
                    ruecksendeangabe="Stadt Hagen · 58042 Hagen")


def empfaenger(fall: Fall) -> Empfaenger:
    return Empfaenger(2, fall.felder, "mitglieder.csv")


def brief(fall: Fall, form: Form) -> Brief:
    e = empfaenger(fall)
    return Brief(absender=ABSENDER, anschrift=anschrift(e, fall.folge).zeilen, betreff="Test",
                 anrede=anrede(e), inhalt=(Absatz((Textteil("Text."),)),),
                 datum=dt.date(2026, 1, 5), form=form)


# --- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("fall", FAELLE, ids=[f.name for f in FAELLE])
def test_anschrift_und_anrede(fall: Fall):
    e = empfaenger(fall)
    ergebnis = anschrift(e, fall.folge)
    assert ergebnis.zeilen == fall.zeilen
    assert anrede(e) == fall.anrede
    for teil in fall.hinweise:
        assert any(teil in h for h in ergebnis.hinweise), (teil, ergebnis.hinweise)
    assert pruefe(e, fall.folge) == []


@pytest.mark.parametrize(("name", "felder", "spalte", "teil"), FEHLER, ids=[f[0] for f in FEHLER])
def test_zeilenfehler(name, felder, spalte, teil):
    fehler = pruefe(Empfaenger(5, felder, "mitglieder.csv"))
    assert [(f.zeile, f.spalte) for f in fehler] == [(5, spalte)]
    assert teil in fehler[0].meldung


def test_zeilenfehler_nennt_kopf_der_liste_und_empfaenger():
    koepfe = {"organisation": "Einrichtung", "strasse": "Straße", "plz": "PLZ", "ort": "Ort"}
    e = Empfaenger(5, {"organisation": "Stadt Hagen", "strasse": "Markt 1", "plz": "5809",
                       "ort": "Hagen"}, "liste.csv", koepfe)
    assert [str(f) for f in pruefe(e)] == [
        "liste.csv, Zeile 5 (Stadt Hagen), Spalte „PLZ“: Postleitzahl „5809“ hat nicht fünf Ziffern."
    ]
    breit = dataclasses.replace(e, felder={**e.felder, "plz": "58095",
                                           "organisation": "Donaudampfschifffahrtselektrizitäten"
                                                           "hauptbetriebswerkbauunterbeamte"})
    with pytest.raises(ZeilenFehler) as fehler:
        anschrift(breit)
    assert fehler.value.spalte == "Einrichtung"


# --- PDF: lines and window, Form A and B -------------------------------------------------


@pytest.fixture(scope="module", params=[FORM_A, FORM_B], ids=["A", "B"])
def pdf_seiten(request, tmp_path_factory) -> tuple[Form, list[dict]]:
    """Every case as one letter, all in one PDF; per page the glyphs in the address field."""
    form = request.param
    dokumente = [weasy.dokument(brief(fall, form)) for fall in FAELLE]
    assert all(len(d.pages) == 1 for d in dokumente)
    pfad = tmp_path_factory.mktemp("pdf") / f"anschriften-{form.name}.pdf"
    pfad.write_bytes(dokumente[0].copy([d.pages[0] for d in dokumente]).write_pdf())
    seiten = []
    with pdfplumber.open(pfad) as pdf:
        for seite in pdf.pages:
            feld = seite.crop((15 / MM, (form.anschriftfeld_oben - 1) / MM, 110 / MM,
                               (form.empfaengerzone_unten + 3) / MM))
            zeichen = [z for z in feld.chars if z["size"] > 9]  # not the return address
            zeilen = [z["text"] for z in feld.extract_text_lines() if min(
                c["size"] for c in z["chars"]) > 9]
            seiten.append({"zeichen": zeichen, "zeilen": zeilen})
    return form, seiten


@pytest.mark.parametrize("nummer", range(len(FAELLE)), ids=[f.name for f in FAELLE])
def test_pdf_zeilen_und_fenster(pdf_seiten, nummer):
    form, seiten = pdf_seiten
    seite = seiten[nummer]
    assert tuple(seite["zeilen"]) == FAELLE[nummer].zeilen
    assert seite["zeichen"]
    for z in seite["zeichen"]:
        assert z["x0"] * MM >= ANSCHRIFT_LINKS - TOLERANZ, z["text"]
        assert z["x1"] * MM <= ANSCHRIFT_RECHTS + TOLERANZ, (z["text"], z["x1"] * MM)
        assert z["top"] * MM >= form.empfaengerzone_oben - TOLERANZ, z["text"]
        assert z["bottom"] * MM <= form.empfaengerzone_unten + TOLERANZ, (z["text"], z["bottom"] * MM)


# --- DOCX --------------------------------------------------------------------------------


def _anschriftzellen(pfad: Path) -> list[tuple[str, ...]]:
    """Per letter: the paragraphs of the recipient cell (2nd row, 1st cell of its first table)."""
    dok = docx.Document(str(pfad))
    return [tuple(p.text for p in tabelle.rows[1].cells[0].paragraphs)
            for tabelle in dok.tables if len(tabelle.rows) == 2 and len(tabelle.columns) == 3]


@pytest.fixture(scope="module")
def sammel_docx(tmp_path_factory) -> Path:
    pfad = tmp_path_factory.mktemp("docx") / "anschriften.docx"
    schreibe_sammel_docx((brief(fall, FORM_B) for fall in FAELLE), pfad)
    return pfad


def test_docx_zeilen(sammel_docx):
    zellen = _anschriftzellen(sammel_docx)
    assert len(zellen) == len(FAELLE)
    falsch = [(f.name, z) for f, z in zip(FAELLE, zellen, strict=True) if z != f.zeilen]
    assert falsch == []
    # One paragraph per line, never wrapped by Word or LibreOffice.
    assert sammel_docx.stat().st_size > 0
    xml = docx.Document(str(sammel_docx)).element.xml
    assert xml.count("<w:noWrap/>") == len(FAELLE)


AUSWAHL = ["arbeitsgemeinschaft", "funktion-entfernt-fuer-umbruch", "uk", "langer-name-herrn-eigene-zeile"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice fehlt")
def test_docx_in_libreoffice_wie_pdf(tmp_path):
    """The widest cases through LibreOffice: the same lines as the PDF, inside the window,
    in Liberation Sans (fonts-liberation2, README), one page per letter."""
    faelle = [f for f in FAELLE if f.name in AUSWAHL]
    quelle = tmp_path / "auswahl.docx"
    schreibe_sammel_docx((brief(f, FORM_B) for f in faelle), quelle)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(quelle)], check=True, capture_output=True, timeout=120,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    with pdfplumber.open(tmp_path / "auswahl.pdf") as pdf:
        assert len(pdf.pages) == len(faelle)
        for fall, seite in zip(faelle, pdf.pages, strict=True):
            feld = seite.crop((15 / MM, (FORM_B.empfaengerzone_oben - 1) / MM, 110 / MM,
                               (FORM_B.empfaengerzone_unten + 3) / MM))
            zeilen = tuple(z["text"] for z in feld.extract_text_lines()
                           if min(c["size"] for c in z["chars"]) > 9)
            assert zeilen == fall.zeilen
            for z in (z for z in feld.chars if z["size"] > 9):
                assert z["x0"] * MM >= ANSCHRIFT_LINKS - 0.5 and z["x1"] * MM <= ANSCHRIFT_RECHTS
            assert {z["fontname"].split("+")[-1] for z in feld.chars if z["size"] > 9} <= {
                "LiberationSans", "Arial", "ArialMT"}
