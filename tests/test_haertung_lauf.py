"""Hardening of runs: continuing only with the same inputs, one run per output folder."""

import json
import subprocess
import sys
import time

from briefe.cli.haupt import main
from briefe.lauf.journal import JOURNAL, lies_journal, zeilen_schluessel
from tests.conftest import REFERENZ, WURZEL, empfaenger
from tests.pdfhilfe import seiten_text
from tests.test_lauf import ZEILEN, liste


def _unterbrochen(tmp_path, zeilen=ZEILEN[:2], *extra):
    """A run whose protocol is gone, as after a kill: journal and letters remain."""
    daten = liste(tmp_path, zeilen)
    ausgabe = tmp_path / "aus"
    args = ["erstellen", str(REFERENZ), str(daten), "--ausgabe", str(ausgabe), "--format", "pdf",
            "--jobs", "1", *extra]
    assert main(args) == 0
    (ausgabe / "protokoll.json").unlink()
    return daten, ausgabe, args


def test_fortsetzen_mit_gleichen_eingaben(tmp_path, capsys):
    _, ausgabe, args = _unterbrochen(tmp_path)
    assert main([*args, "--fortsetzen"]) == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["fortgesetzt"] == 2 and protokoll["ok"] == 2


def test_fortsetzen_mit_geaenderter_liste_verweigert(tmp_path, capsys):
    daten, ausgabe, args = _unterbrochen(tmp_path)
    vorher = sorted(p.name for p in ausgabe.iterdir())
    # a new member before the others: row 2 is now someone else
    daten.write_text(daten.read_text(encoding="utf-8").replace(
        ZEILEN[0], "Frau;;Neu;Neumann;;Schule;Weg 1;;58089;Hagen;;\n" + ZEILEN[0]), encoding="utf-8")
    capsys.readouterr()
    assert main([*args, "--fortsetzen"]) == 2
    fehler = capsys.readouterr().err
    assert "Fortsetzen nicht möglich" in fehler and "Mitgliederliste" in fehler
    assert "ohne „--fortsetzen“" in fehler and "Traceback" not in fehler
    assert sorted(p.name for p in ausgabe.iterdir()) == vorher  # nothing touched
    # starting afresh makes every letter from the new list
    assert main(args) == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["fortgesetzt"] == 0 and protokoll["ok"] == 3
    assert "Frau Neu Neumann" in seiten_text(ausgabe / "0001-neumann-neu.pdf")[0]


def test_fortsetzen_mit_geaenderter_vorlage_oder_option_verweigert(tmp_path, capsys):
    vorlage = tmp_path / "v.md"
    vorlage.write_text(REFERENZ.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "absender").symlink_to(WURZEL / "vorlagen" / "absender")
    daten = liste(tmp_path, ZEILEN[:1])
    ausgabe = tmp_path / "aus"
    args = ["erstellen", str(vorlage), str(daten), "--ausgabe", str(ausgabe), "--format", "pdf",
            "--jobs", "1"]
    assert main(args) == 0
    (ausgabe / "protokoll.json").unlink()
    vorlage.write_text(vorlage.read_text(encoding="utf-8").replace("wie viele von Ihnen", "wie viele"),
                       encoding="utf-8")
    capsys.readouterr()
    assert main([*args, "--fortsetzen"]) == 2
    assert "die Vorlage" in capsys.readouterr().err
    vorlage.write_text(REFERENZ.read_text(encoding="utf-8"), encoding="utf-8")
    assert main([*args, "--fortsetzen", "--pdf", "archiv"]) == 2
    assert "die Optionen (pdf_variante)" in capsys.readouterr().err
    assert main([*args, "--fortsetzen", "--jobs", "2"]) == 0  # jobs do not change letters


def test_journal_erkennt_zeile_an_ihren_werten(tmp_path):
    _, ausgabe, _ = _unterbrochen(tmp_path, ZEILEN[:1])
    eintrag = [json.loads(z) for z in (ausgabe / JOURNAL).read_text(encoding="utf-8").splitlines()][1]
    gleich = empfaenger(2, **{"anrede": "Frau"})
    assert eintrag["schluessel"] != zeilen_schluessel(gleich)
    assert lies_journal(ausgabe, {1: gleich}) == {}


def test_zwei_laeufe_in_einen_ordner(tmp_path, capsys):
    zeilen = [f"Frau;;Anna{i};Muster{i};;Schule {i};Weg {i};;58089;Hagen;;" for i in range(40)]
    daten = liste(tmp_path, zeilen)
    ausgabe = tmp_path / "aus"
    args = ["erstellen", str(REFERENZ), str(daten), "--ausgabe", str(ausgabe), "--format", "pdf",
            "--jobs", "1"]
    erster = subprocess.Popen([sys.executable, "-m", "briefe", *args], cwd=WURZEL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = ausgabe / JOURNAL
    frist = time.monotonic() + 60
    while not (journal.is_file() and '"nummer"' in journal.read_text(encoding="utf-8")):
        assert erster.poll() is None and time.monotonic() < frist
        time.sleep(0.02)
    try:
        assert main(args) == 3
        fehler = capsys.readouterr().err
        assert "schreibt bereits ein anderer Lauf" in fehler
        assert f"Prozess {erster.pid}" in fehler and "gestartet am" in fehler
        assert "„briefe erstellen“" in fehler
        assert main([*args, "--fortsetzen"]) == 3
    finally:
        assert erster.wait(120) == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["ok"] == 40 and len(list(ausgabe.glob("*.pdf"))) == 40
