"""Job files (``briefe lauf``, ``briefe auftrag pruefen``): reruns, kills, locks, retention, logs."""

import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
import pytest

from briefe.cli.haupt import main
from briefe.dateien import dateiname_teil, sha256
from briefe.lauf.auftrag import KENNUNG, LAUFLOG, lies_auftrag, sperre
from tests.conftest import REFERENZ, WURZEL

MITGLIEDER = WURZEL / "daten" / "mitglieder.csv"
FEHLERZEILE = 40  # the sample row without a postcode


def _zeilen() -> tuple[list[str], list[list[str]]]:
    with open(MITGLIEDER, encoding="utf-8", newline="") as datei:
        kopf, *zeilen = list(csv.reader(datei, delimiter=";"))
    return kopf, zeilen


def teilliste(pfad: Path, anzahl: int, mit_fehler: bool = False) -> Path:
    """The first ``anzahl`` sample members (plus the broken row), as a CSV file."""
    kopf, zeilen = _zeilen()
    auswahl = zeilen[:anzahl] + ([zeilen[FEHLERZEILE - 2]] if mit_fehler else [])
    with open(pfad, "w", encoding="utf-8", newline="") as datei:
        csv.writer(datei, delimiter=";").writerows([kopf, *auswahl])
    return pfad


def _toml(wert) -> str:
    if isinstance(wert, bool):
        return "true" if wert else "false"
    if isinstance(wert, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in wert.items()) + " }"
    if isinstance(wert, int):
        return str(wert)
    return json.dumps(wert, ensure_ascii=False)


def auftrag(ordner: Path, name: str = "einladung", **felder) -> Path:
    """A job file in ``ordner`` with relative paths: list ``liste.csv``, output ``aus/lauf-{datum}``."""
    ordner.mkdir(parents=True, exist_ok=True)
    werte = {
        "vorlage": os.path.relpath(REFERENZ, ordner), "daten": "liste.csv",
        "ausgabe": "aus/lauf-{datum}", "formate": ["pdf"], "jobs": 1,
    }
    werte.update(felder)
    pfad = ordner / f"{name}.toml"
    pfad.write_text("".join(f"{k} = {_toml(v)}\n" for k, v in werte.items() if v is not None),
                    encoding="utf-8")
    return pfad


def laufordner(ordner: Path) -> Path:
    return ordner / "aus" / f"lauf-{dt.date.today().isoformat()}"


def stand_der_dateien(ordner: Path) -> dict[str, tuple[int, str]]:
    # the folder lock records who holds it; it is no result
    return {p.name: (p.stat().st_mtime_ns, sha256(p)) for p in sorted(ordner.iterdir())
            if p.name != ".briefe-lauf.lock"}


def briefe_prozess(*args: str, cwd: Path) -> subprocess.Popen:
    """``python -m briefe …``; output goes to files, as killed runs may leave workers holding pipes."""
    protokolle = Path(tempfile.mkdtemp(prefix="briefe-ausgabe-"))
    with open(protokolle / "stdout", "w") as aus, open(protokolle / "stderr", "w") as fehler:
        prozess = subprocess.Popen([sys.executable, "-m", "briefe", *args], cwd=cwd,
                                   stdout=aus, stderr=fehler)
    prozess.protokolle = protokolle
    return prozess


