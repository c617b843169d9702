"""GiroCode on the fee notice: the EPC QR code decoded from the rendered PDF pages and from
the DOCX (through LibreOffice), field by field; IBAN and BIC stop the run, amount and
reference are row errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from briefe.cli.haupt import main
from tests.conftest import VORLAGEN, WURZEL

zxingcpp = pytest.importorskip("zxingcpp")

VORLAGE = VORLAGEN / "beitragsbescheid.md"
BEITRAEGE = WURZEL / "daten" / "beitraege.csv"
DPI = 300
MM = 72 / 25.4  # PDF points per millimetre
# (file, amount, reference) of daten/beitraege.csv, umlauts in payee and reference
ERWARTET = {
    "0001-mueller-luedenscheidt-juergen-oezlem": ("EUR120.00",
                                                  "Beitrag 2027 Mitglied 4711 Müller-Lüdenscheidt"),
    "0002-goldbach-thomas": ("EUR85.50", "Beitrag 2027 Mitglied 4712 Goldbach"),
    "0003-weiss-ayse": ("EUR1250.75", "Beitrag 2027 Mitglied 4713 Weiß"),
}


def epc_zeilen(betrag: str, zweck: str) -> list[str]:
    return ["BCD", "002", "1", "SCT", "COBADEFFXXX", "Stadt Hagen – Bildungsbüro",
            "DE89370400440532013000", betrag, "", "", zweck]


def codes(pdf: Path, ordner: Path) -> list[tuple[int, object]]:
    """(page, barcode) of every QR code on the PDF's pages, rendered at 300 dpi."""
    praefix = ordner / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(praefix)], check=True)
    gefunden = []
    for seite, bild in enumerate(sorted(ordner.glob(f"{pdf.stem}-*.png")), start=1):
        gefunden += [(seite, c) for c in zxingcpp.read_barcodes(Image.open(bild))]
    return gefunden


def seite_mm(code) -> float:
    """The symbol's side with its quiet zone of 4 modules, in mm."""
    p = code.position
    module = 17 + 4 * int(code.extra["Version"])
    symbol = (p.top_right.x - p.top_left.x) / DPI * 25.4
    return symbol * (module + 8) / module


@pytest.fixture(scope="module")
def lauf(tmp_path_factory):
    ausgabe = tmp_path_factory.mktemp("beitrag")
    code = main(["erstellen", str(VORLAGE), str(BEITRAEGE), "--ausgabe", str(ausgabe), "--jobs", "1"])
    assert code == 0
    return ausgabe


def test_pdf_girocode_je_empfaenger(lauf, tmp_path):
    for name, (betrag, zweck) in ERWARTET.items():
        pdf = lauf / f"{name}.pdf"
        gefunden = codes(pdf, tmp_path)
        assert len(gefunden) == 1, name
        seite, code = gefunden[0]
        with pdfplumber.open(pdf) as dok:
            assert seite == len(dok.pages)  # on the last page
            letzte = dok.pages[-1]
            text = letzte.crop((130 * MM, 0, letzte.width, letzte.height)).extract_text()
            gruss = next(w for w in letzte.extract_words() if w["text"] == "Mit")
        assert code.ec_level == "M"
        assert code.text.split("\n") == epc_zeilen(betrag, zweck)
        assert code.bytes.decode("utf-8") == code.text  # UTF-8 (character set 1)
        assert seite_mm(code) >= 20.0
        # beside the closing, on the right
        links_mm = code.position.top_left.x / DPI * 25.4
        oben_mm = code.position.top_left.y / DPI * 25.4
        assert links_mm > 105 and abs(oben_mm - gruss["top"] / MM) < 15
        # the same data as text
        assert "GiroCode: mit der Banking-App scannen" in text
        assert "IBAN: DE89 3704 0044 0532 0130 00" in text and "BIC: COBADEFFXXX" in text
        assert "Empfänger: Stadt Hagen – Bildungsbüro" in text
        assert "Verwendungszweck: " + zweck in text.replace("\n", " ")
        assert "Betrag: " + betrag.removeprefix("EUR").replace(".", ",") in text.replace(".", "")


