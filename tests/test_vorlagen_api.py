"""The template API against a real service: read, save with version check (409), history,
restore, role (403), preview of a draft as PDF and PNG (the recipient's name in the letter),
a broken draft (422 naming the line), the version in a run's protocol."""

from __future__ import annotations

import io
import json
import zipfile

import pdfplumber
import pytest
from PIL import Image

from tests.test_dienst_api import MITGLIEDER_CSV, TOKEN, warte_bis
from tests.vorlagendienst import REDAKTIONS_TOKEN, VorlagenDienst

TEXT = """+++
titel = "Einladung Teilkonferenz"
betreff = "Einladung zur Teilkonferenz Inklusion"
absender = "stadt-hagen-lenkungskreis"
+++
wir laden **{{ empfaenger.vorname }} {{ empfaenger.nachname }}** herzlich ein.
"""


@pytest.fixture(scope="module")
def dienst(tmp_path_factory):
    d = VorlagenDienst(tmp_path_factory.mktemp("vorlagen-api")).starte()
    yield d
    d.stoppe()


@pytest.fixture(scope="module")
def c(dienst):
    with dienst.client(REDAKTIONS_TOKEN) as client:
        yield client


def _vorschau(c, text, zeile=None, format_="pdf"):
    daten = {"quelltext": text, "format": format_}
    if zeile:
        daten["zeile"] = str(zeile)
    with open(MITGLIEDER_CSV, "rb") as f:
        return c.post("/api/vorschau", data=daten, files={"liste": ("mitglieder.csv", f, "text/csv")})


def test_ohne_rolle_403_auf_deutsch(dienst):
    with dienst.client(TOKEN) as ohne:
        for antwort in (ohne.get("/api/vorlagen/bildungsnetzwerk-2011"),
                        ohne.put("/api/vorlagen/x", data={"quelltext": TEXT}),
                        ohne.get("/api/vorlagen/bildungsnetzwerk-2011/versionen")):
            assert antwort.status_code == 403
            assert "Rolle „vorlagen“" in antwort.json()["detail"]
        assert ohne.get("/api/vorlagen").status_code == 200  # using templates needs no role


def test_anlegen_aendern_konflikt_versionen_wiederherstellen(c, dienst):
    text = TEXT
    neu = c.put("/api/vorlagen/teilkonferenz", data={"quelltext": text})
    assert neu.status_code == 200, neu.text
    v1 = neu.json()["version"]
    assert (dienst.vorlagen / "teilkonferenz.md").read_text(encoding="utf-8") == text
    gelesen = c.get("/api/vorlagen/teilkonferenz").json()
    assert gelesen == {"name": "teilkonferenz", "quelltext": text, "version": v1}
    # Creating again without a version is a conflict, not an overwrite.
    doppelt = c.put("/api/vorlagen/teilkonferenz", data={"quelltext": text + "x\n"})
    assert doppelt.status_code == 409 and "gibt es schon" in doppelt.json()["detail"]

    zwei = text.replace("herzlich", "sehr herzlich")
    v2 = c.put("/api/vorlagen/teilkonferenz", data={"quelltext": zwei, "version": v1}).json()["version"]
    # A second clerk still holds v1: 409, the file keeps the first clerk's save.
    alt = c.put("/api/vorlagen/teilkonferenz", data={"quelltext": text + "\nNoch ein Satz.\n", "version": v1})
    assert alt.status_code == 409
    assert "inzwischen" in alt.json()["detail"] and "nicht verloren" in alt.json()["detail"]
    assert (dienst.vorlagen / "teilkonferenz.md").read_text(encoding="utf-8") == zwei

    versionen = c.get("/api/vorlagen/teilkonferenz/versionen").json()
    assert [v["nummer"] for v in versionen] == [2, 1]
    assert versionen[0]["wer"] == "Token redaktionssystem" and versionen[0]["version"] == v2
    assert versionen[0]["was"] == "1 Zeile neu, 1 entfernt"
    assert "+wir laden" in c.get("/api/vorlagen/teilkonferenz/versionen/2").json()["diff"]

    zurueck = c.post("/api/vorlagen/teilkonferenz/wiederherstellen", data={"nummer": "1", "version": v2})
    assert zurueck.status_code == 200 and zurueck.json()["nummer"] == 3
    assert (dienst.vorlagen / "teilkonferenz.md").read_text(encoding="utf-8") == text
    assert zurueck.json()["version"] == v1  # the same text is the same version


def test_kaputte_vorlage_wird_nicht_gespeichert(c, dienst):
    kaputt = TEXT + "\n{% if empfaenger.ort %}\nnur in Hagen\n"
    antwort = c.put("/api/vorlagen/kaputt", data={"quelltext": kaputt})
    assert antwort.status_code == 422
    fehler = antwort.json()
    assert isinstance(fehler["zeile"], int) and fehler["feld"] is None, fehler
    assert not (dienst.vorlagen / "kaputt.md").exists()
    assert str(dienst.ordner) not in json.dumps(fehler)
    assert c.put("/api/vorlagen/Groß", data={"quelltext": TEXT}).status_code == 422