def warte(prozess: subprocess.Popen) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a finished ``briefe_prozess``."""
    code = prozess.wait()
    texte = [(prozess.protokolle / n).read_text(encoding="utf-8") for n in ("stdout", "stderr")]
    shutil.rmtree(prozess.protokolle)
    return code, *texte


def warte_auf_journal(ordner: Path, prozess: subprocess.Popen, zeilen: int) -> int:
    """Poll the journal until ``zeilen`` letters are recorded; the process must still run."""
    journal = ordner / ".briefe-journal.jsonl"
    while True:
        if journal.is_file():
            anzahl = sum('"nummer"' in z for z in journal.read_text(encoding="utf-8").splitlines())
            if anzahl >= zeilen:
                return anzahl
        assert prozess.poll() is None, warte(prozess)
        time.sleep(0.02)


def pruefe_vollstaendig(ordner: Path, zeilen: list[int]) -> dict:
    """Every selected row exactly once, one intact PDF each, no temporary files."""
    protokoll = json.loads((ordner / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["status"] == "fertig"
    assert [e["zeile"] for e in protokoll["briefe"]] == zeilen
    pdfs = sorted(p.name for p in ordner.glob("*.pdf"))
    assert len(pdfs) == len(zeilen)
    assert [name[:4] for name in pdfs] == [f"{n:04d}" for n in range(1, len(zeilen) + 1)]
    aufgezeichnet = {d: e["sha256"][d] for e in protokoll["briefe"] for d in e["dateien"]}
    assert sorted(aufgezeichnet) == pdfs
    for name in pdfs:
        with pikepdf.open(ordner / name) as pdf:
            assert len(pdf.pages) >= 1
        assert sha256(ordner / name) == aufgezeichnet[name]
    assert not list(ordner.rglob(".*.tmp"))
    return protokoll


# --- rerun and continue -------------------------------------------------------------------


def test_zweiter_lauf_tut_nichts(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 3, mit_fehler=True)
    job = auftrag(tmp_path)
    assert main(["lauf", str(job)]) == 1
    text = capsys.readouterr().out
    assert "neuer Lauf" in text and "3 von 4 Briefen erstellt, 1 mit Fehler." in text
    ordner = laufordner(tmp_path)
    vorher = stand_der_dateien(ordner)
    assert KENNUNG in vorher and "protokoll.json" in vorher

    # the same job again: nothing is written, the recorded exit code is repeated
    assert main(["lauf", str(job)]) == 1
    text = capsys.readouterr().out
    assert "bereits erledigt – nichts zu tun" in text and "Fehlerhafte Zeilen: 5" in text
    assert stand_der_dateien(ordner) == vorher

    assert main(["lauf", "--log-format", "json", str(job)]) == 1
    ereignisse = [json.loads(z) for z in capsys.readouterr().out.splitlines()]
    assert [e["ereignis"] for e in ereignisse] == ["auftrag", "zusammenfassung"]
    assert ereignisse[0]["modus"] == "erledigt"
    assert ereignisse[1]["fehlerzeilen"] == [{"zeile": 5, "spalten": ["PLZ"]}]
    assert stand_der_dateien(ordner) == vorher

    # a changed member list makes a new run into the same folder
    teilliste(tmp_path / "liste.csv", 4)
    assert main(["lauf", str(job)]) == 0
    assert "haben sich geändert" in capsys.readouterr().out
    pruefe_vollstaendig(ordner, [2, 3, 4, 5])


def test_unterbrochen_fortsetzen_nur_mit_gleichen_eingaben(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 3)
    job = auftrag(tmp_path)
    assert main(["lauf", str(job)]) == 0
    ordner = laufordner(tmp_path)
    # as if killed before the protocol: journal and job marker remain
    (ordner / "protokoll.json").unlink()
    capsys.readouterr()
    assert main(["lauf", str(job)]) == 0
    assert "unterbrochener Lauf – fortgesetzt" in capsys.readouterr().out
    assert pruefe_vollstaendig(ordner, [2, 3, 4])["fortgesetzt"] == 3

    # a missing letter of a finished run is made again, the others are kept
    erster = next(ordner.glob("0001-*.pdf"))
    erster.unlink()
    assert main(["lauf", str(job)]) == 0
    assert "fehlen oder wurden verändert" in capsys.readouterr().out
    assert pruefe_vollstaendig(ordner, [2, 3, 4])["fortgesetzt"] == 2

    # interrupted, then the list changed: the old journal must not be continued
    (ordner / "protokoll.json").unlink()
    kopf, zeilen = _zeilen()
    with open(tmp_path / "liste.csv", "w", encoding="utf-8", newline="") as datei:
        csv.writer(datei, delimiter=";").writerows([kopf, zeilen[5], zeilen[1], zeilen[2]])
    assert main(["lauf", str(job)]) == 0
    assert "neuer Lauf" in capsys.readouterr().out
    protokoll = pruefe_vollstaendig(ordner, [2, 3, 4])
    assert protokoll["fortgesetzt"] == 0
    assert next(ordner.glob("0001-*.pdf")).name.startswith(f"0001-{dateiname_teil(zeilen[5][3])}-")


def test_sigkill_und_wiederholung_jeder_brief_genau_einmal(tmp_path):
    teilliste(tmp_path / "liste.csv", 10)
    job = auftrag(tmp_path / "auftraege", daten="../liste.csv", ausgabe="../aus/lauf-{datum}")
    ordner = laufordner(tmp_path)
    erster = briefe_prozess("lauf", str(job), cwd=Path("/"))
    warte_auf_journal(ordner, erster, 3)
    os.kill(erster.pid, signal.SIGKILL)
    assert warte(erster)[0] == -signal.SIGKILL
    assert not (ordner / "protokoll.json").exists()

    code, ausgabe, fehler = warte(briefe_prozess("lauf", str(job), cwd=Path("/")))
    assert code == 0, fehler
    assert "unterbrochener Lauf – fortgesetzt" in ausgabe
    protokoll = pruefe_vollstaendig(ordner, list(range(2, 12)))
    assert protokoll["fortgesetzt"] >= 3 and protokoll["ok"] == 10


def _kinder(pid: int) -> list[int]:
    pfad = Path(f"/proc/{pid}/task/{pid}/children")
    if not pfad.is_file():
        pytest.skip("/proc/PID/task/PID/children fehlt")
    return [int(k) for k in pfad.read_text().split()]


def test_sperre_endet_mit_dem_prozess_auch_bei_verwaisten_workern(tmp_path):
    # enough rows that the run is surely still going when its workers are looked up
    teilliste(tmp_path / "liste.csv", 30)
    job = auftrag(tmp_path, jobs=2)
    ordner = laufordner(tmp_path)
    erster = briefe_prozess("lauf", str(job), cwd=tmp_path)
    warte_auf_journal(ordner, erster, 2)
    worker = _kinder(erster.pid)
    try:
        os.kill(erster.pid, signal.SIGKILL)
        warte(erster)
        # pool workers may outlive their parent (no PR_SET_PDEATHSIG): they must not hold the lock
        assert worker
        with sperre(lies_auftrag(job)):
            pass
    finally:
        for w in worker:
            with contextlib.suppress(ProcessLookupError):
                os.kill(w, signal.SIGKILL)
    code, _, fehler = warte(briefe_prozess("lauf", str(job), cwd=tmp_path))
    assert code == 0, fehler
    pruefe_vollstaendig(ordner, list(range(2, 32)))


# --- lock -----------------------------------------------------------------------------------


def test_gleichzeitiger_zweiter_lauf_endet_mit_3(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 10)
    job = auftrag(tmp_path)
    ordner = laufordner(tmp_path)
    erster = briefe_prozess("lauf", "--log-format", "json", str(job), cwd=tmp_path)
    warte_auf_journal(ordner, erster, 1)
    assert main(["lauf", "--log-format", "json", str(job)]) == 3
    aus = capsys.readouterr()
    assert "läuft bereits" in aus.err and f"Prozess {erster.pid}" in aus.err
    assert [json.loads(z)["ereignis"] for z in aus.out.splitlines()] == ["laeuft_bereits"]
    code, ausgabe, fehler = warte(erster)
    assert code == 0, fehler
    ende = json.loads(ausgabe.splitlines()[-1])
    assert ende["ereignis"] == "zusammenfassung" and ende["ok"] == 10
    pruefe_vollstaendig(ordner, list(range(2, 12)))


def test_sperre_im_selben_prozess(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 1)
    job = auftrag(tmp_path)
    with sperre(lies_auftrag(job)):
        assert main(["lauf", str(job)]) == 3
    assert "läuft bereits" in capsys.readouterr().err
    assert not laufordner(tmp_path).exists()
    assert main(["lauf", str(job)]) == 0


# --- retention ------------------------------------------------------------------------------


def _alter_lauf(vorlage: Path, ziel: Path, ende: dt.datetime | None, auftrag_name: str = "einladung"):
    """A copy of a real run folder, finished at ``ende`` (or unfinished when None)."""
    shutil.copytree(vorlage, ziel)
    protokoll_pfad = ziel / "protokoll.json"
    if ende is None:
        protokoll_pfad.unlink()
        (ziel / "protokoll.csv").unlink()
    else:
        protokoll = json.loads(protokoll_pfad.read_text(encoding="utf-8"))
        protokoll["beginn"] = protokoll["ende"] = ende.isoformat(timespec="seconds")
        protokoll_pfad.write_text(json.dumps(protokoll), encoding="utf-8")
    kennung = json.loads((ziel / KENNUNG).read_text(encoding="utf-8"))
    kennung["auftrag"] = auftrag_name
    (ziel / KENNUNG).write_text(json.dumps(kennung), encoding="utf-8")
    zeit = (ende or dt.datetime(2020, 1, 1).astimezone()).timestamp()
    for pfad in [*ziel.iterdir(), ziel]:
        os.utime(pfad, (zeit, zeit))


def test_aufbewahrung_loescht_nur_alte_fertige_laeufe(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 1)
    job = auftrag(tmp_path, aufbewahrung_tage=30)
    assert main(["lauf", str(job)]) == 0
    heute = laufordner(tmp_path)
    aus = heute.parent
    jetzt = dt.datetime.now().astimezone()
    _alter_lauf(heute, aus / "lauf-2020-01-01", dt.datetime(2020, 1, 1, 9).astimezone())
    _alter_lauf(heute, aus / "lauf-2020-02-01", None)  # unfinished: kept
    kuerzlich = aus / f"lauf-{(jetzt - dt.timedelta(days=3)).date().isoformat()}"
    _alter_lauf(heute, kuerzlich, jetzt - dt.timedelta(days=3))
    _alter_lauf(heute, aus / "lauf-2020-03-01", dt.datetime(2020, 3, 1).astimezone(), "anderer")
    _alter_lauf(heute, aus / "fremd-2020-01-01", dt.datetime(2020, 1, 1).astimezone())
    # the folder is old by its protocol's end, whatever the folder's name says
    _alter_lauf(heute, aus / "lauf-2099-01-01", dt.datetime(2019, 6, 1).astimezone())
    capsys.readouterr()

    assert main(["lauf", str(job)]) == 0
    text = capsys.readouterr().out
    assert "bereits erledigt" in text and "2 Lauf/Läufe älter als 30 Tage gelöscht" in text
    assert "unfertige alte Läufe werden nicht gelöscht, bitte prüfen: lauf-2020-02-01" in text
    assert sorted(p.name for p in aus.iterdir()) == sorted([
        ".einladung.lock", LAUFLOG, "fremd-2020-01-01", "lauf-2020-02-01", "lauf-2020-03-01",
        kuerzlich.name, heute.name])
    log = [json.loads(z) for z in (aus / LAUFLOG).read_text(encoding="utf-8").splitlines()]
    assert [z["ordner"] for z in log] == ["lauf-2020-01-01", "lauf-2099-01-01"]
    assert log[0]["auftrag"] == "einladung" and log[0]["ok"] == 1 and log[0]["fehler"] == 0
    assert log[0]["ende"].startswith("2020-01-01T09:00") and log[0]["status"] == "fertig"
    assert log[0]["quelle_sha256"] == sha256(tmp_path / "liste.csv")

    # nothing left to delete: the run log is not written again
    assert main(["lauf", "--log-format", "json", str(job)]) == 0
    ereignisse = [json.loads(z) for z in capsys.readouterr().out.splitlines()]
    assert ereignisse[-1]["geloescht"] == 0 and ereignisse[-1]["unfertig_behalten"] == 1
    assert len((aus / LAUFLOG).read_text(encoding="utf-8").splitlines()) == 2


# --- JSON log -------------------------------------------------------------------------------


def test_json_log_ohne_personenbezogene_daten(tmp_path):
    teilliste(tmp_path / "liste.csv", 6, mit_fehler=True)
    job = auftrag(tmp_path, zip=True, sammel=True)
    ausgaben = []
    for _ in range(2):  # a new run, then an already finished one
        code, ausgabe, fehler = warte(briefe_prozess("lauf", "--log-format", "json", str(job),
                                                      cwd=tmp_path))
        assert code == 1, fehler
        ausgaben.append(ausgabe)
    ereignisse = [json.loads(z) for z in ausgaben[0].splitlines()]
    assert [e["ereignis"] for e in ereignisse] == [
        "auftrag", "start", *["brief"] * 7, *["schritt"] * 4, "ende", "zusammenfassung"]
    assert [(e["schritt"], e["fertig"], e["gesamt"]) for e in ereignisse if e["ereignis"] == "schritt"] == [
        ("sammel_pdf", 0, 6), ("sammel_pdf", 6, 6), ("zip", 0, 9), ("zip", 9, 9)]
    assert all("zeit" in e for e in ereignisse)
    briefe = {e["zeile"]: e["status"] for e in ereignisse if e["ereignis"] == "brief"}
    assert briefe == {**{z: "ok" for z in range(2, 8)}, 8: "fehler"}
    assert ereignisse[-1]["fehlerzeilen"] == [{"zeile": 8, "spalten": ["PLZ"]}]
    assert ereignisse[-1]["rueckgabewert"] == 1
    assert [json.loads(z)["modus"] for z in ausgaben[1].splitlines()] == ["erledigt", "erledigt"]

    kopf, zeilen = _zeilen()
    spalten = [kopf.index(s) for s in ("Vorname", "Name", "Straße", "PLZ", "E-Mail", "Einrichtung")]
    werte = {z[i] for z in zeilen[:6] + [zeilen[FEHLERZEILE - 2]] for i in spalten if z[i]}
    assert len(werte) > 20
    for ausgabe in ausgaben:
        for wert in werte:
            assert wert not in ausgabe
        # file names of letters carry names too
        assert ".pdf" not in ausgabe.replace("serienbrief.pdf", "")


# --- auftrag pruefen ------------------------------------------------------------------------


@pytest.mark.parametrize("beispiel", sorted((WURZEL / "daten" / "auftraege").glob("*.toml")),
                         ids=lambda p: p.stem)
def test_beispielauftraege_sind_in_ordnung(beispiel, capsys):
    assert main(["auftrag", "pruefen", str(beispiel)]) == 0
    text = capsys.readouterr().out
    assert "Der Auftrag ist in Ordnung." in text and str(WURZEL / "ausgabe") in text


def test_auftrag_pruefen(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 3, mit_fehler=True)
    gut = auftrag(tmp_path, filter={"gremien": "Lenkungskreis"}, aufbewahrung_tage=30)
    assert main(["auftrag", "pruefen", str(gut)]) == 0
    text = capsys.readouterr().out
    assert "3 ausgewählt (Filter: gremien=Lenkungskreis)" in text
    assert "Der Auftrag ist in Ordnung." in text and "(neuer Lauf)" in text
    assert not (tmp_path / "aus").exists()

    def kaputt(erwartet: str, **felder) -> None:
        job = auftrag(tmp_path, "kaputt", **felder)
        assert main(["auftrag", "pruefen", str(job)]) == 2
        fehler = capsys.readouterr().err
        assert fehler.startswith("Fehler: ") and erwartet in fehler, fehler
        assert main(["lauf", str(job)]) == 2
        capsys.readouterr()
        assert not (tmp_path / "aus").exists()

    kaputt("gibtsnicht.md", vorlage="gibtsnicht.md")
    kaputt("Die Datei gibt es nicht.", daten="fehlt.csv")
    kaputt("Unbekannter Eintrag „aufbewarung_tage“. Meinten Sie „aufbewahrung_tage“?",
           aufbewarung_tage=30)
    kaputt("„sammel“ muss true oder false sein (ohne Anführungszeichen), nicht der Text „ja“.",
           sammel="ja")
    kaputt("„jobs“ muss eine ganze Zahl ab 0 sein, nicht der Text „4“.", jobs="4")
    kaputt('„formate“ muss eine Liste sein, z. B. formate = ["pdf", "docx"]', formate="pdf")
    kaputt("„formate“: unbekanntes Format „odt“", formate=["odt"])
    kaputt("„pdf“: unbekannte Art „pdfa“", pdf="pdfa")
    kaputt("„ausgabe“ fehlt", ausgabe=None)
    kaputt("unbekannter Platzhalter „{tag}“", ausgabe="aus/lauf-{tag}")
    kaputt("nur im letzten Teil des Pfads", ausgabe="aus/{jahr}/lauf-{datum}")
    kaputt("Filter: Spalte „farbe“ gibt es", filter={"farbe": "rot"})
    kaputt("„duplex“ wirkt nur zusammen mit sammel = true", duplex=True)

    # the template needs a column the list does not have
    vorlage = tmp_path / "vorlagen" / "mit-handlungsfeld.md"
    vorlage.parent.mkdir()
    vorlage.write_text(REFERENZ.read_text(encoding="utf-8").replace(
        "wie viele von Ihnen", "({{ empfaenger.foerderprogramm }}) wie viele von Ihnen"), encoding="utf-8")
    (vorlage.parent / "absender").symlink_to(WURZEL / "vorlagen" / "absender")
    kaputt("foerderprogramm", vorlage="vorlagen/mit-handlungsfeld.md")

    syntax = tmp_path / "syntax.toml"
    syntax.write_text('vorlage = "a.md"\ndaten = liste.csv\n', encoding="utf-8")
    assert main(["auftrag", "pruefen", str(syntax)]) == 2
    assert "kein gültiges TOML (Zeile 2, Zeichen 9)" in capsys.readouterr().err
    assert main(["auftrag", "pruefen", str(tmp_path / "fehlt.toml")]) == 2
    assert "Die Auftragsdatei gibt es nicht." in capsys.readouterr().err


def test_platzhalter_und_relative_pfade(tmp_path):
    from briefe.lauf.auftrag import Auftrag

    teilliste(tmp_path / "liste.csv", 1)
    job = auftrag(tmp_path / "a" / "b", daten="../../liste.csv", ausgabe="../../aus/brief-{jahr}-{monat}")
    gelesen: Auftrag = lies_auftrag(job, heute=dt.date(2025, 3, 9))
    assert gelesen.optionen.daten == tmp_path / "liste.csv"
    assert gelesen.ausgabe == tmp_path / "aus" / "brief-2025-2025-03"
    assert gelesen.ist_laufordner(Path("brief-2024-2024-11"))
    assert not gelesen.ist_laufordner(Path("brief-2024-11"))
    assert gelesen.name == "einladung" and gelesen.sperrdatei == tmp_path / "aus" / ".einladung.lock"
