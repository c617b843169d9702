"""Text that does not fit: long unbreakable values break inside the text area, in the PDF
(WeasyPrint) and in the DOCX as LibreOffice lays it out."""

import dataclasses
import shutil
import subprocess

import pytest

from briefe import geometrie as g
from briefe.modell import Absatz, Tabelle, Textteil
from tests.beispiel import beispielbrief
from tests.pdfhilfe import seiten_text, zeichen

URL = "https://www.hagen.de/" + "bildungsnetzwerk/" * 12 + "anmeldung?kennung=" + "x" * 40
IBAN = "DE02450500010000000000"
ZELLE = "Kontoverbindung:" + IBAN + "/" + IBAN


def langer_brief():
    brief = beispielbrief(1)
    tabelle = Tabelle(kopf=tuple((Textteil(f"Spalte{i}"),) for i in range(4)),
                      zeilen=((tuple((Textteil(ZELLE),) for _ in range(4))),))
    return dataclasses.replace(brief, inhalt=(Absatz((Textteil(f"Anmeldung unter {URL} bitte."),)),
                                              tabelle, *brief.inhalt))


def _im_textbereich(pdf):
    rechts = g.RAND_LINKS + g.TEXT_BREITE + 0.5
    seite = [z for z in zeichen(pdf) if z["top"] > 95]  # the letter body, below the address field
    assert seite
    draussen = [z["text"] for z in seite if z["x1"] > rechts or z["x0"] < g.RAND_LINKS - 0.5]
    assert not draussen, f"{len(draussen)} Zeichen außerhalb des Textbereichs: {''.join(draussen)[:60]}"


def _ohne_umbrueche(text: str) -> str:
    return "".join(text.split())


def _zellen(pdf) -> list[str]:
    """The text of each column of the wide table's first body row, line breaks removed."""
    alle = zeichen(pdf)
    kopf = "".join(z["text"] for z in alle)
    spalten = []
    for i in range(4):
        start = kopf.index(f"Spalte{i}")
        spalten.append(alle[start])
    oben = spalten[0]["bottom"]
    ende = [s["x0"] for s in spalten[1:]] + [g.RAND_LINKS + g.TEXT_BREITE + 1]
    texte = []
    for spalte, rechts in zip(spalten, ende, strict=True):
        texte.append(_ohne_umbrueche("".join(
            z["text"] for z in alle
            if spalte["x0"] - 0.1 <= z["x0"] < rechts - 0.1 and oben < z["top"] < oben + 25)))
    return texte


def test_pdf_bricht_lange_werte_um(tmp_path):
    from briefe.satz.pdf.weasy import schreibe_pdf

    pdf = tmp_path / "lang.pdf"
    schreibe_pdf(langer_brief(), pdf)
    _im_textbereich(pdf)
    assert URL in _ohne_umbrueche("".join(seiten_text(pdf)))  # every character kept, in order
    assert _zellen(pdf) == [ZELLE] * 4


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) nicht gefunden: die DOCX-Darstellung bleibt ungeprüft")
def test_docx_bricht_lange_werte_um(tmp_path):
    from briefe.satz.docx.dokument import schreibe_docx

    pfad = tmp_path / "lang.docx"
    schreibe_docx(langer_brief(), pfad)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(pfad)],
                   check=True, capture_output=True, timeout=300)
    pdf = pfad.with_suffix(".pdf")
    _im_textbereich(pdf)
    assert URL in _ohne_umbrueche("".join(seiten_text(pdf)))
    assert _zellen(pdf) == [ZELLE] * 4
