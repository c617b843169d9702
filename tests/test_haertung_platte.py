"""A full or read-only output disk: a German message and exit code 2, never a traceback;
no member data on stderr under ``--log-format json``."""

import contextlib
import errno
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REFERENZ, WURZEL
from tests.test_lauf import ZEILEN, liste

NAMEN = ("Meyer", "Schäfer", "Sonnenschein", "Wehringhauser")


@contextlib.contextmanager
def tmpfs(ordner: Path, *optionen: str):
    ordner.mkdir()
    ergebnis = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(optionen), "tmpfs", str(ordner)],
                              capture_output=True, text=True)
    if ergebnis.returncode != 0:
        pytest.skip(f"tmpfs kann hier nicht eingehängt werden ({ergebnis.stderr.strip()})")
    try:
        yield ordner
    finally:
        subprocess.run(["umount", "-l", str(ordner)], check=False)


def briefe(*args: str, grenze: int | None = None) -> subprocess.CompletedProcess:
    def begrenze():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (grenze, grenze))

    return subprocess.run([sys.executable, "-m", "briefe", *args], cwd=WURZEL, capture_output=True,
                          text=True, timeout=300, preexec_fn=begrenze if grenze else None)


def _viele(tmp_path):
    return liste(tmp_path, [z for z in ZEILEN if ";;;Hagen" not in z] * 4)


def pruefe_meldung(ergebnis, grund: str):
    assert ergebnis.returncode == 2, ergebnis.stderr
    assert "Traceback" not in ergebnis.stderr
    assert ergebnis.stderr.splitlines()[-1].startswith("Fehler: Die Briefe können nicht gespeichert werden")
    assert grund in ergebnis.stderr and "--fortsetzen" in ergebnis.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])  # 2: worker processes write, the run's process renames
def test_datentraeger_voll(tmp_path, jobs):
    with tmpfs(tmp_path / "klein", "size=160k") as ordner:
        ergebnis = briefe("erstellen", str(REFERENZ), str(_viele(tmp_path)), "--ausgabe", str(ordner / "aus"),
                          "--format", "pdf", "--jobs", jobs, "--log-format", "json")
        pruefe_meldung(ergebnis, "der Datenträger ist voll")
        for name in NAMEN:
            assert name not in ergebnis.stderr and name not in ergebnis.stdout
        fertig = sorted(p.name for p in (ordner / "aus").glob("*.pdf"))
        assert fertig and not list((ordner / "aus").glob(".*.tmp"))  # no half-written letter


def test_nur_lesbar(tmp_path):
    with tmpfs(tmp_path / "ro", "ro", "size=1m") as ordner:
        ergebnis = briefe("erstellen", str(REFERENZ), str(liste(tmp_path)), "--ausgabe", str(ordner / "aus"),
                          "--format", "pdf", "--jobs", "1")
        pruefe_meldung(ergebnis, "nur lesbar")


def test_dateigroessen_grenze(tmp_path):
    ergebnis = briefe("erstellen", str(REFERENZ), str(liste(tmp_path)), "--ausgabe", str(tmp_path / "aus"),
                      "--format", "pdf", "--jobs", "2", grenze=20_000)
    pruefe_meldung(ergebnis, "Dateigrößen-Grenze")


