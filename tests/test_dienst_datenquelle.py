"""The service's data sources (``[[datenquelle]]``): a clerk chooses a database the
administrator set up instead of uploading a file; the check step shows its columns and
problems, the run makes the letters from exactly the rows checked. Real PostgreSQL server,
real service process."""

from __future__ import annotations

import json
import sqlite3

import pytest

from briefe.dienst.konfiguration import KonfigurationsFehler, lade_konfiguration
from tests.postgres_hilfe import LESER, LESER_PASSWORT, OHNE_POSTGRES, verein
from tests.test_dienst_api import BENUTZER, PASSWORT, Dienst, _csrf, pdf_text, warte_bis

ABFRAGE = ("SELECT mitgliedsnr, anrede, vorname, name, strasse, plz, ort, beitrag, faellig "
           "FROM mitglieder WHERE austritt IS NULL ORDER BY mitgliedsnr")


@pytest.fixture(scope="module")
def pg():
    with verein() as server:
        server.ausfuehren(
            "CREATE TABLE mitglieder (mitgliedsnr int, anrede text, vorname text, name text, "
            "strasse text, plz text, ort text, beitrag numeric(8,2), faellig date, austritt date); "
            "INSERT INTO mitglieder VALUES "
            "(1001, 'Frau', 'Jürgen', 'Groß', 'Am Campus 3', '58097', 'Hagen', 7.50, '2027-03-31', NULL),"
            "(1002, 'Herr', 'Paul', 'Ohnepost', 'Weg 1', NULL, 'Hagen', 60, '2027-03-31', NULL),"
            "(1003, 'Frau', 'Eva', 'Weg', 'Weg 2', '58089', 'Hagen', 60, '2027-03-31', '2020-01-01');"
            f"GRANT SELECT ON mitglieder TO {LESER}")
        yield server


def _anmelden(c) -> str:
    antwort = c.post("/anmelden", data={"benutzer": BENUTZER, "passwort": PASSWORT,
                                        "csrf": _csrf(c.get("/anmelden").text)})
    assert antwort.status_code == 303
    return _csrf(c.get("/").text)