def test_vorschau_zeile_als_pdf_und_png(c):
    text = TEXT
    erste = _vorschau(c, text)
    assert erste.status_code == 200, erste.text
    assert erste.headers["content-type"] == "application/pdf" and erste.headers["x-seiten"] == "1"
    with pdfplumber.open(io.BytesIO(erste.content)) as pdf:
        seite = pdf.pages[0].extract_text()
    assert "Martin Becker" in seite and "Einladung zur Teilkonferenz Inklusion" in seite
    dritte = _vorschau(c, text, zeile=4)
    with pdfplumber.open(io.BytesIO(dritte.content)) as pdf:
        assert "Stefan Flader" in pdf.pages[0].extract_text()
    bild = _vorschau(c, text, zeile=4, format_="png")
    assert bild.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(bild.content)).size[0] > 700
    keine = _vorschau(c, text, zeile=999)
    assert keine.status_code == 422 and "Zeile 999" in keine.json()["detail"]


def test_vorschau_kaputt_422_mit_zeile(c, dienst):
    text = TEXT + "\nDer Beitrag ist {{ 12 | gibtsnicht }}.\n"
    antwort = _vorschau(c, text)
    assert antwort.status_code == 422
    fehler = antwort.json()
    assert fehler["zeile"] == len(text.splitlines()), fehler
    assert str(dienst.ordner) not in fehler["detail"] and "/tmp" not in fehler["detail"]


def test_lauf_protokoll_nennt_version(c):
    text = c.get("/api/vorlagen/teilkonferenz").json()
    with open(MITGLIEDER_CSV, "rb") as f:
        lauf = c.post("/api/serienbriefe", data={"vorlage": "teilkonferenz", "formate": "pdf",
                                                 "sammel": "false", "filter": "ort=Arnsberg"},
                      files={"datei": ("mitglieder.csv", f, "text/csv")}).json()
    fertig = warte_bis(lambda: (s := c.get(f"/api/laeufe/{lauf['id']}").json())["status"] == "fertig" and s,
                       was="Lauf fertig")
    assert fertig["ok"] >= 1
    with zipfile.ZipFile(io.BytesIO(c.get(f"/api/laeufe/{lauf['id']}/ergebnis").content)) as z:
        protokoll = json.loads(z.read("protokoll.json"))
    assert protokoll["vorlage_version"] == text["version"]


MIT_WERT = TEXT.replace('+++\nwir', '[startwerte.beitrag]\nbezeichnung = "Kostenbeitrag"\ntyp = "betrag"\n'
                        'pflicht = true\n+++\nwir') + "Der Beitrag beträgt {{ werte.beitrag | betrag }}.\n"


def test_feld_im_kopf_wird_genannt(c):
    kaputt = TEXT.replace('betreff = "Einladung zur Teilkonferenz Inklusion"',
                          'betreff = "{{ empfaenger. }}"')
    fehler = _vorschau(c, kaputt).json()
    assert fehler["zeile"] == 3, fehler  # the line of ``betreff`` in the file
    assert "Platzhalter" in fehler["detail"]  # the editor names the form field from the line


def test_werte_beim_start_ueber_die_api(c):
    assert c.put("/api/vorlagen/mit-beitrag", data={"quelltext": MIT_WERT}).status_code == 200
    # The preview fills a sample until the run asks; the run needs the value (German message).
    with pdfplumber.open(io.BytesIO(_vorschau(c, MIT_WERT).content)) as pdf:
        assert "0,00 €" in pdf.pages[0].extract_text()
    daten = {"vorlage": "mit-beitrag", "formate": "pdf", "sammel": "false", "filter": "ort=Arnsberg"}
    with open(MITGLIEDER_CSV, "rb") as f:
        ohne = c.post("/api/serienbriefe", data=daten, files={"datei": ("m.csv", f, "text/csv")})
    assert ohne.status_code == 422 and "Kostenbeitrag" in ohne.json()["detail"]
    with open(MITGLIEDER_CSV, "rb") as f:
        lauf = c.post("/api/serienbriefe", data={**daten, "wert": "beitrag=12,50"},
                      files={"datei": ("m.csv", f, "text/csv")}).json()
    fertig = warte_bis(lambda: (s := c.get(f"/api/laeufe/{lauf['id']}").json())["status"] == "fertig" and s,
                       was="Lauf fertig")
    assert fertig["ok"] == 1
    with zipfile.ZipFile(io.BytesIO(c.get(f"/api/laeufe/{lauf['id']}/ergebnis").content)) as z:
        protokoll = json.loads(z.read("protokoll.json"))
        (brief,) = [n for n in z.namelist() if n.endswith(".pdf") and n[0].isdigit()]
        with pdfplumber.open(io.BytesIO(z.read(brief))) as pdf:
            assert "12,50 €" in pdf.pages[0].extract_text()
    assert protokoll["werte"] == {"beitrag": "12.50"}


def test_word_import_ueber_die_api(c):
    from tests.test_vorlagen_browser import word_dokument

    antwort = c.post("/api/word-import", data={"name": "fachtagung", "absender": "stadt-hagen-lenkungskreis"},
                     files={"datei": ("brief.docx", word_dokument(), "application/octet-stream")})
    assert antwort.status_code == 200, antwort.text
    ergebnis = antwort.json()
    assert "{{ empfaenger.vorname }}" in ergebnis["quelltext"] and "**Fachtagung**" in ergebnis["quelltext"]
    assert isinstance(ergebnis["nicht_uebernommen"], list)
    falsch = c.post("/api/word-import", files={"datei": ("brief.doc", b"alt", "application/msword")})
    assert falsch.status_code == 422 and ".docx" in falsch.json()["detail"]
    # read in a worker process of the preview pool: an unreadable document is a German 422
    kaputt = c.post("/api/word-import",
                    files={"datei": ("brief.docx", b"kein zip", "application/octet-stream")})
    assert kaputt.status_code == 422 and "kein lesbares Word-Dokument" in kaputt.json()["detail"]
