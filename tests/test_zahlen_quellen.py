"""Number forms as machines and people write them, through every source: CSV, XLSX text cells,
JSON strings and start values; the column's own notation and the setting ``zahlen`` (command
line, job file); ``pruefen`` and ``erstellen`` agree row by row; the letters print German."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from briefe.cli.haupt import main
from briefe.lauf.lauf import fuehre_aus
from briefe.lauf.optionen import Laufoptionen, OptionsFehler, lies_eintraege
from briefe.lauf.vorbereitung import textprobleme, vorbereiten, zeilenprobleme
from tests.conftest import VORLAGEN

NB = "\u00a0"
KOPF = ["Anrede", "Vorname", "Name", "Straße", "PLZ", "Ort", "Betrag"]

# a column with German values for sure (1.234.567, 1.234,56): "1.234" stays German
GEMISCHT = [
    ("1479.38", f"1.479,38{NB}€"),
    ("12.5", f"12,50{NB}€"),
    ("0.125", f"0,13{NB}€"),
    ("1.234.567", f"1.234.567,00{NB}€"),
    ("1.234,56", f"1.234,56{NB}€"),
    ("-1.5", f"-1,50{NB}€"),
    ("1.234", f"1.234,00{NB}€"),
    ("1,234.56", None),  # a row error in both, naming the column
]
# a column in dot notation: "1.234" is 1,234
PUNKTSPALTE = [
    ("1479.38", f"1.479,38{NB}€"),
    ("12.50", f"12,50{NB}€"),
    ("0.125", f"0,13{NB}€"),
    ("-1.5", f"-1,50{NB}€"),
    ("1.234", f"1,23{NB}€"),
]

VORLAGE = """+++
betreff = "Beitrag {{ empfaenger.betrag | betrag }}"
absender = "stadt-hagen-lenkungskreis"

[startwerte.grundbetrag]
bezeichnung = "Grundbetrag"
typ = "betrag"
+++
Ihr Beitrag beträgt {{ empfaenger.betrag | betrag }}, der Grundbetrag {{ werte.grundbetrag | betrag }}.
"""


def zeilen(werte: list[str]) -> list[list[str]]:
    return [["Frau", "Eva", f"Meyer{i}", "Weg 1", "58095", "Hagen", w] for i, w in enumerate(werte)]


def schreibe_liste(pfad: Path, werte: list[str]) -> Path:
    """The list as ``pfad``'s format writes it; in XLSX every amount is a text cell."""
    daten = zeilen(werte)
    if pfad.suffix == ".csv":
        pfad.write_text("\n".join(";".join(z) for z in [KOPF, *daten]) + "\n", encoding="utf-8")
    elif pfad.suffix == ".json":
        pfad.write_text(json.dumps([dict(zip(KOPF, z, strict=True)) for z in daten]), encoding="utf-8")
    else:
        buch = openpyxl.Workbook()
        blatt = buch.active
        for zeile in [KOPF, *daten]:
            blatt.append(zeile)
        for zelle in blatt["G"][1:]:
            zelle.data_type, zelle.number_format = "s", "@"
        buch.save(pfad)
    return pfad


@pytest.fixture()
def vorlage(tmp_path) -> Path:
    ordner = tmp_path / "vorlagen"
    ordner.mkdir()
    (ordner / "absender").symlink_to(VORLAGEN / "absender")
    pfad = ordner / "beitrag.md"
    pfad.write_text(VORLAGE, encoding="utf-8")
    return pfad


def optionen(vorlage: Path, daten: Path, tmp_path: Path, **mehr) -> Laufoptionen:
    return Laufoptionen(vorlage=vorlage, daten=daten, ausgabe=tmp_path / "aus", formate=("pdf",),
                        jobs=1, vorlagen_ordner=VORLAGEN, werte=(("grundbetrag", "7.5"),), **mehr)


def geprueft(o: Laufoptionen, spalten: dict | None = None) -> tuple[dict[int, str], set[int]]:
    """``briefe pruefen``'s checks (as ``cli.haupt._pruefen``): the rows with errors (their
    columns into ``spalten``), and the subject (the amount) of every other row."""
    vorlage_obj, liste, ausgewaehlt = vorbereiten(o)
    probleme = zeilenprobleme(liste, ausgewaehlt, vorlage_obj) + textprobleme(vorlage_obj, liste, ausgewaehlt)
    fehler = {p.zeile for p in probleme}
    if spalten is not None:
        spalten.update({p.zeile: p.spalte for p in probleme})
    return {e.zeile: vorlage_obj.betreff_fuer(e) for e in ausgewaehlt if e.zeile not in fehler}, fehler