@OHNE_POSTGRES
def test_datenquelle_statt_upload(pg, tmp_path):
    passwort = tmp_path / "db-passwort"
    passwort.write_text(LESER_PASSWORT + "\n", encoding="utf-8")
    fremd = tmp_path / "fremd.db"
    with sqlite3.connect(fremd) as verbindung:
        verbindung.execute("CREATE TABLE t (name text)")
    verbindung.close()
    d = Dienst(tmp_path / "dienst")
    with open(d.konfiguration, "a", encoding="utf-8") as f:
        f.write(f'[[datenquelle]]\nname = "mitglieder"\nbezeichnung = "Mitglieder (Vereinsdatenbank)"\n'
                f'daten = "{pg.url()}"\nabfrage = """{ABFRAGE}"""\nbenutzer = ["{BENUTZER}"]\n'
                f'passwort_datei = "{passwort}"\n'
                f'[[datenquelle]]\nname = "fremd"\nbezeichnung = "Nur für andere"\n'
                f'daten = "sqlite:///{fremd}"\nabfrage = "SELECT * FROM t"\nbenutzer = ["jemand-anders"]\n')
    d.starte()
    try:
        with d.client(token=None) as c:
            csrf = _anmelden(c)
            start = c.get("/").text
            assert "Mitglieder (Vereinsdatenbank)" in start and "Nur für andere" not in start
            assert "SELECT" not in start and LESER_PASSWORT not in start  # no SQL, no password on the page
            verboten = c.post("/pruefen", data={"vorlage": "beitragsbescheid-datenbank", "csrf": csrf,
                                                "datenquelle": "fremd"})
            assert verboten.status_code == 422 and "dürfen sie nicht verwenden" in verboten.text
            geprueft = c.post("/pruefen", data={"vorlage": "beitragsbescheid-datenbank", "csrf": csrf,
                                                "datenquelle": "mitglieder"})
            assert geprueft.status_code == 303, geprueft.text
            lauf_url = geprueft.headers["location"]
            pruefschritt = c.get(lauf_url).text
            # the check step: the query's columns and the row without postcode, as for an upload
            assert "Datenquelle „Mitglieder (Vereinsdatenbank)“" in pruefschritt
            assert "2 Zeilen gelesen, 2 ausgewählt." in pruefschritt
            assert "Keine Postleitzahl angegeben." in pruefschritt and "Paul Ohnepost" in pruefschritt
            assert "mitgliedsnr" in pruefschritt and LESER_PASSWORT not in pruefschritt
            assert str(pg.port) not in pruefschritt  # the address stays the administrator's
            # the run reads the snapshot of the check: a change in the database afterwards does not count
            pg.ausfuehren("UPDATE mitglieder SET vorname = 'Geändert' WHERE mitgliedsnr = 1001")
            gestartet = c.post(f"{lauf_url}/starten", data={"csrf": csrf, "formate": "pdf",
                                                            "pdf": "standard"})
            assert gestartet.status_code == 303
            lauf_id = lauf_url.rsplit("/", 1)[1]
            stand = warte_bis(lambda: (s := c.get(f"/api/laeufe/{lauf_id}").json())["status"]
                              in ("fertig", "fehler") and s, was="Lauf fertig")
            assert stand["status"] == "fertig" and stand["ok"] == 1 and stand["fehler"] == 1
            protokoll = c.get(f"/api/laeufe/{lauf_id}/protokoll.json").json()
            (brief,) = [e for e in protokoll["briefe"] if e["status"] == "ok"]
            text = pdf_text(c.get(f"/laeufe/{lauf_id}/dateien/{brief['dateien'][0]}").content)
            assert "Jürgen Groß" in text and "7,50 €" in text and "31.03.2027" in text
            assert "Geändert" not in text
    finally:
        d.stoppe()
    assert LESER_PASSWORT not in d.protokoll.read_text(errors="replace")
    for datei in d.daten.rglob("*"):
        if datei.is_file():
            assert LESER_PASSWORT.encode() not in datei.read_bytes(), datei


def test_datenquelle_konfiguration_geprueft(tmp_path):
    pfad = tmp_path / "dienst.toml"
    for text, erwartet in [
        ('[[datenquelle]]\nname = "a"\ndaten = "postgresql://u@h/v"\nabfrage = "DELETE FROM t"\n'
         'benutzer = ["*"]\n', "„DELETE“ könnte Daten ändern"),
        ('[[datenquelle]]\nname = "a"\ndaten = "mitglieder.csv"\nabfrage = "SELECT 1"\nbenutzer = ["*"]\n',
         "Datenbankadresse"),
        ('[[datenquelle]]\nname = "a"\ndaten = "sqlite:///x.db"\nabfrage = "SELECT 1"\n', "„benutzer“"),
        ('[[datenquelle]]\nname = "a"\ndaten = "sqlite:///x.db"\nabfrage = "SELECT 1"\n'
         'benutzer = ["*"]\nsql = "x"\n', "Unbekannter Eintrag „sql“"),
    ]:
        pfad.write_text(text, encoding="utf-8")
        with pytest.raises(KonfigurationsFehler, match=erwartet):
            lade_konfiguration(pfad, umgebung={})
    pfad.write_text('[[datenquelle]]\nname = "a"\ndaten = "sqlite:///x.db"\nabfrage = "SELECT 1"\n'
                    'benutzer = ["*"]\n[datenquelle.werte]\nstichtag = 2027-01-01\n', encoding="utf-8")
    (quelle,) = lade_konfiguration(pfad, umgebung={}).datenquellen
    assert quelle.darf("irgendwer") and quelle.werte == (("stichtag", "2027-01-01"),)
    assert json.dumps(quelle.bezeichnung) == '"a"'