def test_protokoll_nennt_baustein(lauf):
    protokoll = json.loads((lauf / "protokoll.json").read_text(encoding="utf-8"))
    import hashlib

    datei = VORLAGEN / "bausteine" / "datenschutz.md"
    assert protokoll["bausteine"] == {"datenschutz": hashlib.sha256(datei.read_bytes()).hexdigest()}
    assert protokoll["ok"] == 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice fehlt")
def test_docx_girocode_je_empfaenger(lauf, tmp_path):
    dateien = [str(lauf / f"{name}.docx") for name in ERWARTET]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *dateien],
                   check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    for name, (betrag, zweck) in ERWARTET.items():
        gefunden = codes(tmp_path / f"{name}.pdf", tmp_path)
        assert len(gefunden) == 1, name
        _, code = gefunden[0]
        assert code.text.split("\n") == epc_zeilen(betrag, zweck)
        assert seite_mm(code) >= 20.0
        with pdfplumber.open(tmp_path / f"{name}.pdf") as dok:
            letzte = dok.pages[-1]
            text = letzte.crop((130 * MM, 0, letzte.width, letzte.height)).extract_text()
            gruss = next(w for w in letzte.extract_words() if w["text"] == "Mit")
        links_mm = code.position.top_left.x / DPI * 25.4
        assert links_mm > 105 and abs(code.position.top_left.y / DPI * 25.4 - gruss["top"] / MM) < 15
        assert "GiroCode: mit der Banking-App scannen" in text
        assert "Verwendungszweck: " + zweck in text.replace("\n", " ")


def test_schnellpfad_faellt_zurueck():
    from briefe.quellen.mitglieder import lies_mitglieder
    from briefe.satz.docx.schnell import docx_bytes_schnell
    from briefe.satz.pdf.schnell import schnell_moeglich
    from briefe.vorlage.vorlage import lade_vorlage

    vorlage = lade_vorlage(VORLAGE)
    brief = vorlage.erzeuge(lies_mitglieder(BEITRAEGE).empfaenger[1])
    assert brief.zahlung is not None and str(brief.zahlung.betrag) == "85.50"
    assert schnell_moeglich(brief) == "GiroCode"
    assert docx_bytes_schnell(brief).startswith(b"PK")


def _vorlagenkopie(tmp_path: Path, ersetzen: tuple[str, str]) -> Path:
    ordner = tmp_path / "vorlagen"
    shutil.copytree(VORLAGEN, ordner)
    pfad = ordner / "beitragsbescheid.md"
    text = pfad.read_text(encoding="utf-8")
    assert ersetzen[0] in text
    pfad.write_text(text.replace(*ersetzen), encoding="utf-8")
    return pfad


@pytest.mark.parametrize(("alt", "neu", "feld", "grund"), [
    ('iban = "DE89 3704 0044 0532 0130 00"', 'iban = "DE88 3704 0044 0532 0130 00"', "„iban“",
     "Prüfziffer"),
    ('iban = "DE89 3704 0044 0532 0130 00"', 'iban = "DE89 3704 0044 0532 0130"', "„iban“", "Länge"),
    ('bic = "COBADEFFXXX"', 'bic = "COBAXXFF"', "„bic“", "Ländercode"),
])
def test_falsches_konto_stoppt_vor_dem_ersten_brief(tmp_path, capsys, alt, neu, feld, grund):
    vorlage = _vorlagenkopie(tmp_path, (alt, neu))
    ausgabe = tmp_path / "ausgabe"
    assert main(["erstellen", str(vorlage), str(BEITRAEGE), "--ausgabe", str(ausgabe)]) == 2
    fehler = capsys.readouterr().err
    assert feld in fehler and grund in fehler and "[zahlung]" in fehler and "Zeile 11" in fehler
    assert not list(ausgabe.glob("*.pdf")) and not list(ausgabe.glob("*.docx"))


