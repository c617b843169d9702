"""The template store without a server: versions, conflicts, restore, file format."""

from __future__ import annotations

import shutil
import threading

import pytest

from briefe.dienst.konfiguration import KonfigurationsFehler, lade_konfiguration
from briefe.dienst.vorlagen.speicher import UngueltigeVorlage, VorlagenKonflikt, VorlagenSpeicher
from briefe.lauf.protokoll import textversion
from briefe.vorlage.vorlage import lade_vorlage
from tests.test_dienst_api import WURZEL

TEXT = '+++\nbetreff = "Einladung"\nabsender = "stadt-hagen-lenkungskreis"\n+++\nHallo.\n'


@pytest.fixture()
def speicher(tmp_path):
    shutil.copytree(WURZEL / "vorlagen", tmp_path / "vorlagen")
    return VorlagenSpeicher(tmp_path / "vorlagen")


def test_speichern_schreibt_das_bekannte_format(speicher):
    v = speicher.speichere("einladung", "\ufeff" + TEXT.replace("\n", "\r\n"), None, "anna")
    datei = speicher.ordner / "einladung.md"
    assert datei.read_bytes() == TEXT.encode()  # no BOM, Unix line ends
    assert v.version == textversion(datei.read_bytes()) and v.nummer == 1
    assert lade_vorlage(datei).kopf["betreff"] == "Einladung"  # the CLI reads the same file
    assert not list(speicher.ordner.glob(".*.tmp")) and not list(speicher.ordner.glob("*.tmp"))


def test_konflikt_verliert_nichts(speicher):
    v1 = speicher.speichere("einladung", TEXT, None, "anna")
    speicher.speichere("einladung", TEXT + "Anna\n", v1.version, "anna")
    with pytest.raises(VorlagenKonflikt) as fehler:
        speicher.speichere("einladung", TEXT + "Bernd\n", v1.version, "bernd")
    assert "von anna" in fehler.value.meldung and "nicht verloren" in fehler.value.meldung
    assert (speicher.ordner / "einladung.md").read_text(encoding="utf-8").endswith("Anna\n")
    with pytest.raises(VorlagenKonflikt):
        speicher.speichere("einladung", TEXT, None, "bernd")  # creating over an existing one


def test_gleichzeitig_gewinnt_genau_einer(speicher):
    v1 = speicher.speichere("einladung", TEXT, None, "anna")
    ergebnisse = []

    def speichere(wer):
        try:
            speicher.speichere("einladung", TEXT + wer + "\n", v1.version, wer)
            ergebnisse.append(wer)
        except VorlagenKonflikt:
            ergebnisse.append("konflikt")

    faeden = [threading.Thread(target=speichere, args=(f"person{i}",)) for i in range(6)]
    for f in faeden:
        f.start()
    for f in faeden:
        f.join()
    assert ergebnisse.count("konflikt") == 5
    assert len(speicher.versionen("einladung")) == 2


def test_vorhandene_datei_wird_version_1_und_laesst_sich_wiederherstellen(speicher):
    alt = (speicher.ordner / "bildungsnetzwerk-2011.md").read_text(encoding="utf-8")
    gelesen = speicher.lies("bildungsnetzwerk-2011")
    speicher.speichere("bildungsnetzwerk-2011", alt.replace("Bildungsnetzwerk Hagen", "Netzwerk"), gelesen[1],
                       "anna")
    versionen = speicher.versionen("bildungsnetzwerk-2011")
    assert [(v.nummer, v.was) for v in versionen] == [(1, "ursprüngliche Fassung"),
                                                       (2, "1 Zeile neu, 1 entfernt")]
    assert "-betreff = \"Bildungsnetzwerk Hagen\"" in versionen[1].diff
    zurueck = speicher.wiederherstellen("bildungsnetzwerk-2011", 1, versionen[1].version, "anna")
    assert zurueck.was == "Version 1 wiederhergestellt"
    assert (speicher.ordner / "bildungsnetzwerk-2011.md").read_text(encoding="utf-8") == alt


@pytest.mark.parametrize("name", ["../x", "Groß", "", "a/b", ".versionen", "x" * 80])
def test_namen_sind_dateinamen(speicher, name):
    with pytest.raises(UngueltigeVorlage, match="nicht erlaubt"):
        speicher.speichere(name, TEXT, None, "anna")


def test_rollen_in_der_konfiguration(tmp_path):
    datei = tmp_path / "dienst.toml"
    datei.write_text('[[benutzer]]\nname = "anna"\npasswort = "scrypt$1$1$1$a$b"\nrollen = ["vorlagen"]\n'
                     '[[benutzer]]\nname = "bernd"\npasswort = "scrypt$1$1$1$a$b"\n', encoding="utf-8")
    k = lade_konfiguration(datei, umgebung={})
    assert k.hat_rolle("sitzung", "anna", "vorlagen") and not k.hat_rolle("sitzung", "bernd", "vorlagen")
    assert not k.hat_rolle("token", "anna", "vorlagen")
    datei.write_text('[[benutzer]]\nname = "anna"\npasswort = "scrypt$1$1$1$a$b"\nrollen = ["chef"]\n',
                     encoding="utf-8")
    with pytest.raises(KonfigurationsFehler, match="Unbekannte Rolle chef; erlaubt: vorlagen"):
        lade_konfiguration(datei, umgebung={})