def test_json_log_ohne_traceback_und_personendaten(tmp_path):
    """Rows that fail in template, reading and rendering: only row numbers and classes."""
    daten = tmp_path / "liste.json"
    zeilen = [{"nachname": "Meyer", "strasse": "Weg 1", "plz": "58089", "ort": "Hagen", "zahl": "0"},
              {"nachname": "Schäfer", "strasse": "Weg 2", "plz": "58089", "ort": "Hagen", "zahl": "1"},
              {"nachname": "Sonnenschein@", "strasse": "Weg 3", "plz": "58089", "ort": "Hagen", "zahl": "1"}]
    daten.write_text(json.dumps(zeilen).replace("@", "\\udc80"), encoding="utf-8")
    vorlage = tmp_path / "v.md"
    vorlage.write_text('+++\nbetreff = "Wehringhauser"\nabsender = "stadt-hagen-lenkungskreis"\n+++\n'
                       "{{ 100 / (empfaenger.zahl | int) }}\n", encoding="utf-8")
    os.symlink(WURZEL / "vorlagen" / "absender", tmp_path / "absender")
    ergebnis = briefe("erstellen", str(vorlage), str(daten), "--ausgabe", str(tmp_path / "aus"),
                      "--format", "pdf,docx", "--jobs", "2", "--log-format", "json")
    assert ergebnis.returncode == 1, ergebnis.stderr
    assert "Traceback" not in ergebnis.stderr
    ereignisse = [json.loads(z) for z in ergebnis.stdout.splitlines()]
    assert {e["zeile"]: e["status"] for e in ereignisse if e["ereignis"] == "brief"} == {
        2: "fehler", 3: "ok", 4: "fehler"}
    for name in NAMEN:
        assert name not in ergebnis.stderr and name not in ergebnis.stdout


def test_schriftkopie_abgebrochen_kein_satz_ohne_schriften(tmp_path):
    """WeasyPrint copies the fonts into a temporary folder first. A copy cut short by the file
    size limit must fail the next letter too, not let it be set without fonts (Pango then
    crashes or draws nothing)."""
    programm = f"""
import resource, signal, sys
sys.path.insert(0, {str(WURZEL)!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
from briefe.satz.pdf.weasy import pdf_bytes
from tests.conftest import empfaenger, MEYER, REFERENZ
from briefe.vorlage.vorlage import lade_vorlage
brief = lade_vorlage(REFERENZ, REFERENZ.parent).erzeuge(empfaenger(**MEYER))
for versuch in range(10):  # each try cuts one more of the six font copies short
    try:
        pdf_bytes(brief)
        print("ohne Fehler")
    except OSError as fehler:
        print(fehler.errno)
"""
    ergebnis = subprocess.run([sys.executable, "-c", programm], cwd=WURZEL, capture_output=True, text=True,
                              timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert ergebnis.stdout.split() == [str(errno.EFBIG)] * 10, ergebnis.stderr[-2000:]


def test_ein_brief_nicht_speicherbar_die_anderen_seines_stapels_schon(tmp_path):
    """A worker's batch is written, synced and renamed together: a letter whose file cannot be put
    in place (its name is taken by a folder) fails alone, with none of its files; the other letters
    of the batch are in place, nothing temporary is left."""
    from briefe.lauf.protokoll import Eintrag
    from briefe.lauf.prozesse import _schliesse_ab

    ausgabe = tmp_path / "aus"
    ausgabe.mkdir()
    (ausgabe / "0002-b.pdf").mkdir()
    briefe = []
    for nummer in (1, 2, 3):
        namen = [f"000{nummer}-{'abc'[nummer - 1]}.{art}" for art in ("docx", "pdf")]
        briefe.append((Eintrag(zeile=nummer + 1, nummer=nummer, status="ok", dateien=namen),
                       [(f"{name} Inhalt".encode(), name) for name in namen]))
    griffe = len(os.listdir("/proc/self/fd"))
    fertig, schreibfehler = _schliesse_ab(briefe, ausgabe)
    assert len(os.listdir("/proc/self/fd")) == griffe  # every temporary file closed again
    assert schreibfehler is None
    assert [(e.nummer, e.status) for e in fertig] == [(1, "ok"), (2, "fehler"), (3, "ok")]
    assert "beim Speichern" in fertig[1].fehler and fertig[1].dateien == []
    assert sorted(p.name for p in ausgabe.iterdir()) == [
        "0001-a.docx", "0001-a.pdf", "0002-b.pdf", "0003-c.docx", "0003-c.pdf"]
    assert (ausgabe / "0002-b.pdf").is_dir()  # the letter's docx, written first, is gone again
    assert (ausgabe / "0003-c.pdf").read_bytes() == b"0003-c.pdf Inhalt"
