"""Serienbrief runs through the CLI: files, protocol, exit codes, continuing after a kill."""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from briefe.cli.haupt import main
from briefe.dateien import sha256
from tests.conftest import REFERENZ, WURZEL
from tests.pdfhilfe import seiten_text

KOPF = "Anrede;Titel;Vorname;Name;Funktion;Einrichtung;Straße;Postfach;PLZ;Ort;Land;Gremien\n"
ZEILEN = [
    "Frau;Dr.;Maria;Meyer;;Gesamtschule Eilpe;Wehringhauser Str. 38;;58089;Hagen;;Lenkungskreis",
    "Herr;;Klaus;Schäfer;;Gymnasium Hohenlimburg;Wiesenstr. 1;;58119;Hagen;;Lenkungskreis, Bildungskonferenz",
    ";;;;;Kita Sonnenschein;Am Bach 3;;58091;Hagen;;Bildungskonferenz",
    "Frau;;Ute;Groß;;Jobcenter Hagen;Körnerstr. 98;;;Hagen;;Bildungskonferenz",
    "divers;;Alex;Jansen;;VHS Hagen;;42 40;58042;Hagen;;Bildungskonferenz",
]


def liste(tmp_path: Path, zeilen=ZEILEN, name="liste.csv") -> Path:
    pfad = tmp_path / name
    pfad.write_text(KOPF + "\n".join(zeilen) + "\n", encoding="utf-8")
    return pfad


def erstellen(*args: str) -> int:
    return main(["erstellen", str(REFERENZ), *args])