def briefe_texte(ordner: Path, protokoll) -> dict[int, str]:
    texte = {}
    for eintrag in protokoll.briefe:
        if eintrag.status == "ok":
            with pdfplumber.open(ordner / eintrag.dateien[0]) as pdf:
                texte[eintrag.zeile] = " ".join((s.extract_text() or "") for s in pdf.pages)
    return texte


@pytest.mark.parametrize("endung", [".csv", ".xlsx", ".json"])
def test_gemischte_spalte_deutsch_pruefen_und_erstellen_gleich(endung, tmp_path, vorlage):
    daten = schreibe_liste(tmp_path / f"liste{endung}", [w for w, _ in GEMISCHT])
    o = optionen(vorlage, daten, tmp_path)
    spalten: dict = {}
    betreffe, fehler_pruefen = geprueft(o, spalten)
    protokoll = fuehre_aus(o)
    fehler_erstellen = {e.zeile for e in protokoll.briefe if e.status == "fehler"}
    assert fehler_pruefen == fehler_erstellen == {9}
    assert spalten == {9: "Betrag"}  # the list's own heading, for probleme[].spalte
    falsch = next(e for e in protokoll.briefe if e.zeile == 9)
    assert [p["spalte"] for p in falsch.probleme] == ["Betrag"], falsch
    texte = briefe_texte(tmp_path / "aus", protokoll)
    for nr, (_, erwartet) in enumerate(GEMISCHT, start=2):
        if erwartet is None:
            continue
        gedruckt = erwartet.replace(NB, " ")
        assert betreffe[nr] == f"Beitrag {erwartet}"
        assert f"Ihr Beitrag beträgt {gedruckt}," in texte[nr], (nr, texte[nr])
        assert "Grundbetrag 7,50 €" in texte[nr]


@pytest.mark.parametrize("endung", [".csv", ".xlsx", ".json"])
@pytest.mark.parametrize(("zahlen", "eins_zwei_drei_vier"), [
    (None, f"1,23{NB}€"), ("punkt", f"1,23{NB}€"), ("deutsch", f"1.234,00{NB}€")])
def test_punktspalte_und_einstellung(endung, zahlen, eins_zwei_drei_vier, tmp_path, vorlage):
    daten = schreibe_liste(tmp_path / f"liste{endung}", [w for w, _ in PUNKTSPALTE])
    betreffe, fehler = geprueft(optionen(vorlage, daten, tmp_path, zahlen=zahlen))
    assert not fehler
    erwartet = [e for _, e in PUNKTSPALTE[:-1]] + [eins_zwei_drei_vier]
    assert [betreffe[nr] for nr in range(2, 7)] == [f"Beitrag {e}" for e in erwartet]
    _, liste, _ = vorbereiten(optionen(vorlage, daten, tmp_path, zahlen=zahlen))
    notiz = any("schreibt Zahlen mit Dezimalpunkt" in h for h in liste.hinweise)
    assert notiz == (zahlen is None)  # the list is told how its "1.234" was read


@pytest.mark.parametrize("endung", [".csv", ".json"])
def test_einstellung_punkt_in_deutscher_spalte(endung, tmp_path, vorlage):
    daten = schreibe_liste(tmp_path / f"liste{endung}", ["1.234", "1.234,56", "1.234.567"])
    betreffe, _ = geprueft(optionen(vorlage, daten, tmp_path, zahlen="punkt"))
    assert betreffe == {2: f"Beitrag 1,23{NB}€", 3: f"Beitrag 1.234,56{NB}€", 4: f"Beitrag 1.234.567,00{NB}€"}


@pytest.mark.parametrize(("eingabe", "zahlen", "erwartet"), [
    ("1479.38", None, f"1.479,38{NB}€"), ("12.5", None, f"12,50{NB}€"), ("0.5", None, f"0,50{NB}€"),
    ("-1.5", None, f"-1,50{NB}€"), ("1.234.567", None, f"1.234.567,00{NB}€"),
    ("1.234,56", None, f"1.234,56{NB}€"), ("1.234", None, f"1.234,00{NB}€"),
    ("12.500", "punkt", f"12,50{NB}€"), ("1.234", "deutsch", f"1.234,00{NB}€"),
    # a start value is an amount typed by a person: more than two decimals is an error
    ("0.125", None, "mehr als zwei Nachkommastellen"), ("1.234", "punkt", "mehr als zwei Nachkommastellen")])
