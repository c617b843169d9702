"""Distributed runs: a real redis-server, real ``briefe arbeiter`` processes, the real CLI.

A distributed run equals a local run; a worker or the coordinator killed mid-run loses no
letter and makes none twice; a broker that is down stops the start (exit code 2); a run whose
workers vanished ends at its time limit with what was made.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from briefe.dateien import sha256
from tests.conftest import REFERENZ, VORLAGEN, WURZEL
from tests.pdfhilfe import MM, seiten_text

pytest.importorskip("celery")
REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server fehlt (.ci/debian-pakete)")

# 20 rows of the sample list and its row without postcode (row 22 here)
_ZEILEN = (WURZEL / "daten" / "mitglieder.csv").read_text(encoding="utf-8").splitlines()
LISTE_TEXT = "\n".join(_ZEILEN[:21] + _ZEILEN[-1:]) + "\n"
ERGEBNIS = "20 von 21 Briefen erstellt, 1 mit Fehler."


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _warte(bedingung, sekunden: float, was: str):
    ende = time.monotonic() + sekunden
    while time.monotonic() < ende:
        wert = bedingung()
        if wert:
            return wert
        time.sleep(0.05)
    pytest.fail(f"Zeitüberschreitung: {was}")


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """A redis-server on a free loopback port, without persistence; its URL (database 0)."""
    port = _freier_port()
    ordner = tmp_path_factory.mktemp("redis")
    prozess = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(ordner)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def bereit():
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    _warte(bereit, 10, "redis-server startet")
    yield f"redis://127.0.0.1:{port}"
    prozess.terminate()
    prozess.wait(10)


class Arbeiter:
    """A ``briefe arbeiter`` process in its own process group, its JSON log in a file."""

    def __init__(self, url: str, log: Path, parallel: int = 1, uebernahme: float = 3) -> None:
        self.log = log
        self.datei = open(log, "wb")  # noqa: SIM115
        self.prozess = subprocess.Popen(
            [sys.executable, "-m", "briefe", "arbeiter", "--broker", url, "--parallel", str(parallel),
             "--uebernahme", str(uebernahme), "--ablage", str(log.parent / f"{log.stem}-ablage")],
            cwd=WURZEL, stdout=self.datei, stderr=subprocess.STDOUT, start_new_session=True)
        _warte(lambda: any(z.get("ereignis") == "bereit" for z in self.zeilen()), 60, "Arbeiter bereit")

    def zeilen(self) -> list[dict]:
        zeilen = []
        for zeile in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                zeilen.append(json.loads(zeile))
        return zeilen

    def ereignisse(self, name: str) -> list[dict]:
        return [z for z in self.zeilen() if z.get("ereignis") == name]

    def empfangen(self) -> int:
        return sum(1 for z in self.zeilen() if z.get("meldung", "").endswith("received"))

    def toete(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.prozess.pid, signal.SIGKILL)
        self.prozess.wait(10)

    def beende(self) -> int:
        """SIGTERM; returns the exit code."""
        self.prozess.send_signal(signal.SIGTERM)
        try:
            return self.prozess.wait(30)
        finally:
            self.toete()
            self.datei.close()


@pytest.fixture(scope="module")
def arbeiter_paar(broker, tmp_path_factory):
    """Two workers on database 0: a solo one and one with two prefork processes."""
    ordner = tmp_path_factory.mktemp("arbeiter")
    paar = [Arbeiter(f"{broker}/0", ordner / "a.log"), Arbeiter(f"{broker}/0", ordner / "b.log", 2)]
    yield paar
    for a in paar:
        with contextlib.suppress(Exception):
            a.toete()


def erstellen(ausgabe: Path, *extra: str, vorlage: Path = REFERENZ, warten: bool = True, **kwargs):
    daten = ausgabe.parent / "liste.csv"
    if not daten.exists():
        daten.write_text(LISTE_TEXT, encoding="utf-8")
    befehl = [sys.executable, "-m", "briefe", "erstellen", str(vorlage), str(daten), "--ausgabe",
              str(ausgabe), *extra]
    if not warten:
        return subprocess.Popen(befehl, cwd=WURZEL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True, **kwargs)
    return subprocess.run(befehl, cwd=WURZEL, capture_output=True, text=True, timeout=240, **kwargs)


def protokoll(ausgabe: Path) -> dict:
    return json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))


def journal(ausgabe: Path) -> list[dict]:
    """The journal's letter entries (its first line records the run's inputs)."""
    zeilen = [json.loads(z) for z in (ausgabe / ".briefe-journal.jsonl").read_text("utf-8").splitlines()]
    return [z for z in zeilen if "eingaben" not in z]


def pruefe_genau_einmal(ausgabe: Path, erwartet_ok: int) -> dict:
    """Every letter once: protocol, journal and files agree, checksums hold, no leftovers."""
    p = protokoll(ausgabe)
    nummern = [e["nummer"] for e in p["briefe"]]
    assert nummern == sorted(set(nummern)) and len(nummern) == p["ausgewaehlt"]
    assert p["ok"] == erwartet_ok
    dateien = [d for e in p["briefe"] for d in e["dateien"]]
    assert len(dateien) == len(set(dateien))
    briefe = {f.name for f in ausgabe.iterdir() if f.name[:4].isdigit()}
    assert briefe == set(dateien)
    for e in p["briefe"]:
        for d in e["dateien"]:
            assert sha256(ausgabe / d) == e["sha256"][d], d
    ok_im_journal = [e["nummer"] for e in journal(ausgabe) if e["status"] == "ok"]
    assert sorted(ok_im_journal) == sorted(set(ok_im_journal)), "ein Brief doppelt im Journal"
    assert not [str(t) for t in ausgabe.rglob("*.tmp")], "temporäre Dateien übrig"
    assert not (ausgabe / ".briefe-verteilt").exists()
    return p


def _pdf_seiten(pfad: Path) -> list[dict]:
    """Per page: every glyph (text, font, size, x/top in 0.01 mm), every line and image box."""
    def mm(wert: float) -> float:
        return round(wert * MM, 2)

    with pdfplumber.open(pfad) as pdf:
        return [{
            "zeichen": [(z["text"], z["fontname"].split("+")[-1], round(z["size"], 2), mm(z["x0"]),
                         mm(z["top"])) for z in seite.chars],
            "linien": sorted((mm(o["x0"]), mm(o["top"]), mm(o["x1"]), mm(o["bottom"]))
                             for o in seite.lines + seite.rects),
            "bilder": [(mm(b["x0"]), mm(b["top"]), mm(b["x1"]), mm(b["bottom"])) for b in seite.images],
        } for seite in pdf.pages]


def _docx_inhalt(pfad: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pfad) as archiv:
        return {name: archiv.read(name) for name in archiv.namelist()}


# --- the tests ------------------------------------------------------------------------------


def test_broker_nicht_erreichbar(tmp_path):
    ausgabe = tmp_path / "aus"
    lauf = erstellen(ausgabe, "--verteilt", f"redis://127.0.0.1:{_freier_port()}/0")
    assert lauf.returncode == 2
    assert "Der Broker redis://127.0.0.1:" in lauf.stderr and "nicht erreichbar" in lauf.stderr
    assert "Traceback" not in lauf.stderr and not ausgabe.exists()


def test_verteilt_gleich_lokal(tmp_path, broker, arbeiter_paar):
    # the template outside the checkout: workers check their copy by checksum
    vorlagen = tmp_path / "vorlagen"
    shutil.copytree(VORLAGEN, vorlagen)
    vorlage = vorlagen / REFERENZ.name
    lokal, verteilt = tmp_path / "lokal", tmp_path / "verteilt"
    umgebung = dict(os.environ, BRIEFE_VORLAGEN=str(vorlagen))
    a = erstellen(lokal, "--jobs", "1", "--sammel", "--zip", vorlage=vorlage, env=umgebung)
    v = erstellen(verteilt, "--verteilt", f"{broker}/0", "--stapel", "4", "--sammel", "--zip",
                  vorlage=vorlage, env=umgebung)
    assert (a.returncode, v.returncode) == (1, 1), v.stderr  # row 22 has no postcode
    assert a.stdout.splitlines()[:2] == v.stdout.splitlines()[:2]
    assert ERGEBNIS in v.stdout and "Zeile 22" in v.stdout
    pl, pv = protokoll(lokal), pruefe_genau_einmal(verteilt, 20)
    felder = ("zeile", "nummer", "status", "dateien", "hinweise", "fehler", "probleme")
    assert [{k: e[k] for k in felder} for e in pl["briefe"]] == \
           [{k: e[k] for k in felder} for e in pv["briefe"]]
    assert pv["sammeldateien"] == pl["sammeldateien"] == ["serienbrief.pdf", "serienbrief.docx",
                                                          "serienbrief.zip"]
    for e in pl["briefe"]:
        for name in e["dateien"]:
            if name.endswith(".pdf"):  # PDFs: the same bytes, or (where one run took the
                # renderer's fast path and the other not) the same glyphs, lines and images
                if (verteilt / name).read_bytes() != (lokal / name).read_bytes():
                    assert _pdf_seiten(verteilt / name) == _pdf_seiten(lokal / name), name
            else:  # DOCX: every part byte for byte (the ZIP entry times are the writing time)
                assert _docx_inhalt(verteilt / name) == _docx_inhalt(lokal / name), name
    with pikepdf.open(verteilt / "serienbrief.pdf") as a, pikepdf.open(lokal / "serienbrief.pdf") as b:
        assert len(a.pages) == len(b.pages) >= 20
    assert seiten_text(verteilt / "serienbrief.pdf")[:3] == seiten_text(lokal / "serienbrief.pdf")[:3]
    assert "Sehr geehrter Herr Goldbach," in seiten_text(verteilt / "0002-goldbach-thomas.pdf")[0]
    # both workers took chunks; their logs are JSON and free of names
    for arbeiter in arbeiter_paar:
        assert arbeiter.ereignisse("stapel"), arbeiter.log.read_text()
        text = arbeiter.log.read_text(encoding="utf-8")
        assert "Goldbach" not in text and "goldbach" not in text


def test_arbeiter_stirbt_mitten_im_stapel(tmp_path, broker):
    """One of two workers SIGKILLed while it holds a chunk: its chunk goes to the other worker
    after the take-over time; every letter exactly once, nothing half written."""
    url = f"{broker}/1"
    a, b = Arbeiter(url, tmp_path / "a.log"), Arbeiter(url, tmp_path / "b.log")
    try:
        ausgabe = tmp_path / "aus"
        # PDF/A: every letter a full render (a chunk takes seconds, not the fast path's tenths),
        # so the kill below lands inside a chunk however fast the machine is
        lauf = erstellen(ausgabe, "--verteilt", url, "--stapel", "6", "--format", "pdf", "--pdf", "archiv",
                         "--zeitlimit", "60", warten=False)
        # kill a in its second chunk, after it has made at least one letter of it
        _warte(lambda: a.empfangen() >= 2 and len(a.ereignisse("stapel")) >= 1, 120, "a arbeitet")
        time.sleep(0.3)
        a.toete()
        ausgabe_text, fehler = lauf.communicate(timeout=180)
        assert lauf.returncode == 1, fehler
        assert ERGEBNIS in ausgabe_text
        pruefe_genau_einmal(ausgabe, 20)
        assert a.empfangen() > len(a.ereignisse("stapel")), "a ist nicht mitten im Stapel gestorben"
        # a's last chunk was done again by b, to the end
        assert sum(z["briefe"] for z in a.ereignisse("stapel") + b.ereignisse("stapel")) >= 21
        # warm shutdown: b ends cleanly on SIGTERM
        assert b.beende() == 0
        assert b.ereignisse("ende")
    finally:
        a.toete()
        b.toete()


def test_koordinator_stirbt_und_wird_fortgesetzt(tmp_path, broker, arbeiter_paar):
    ausgabe = tmp_path / "aus"
    url = f"{broker}/0"
    lauf = erstellen(ausgabe, "--verteilt", url, "--stapel", "3", "--format", "pdf,docx", warten=False)
    _warte(lambda: (ausgabe / ".briefe-journal.jsonl").is_file() and len(journal(ausgabe)) >= 6,
           120, "erste Briefe im Journal")
    os.killpg(lauf.pid, signal.SIGKILL)
    lauf.wait(10)
    assert not (ausgabe / "protokoll.json").exists()
    vorher = len([e for e in journal(ausgabe) if e["status"] == "ok"])
    assert vorher >= 6
    weiter = erstellen(ausgabe, "--verteilt", url, "--stapel", "3", "--format", "pdf,docx",
                       "--fortsetzen")
    assert weiter.returncode == 1, weiter.stderr
    assert ERGEBNIS in weiter.stdout
    assert "aus früherem Lauf übernommen" in weiter.stdout
    p = pruefe_genau_einmal(ausgabe, 20)
    assert p["fortgesetzt"] >= vorher
    assert "Sehr geehrte Frau Dr. Meyer," in seiten_text(ausgabe / "0005-meyer-maria.pdf")[0]


def test_arbeiter_verschwinden_zeitlimit(tmp_path, broker):
    """The only worker dies and nobody takes its chunks: the run ends at the time limit with
    the letters made so far in the protocol and a clear message; exit code 1."""
    url = f"{broker}/2"
    a = Arbeiter(url, tmp_path / "a.log", uebernahme=3600)
    try:
        ausgabe = tmp_path / "aus"
        lauf = erstellen(ausgabe, "--verteilt", url, "--stapel", "3", "--format", "pdf",
                         "--zeitlimit", "20", warten=False)
        _warte(lambda: len(a.ereignisse("stapel")) >= 2, 120, "a arbeitet")
        a.toete()
        beginn = time.monotonic()
        ausgabe_text, fehler = lauf.communicate(timeout=120)
        assert time.monotonic() - beginn < 90
        assert lauf.returncode == 1, fehler
        p = protokoll(ausgabe)
        ok = [e for e in p["briefe"] if e["status"] == "ok"]
        zeitlimit = [e for e in p["briefe"] if "Zeitlimit" in e["fehler"]]
        assert len(ok) >= 4 and zeitlimit and len(p["briefe"]) == 21
        assert "Kein Arbeiter hat in 20 Sekunden einen Brief erstellt" in ausgabe_text
        for e in ok:
            assert sha256(ausgabe / e["dateien"][0]) == e["sha256"][e["dateien"][0]]
        assert not list(ausgabe.rglob("*.tmp"))
    finally:
        a.toete()


def test_vorlage_reist_mit_dem_stapel_und_eine_andere_wird_abgelehnt(tmp_path):
    """A worker without the template renders it from the bundle in the task; a bundle whose
    files do not give its checksum, or another briefe version, is refused."""
    import copy

    from briefe import __version__
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import vorbereiten
    from briefe.verteilt import marken
    from briefe.verteilt import stapel as st
    from briefe.verteilt.arbeiter import bearbeite_stapel

    vorlagen = tmp_path / "vorlagen"
    shutil.copytree(VORLAGEN, vorlagen)
    (tmp_path / "liste.csv").write_text(LISTE_TEXT, encoding="utf-8")
    ausgabe = tmp_path / "aus"
    marken.ordner(ausgabe).mkdir(parents=True)
    (marken.ordner(ausgabe) / marken.LAUF).write_text("lauf-1", encoding="ascii")
    optionen = Laufoptionen(vorlage=vorlagen / REFERENZ.name, daten=tmp_path / "liste.csv",
                            ausgabe=ausgabe, formate=("pdf",))
    vorlage, _, ausgewaehlt = vorbereiten(optionen)
    buendel = st.packe_vorlage(vorlage, None)
    shutil.rmtree(vorlagen)  # this "worker" has no copy of the template
    stapel = {"version": __version__, "lauf": "lauf-1", "optionen": st.optionen_als_dict(optionen),
              "vorlage": buendel, "datum": vorlage.datum().isoformat(),
              "zeilen": [st.empfaenger_als_dict(2, ausgewaehlt[1])]}
    ergebnis = bearbeite_stapel(stapel, tmp_path / "ablage")
    (eintrag,) = ergebnis["eintraege"]
    assert eintrag["status"] == "ok" and eintrag["dateien"] == ["0002-goldbach-thomas.pdf"]
    pdf = ausgabe / "0002-goldbach-thomas.pdf"
    assert "Sehr geehrter Herr Goldbach," in seiten_text(pdf)[0]
    assert "43, 25.08.2011" in seiten_text(pdf)[0]
    assert _pdf_seiten(pdf)[0]["bilder"], "das Logo aus dem Paket fehlt"
    # the same chunk again: the letter is complete and verified, nothing is rewritten
    vorher = pdf.stat().st_mtime_ns
    assert bearbeite_stapel(stapel, tmp_path / "ablage")["eintraege"] == [eintrag]
    assert pdf.stat().st_mtime_ns == vorher

    falsch = copy.deepcopy(buendel)  # another template text under the same checksum
    name = next(n for n in falsch["dateien"] if n.endswith(".md"))
    text = base64.b64decode(falsch["dateien"][name]).replace(b"Bildungsnetzwerk", b"Bildungsnetz")
    falsch["dateien"][name] = base64.b64encode(text).decode()
    ergebnis = bearbeite_stapel(dict(stapel, vorlage=falsch), tmp_path / "andere-ablage")
    assert "andere Prüfsumme" in ergebnis["abgelehnt"] and "eintraege" not in ergebnis
    ergebnis = bearbeite_stapel(dict(stapel, version="0.0.1"), tmp_path / "ablage")
    assert f"briefe {__version__}" in ergebnis["abgelehnt"] and "0.0.1" in ergebnis["abgelehnt"]
    # a chunk of a run that no longer owns the folder is skipped
    assert bearbeite_stapel(dict(stapel, lauf="alt"), tmp_path / "ablage") == {"veraltet": True}


def test_auftrag_und_dienst_kennen_verteilt(tmp_path, capsys):
    """``verteilt``/``zeitlimit`` in a job file and ``verteilt`` in the service configuration;
    a job whose broker is down stops at the start with exit code 2 and touches no folder."""
    from briefe.cli.haupt import main
    from briefe.dienst.konfiguration import lade_konfiguration
    from briefe.lauf.auftrag import lies_auftrag

    (tmp_path / "liste.csv").write_text(LISTE_TEXT, encoding="utf-8")
    url = f"redis://127.0.0.1:{_freier_port()}/0"
    datei = tmp_path / "auftrag.toml"
    datei.write_text(f'vorlage = "{REFERENZ}"\ndaten = "liste.csv"\nausgabe = "aus/lauf-{{datum}}"\n'
                     f'verteilt = "{url}"\nzeitlimit = 600\n', encoding="utf-8")
    auftrag = lies_auftrag(datei)
    assert (auftrag.verteilt, auftrag.zeitlimit) == (url, 600)
    assert main(["lauf", str(datei)]) == 2
    assert "nicht erreichbar" in capsys.readouterr().err
    assert not (tmp_path / "aus").exists()

    konfiguration = tmp_path / "dienst.toml"
    konfiguration.write_text(f'[dienst]\nverteilt = "{url}"\n', encoding="utf-8")
    assert lade_konfiguration(konfiguration, umgebung={}).verteilt == url