def test_lauf_mit_fehlerhafter_zeile(tmp_path, capsys):
    ausgabe = tmp_path / "aus"
    code = erstellen(str(liste(tmp_path)), "--ausgabe", str(ausgabe), "--format", "pdf", "--jobs", "2")
    assert code == 1
    ausgabe_text = capsys.readouterr().out
    assert "4 von 5 Briefen erstellt, 1 mit Fehler." in ausgabe_text
    assert "Zeile 5" in ausgabe_text and "Spalte „PLZ“" in ausgabe_text
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert [e["zeile"] for e in protokoll["briefe"]] == [2, 3, 4, 5, 6]
    assert protokoll["ok"] == 4 and protokoll["fehler"] == 1 and protokoll["ausgewaehlt"] == 5
    schlecht = protokoll["briefe"][3]
    assert schlecht["status"] == "fehler" and schlecht["dateien"] == []
    assert schlecht["probleme"][0]["spalte"] == "PLZ" and "Postleitzahl" in schlecht["fehler"]
    namen = [e["dateien"][0] for e in protokoll["briefe"] if e["status"] == "ok"]
    assert namen == ["0001-meyer-maria.pdf", "0002-schaefer-klaus.pdf", "0003-kita-sonnenschein.pdf",
                     "0005-jansen-alex.pdf"]
    for eintrag in protokoll["briefe"]:
        for datei in eintrag["dateien"]:
            assert sha256(ausgabe / datei) == eintrag["sha256"][datei]
    # every letter is addressed to its own recipient
    assert "Sehr geehrter Herr Schäfer," in seiten_text(ausgabe / "0002-schaefer-klaus.pdf")[0]
    assert "Sehr geehrte Damen und Herren," in seiten_text(ausgabe / "0003-kita-sonnenschein.pdf")[0]
    erste = seiten_text(ausgabe / "0005-jansen-alex.pdf")[0]
    assert "Guten Tag Alex Jansen," in erste and "Postfach 42 40" in erste
    csv_text = (ausgabe / "protokoll.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0] == "zeile;nummer;status;dateien;sha256;hinweise;fehler;name;organisation"
    assert len(csv_text.splitlines()) == 6
    assert not list(ausgabe.glob(".*.tmp"))


def test_filter_sammel_duplex_zip(tmp_path):
    ausgabe = tmp_path / "aus"
    code = erstellen(str(liste(tmp_path)), "--ausgabe", str(ausgabe), "--format", "pdf",
                     "--filter", "gremien=Lenkungskreis", "--sammel", "--duplex", "--zip", "--jobs", "1")
    assert code == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert [e["zeile"] for e in protokoll["briefe"]] == [2, 3]
    assert protokoll["filter"] == ["gremien=Lenkungskreis"]
    seiten = seiten_text(ausgabe / "serienbrief.pdf")
    # two letters of two pages each: every letter counts its own pages
    assert len(seiten) == 4
    assert "Seite 2 von 2" in seiten[1] and "Seite 2 von 2" in seiten[3]
    assert "Frau Dr. Maria Meyer" in seiten[0] and "Herrn Klaus Schäfer" in seiten[2]
    with zipfile.ZipFile(ausgabe / "serienbrief.zip") as archiv:
        assert sorted(archiv.namelist()) == sorted([
            "0001-meyer-maria.pdf", "0002-schaefer-klaus.pdf", "serienbrief.pdf",
            "protokoll.json", "protokoll.csv"])


def test_duplex_fuegt_leerseite_ein(tmp_path):
    from briefe.satz.pdf.sammel import verbinde_pdfs
    from briefe.satz.pdf.weasy import schreibe_pdf
    from tests.beispiel import beispielbrief

    kurz, lang = tmp_path / "kurz.pdf", tmp_path / "lang.pdf"
    schreibe_pdf(beispielbrief(absaetze=1), kurz)
    schreibe_pdf(beispielbrief(absaetze=12), lang)
    assert verbinde_pdfs([kurz, lang, kurz], tmp_path / "d.pdf", duplex=True) == 6
    assert verbinde_pdfs([kurz, lang, kurz], tmp_path / "e.pdf", duplex=False) == 4
    texte = seiten_text(tmp_path / "d.pdf")
    assert texte[1].strip() == "" and texte[2].startswith("Stadt Hagen")


def test_dateinamen_bleiben_im_ordner(tmp_path):
    boese = [
        "Herr;;../../etc;../../passwd;;X;Str. 1;;58089;Hagen;;",
        "Frau;;Ærøskøbing;Ñuñez/..\\\\x;;Y;Str. 2;;58089;Hagen;;",
        ";;;;;...;Str. 3;;58089;Hagen;;",
    ]
    ausgabe = tmp_path / "aus"
    assert erstellen(str(liste(tmp_path, boese)), "--ausgabe", str(ausgabe), "--format", "pdf",
                     "--jobs", "1") == 0
    dateien = sorted(p.name for p in ausgabe.iterdir() if p.suffix == ".pdf")
    assert dateien == ["0001-passwd-etc.pdf", "0002-nunez-x-aeroeskoebing.pdf", "0003-brief.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aus", "liste.csv"]


def test_startfehler_exit_2(tmp_path, capsys):
    assert erstellen(str(tmp_path / "gibtsnicht.csv"), "--ausgabe", str(tmp_path / "a")) == 2
    assert "Fehler:" in capsys.readouterr().err
    assert erstellen(str(liste(tmp_path)), "--format", "odt", "--ausgabe", str(tmp_path / "a")) == 2
    assert erstellen(str(liste(tmp_path)), "--filter", "farbe=rot", "--ausgabe", str(tmp_path / "a")) == 2
    kaputt = tmp_path / "kaputt.md"
    kaputt.write_text("kein Kopfbereich\n", encoding="utf-8")
    assert main(["erstellen", str(kaputt), str(liste(tmp_path))]) == 2
    with pytest.raises(SystemExit) as info:
        main(["erstellen", str(REFERENZ)])
    assert info.value.code == 2
    assert "diese Angaben fehlen: DATEN" in capsys.readouterr().err


def test_vorlage_braucht_fehlende_spalte(tmp_path, capsys):
    vorlage = tmp_path / "v.md"
    text = REFERENZ.read_text(encoding="utf-8").replace(
        "wie viele von Ihnen", "({{ empfaenger.handlungsfeld }}) wie viele von Ihnen")
    vorlage.write_text(text, encoding="utf-8")
    (tmp_path / "absender").symlink_to(WURZEL / "vorlagen" / "absender")
    assert main(["erstellen", str(vorlage), str(liste(tmp_path)), "--ausgabe", str(tmp_path / "a")]) == 2
    assert "handlungsfeld" in capsys.readouterr().err


def test_pruefen(tmp_path, capsys):
    assert main(["pruefen", str(REFERENZ), str(liste(tmp_path))]) == 1
    text = capsys.readouterr().out
    assert "Zeile 5" in text and "„PLZ“" in text and "1 Problem(e) in 1 Zeile(n)." in text
    assert "Name → nachname" in text
    gut = liste(tmp_path, ZEILEN[:3], "gut.csv")
    assert main(["pruefen", str(REFERENZ), str(gut)]) == 0


def test_vorlagen_auflisten(capsys):
    assert main(["vorlagen", "--ordner", str(WURZEL / "vorlagen")]) == 0
    text = capsys.readouterr().out
    assert "bildungsnetzwerk-2011.md  (Absender: stadt-hagen-lenkungskreis)" in text


def test_hilfe_ist_deutsch(capsys):
    with pytest.raises(SystemExit):
        main(["erstellen", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("Aufruf: briefe erstellen") and "Optionen:" in text
    assert "show this help" not in text


def test_json_log_ohne_personendaten(tmp_path, capsys):
    erstellen(str(liste(tmp_path)), "--ausgabe", str(tmp_path / "a"), "--format", "pdf",
              "--log-format", "json", "--jobs", "1")
    zeilen = [json.loads(z) for z in capsys.readouterr().out.splitlines()]
    assert zeilen[0]["ereignis"] == "start" and zeilen[-1]["ereignis"] == "ende"
    assert [z["zeile"] for z in zeilen if z["ereignis"] == "brief"] == [2, 3, 4, 5, 6]
    text = json.dumps(zeilen, ensure_ascii=False)
    for wert in ("Meyer", "Schäfer", "Sonnenschein", "Jansen", "58089", "Wehringhauser"):
        assert wert not in text


def test_fortsetzen_nach_sigkill(tmp_path):
    """A run killed halfway and continued makes every letter exactly once."""
    # long enough that the kill lands mid-run even on the fast path
    anzahl = 300
    zeilen = [f"Frau;;Anna{i};Muster{i};;Schule {i};Weg {i};;58089;Hagen;;" for i in range(anzahl)]
    daten = liste(tmp_path, zeilen)
    ausgabe = tmp_path / "aus"
    befehl = [sys.executable, "-m", "briefe", "erstellen", str(REFERENZ), str(daten),
              "--ausgabe", str(ausgabe), "--jobs", "1", "--format", "pdf"]
    prozess = subprocess.Popen(befehl, cwd=WURZEL, stdout=subprocess.DEVNULL)
    journal = ausgabe / ".briefe-journal.jsonl"
    frist = time.monotonic() + 120
    while time.monotonic() < frist:
        eintraege = journal.read_text(encoding="utf-8").splitlines() if journal.is_file() else []
        if sum('"nummer"' in z for z in eintraege) >= 4:
            break
        time.sleep(0.01)
    os.kill(prozess.pid, signal.SIGKILL)
    prozess.wait()
    assert not (ausgabe / "protokoll.json").exists()
    vorher = {p.name: p.stat().st_mtime_ns for p in ausgabe.glob("*.pdf")}
    assert 4 <= len(vorher) < anzahl
    # simulate a half-written temporary file left by the kill
    (ausgabe / ".0009-muster7.pdf.abc.tmp").write_bytes(b"%PDF-1.7 halb")

    assert subprocess.run([*befehl, "--fortsetzen"], cwd=WURZEL, stdout=subprocess.DEVNULL).returncode == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert [e["zeile"] for e in protokoll["briefe"]] == list(range(2, anzahl + 2))
    assert protokoll["ok"] == anzahl and protokoll["fortgesetzt"] >= 4
    pdfs = sorted(ausgabe.glob("*.pdf"))
    assert len(pdfs) == anzahl and not list(ausgabe.glob(".*.tmp"))
    for eintrag in protokoll["briefe"]:
        (datei,) = eintrag["dateien"]
        assert sha256(ausgabe / datei) == eintrag["sha256"][datei]
        with pikepdf.open(ausgabe / datei) as pdf:
            assert len(pdf.pages) == 2
    # the letters finished before the kill were kept, not made again
    for name, zeit in vorher.items():
        if any(name in e["dateien"] for e in protokoll["briefe"][: protokoll["fortgesetzt"]]):
            assert (ausgabe / name).stat().st_mtime_ns == zeit


def test_dateien_lesbar_fuer_andere(tmp_path):
    """Results are written with the usual permissions, not mkstemp's 0600."""
    ausgabe = tmp_path / "aus"
    erstellen(str(liste(tmp_path, ZEILEN[:1])), "--ausgabe", str(ausgabe), "--format", "pdf")
    maske = os.umask(0)
    os.umask(maske)
    for datei in ("0001-meyer-maria.pdf", "protokoll.json"):
        assert (ausgabe / datei).stat().st_mode & 0o777 == 0o666 & ~maske


def test_befehl_endet_ohne_reste(tmp_path):
    """``briefe erstellen`` ends without Python's teardown: exit code, everything it printed,
    the protocol, and no temporary fonts of WeasyPrint left behind."""
    temp = tmp_path / "temp"
    temp.mkdir()
    ausgabe = tmp_path / "aus"
    daten = liste(tmp_path, [ZEILEN[0], ZEILEN[3]])
    umgebung = {**os.environ, "TMPDIR": str(temp), "BRIEFE_CACHE": str(tmp_path / "cache")}
    for befehl in (["erstellen", str(REFERENZ), str(daten), "--ausgabe", str(ausgabe), "--jobs", "2",
                    "--format", "pdf"], ["pruefen", str(REFERENZ), str(daten)]):
        lauf = subprocess.run([sys.executable, "-m", "briefe", *befehl], cwd=WURZEL, env=umgebung,
                              capture_output=True, text=True)
        assert lauf.returncode == 1, lauf.stderr  # the second member has no postcode
        assert "Zeile 3" in lauf.stdout + lauf.stderr
        assert not list(temp.glob("weasyprint-*")), list(temp.iterdir())
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["ok"] == 1 and not list(ausgabe.glob(".*.tmp"))
    [pdf] = ausgabe.glob("*.pdf")  # renamed by the run's process, as the worker's checksum says
    assert protokoll["briefe"][0]["sha256"][pdf.name] == sha256(pdf)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_dateiname_belegt_nur_dieser_brief(tmp_path, jobs):
    """A folder where a letter's file should go: that letter fails with a German message, the
    others are made, no temporary file stays (with worker processes the run renames)."""
    zeilen = [f"Frau;;Anna{i};Muster{i};;Schule {i};Weg {i};;58089;Hagen;;" for i in range(40)]
    ausgabe = tmp_path / "aus"
    (ausgabe / "0007-muster6-anna6.pdf").mkdir(parents=True)
    code = erstellen(str(liste(tmp_path, zeilen)), "--ausgabe", str(ausgabe), "--jobs", jobs,
                     "--format", "pdf")
    assert code == 1
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    [fehler] = [e for e in protokoll["briefe"] if e["status"] != "ok"]
    assert fehler["nummer"] == 7 and fehler["dateien"] == [] and "Interner Fehler" in fehler["fehler"]
    assert protokoll["ok"] == 39 and len(list(ausgabe.glob("*.pdf"))) == 40  # 39 letters + the folder
    assert not list(ausgabe.glob(".*.tmp"))
