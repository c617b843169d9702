"""Text blocks: one block with a field used by two templates; a changed block changes the next
run of both; a missing block or field is named by ``pruefen``; the protocol has the checksum."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from briefe.cli.haupt import main
from tests.conftest import VORLAGEN, WURZEL

BEITRAEGE = WURZEL / "daten" / "beitraege.csv"
BAUSTEIN = """+++
beschreibung = "Bankverbindung des Bildungsbüros"
stand = 2026-11-01
+++
Ihre Mitgliedsnummer {{ empfaenger.mitgliedsnummer }} bitte bei jeder Zahlung angeben.
"""
# Line 9: the block.
VORLAGE = ('+++\ntitel = "{titel}"\nbetreff = "{titel}"\nabsender = "stadt-hagen-lenkungskreis"\n'
           'datum = 2026-12-01\n+++\nErster Absatz von {titel}.\n\n{{{{ baustein("bank") }}}}\n\n'
           "Letzter Absatz.\n")


@pytest.fixture()
def ordner(tmp_path) -> Path:
    ordner = tmp_path / "vorlagen"
    (ordner / "bausteine").mkdir(parents=True)
    shutil.copytree(VORLAGEN / "absender", ordner / "absender")
    (ordner / "bausteine" / "bank.md").write_text(BAUSTEIN, encoding="utf-8")
    for name in ("erinnerung", "mahnung"):
        (ordner / f"{name}.md").write_text(VORLAGE.format(titel=name.capitalize()), encoding="utf-8")
    return ordner


def _lauf(vorlage: Path, ausgabe: Path) -> dict:
    assert main(["erstellen", str(vorlage), str(BEITRAEGE), "--ausgabe", str(ausgabe),
                 "--jobs", "1"]) == 0
    return json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))


def _texte(ausgabe: Path) -> list[str]:
    texte = []
    for pdf in sorted(ausgabe.glob("*.pdf")):
        with pdfplumber.open(pdf) as dok:
            texte.append(" ".join((s.extract_text() or "") for s in dok.pages).replace("\n", " "))
    for docx in sorted(ausgabe.glob("*.docx")):
        texte.append(" ".join(p.text for p in Document(docx).paragraphs))
    return texte


def test_baustein_in_zwei_vorlagen_und_geaendert(ordner, tmp_path):
    datei = ordner / "bausteine" / "bank.md"
    for runde, erwartet in ((1, "bitte bei jeder Zahlung angeben"), (2, "Neu: Nummer")):
        if runde == 2:
            alt = "Ihre Mitgliedsnummer {{ empfaenger.mitgliedsnummer }} bitte bei jeder Zahlung angeben."
            neu = "Neu: Nummer {{ empfaenger.mitgliedsnummer }} angeben."
            datei.write_text(BAUSTEIN.replace(alt, neu), encoding="utf-8")
        summe = hashlib.sha256(datei.read_bytes()).hexdigest()
        for name in ("erinnerung", "mahnung"):
            ausgabe = tmp_path / f"{name}-{runde}"
            protokoll = _lauf(ordner / f"{name}.md", ausgabe)
            assert protokoll["bausteine"] == {"bank": summe}
            texte = _texte(ausgabe)
            assert len(texte) == 6  # three PDFs, three DOCX files
            for nummer, text in zip(["4711", "4712", "4713"] * 2, texte, strict=True):
                assert erwartet in text and nummer in text
                assert text.index("Erster Absatz") < text.index(erwartet) < text.index("Letzter Absatz")
                if runde == 2:
                    assert "bitte bei jeder Zahlung" not in text


def _pruefen(vorlage: Path, ordner: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefe", "pruefen", str(vorlage), str(BEITRAEGE)],
                          capture_output=True, text=True, cwd=ordner.parent, timeout=120,
                          env={"PYTHONPATH": str(WURZEL), "PATH": "/usr/bin:/bin"})


def test_fehlender_baustein_nennt_namen_und_zeile(ordner):
    (ordner / "bausteine" / "bank.md").rename(ordner / "bausteine" / "konto.md")
    ergebnis = _pruefen(ordner / "mahnung.md", ordner)
    assert ergebnis.returncode == 2
    assert "Textbaustein „bank“ nicht gefunden" in ergebnis.stderr
    assert "Vorlage „Mahnung“, Zeile 9" in ergebnis.stderr and "Vorhanden: konto" in ergebnis.stderr


def test_syntaxfehler_im_baustein_nennt_baustein_und_zeile(ordner):
    (ordner / "bausteine" / "bank.md").write_text(BAUSTEIN.replace("Ihre", "{% if x %}Ihre"),
                                                  encoding="utf-8")
    ergebnis = _pruefen(ordner / "mahnung.md", ordner)
    assert ergebnis.returncode == 2, ergebnis.stderr
    assert "Textbaustein „bank“, Zeile 5: {% if %} wird nicht geschlossen" in ergebnis.stderr
    assert "Traceback" not in ergebnis.stderr and "Jinja" not in ergebnis.stderr


def test_fehlende_spalte_im_baustein(ordner, tmp_path):
    liste = tmp_path / "ohne.csv"
    liste.write_text("Anrede;Vorname;Name;Straße;PLZ;Ort\nFrau;Eva;Meyer;Weg 1;58095;Hagen\n",
                     encoding="utf-8")
    ergebnis = subprocess.run([sys.executable, "-m", "briefe", "pruefen", str(ordner / "mahnung.md"),
                               str(liste)], capture_output=True, text=True, timeout=120,
                              env={"PYTHONPATH": str(WURZEL), "PATH": "/usr/bin:/bin"})
    assert ergebnis.returncode == 2
    ort = "„empfaenger.mitgliedsnummer“ (Textbaustein „bank“, Zeile 5, eingefügt in Zeile 9)"
    assert ort in ergebnis.stderr


def test_baustein_ohne_namen_oder_mit_girocode(ordner):
    from briefe.fehler import VorlagenFehler
    from briefe.vorlage.vorlage import lade_vorlage

    vorlage = ordner / "mahnung.md"
    vorlage.write_text(VORLAGE.format(titel="Mahnung").replace('baustein("bank")', "baustein(werte.x)"),
                       encoding="utf-8")
    with pytest.raises(VorlagenFehler, match="genau einen Namen in Anführungszeichen") as fehler:
        lade_vorlage(vorlage)
    assert fehler.value.zeile == 9
    vorlage.write_text(VORLAGE.format(titel="Mahnung"), encoding="utf-8")
    (ordner / "bausteine" / "bank.md").write_text("Text {{ girocode() }}\n", encoding="utf-8")
    with pytest.raises(VorlagenFehler, match="girocode\\(\\) ist in einem Textbaustein nicht möglich"):
        lade_vorlage(vorlage)


def test_werte_fuer_baustein_literal(ordner):
    """Member data inside a block is printed literally, never as Markdown."""
    from briefe.modell import Absatz
    from briefe.vorlage.vorlage import lade_vorlage
    from tests.conftest import MEYER, empfaenger

    brief = lade_vorlage(ordner / "mahnung.md").erzeuge(empfaenger(**MEYER, mitgliedsnummer="**7** <b>"))
    texte = [t for b in brief.inhalt if isinstance(b, Absatz) for t in b.teile]
    assert any(t.text.startswith("Ihre Mitgliedsnummer **7** <b> bitte") and not t.fett for t in texte)


def test_briefe_bausteine_listet(ordner, capsys):
    assert main(["bausteine", "--ordner", str(ordner)]) == 0
    ausgabe = capsys.readouterr().out
    assert main(["vorlagen", "--ordner", str(ordner)]) == 0
    assert capsys.readouterr().out.count("Textbausteine: bank") == 2
    assert "bank  Stand 01.11.2026" in ausgabe and "Bankverbindung des Bildungsbüros" in ausgabe
    assert '{{ baustein("bank") }}' in ausgabe


def test_spalte_auch_in_der_vorlage_nennt_die_vorlage(ordner):
    from briefe.vorlage.vorlage import lade_vorlage

    vorlage = ordner / "mahnung.md"
    vorlage.write_text(VORLAGE.format(titel="Mahnung").replace(
        "Letzter Absatz.", "Nummer {{ empfaenger.mitgliedsnummer }}."), encoding="utf-8")
    geladen = lade_vorlage(vorlage)
    assert geladen.spaltenzeilen["mitgliedsnummer"] == 9 and "mitgliedsnummer" not in geladen.spaltenorte


def test_baustein_mitten_im_satz(ordner):
    from briefe.modell import Absatz
    from briefe.vorlage.vorlage import lade_vorlage
    from tests.conftest import MEYER, empfaenger

    (ordner / "bausteine" / "frist.md").write_text("innerhalb von **{{ werte.tage }} Tagen**\n",
                                                   encoding="utf-8")
    vorlage = ordner / "frist.md"
    vorlage.write_text('+++\nbetreff = "Frist"\nabsender = "stadt-hagen-lenkungskreis"\n[werte]\ntage = 14\n'
                       '+++\nBitte zahlen Sie {{ baustein("frist") }} nach Erhalt.\n', encoding="utf-8")
    brief = lade_vorlage(vorlage).erzeuge(empfaenger(**MEYER))
    (absatz,) = [b for b in brief.inhalt if isinstance(b, Absatz)]
    assert [(t.text, t.fett) for t in absatz.teile] == [
        ("Bitte zahlen Sie innerhalb von ", False), ("14 Tagen", True), (" nach Erhalt.", False)]
