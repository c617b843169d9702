"""The run options are declared once (``briefe.lauf.optionen``): the command line, the job file
and the service's form accept exactly the declared fields and give the same ``Laufoptionen``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from briefe.cli.haupt import parser
from briefe.cli.optionen import aus_argumenten
from briefe.dienst.app import erstelle_app
from briefe.dienst.fehler import EingabeFehler
from briefe.dienst.konfiguration import lade_konfiguration
from briefe.dienst.laeufe.eingang import formularwerte
from briefe.lauf.auftrag import AUFTRAG_SCHLUESSEL, SCHLUESSEL, lies_auftrag
from briefe.lauf.optionen import AUFTRAG, BEFEHL, DIENST, angaben, laufoptionen

WURZEL = Path(__file__).resolve().parents[1]
VORLAGE = WURZEL / "vorlagen" / "bildungsnetzwerk-2011.md"
DATEN = WURZEL / "daten" / "mitglieder.csv"


def _unterbefehl(name: str) -> argparse.ArgumentParser:
    aktion = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return aktion.choices[name]


def test_befehlszeile_kennt_genau_die_erklaerten_angaben():
    ziele = {a.dest for a in _unterbefehl("erstellen")._actions}
    assert ziele & set(angaben()) == set(angaben(BEFEHL))


def test_auftrag_kennt_genau_die_erklaerten_angaben():
    assert set(SCHLUESSEL) - set(AUFTRAG_SCHLUESSEL) == set(angaben(AUFTRAG))
    assert not set(AUFTRAG_SCHLUESSEL) & set(angaben())


def test_dienst_formular_kennt_genau_die_erklaerten_angaben(tmp_path):
    pfad = tmp_path / "dienst.toml"
    pfad.write_text(f'[dienst]\ndaten = "{tmp_path / "daten"}"\n', encoding="utf-8")
    app = erstelle_app(lade_konfiguration(pfad, umgebung={}))
    schema = app.openapi()
    formular = schema["paths"]["/api/serienbriefe"]["post"]["requestBody"]["content"]
    referenz = formular["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    felder = set(schema["components"]["schemas"][referenz]["properties"]) - {"datei"}
    assert felder == {angabe.feld or s for s, (_, angabe) in angaben(DIENST).items()}


def test_drei_wege_geben_dieselben_optionen(tmp_path):
    befehl = _unterbefehl("erstellen").parse_args([
        str(VORLAGE), str(DATEN), "--format", "pdf", "--filter", "gremien=Lenkungskreis", "--sammel",
        "--duplex", "--pdf", "archiv", "--wert", "konferenz=12.03.2027", "--ausgabe", str(tmp_path / "aus")])
    aus_befehl = aus_argumenten(befehl)

    auftrag = tmp_path / "einladung.toml"
    auftrag.write_text(
        f'vorlage = "{VORLAGE}"\ndaten = "{DATEN}"\nausgabe = "{tmp_path / "aus"}"\nformate = ["pdf"]\n'
        'sammel = true\nduplex = true\npdf = "archiv"\n[filter]\ngremien = "Lenkungskreis"\n'
        '[werte]\nkonferenz = "12.03.2027"\n', encoding="utf-8")
    aus_auftrag = lies_auftrag(auftrag).optionen

    eintraege = formularwerte(formate=["pdf"], filter=["gremien=Lenkungskreis"], sammel="true",
                              duplex="true", pdf="archiv", werte=["konferenz=12.03.2027"])
    aus_dienst = laufoptionen(eintraege, DIENST, vorlage=VORLAGE, daten=DATEN, ausgabe=tmp_path / "aus")

    assert aus_befehl == aus_auftrag == aus_dienst
    assert aus_befehl.formate == ("pdf",) and aus_befehl.pdf_variante == "archiv"
    assert aus_befehl.filter == (("gremien", "Lenkungskreis"),)
    assert aus_befehl.werte == (("konferenz", "12.03.2027"),)


@pytest.mark.parametrize(("eintraege", "meldung"), [
    ({"formate": ["odt"]}, "unbekanntes Format „odt“"),
    ({"formate": [""]}, "Bitte mindestens ein Format wählen"),
    ({"pdf": "pdfa"}, "„pdf“: unbekannte Art „pdfa“"),
    ({"filter": ["gremien"]}, "Filter „gremien“: erwartet SPALTE=WERT"),
    ({"sammel": "vielleicht"}, "„sammel“ muss true oder false sein"),
    ({"jobs": 2}, "Unbekannte Angabe „jobs“"),
])
def test_dienst_meldet_falsche_angaben_deutsch(eintraege, meldung):
    with pytest.raises(EingabeFehler, match=meldung):
        formularwerte(**eintraege)
