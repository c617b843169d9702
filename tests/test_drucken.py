"""Printing a run on a real CUPS server (cupsd on loopback, a cups-pdf queue): every letter
printed once with its pages and options, a killed print resumed without doubles, a stopped
printer, unknown printers and trays."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest

from tests.cupshilfe import Druckserver
from tests.test_versand import WURZEL, briefe_cli, schreibe_liste

ANZAHL = 12
VORLAGE = """+++
betreff = "Einladung zur Bildungskonferenz"
absender = "stadt-hagen-lenkungskreis"
datum = 2026-12-07
+++
die Bildungskonferenz tagt im Herbst.
{% if empfaenger.nachname == "Becker" %}

{% for i in range(40) %}Ein langer Absatz für eine zweite Seite, Zeile {{ i }}.

{% endfor %}{% endif %}
"""
NAMEN = ["Meyer", "Becker", "Schäfer", "Koller", "Yilmaz", "Wagner", "Schulz", "Hoffmann", "Koch",
         "Richter", "Klein", "Wolf"]


@pytest.fixture(scope="module")
def server():
    druckserver = Druckserver()
    yield druckserver
    druckserver.beende()


@pytest.fixture(scope="module")
def lauf(tmp_path_factory) -> Path:
    """A finished run of 12 letters (one of two pages) with the combined PDF."""
    from briefe.lauf.lauf import fuehre_aus
    from briefe.lauf.optionen import Laufoptionen

    ordner = tmp_path_factory.mktemp("lauf")
    shutil.copytree(WURZEL / "vorlagen" / "absender", ordner / "absender")
    (ordner / "einladung.md").write_text(VORLAGE, encoding="utf-8")
    zeilen = [("Frau", "", f"Vorname{i}", name, "Stadt Hagen", "") for i, name in enumerate(NAMEN)]
    liste = schreibe_liste(ordner / "mitglieder.csv", zeilen)
    protokoll = fuehre_aus(Laufoptionen(vorlage=ordner / "einladung.md", daten=liste, ausgabe=ordner / "aus",
                                        formate=("pdf",), jobs=1, sammel=True))
    assert protokoll.ok == ANZAHL
    return ordner / "aus"


@pytest.fixture()
def ausgabe(lauf, tmp_path, server) -> Path:
    """A fresh copy of the run, and an empty queue output."""
    for alt in server.gedruckt():
        alt.unlink()
    shutil.copytree(lauf, tmp_path / "aus")
    return tmp_path / "aus"


def drucken(server: Druckserver, ausgabe: Path, *mehr: str):
    return briefe_cli("drucken", ausgabe, "--drucker", server.warteschlange, *mehr,
                      umgebung={"CUPS_SERVER": server.adresse})


def seiten(pdf: Path) -> int:
    with pdfplumber.open(pdf) as dok:
        return len(dok.pages)




def auftraege_in_cups(server: Druckserver) -> dict[int, dict]:
    import cups

    cups.setServer("127.0.0.1")
    cups.setPort(server.port)
    return cups.Connection().getJobs(which_jobs="all", my_jobs=True,
                                     requested_attributes=["job-id", "job-name", "job-state"])


def protokoll_briefe(ausgabe: Path) -> list[dict]:
    return json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))["briefe"]


def test_jeder_brief_ein_auftrag_beidseitig_und_nur_einmal(server, ausgabe):
    ergebnis = drucken(server, ausgabe, "--duplex", "--kopien", "2")
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    assert f"{ANZAHL} von {ANZAHL} Briefen gedruckt auf „{server.warteschlange}“" in ergebnis.stdout
    gedruckt = server.gedruckt()
    assert len(gedruckt) == ANZAHL
    druck = json.loads((ausgabe / "druck.json").read_text(encoding="utf-8"))
    nach_auftrag = {b["auftrag"]: b for b in druck["briefe"]}
    assert len(nach_auftrag) == ANZAHL
    for pdf in gedruckt:
        auftrag = int(pdf.stem.rsplit("job_", 1)[1])
        brief = ausgabe / nach_auftrag[auftrag]["datei"]
        assert seiten(pdf) == seiten(brief)  # the printer got the letter with all its pages
        # cups-pdf rewrites the PDF through PostScript (text no longer extractable): the job's
        # name and its pages show it is that letter; only Becker's letter has two pages
        assert pdf.name.startswith(brief.name)
        assert (seiten(pdf) == 2) == ("becker" in brief.name)
    assert sorted(seiten(p) for p in gedruckt) == [1] * (ANZAHL - 1) + [2]
    log = server.seiten_eintraege()
    for auftrag in nach_auftrag:
        zeile = next(z for z in log if z.split()[2] == str(auftrag))
        assert zeile.endswith("two-sided-long-edge")  # CUPS's page log records the duplex option
    for brief in protokoll_briefe(ausgabe):
        assert brief["druckstatus"] == "gedruckt"
        assert brief["drucker"] == server.warteschlange and brief["druckauftrag"].isdigit()
        assert brief["druckzeit"].startswith("20")
    assert "druckstatus;drucker;druckauftrag;druckzeit" in (ausgabe / "protokoll.csv").read_text("utf-8-sig")
    assert druck["optionen"] == {"copies": "2", "sides": "two-sided-long-edge"}

    nochmal = drucken(server, ausgabe, "--duplex")
    assert nochmal.returncode == 0
    assert f"({ANZAHL} schon früher)" in nochmal.stdout
    assert len(server.gedruckt()) == ANZAHL  # nothing twice


def test_abgebrochener_druck_druckt_nichts_doppelt(server, ausgabe):
    vorher = set(auftraege_in_cups(server))
    umgebung = {**os.environ, "CUPS_SERVER": server.adresse,
                "PYTHONPATH": str(WURZEL) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    prozess = subprocess.Popen([sys.executable, "-m", "briefe", "drucken", str(ausgabe), "--drucker",
                                server.warteschlange], env=umgebung, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    journal = ausgabe / ".briefe-druck.jsonl"
    ende = time.monotonic() + 60
    while time.monotonic() < ende:
        if journal.exists() and '"zustand": "gedruckt"' in journal.read_text(encoding="utf-8"):
            break
        time.sleep(0.01)
    assert prozess.poll() is None, "der Druck war schon fertig, bevor er abgebrochen werden konnte"
    prozess.send_signal(signal.SIGKILL)
    prozess.wait(10)
    assert len(server.gedruckt()) < ANZAHL

    weiter = drucken(server, ausgabe)
    assert weiter.returncode == 0, weiter.stderr
    gedruckt = server.gedruckt()
    assert len(gedruckt) == ANZAHL
    # completed jobs only: one killed during its upload was cancelled, it never printed
    namen = [w.get("job-name", "") for n, w in auftraege_in_cups(server).items()
             if n not in vorher and w.get("job-state") == 9]
    for brief in protokoll_briefe(ausgabe):
        datei = brief["dateien"][0]
        assert sum(n.startswith(datei + " [briefe ") for n in namen) == 1, datei


def test_absturz_zwischen_journal_und_uebergabe(server, ausgabe):
    """Killed after CUPS took the job but before its number was noted: found by its name."""
    import cups

    from briefe.versand.drucken import DRUCKJOURNAL, plane_druck

    vorher = set(auftraege_in_cups(server))
    _, stuecke, _ = plane_druck(ausgabe)
    erstes = stuecke[0]
    cups.setServer("127.0.0.1")
    cups.setPort(server.port)
    name = erstes.neuer_auftragsname()
    (ausgabe / DRUCKJOURNAL).write_text(json.dumps({
        "nummer": erstes.nummer, "zeile": erstes.zeilen[0], "zustand": "wird gedruckt",
        "schluessel": erstes.schluessel, "auftragsname": name}) + "\n", encoding="utf-8")
    cups.Connection().printFile(server.warteschlange, str(erstes.pfad), name, {})
    ergebnis = drucken(server, ausgabe)
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert len(server.gedruckt()) == ANZAHL
    namen = [w.get("job-name", "") for n, w in auftraege_in_cups(server).items() if n not in vorher]
    assert namen.count(name) == 1
    assert sum(n.startswith(erstes.datei + " [briefe ") for n in namen) == 1


def test_abgebrochene_uebergabe_wird_geloescht_und_neu_gedruckt(server, ausgabe):
    """Killed while sending the file: CUPS has a job without its document, which can never print;
    the next call cancels it and prints the letter once."""
    import cups

    from briefe.versand.drucken import DRUCKJOURNAL, plane_druck

    _, stuecke, _ = plane_druck(ausgabe)
    erstes = stuecke[0]
    name = erstes.neuer_auftragsname()
    (ausgabe / DRUCKJOURNAL).write_text(json.dumps({
        "nummer": erstes.nummer, "zeile": erstes.zeilen[0], "zustand": "wird gedruckt",
        "schluessel": erstes.schluessel, "auftragsname": name}) + "\n", encoding="utf-8")
    cups.setServer("127.0.0.1")
    cups.setPort(server.port)
    halb = cups.Connection().createJob(server.warteschlange, name, {})  # no document follows
    ergebnis = drucken(server, ausgabe)
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    assert auftraege_in_cups(server)[halb]["job-state"] == 7  # cancelled
    gedruckt = server.gedruckt()
    assert len(gedruckt) == ANZAHL
    assert sum(p.name.startswith(erstes.datei) for p in gedruckt) == 1


def test_sammel_pdf_als_ein_auftrag(server, ausgabe):
    ergebnis = drucken(server, ausgabe, "--sammel", "--einseitig")
    assert ergebnis.returncode == 0, ergebnis.stderr
    [pdf] = server.gedruckt()
    assert seiten(pdf) == seiten(ausgabe / "serienbrief.pdf") == ANZAHL + 1
    assert all(b["druckstatus"] == "gedruckt" for b in protokoll_briefe(ausgabe))
    einzeln = drucken(server, ausgabe)  # one by one after the combined PDF: nothing twice
    assert einzeln.returncode == 0 and f"({ANZAHL} schon früher)" in einzeln.stdout
    assert len(server.gedruckt()) == 1


def test_sammel_nach_einzelnen_briefen_abgelehnt(server, ausgabe):
    from briefe.versand.drucken import DRUCKJOURNAL, plane_druck

    _, stuecke, _ = plane_druck(ausgabe)
    (ausgabe / DRUCKJOURNAL).write_text(json.dumps({
        "nummer": stuecke[0].nummer, "zeile": stuecke[0].zeilen[0], "zustand": "gedruckt",
        "schluessel": stuecke[0].schluessel, "auftrag": 1}) + "\n", encoding="utf-8")
    ergebnis = drucken(server, ausgabe, "--sammel")
    assert ergebnis.returncode == 2
    assert "1 Brief(e) dieses Laufs sind schon einzeln gedruckt" in ergebnis.stderr
    assert server.gedruckt() == []


def test_angehaltener_drucker(server, ausgabe):
    server.lp("cupsdisable", server.warteschlange)
    try:
        ergebnis = drucken(server, ausgabe)
    finally:
        server.lp("cupsenable", server.warteschlange)
    assert ergebnis.returncode == 1
    assert f"Der Drucker „{server.warteschlange}“ ist angehalten" in ergebnis.stderr
    assert "es wurde nichts gedruckt" in ergebnis.stderr
    assert server.gedruckt() == []
    assert drucken(server, ausgabe).returncode == 0
    assert len(server.gedruckt()) == ANZAHL


def test_start_nicht_moeglich(server, ausgabe, tmp_path):
    ergebnis = briefe_cli("drucken", ausgabe, "--drucker", "gibtsnicht",
                          umgebung={"CUPS_SERVER": server.adresse})
    assert ergebnis.returncode == 2
    assert "Den Drucker „gibtsnicht“ kennt der Druckserver nicht" in ergebnis.stderr
    assert server.warteschlange in ergebnis.stderr  # the printers CUPS has
    fach = drucken(server, ausgabe, "--fach", "tray-9")
    assert fach.returncode == 2 and "hat kein Fach „tray-9“" in fach.stderr
    kein_lauf = drucken(server, tmp_path)
    assert kein_lauf.returncode == 2 and "kein lesbares protokoll.json" in kein_lauf.stderr
    weg = briefe_cli("drucken", ausgabe, "--druckserver", "127.0.0.1:9")
    assert weg.returncode == 2 and "ist nicht erreichbar" in weg.stderr
    for ausgabe_text in (ergebnis.stderr, fach.stderr, weg.stderr):
        assert "Traceback" not in ausgabe_text and "IPP" not in ausgabe_text.split("(IPP-Status")[0]
    assert server.gedruckt() == []


def test_druckerliste(server):
    ergebnis = briefe_cli("drucker", umgebung={"CUPS_SERVER": server.adresse})
    assert ergebnis.returncode == 0
    assert f"{server.warteschlange}: bereit" in ergebnis.stdout
    assert "nur einseitig" in ergebnis.stdout and "Fächer: keine wählbaren" in ergebnis.stdout


def test_auftrag_mit_drucken(server, lauf, tmp_path):
    ordner = lauf.parent
    auftrag = tmp_path / "einladung.toml"
    auftrag.write_text(f'vorlage = "{ordner / "einladung.md"}"\ndaten = "{ordner / "mitglieder.csv"}"\n'
                       f'ausgabe = "{tmp_path / "laeufe" / "einladung-{{datum}}"}"\nformate = ["pdf"]\n'
                       'umschlag = "DL"\netiketten = "Herma 4677"\n'
                       f'[drucken]\ndrucker = "{server.warteschlange}"\nduplex = true\n'
                       f'server = "{server.adresse}"\n',
                       encoding="utf-8")
    for alt in server.gedruckt():
        alt.unlink()
    pruefen = briefe_cli("auftrag", "pruefen", auftrag)
    assert pruefen.returncode == 0, pruefen.stderr
    assert (f"Drucken: auf „{server.warteschlange}“ (Druckserver {server.adresse}), beidseitig"
            in pruefen.stdout)
    ergebnis = briefe_cli("lauf", auftrag)
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    assert f"{ANZAHL} von {ANZAHL} Briefen gedruckt" in ergebnis.stdout
    assert len(server.gedruckt()) == ANZAHL
    (laufordner,) = (tmp_path / "laeufe").glob("einladung-*")
    with pdfplumber.open(laufordner / "umschlaege.pdf") as umschlaege:  # one DL envelope per letter
        assert len(umschlaege.pages) == ANZAHL
        assert round(umschlaege.pages[0].width * 25.4 / 72) == 220
        assert "Vorname0 Meyer" in umschlaege.pages[0].extract_text()
    with pdfplumber.open(laufordner / "etiketten.pdf") as etiketten:  # 12 labels: one sheet of 21
        assert len(etiketten.pages) == 1
        assert all(n in etiketten.pages[0].extract_text() for n in NAMEN)
    assert briefe_cli("lauf", auftrag).returncode == 0  # the finished job prints nothing again
    assert len(server.gedruckt()) == ANZAHL

    auftrag.write_text(auftrag.read_text(encoding="utf-8").replace("duplex = true", 'duplex = "ja"'),
                       encoding="utf-8")
    falsch = briefe_cli("auftrag", "pruefen", auftrag)
    assert falsch.returncode == 2
    assert "[drucken] „duplex“ muss true oder false sein." in falsch.stderr
    auftrag.write_text(auftrag.read_text(encoding="utf-8").replace('"DL"', '"B4"'), encoding="utf-8")
    falsch = briefe_cli("auftrag", "pruefen", auftrag)
    assert falsch.returncode == 2 and "„umschlag“: Unbekanntes Umschlagformat „B4“" in falsch.stderr


def test_nur_post_nach_dem_versand(server, tmp_path):
    """After ``briefe versenden``: ``--nur-post`` prints exactly the letters without an address."""
    from briefe.lauf.lauf import fuehre_aus
    from briefe.lauf.optionen import Laufoptionen
    from tests.smtp_hilfe import Server
    from tests.test_versand import BUERO, ZEILEN
    from tests.test_versand import VORLAGE as EINLADUNG

    for alt in server.gedruckt():
        alt.unlink()
    shutil.copytree(WURZEL / "vorlagen" / "absender", tmp_path / "absender")
    (tmp_path / "einladung.md").write_text(EINLADUNG, encoding="utf-8")
    liste = schreibe_liste(tmp_path / "mitglieder.csv")  # 5 rows, 2 without a valid address
    fuehre_aus(Laufoptionen(vorlage=tmp_path / "einladung.md", daten=liste, ausgabe=tmp_path / "aus",
                            formate=("pdf",), jobs=1))
    ohne_versand = drucken(server, tmp_path / "aus", "--nur-post")
    assert ohne_versand.returncode == 2 and "nicht versendet" in ohne_versand.stderr
    with Server() as smtp:
        versand = briefe_cli("versenden", tmp_path / "aus", "--smtp-host", "127.0.0.1", "--smtp-port",
                             str(smtp.port), "--tls", "keine", "--absender", BUERO)
    assert versand.returncode == 0, versand.stdout + versand.stderr
    ergebnis = drucken(server, tmp_path / "aus", "--nur-post")
    assert ergebnis.returncode == 0, ergebnis.stdout + ergebnis.stderr
    assert "2 von 2 Briefen gedruckt" in ergebnis.stdout
    namen = sorted(p.name.split("-")[1] for p in server.gedruckt())
    post = sorted(z[3].lower().replace("ä", "ae") for z in ZEILEN if "@" not in z[5])
    assert namen == post == ["schaefer", "yilmaz"]
