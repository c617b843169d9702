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


# --- a 171-character URL in a two-column table, through the CLI -----------------------------

URL_171 = ("https://www.hagen.de/bildungsnetzwerk/anmeldung?formular=teilkonferenzinklusion2027"
           "&kennung=" + "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e96b86b273ff34fce")
ZWEISPALTIG = ('+++\nbetreff = "Anmeldung"\nabsender = "stadt-hagen-lenkungskreis"\ndatum = 2011-08-25\n'
               "+++\nBitte melden Sie sich an:\n\n| Was | Adresse |\n|---|---|\n"
               "| Anmeldung | {{ empfaenger.url }} |\n| Frist | 12.03.2027 |\n")


def _zweispaltig_im_textbereich(pdf):
    """Every glyph inside the text area and inside its cell; each cell's text complete."""
    _im_textbereich(pdf)
    alle = zeichen(pdf)
    text = "".join(z["text"] for z in alle)
    kopf = alle[text.index("WasAdresse")]
    zweite = alle[text.index("WasAdresse") + 3]["x0"]  # left edge of column 2
    ende = alle[text.index("Mit freundlichen")]["top"]
    rumpf = [z for z in alle if kopf["bottom"] < z["top"] < ende]
    links = [z for z in rumpf if z["x0"] < zweite - 0.1]
    rechts = [z for z in rumpf if z["x0"] >= zweite - 0.1]
    assert all(z["x1"] <= zweite + 0.1 for z in links), "Spalte 1 läuft in Spalte 2"
    assert "".join(z["text"] for z in links) == "AnmeldungFrist"  # the label column is not squeezed
    assert "".join(z["text"] for z in rechts) == URL_171 + "12.03.2027"
    assert len({round(z["top"]) for z in rechts if z["text"] in URL_171}) >= 2  # it wraps


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) nicht gefunden: die DOCX-Darstellung bleibt ungeprüft")
def test_url_in_zweispaltiger_tabelle_bricht_um(tmp_path):
    from briefe.cli.haupt import main
    from tests.conftest import WURZEL

    assert len(URL_171) == 171
    (tmp_path / "absender").symlink_to(WURZEL / "vorlagen" / "absender")
    (tmp_path / "v.md").write_text(ZWEISPALTIG, encoding="utf-8")
    (tmp_path / "liste.csv").write_text(
        "Anrede;Vorname;Name;Straße;PLZ;Ort;URL\n"
        f"Frau;Eva;Meyer;Weg 1;58089;Hagen;{URL_171}\nHerr;Max;Muster;Weg 2;58089;Hagen;{URL_171}\n",
        encoding="utf-8")
    aus = tmp_path / "aus"
    assert main(["erstellen", str(tmp_path / "v.md"), str(tmp_path / "liste.csv"), "--ausgabe", str(aus),
                 "--format", "pdf,docx", "--jobs", "1"]) == 0
    for pdf in sorted(aus.glob("*.pdf")):
        _zweispaltig_im_textbereich(pdf)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    docx = next(aus.glob("*.docx"))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=300)
    _zweispaltig_im_textbereich(tmp_path / docx.with_suffix(".pdf").name)