def test_betrag_und_zweck_sind_zeilenfehler(tmp_path):
    vorlage = _vorlagenkopie(tmp_path, (
        'zweck = "Beitrag 2027 Mitglied {{ empfaenger.mitgliedsnummer }} {{ empfaenger.nachname }}"',
        'zweck = "{{ empfaenger.zusatz }}"'))
    liste = tmp_path / "liste.csv"
    kopf = "Anrede;Vorname;Name;Straße;PLZ;Ort;Mitgliedsnummer;Beitrag;Fällig;Zusatz\n"
    zeilen = ["Frau;Eva;Null;Weg 1;58095;Hagen;1;0,00;15.01.2027;A",
              "Herr;Max;Minus;Weg 2;58095;Hagen;2;-5,00;15.01.2027;B",
              "Frau;Ida;Riesig;Weg 3;58095;Hagen;3;1.000.000.000,00;15.01.2027;C",
              "Herr;Leo;Lang;Weg 4;58095;Hagen;4;10,00;15.01.2027;" + " ".join(["Beitrag"] * 19) + " 2027",
              "Frau;Uta;Gut;Weg 5;58095;Hagen;5;999.999.999,99;15.01.2027;D"]
    liste.write_text(kopf + "\n".join(zeilen) + "\n", encoding="utf-8")
    ausgabe = tmp_path / "ausgabe"
    assert main(["erstellen", str(vorlage), str(liste), "--ausgabe", str(ausgabe), "--format", "pdf",
                 "--jobs", "1"]) == 1
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    nach_zeile = {e["zeile"]: e for e in protokoll["briefe"]}
    assert [z for z, e in nach_zeile.items() if e["status"] == "ok"] == [6]
    assert "Betrag 0,00" in nach_zeile[2]["fehler"] and "0,01 €" in nach_zeile[2]["fehler"]
    assert "Betrag -5,00" in nach_zeile[3]["fehler"]
    assert "Betrag 1.000.000.000,00" in nach_zeile[4]["fehler"]
    assert "Verwendungszweck hat 156 Zeichen" in nach_zeile[5]["fehler"]
    assert all("GiroCode" in nach_zeile[z]["fehler"] for z in (2, 3, 4, 5))
    assert len(list(ausgabe.glob("*.pdf"))) == 1


def test_girocode_an_seiner_stelle(tmp_path):
    baustein = '{{ baustein("datenschutz") }}'
    vorlage = _vorlagenkopie(tmp_path, (baustein, "{{ girocode() }}\n\nNach dem Code.\n\n" + baustein))
    from briefe.quellen.mitglieder import lies_mitglieder
    from briefe.satz.pdf.weasy import schreibe_pdf
    from briefe.vorlage.vorlage import lade_vorlage

    brief = lade_vorlage(vorlage).erzeuge(lies_mitglieder(BEITRAEGE).empfaenger[0])
    pdf = tmp_path / "brief.pdf"
    schreibe_pdf(brief, pdf)
    (_, code), = codes(pdf, tmp_path)
    with pdfplumber.open(pdf) as dok:
        worte = [w for s in dok.pages for w in s.extract_words()]
    nach = next(w for w in worte if w["text"] == "Nach")
    unten_mm = code.position.bottom_left.y / DPI * 25.4
    assert code.position.top_left.x / DPI * 25.4 < 40  # in the text column, left
    assert unten_mm < nach["top"] / MM  # before the paragraph that follows it


def test_girocode_ohne_zahlung_ist_vorlagenfehler(tmp_path):
    from briefe.fehler import VorlagenFehler
    from briefe.vorlage.vorlage import lade_vorlage

    vorlage = tmp_path / "ohne.md"
    vorlage.write_text('+++\nbetreff = "x"\nabsender = "stadt-hagen-lenkungskreis"\n+++\nText\n\n'
                       "{{ girocode() }}\n", encoding="utf-8")
    with pytest.raises(VorlagenFehler) as fehler:
        lade_vorlage(vorlage, VORLAGEN)
    assert "[zahlung]" in str(fehler.value) and fehler.value.zeile == 7


def test_barrierefrei_mit_alternativtext(tmp_path, capsys):
    from briefe.quellen.mitglieder import lies_mitglieder
    from briefe.satz.pdf.weasy import schreibe_pdf
    from briefe.vorlage.vorlage import lade_vorlage

    brief = lade_vorlage(VORLAGE).erzeuge(lies_mitglieder(BEITRAEGE).empfaenger[2])
    pdf = tmp_path / "ua.pdf"
    schreibe_pdf(brief, pdf, "archiv-barrierefrei")
    assert main(["pdf", "pruefen", str(pdf)]) == 0
    assert "„GiroCode: mit der Banking-App scannen“" in capsys.readouterr().out
    (_, code), = codes(pdf, tmp_path)
    assert code.text.split("\n") == epc_zeilen("EUR1250.75", "Beitrag 2027 Mitglied 4713 Weiß")
