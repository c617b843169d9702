"""Very long street names of Germany, Austria and Switzerland, with house number and a Zusatz
line: every letter is made (the line set smaller, down to 8 pt, with a hint), every glyph of
the address lies in the window (x 25–100 mm, recipient zone) in Form A and B, and the DOCX,
opened in LibreOffice, shows the same lines in the same window."""

from __future__ import annotations

import shutil
import subprocess

import pdfplumber
import pytest

from briefe.geometrie import ANSCHRIFT_LINKS, ANSCHRIFT_RECHTS, FORM_A, FORM_B, SCHRIFTGRAD_ANSCHRIFT_MIN
from briefe.lauf.lauf import fuehre_aus
from briefe.lauf.optionen import Laufoptionen
from tests.conftest import VORLAGEN

MM = 25.4 / 72
TOLERANZ = 0.3
KOPF = "Anrede;Vorname;Name;Zusatz;Straße;Hausnummer;PLZ;Ort;Land"
ZUSATZ = "Abteilung Haushalts- und Wirtschaftsangelegenheiten"
STRASSEN = [  # (street, number, postcode, town, country)
    ("Bischöflich-Geistlicher-Rat-Josef-Zinnbauer-Straße", "12a", "84130", "Dingolfing", ""),
    ("Friedrich-Wilhelm-von-Steuben-Straße", "123a", "58089", "Hagen", ""),
    ("Kardinal-Graf-von-Galen-Straße", "117-119", "48143", "Münster", ""),
    ("Bundespräsident-Dr.-Adolf-Schärf-Straße", "14/2/7", "1210", "Wien", "Österreich"),
    ("Chemin de la Colline-de-Sauvabelin", "17bis", "1018", "Lausanne", "Schweiz"),
]
VORLAGE = """+++
betreff = "Test"
absender = "stadt-hagen-lenkungskreis"
form = "{form}"
+++
Text.
"""


def glyphen(seite, form) -> tuple[tuple[str, ...], list[dict]]:
    """The address lines and glyphs of a page (below the return address line)."""
    feld = seite.within_bbox((15 / MM, (form.empfaengerzone_oben - 0.5) / MM, 110 / MM,
                              (form.empfaengerzone_unten + 3) / MM))
    return tuple(z["text"] for z in feld.extract_text_lines()), list(feld.chars)


def im_fenster(zeichen: list[dict], form) -> None:
    assert zeichen
    for z in zeichen:
        assert z["x0"] * MM >= ANSCHRIFT_LINKS - TOLERANZ, z["text"]
        assert z["x1"] * MM <= ANSCHRIFT_RECHTS + TOLERANZ, (z["text"], z["x1"] * MM)
        assert z["bottom"] * MM <= form.empfaengerzone_unten + TOLERANZ, z["text"]
        assert z["size"] >= SCHRIFTGRAD_ANSCHRIFT_MIN - 0.05, (z["text"], z["size"])


@pytest.mark.parametrize("form", [FORM_A, FORM_B], ids=["A", "B"])
def test_laengste_strassen(form, tmp_path):
    ordner = tmp_path / "vorlagen"
    ordner.mkdir()
    vorlage = ordner / "test.md"
    vorlage.write_text(VORLAGE.format(form="A" if form is FORM_A else "B"), encoding="utf-8")
    liste = tmp_path / "liste.csv"
    liste.write_text("\n".join([KOPF] + [f"Frau;Eva;Meyer;{ZUSATZ};{s};{n};{p};{o};{land}"
                                          for s, n, p, o, land in STRASSEN]) + "\n", encoding="utf-8")
    protokoll = fuehre_aus(Laufoptionen(vorlage=vorlage, daten=liste, ausgabe=tmp_path / "aus",
                                        formate=("pdf", "docx"), sammel=True, jobs=1,
                                        vorlagen_ordner=VORLAGEN))
    assert protokoll.ok == len(STRASSEN) and protokoll.fehler == 0
    hinweise = " ".join(h for e in protokoll.briefe for h in e.hinweise)
    assert "pt gesetzt" in hinweise, hinweise
    pdf_zeilen = []
    for eintrag in protokoll.briefe:
        pdf_datei = next(d for d in eintrag.dateien if d.endswith(".pdf"))
        with pdfplumber.open(tmp_path / "aus" / pdf_datei) as pdf:
            zeilen, zeichen = glyphen(pdf.pages[0], form)
        im_fenster(zeichen, form)
        assert any(ZUSATZ in z for z in zeilen) or any("Abteilung" in z for z in zeilen), zeilen
        pdf_zeilen.append(zeilen)
    assert "Bischöflich-Geistlicher-Rat-Josef-Zinnbauer-Str. 12a" in pdf_zeilen[0]
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice fehlt: DOCX nicht geprüft")
    sammel = tmp_path / "aus" / "serienbrief.docx"
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(sammel)],
                   check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    with pdfplumber.open(tmp_path / "serienbrief.pdf") as pdf:
        erste = [seite for seite in pdf.pages if glyphen(seite, form)[1]]
        docx_zeilen = []
        for seite in erste[:len(STRASSEN)]:
            zeilen, zeichen = glyphen(seite, form)
            im_fenster(zeichen, form)
            docx_zeilen.append(zeilen)
    assert docx_zeilen == pdf_zeilen
