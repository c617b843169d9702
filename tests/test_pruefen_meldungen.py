"""`briefe pruefen` and `erstellen` agree on every row; messages name the list's headings
and the recipient; shortenings are shown; an empty selection is a warning (exit 1)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pdfplumber
import pytest

from briefe.cli.haupt import main
from tests.conftest import REFERENZ
from tests.pdfhilfe import MM

KOPF = "Anrede;Titel;Vorname;Name;Funktion;Einrichtung;Abteilung;Straße;Postleitzahl;Ort;Land\n"
ZEILEN = [
    # 2: fits
    "Frau;Dr.;Maria;Meyer;;Gesamtschule Eilpe;;Wehringhauser Str. 38;58089;Hagen;",
    # 3: function dropped so the organisation can wrap (a shortening, shown as a hint)
    "Frau;;Eva;Roth;Geschäftsführerin;Landesarbeitsgemeinschaft der Freiwilligenagenturen "
    "Nordrhein-Westfalen;Geschäftsstelle Hagen;Markt 1;58095;Hagen;",
    # 4: the street cannot be shortened: a row error on the street column
    ";;;;;Stadt Hagen;;Allee der Kosmonauten und Astronautinnen und Raumfahrer 1;58095;Hagen;",
    # 5: Swiss postcode with a prefix is fine, a five-digit one is not
    "Herr;;Urs;Keller;;;;Bundesplatz 3;30111;Bern;Schweiz",
]


def anschrift_im_pdf(pfad: Path) -> list[str]:
    """The 11 pt lines left of x = 105 mm between 45 and 95 mm from the top (Form B)."""
    with pdfplumber.open(pfad) as pdf:
        feld = pdf.pages[0].crop((20 / MM, 45 / MM, 105 / MM, 95 / MM))
        return [z["text"] for z in feld.extract_text_lines()
                if min(c["size"] for c in z["chars"]) > 9]


@pytest.fixture(scope="module")
def liste(tmp_path_factory) -> Path:
    pfad = tmp_path_factory.mktemp("liste") / "liste.csv"
    pfad.write_text(KOPF + "\n".join(ZEILEN) + "\n", encoding="utf-8")
    return pfad


@pytest.fixture(scope="module")
def lauf(liste, tmp_path_factory):
    """One real run of ``erstellen`` (PDF), its console text and protocol."""
    ausgabe = tmp_path_factory.mktemp("aus")
    puffer = io.StringIO()
    with contextlib.redirect_stdout(puffer):
        code = main(["erstellen", str(REFERENZ), str(liste), "--ausgabe", str(ausgabe),
                     "--format", "pdf", "--jobs", "1"])
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    return code, puffer.getvalue(), protokoll, ausgabe


def test_pruefen_und_erstellen_melden_dieselben_zeilen(liste, lauf, capsys):
    code, text, protokoll, _ = lauf
    assert code == 1
    assert main(["pruefen", str(REFERENZ), str(liste)]) == 1
    geprueft = capsys.readouterr().out
    fehler_erstellen = {e["zeile"] for e in protokoll["briefe"] if e["status"] == "fehler"}
    assert fehler_erstellen == {4, 5}
    for zeile in (4, 5):
        assert f"Zeile {zeile} (" in geprueft
    assert "2 Problem(e) in 2 Zeile(n)." in geprueft
    # Headings of the list, the recipient named.
    assert "Zeile 4 (Stadt Hagen), Spalte „Straße“: Die Anschriftzeile „Allee der" in geprueft
    assert "Zeile 5 (Urs Keller), Spalte „Postleitzahl“: Postleitzahl „30111“ passt nicht" in geprueft
    assert "Zeile 4 (Stadt Hagen): Spalte „Straße“: Die Anschriftzeile" in text


def test_kuerzungen_auf_der_konsole_und_im_pdf(liste, lauf, capsys):
    _, text, protokoll, ausgabe = lauf
    hinweis = "Anschrift zu lang: Zeile „Geschäftsführerin“ (Funktion) entfernt."
    assert f"Zeile 3 (Eva Roth): Hinweis: {hinweis}" in text
    assert main(["pruefen", str(REFERENZ), str(liste)]) == 1
    assert f"Hinweis: Zeile 3 (Eva Roth): {hinweis}" in capsys.readouterr().out
    roth = next(e for e in protokoll["briefe"] if e["zeile"] == 3)
    assert hinweis in roth["hinweise"]
    assert anschrift_im_pdf(ausgabe / roth["dateien"][0]) == [
        "Frau Eva Roth", "Landesarbeitsgemeinschaft der", "Freiwilligenagenturen Nordrhein-Westfalen",
        "Geschäftsstelle Hagen", "Markt 1", "58095 Hagen"]


def test_protokoll_csv_mit_name_und_einrichtung(lauf):
    _, _, _, ausgabe = lauf
    with open(ausgabe / "protokoll.csv", encoding="utf-8-sig", newline="") as datei:
        zeilen = list(csv.DictReader(datei, delimiter=";"))
    assert [(z["zeile"], z["name"], z["organisation"]) for z in zeilen] == [
        ("2", "Maria Meyer", "Gesamtschule Eilpe"),
        ("3", "Eva Roth", "Landesarbeitsgemeinschaft der Freiwilligenagenturen Nordrhein-Westfalen"),
        ("4", "", "Stadt Hagen"),
        ("5", "Urs Keller", ""),
    ]


def test_filter_ohne_treffer_ist_eine_warnung(liste, tmp_path, capsys):
    assert main(["pruefen", str(REFERENZ), str(liste), "--filter", "ort=Paris"]) == 1
    assert "Warnung: Kein Empfänger ausgewählt (Filter prüfen)." in capsys.readouterr().out
    code = main(["erstellen", str(REFERENZ), str(liste), "--filter", "ort=Paris",
                 "--ausgabe", str(tmp_path / "leer"), "--format", "pdf"])
    assert code == 1
    assert "Keine Empfänger ausgewählt" in capsys.readouterr().out


def test_anschrift_reihenfolge_in_der_vorlage(tmp_path, capsys):
    text = REFERENZ.read_text(encoding="utf-8")
    vorlage = tmp_path / "einrichtung-zuerst.md"
    vorlage.write_text(text.replace("+++\n", '+++\nanschrift_reihenfolge = "einrichtung"\n', 1),
                       encoding="utf-8")
    (tmp_path / "absender").symlink_to(REFERENZ.parent / "absender")
    daten = tmp_path / "eine.csv"
    daten.write_text(KOPF + ZEILEN[0] + "\n", encoding="utf-8")
    assert main(["erstellen", str(vorlage), str(daten), "--ausgabe", str(tmp_path / "a"),
                 "--format", "pdf", "--jobs", "1"]) == 0
    assert anschrift_im_pdf(tmp_path / "a" / "0001-meyer-maria.pdf") == [
        "Gesamtschule Eilpe", "Frau Dr. Maria Meyer", "Wehringhauser Str. 38", "58089 Hagen"]
    falsch = tmp_path / "falsch.md"
    falsch.write_text(text.replace("+++\n", '+++\nanschrift_reihenfolge = "zuerst"\n', 1),
                      encoding="utf-8")
    assert main(["pruefen", str(falsch), str(daten)]) == 2
    assert "„anschrift_reihenfolge“ muss \"person\" oder \"einrichtung\" sein" in capsys.readouterr().err
