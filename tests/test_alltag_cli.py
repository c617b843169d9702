"""The CLI in daily use: checks in the list's language, the steps after the last letter (events
and the terminal bar), the password prompt, ``fehler_ok`` for scheduled runs, the examples."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from briefe.cli.haupt import main
from tests.conftest import REFERENZ, VORLAGEN, WURZEL
from tests.test_auftrag import auftrag, laufordner, teilliste

EINLADUNG = VORLAGEN / "bildungskonferenz-einladung.md"
MITGLIEDER = WURZEL / "daten" / "mitglieder.csv"


def im_terminal(argumente: list[str], antworten: list[tuple[str, str]] = (), frist: float = 120,
                cwd: Path = WURZEL) -> tuple[int, str]:
    """``python -m briefe …`` on a pseudo terminal (its controlling terminal, as for a person);
    each (prompt, answer) is typed once the prompt appeared. Returns exit code and output."""
    pid, fd = pty.fork()
    if pid == 0:  # child: a terminal of 24 × 120 characters
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
        os.chdir(cwd)
        os.execv(sys.executable, [sys.executable, "-m", "briefe", *argumente])
    ausgabe, gelesen, offen = b"", 0, list(antworten)
    ende = time.monotonic() + frist
    try:
        while True:
            bereit, _, _ = select.select([fd], [], [], max(ende - time.monotonic(), 0))
            if not bereit:
                text = ausgabe.decode(errors="replace")
                raise AssertionError(f"keine Ausgabe mehr nach {frist} s:\n{text}")
            try:
                stueck = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not stueck:
                break
            ausgabe += stueck
            while offen and offen[0][0].encode() in ausgabe[gelesen:]:
                gelesen = ausgabe.index(offen[0][0].encode(), gelesen) + len(offen[0][0].encode())
                os.write(fd, offen.pop(0)[1].encode() + b"\r")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), ausgabe.decode("utf-8", "replace").replace("\r\n", "\n")


# --- checks in the list's language ---------------------------------------------------------


def test_fehlende_spalte_wird_einmal_gemeldet(tmp_path, capsys):
    liste = tmp_path / "ohne-strasse.csv"
    liste.write_text("Anrede;Name;PLZ;Ort\nFrau;Meyer;58089;Hagen\nHerr;Becker;58095;Hagen\n"
                     "Herr;Anders;;Hagen\n", encoding="utf-8")
    assert main(["pruefen", str(REFERENZ), str(liste)]) == 1
    text = capsys.readouterr().out
    assert text.count("Die Spalte Straße fehlt in der Liste") == 1
    assert "Deshalb erhält keine der 3 ausgewählten Zeilen einen Brief." in text
    assert "Weder Straße noch Postfach" not in text
    # Problems of single rows stay per row; the count says all three rows fail.
    assert re.search(r"Zeile 4 \(Anders\), Spalte „PLZ“: Keine Postleitzahl angegeben\.", text)
    assert "2 Problem(e) in 3 Zeile(n)." in text


def test_hinweis_auf_weitere_spalten_nur_wenn_er_hilft(tmp_path, capsys):
    # The 2011 letter does not use the sample list's Handlungsfeld: the hint names it as a template writes it.
    assert main(["pruefen", str(REFERENZ), str(MITGLIEDER)]) == 1
    text = capsys.readouterr().out
    assert "Hinweis: Weitere Spalten für die Vorlage (diese Vorlage verwendet sie nicht): " \
           "„Handlungsfeld“ als empfaenger.handlungsfeld." in text
    # The invitation uses it: no hint.
    assert main(["pruefen", str(EINLADUNG), str(MITGLIEDER)]) == 1
    assert "Weitere Spalten" not in capsys.readouterr().out
    # Only the unused ones are named.
    liste = tmp_path / "mit-notiz.csv"
    liste.write_text("Name;Straße;PLZ;Ort;Handlungsfeld;Notiz intern\nMeyer;Weg 1;58089;Hagen;Sprache;x\n",
                     encoding="utf-8")
    assert main(["pruefen", str(EINLADUNG), str(liste)]) == 0
    zeilen = [z for z in capsys.readouterr().out.splitlines() if "Weitere Spalten" in z]
    assert zeilen == ["Hinweis: Weitere Spalten für die Vorlage (diese Vorlage verwendet sie nicht): "
                      "„Notiz intern“ als empfaenger.notiz_intern."]


# --- the steps after the last letter ---------------------------------------------------------


def test_lauf_meldet_sammelschritte_mit_eigenem_fortschritt(tmp_path):
    from briefe.lauf.lauf import fuehre_aus
    from briefe.lauf.optionen import Laufoptionen

    ereignisse = []
    liste = teilliste(tmp_path / "liste.csv", 3, mit_fehler=True)
    protokoll = fuehre_aus(Laufoptionen(vorlage=REFERENZ, daten=liste, ausgabe=tmp_path / "aus",
                                        sammel=True, zip=True, jobs=1), ereignisse.append)
    arten = [e["ereignis"] for e in ereignisse]
    letzter_brief = max(i for i, a in enumerate(arten) if a == "brief")
    schritte = [e for e in ereignisse if e["ereignis"] == "schritt"]
    assert arten.index("schritt") > letzter_brief and arten[-1] == "ende"
    for name, gesamt in (("sammel_pdf", 3), ("sammel_docx", 3), ("zip", 3 * 2 + 4)):
        eigene = [(e["fertig"], e["gesamt"]) for e in schritte if e["schritt"] == name]
        assert eigene == [(i, gesamt) for i in range(gesamt + 1)], name
    namen = [e["schritt"] for e in schritte]
    assert namen.index("sammel_pdf") < namen.index("sammel_docx") < namen.index("zip")
    with pikepdf.open(tmp_path / "aus" / "serienbrief.pdf") as pdf:
        assert len(pdf.pages) >= 3
    assert protokoll.ok == 3 and protokoll.fehler == 1


def test_fortschrittsbalken_zeigt_den_sammelschritt(tmp_path):
    liste = teilliste(tmp_path / "liste.csv", 2)
    code, text = im_terminal(["erstellen", str(REFERENZ), str(liste), "--ausgabe", str(tmp_path / "aus"),
                              "--format", "pdf", "--sammel", "--zip", "--jobs", "1"])
    assert code == 0, text
    assert re.search(r"Briefe: .*2/2", text)
    assert re.search(r"Sammel-PDF wird erstellt: .*2/2", text), text
    assert re.search(r"ZIP wird erstellt: .*5/5", text), text
    assert "2 von 2 Briefen erstellt." in text


# --- set-up ------------------------------------------------------------------------------------


def test_passwort_hash_prueft_die_laenge_schon_bei_der_ersten_eingabe():
    from briefe.dienst.zugang.sicherheit import pruefe_passwort

    code, text = im_terminal(["dienst", "--passwort-hash"], [
        ("Neues Passwort (mindestens 10 Zeichen): ", "kurz"),
        ("Neues Passwort (mindestens 10 Zeichen): ", "korrekt-pferd-batterie"),
        ("Passwort wiederholen: ", "korrekt-pferd-batterie"),
    ], frist=60)
    assert code == 0, text
    assert text.count("Das Passwort ist zu kurz (4 Zeichen, mindestens 10). Bitte ein längeres wählen.") == 1
    # The short one was never asked to be repeated.
    assert text.index("Passwort wiederholen") > text.index("zu kurz")
    assert text.count("Passwort wiederholen") == 1
    hash_ = re.search(r'passwort = "([^"]+)"', text).group(1)
    assert pruefe_passwort("korrekt-pferd-batterie", hash_) and not pruefe_passwort("kurz", hash_)


def test_readme_schnellstart_erklaert_den_rueckgabewert_1():
    readme = (WURZEL / "README.md").read_text(encoding="utf-8")
    schnellstart = readme[readme.index("## Schnellstart"):]
    schnellstart = schnellstart[:schnellstart.index("\n## ", 3)]
    erklaerung = r"Rückgabewert 1.*Absicht.*Zeile 40.*keine Postleitzahl"
    assert re.search(erklaerung, schnellstart, re.S), schnellstart


# --- scheduled runs: fehler_ok ------------------------------------------------------------------


@pytest.mark.parametrize(("fehler_ok", "erwartet"), [(None, 1), (True, 0)])
def test_fehler_ok_laesst_den_timer_bei_einzelnen_zeilenfehlern_gruen(tmp_path, capsys, fehler_ok, erwartet):
    teilliste(tmp_path / "liste.csv", 1, mit_fehler=True)
    datei = auftrag(tmp_path, fehler_ok=fehler_ok)
    assert main(["lauf", str(datei)]) == erwartet
    assert "1 von 2 Briefen erstellt, 1 mit Fehler." in capsys.readouterr().out
    assert (laufordner(tmp_path) / "protokoll.json").is_file()
    # The rerun of that day (nothing to do) gives the same code.
    assert main(["lauf", str(datei)]) == erwartet


def test_fehler_ok_hilft_nicht_wenn_kein_brief_entstand(tmp_path, capsys):
    (tmp_path / "liste.csv").write_text("Name;Straße;PLZ;Ort\nMeyer;Weg 1;;Hagen\n", encoding="utf-8")
    assert main(["lauf", str(auftrag(tmp_path, fehler_ok=True))]) == 1
    assert "0 von 1 Briefen erstellt, 1 mit Fehler." in capsys.readouterr().out


def test_fehler_ok_muss_wahr_oder_falsch_sein(tmp_path, capsys):
    teilliste(tmp_path / "liste.csv", 1)
    assert main(["auftrag", "pruefen", str(auftrag(tmp_path, fehler_ok="ja"))]) == 2
    assert "„fehler_ok“ muss true oder false sein" in capsys.readouterr().err


# --- examples that match ---------------------------------------------------------------------

# Which template each example job file runs, and a text its letter must show. New examples: add here.
BEISPIELE = {
    "bildungskonferenz-einladung": ("bildungskonferenz-einladung",
                                    "Einladung zur Bildungskonferenz am 17. November 2026"),
    "lenkungskreis-monatlich": ("bildungsnetzwerk-2011", "Bildungsnetzwerk Hagen"),
    "beitraege-aus-datenbank": ("beitragsbescheid-datenbank", "Beitragsbescheid 2027, Mitgliedsnummer 1001"),
}


def test_jeder_beispielauftrag_ist_zugeordnet():
    assert sorted(p.stem for p in (WURZEL / "daten" / "auftraege").glob("*.toml")) == sorted(BEISPIELE)


@pytest.mark.parametrize("name", sorted(BEISPIELE))
def test_beispielauftrag_fuehrt_seine_vorlage_aus(name, tmp_path):
    from briefe.lauf.auftrag import lies_auftrag
    from briefe.lauf.vorbereitung import vorbereiten
    from briefe.satz.pdf.weasy import schreibe_pdf

    vorlage_name, text = BEISPIELE[name]
    beispiel = lies_auftrag(WURZEL / "daten" / "auftraege" / f"{name}.toml")
    assert beispiel.optionen.vorlage == VORLAGEN / f"{vorlage_name}.md"
    vorlage, _, ausgewaehlt = vorbereiten(beispiel.laufoptionen())
    assert ausgewaehlt and all(e.wert("gremien") for e in ausgewaehlt)
    pfad = tmp_path / "erster.pdf"
    schreibe_pdf(vorlage.erzeuge(ausgewaehlt[0]), pfad, beispiel.optionen.pdf_variante)
    with pdfplumber.open(pfad) as pdf:
        seite = pdf.pages[0].extract_text()
    assert text in seite
    assert ausgewaehlt[0].wert("nachname") in seite


def test_zeitgesteuerter_beispielauftrag_nutzt_fehler_ok():
    from briefe.lauf.auftrag import lies_auftrag

    assert lies_auftrag(WURZEL / "daten" / "auftraege" / "lenkungskreis-monatlich.toml").fehler_ok