def test_startwert(eingabe, zahlen, erwartet, tmp_path, vorlage):
    from briefe.deutsch.formate import betrag
    from briefe.fehler import VorlagenFehler
    from briefe.vorlage.vorlage import lade_vorlage

    if "€" not in erwartet:
        with pytest.raises(VorlagenFehler, match=f"„Grundbetrag“: „{eingabe}“ hat {erwartet}"):
            lade_vorlage(vorlage, VORLAGEN, werte={"grundbetrag": eingabe}, zahlen=zahlen)
        return
    v = lade_vorlage(vorlage, VORLAGEN, werte={"grundbetrag": eingabe}, zahlen=zahlen)
    assert betrag(v.werte["grundbetrag"]) == erwartet


def test_einstellung_auf_der_befehlszeile_und_im_auftrag(tmp_path, vorlage, capsys):
    daten = schreibe_liste(tmp_path / "liste.csv", ["1479.38", "1.234"])
    assert main(["erstellen", str(vorlage), str(daten), "--ausgabe", str(tmp_path / "a"), "--format", "pdf",
                 "--wert", "grundbetrag=12.500", "--zahlen", "deutsch", "--jobs", "1"]) == 0
    protokoll = json.loads((tmp_path / "a" / "protokoll.json").read_text(encoding="utf-8"))
    with pdfplumber.open(tmp_path / "a" / protokoll["briefe"][1]["dateien"][0]) as pdf:
        text = pdf.pages[0].extract_text()
    assert "beträgt 1.234,00 €, der Grundbetrag 12.500,00 €" in text, text
    auftrag = tmp_path / "auftrag.toml"
    auftrag.write_text(f'vorlage = "{vorlage}"\ndaten = "{daten}"\nausgabe = "{tmp_path / "b"}"\n'
                       'formate = ["pdf"]\njobs = 1\nzahlen = "punkt"\n[werte]\ngrundbetrag = "12.500"\n',
                       encoding="utf-8")
    assert main(["lauf", str(auftrag)]) == 0
    protokoll = json.loads((tmp_path / "b" / "protokoll.json").read_text(encoding="utf-8"))
    with pdfplumber.open(tmp_path / "b" / protokoll["briefe"][1]["dateien"][0]) as pdf:
        text = pdf.pages[0].extract_text()
    assert "beträgt 1,23 €, der Grundbetrag 12,50 €" in text, text


def test_falsche_einstellung_ist_deutsch():
    with pytest.raises(OptionsFehler, match="„zahlen“ muss \"punkt\" oder \"deutsch\" sein"):
        lies_eintraege({"zahlen": "komma"}, "auftrag")


@pytest.mark.parametrize("endung", [".xlsx", ".json"])
def test_getippte_zahl_ohne_filter_deutsch(endung, tmp_path, vorlage):
    """A number cell (XLSX) or JSON number printed without a filter: ``1.234,5``; whole
    numbers (member numbers) stay as they are."""
    pfad = tmp_path / f"liste{endung}"
    kopf = ["Anrede", "Vorname", "Name", "Straße", "PLZ", "Ort", "Betrag", "Nummer"]
    zeile = ["Frau", "Eva", "Meyer", "Weg 1", "58095", "Hagen", 1234.5, 4711]
    if endung == ".json":
        pfad.write_text(json.dumps([dict(zip(kopf, zeile, strict=True))]), encoding="utf-8")
    else:
        buch = openpyxl.Workbook()
        buch.active.append(kopf)
        buch.active.append(zeile)
        buch.save(pfad)
    text = tmp_path / "ohne-filter.md"
    betreff = 'betreff = "Beitrag {{ empfaenger.betrag }} Nr. {{ empfaenger.nummer }}"'
    text.write_text(VORLAGE.replace('betreff = "Beitrag {{ empfaenger.betrag | betrag }}"', betreff),
                    encoding="utf-8")
    betreffe, fehler = geprueft(optionen(text, pfad, tmp_path))
    assert not fehler and betreffe == {2: "Beitrag 1.234,5 Nr. 4711"}
