"""Members straight from a database: a real PostgreSQL server (initdb/pg_ctl on a free port)
and SQLite give the same letters and protocols as the CSV export of the same members."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefe.cli.haupt import main
from briefe.dateien import sha256
from tests.conftest import VORLAGEN, WURZEL
from tests.pdfhilfe import seiten_text
from tests.postgres_hilfe import LESER, LESER_PASSWORT, OHNE_POSTGRES, SUPER_PASSWORT, verein, warte_bis

VORLAGE = VORLAGEN / "beitragsbescheid-datenbank.md"
SPALTEN = ("mitgliedsnr", "anrede", "titel", "vorname", "name", "strasse", "plz", "ort", "beitrag",
           "faellig", "eintritt", "gremien")
# (typed values); None is NULL in the database and empty in the CSV file
MITGLIEDER = [
    (1001, "Herr", "Prof. Dr.", "Jürgen", "Groß-Übelacker", "Am Campus 3", "58097", "Hagen",
     "120.00", "2027-03-31", "2011-08-25", "Bildungskonferenz, Lenkungskreis"),
    (1002, "Frau", None, "Zoë", "Ørsted-Schäfer", "Schwanenstraße 6–10", "01067", "Dresden",
     "7.50", "2027-04-15", "2019-04-01", None),
    (1003, "Frau", "Dr.", "Maria", "Meyer", "Wehringhauser Str. 38", "58089", "Hagen",
     "1234.56", "2027-03-31", "2020-01-01", "Teilkonferenz Übergang Schule–Beruf"),
]
SPAETER = (1004, "Herr", None, "Neu", "Nachzügler", "Weg 1", "58089", "Hagen", "60.00",
           "2027-03-31", "2027-06-01", None)  # joins after the day asked for
ABFRAGE = (f"SELECT {', '.join(SPALTEN)} FROM mitglieder WHERE eintritt <= :stichtag "
           "ORDER BY mitgliedsnr")
TABELLE = ("CREATE TABLE mitglieder (mitgliedsnr integer PRIMARY KEY, anrede text, titel text, "
           "vorname text, name text, strasse text, plz text, ort text, beitrag numeric(8,2), "
           "faellig date, eintritt date, gremien text)")


def _csv_wert(spalte: str, wert) -> str:
    if wert is None:
        return ""
    if spalte == "beitrag":
        return wert.replace(".", ",")
    if spalte in ("faellig", "eintritt"):
        jahr, monat, tag = wert.split("-")
        return f"{tag}.{monat}.{jahr}"
    return str(wert)


def _csv(pfad: Path) -> Path:
    zeilen = [";".join(SPALTEN)] + [";".join(_csv_wert(s, w) for s, w in zip(SPALTEN, m, strict=True))
                                    for m in MITGLIEDER]
    pfad.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return pfad


def _sqlite(pfad: Path) -> Path:
    with sqlite3.connect(pfad) as verbindung:
        verbindung.execute(TABELLE.replace("numeric(8,2)", "NUMERIC"))
        verbindung.executemany(f"INSERT INTO mitglieder VALUES ({', '.join('?' * len(SPALTEN))})",
                               [*MITGLIEDER, SPAETER])
    verbindung.close()
    return pfad


@pytest.fixture(scope="module")
def pg():
    with verein() as server:
        server.ausfuehren(TABELLE)
        platz = ", ".join(["%s"] * len(SPALTEN))
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres",
                             password=SUPER_PASSWORT, dbname="verein") as v:
            v.cursor().executemany(f"INSERT INTO mitglieder VALUES ({platz})", [*MITGLIEDER, SPAETER])
        server.ausfuehren("CREATE TABLE viele AS SELECT i AS mitgliedsnr, 'Frau' AS anrede, "
                          "'Anna' || i AS vorname, 'Muster' || i AS name, 'Weg ' || i AS strasse, "
                          "'58089' AS plz, 'Hagen' AS ort, 7.50::numeric AS beitrag, "
                          "DATE '2027-03-31' AS faellig FROM generate_series(1, 120) AS i")
        server.ausfuehren("CREATE SEQUENCE zaehler")
        server.ausfuehren(f"GRANT SELECT ON mitglieder, viele TO {LESER}; "
                          f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE zaehler TO {LESER}; "
                          f"GRANT UPDATE, DELETE ON mitglieder TO {LESER}")  # only the run stops writes
        yield server


@pytest.fixture
def passwort(monkeypatch):
    monkeypatch.setenv("BRIEFE_DB_PASSWORT", LESER_PASSWORT)
    monkeypatch.delenv("BRIEFE_DB_PASSWORT_DATEI", raising=False)


def _erstellen(daten: str, ausgabe: Path, *extra: str) -> int:
    return main(["erstellen", str(VORLAGE), daten, "--ausgabe", str(ausgabe), "--format", "pdf",
                 "--jobs", "1", "--wert", "stichtag=01.01.2027", "--schluessel", "mitgliedsnr", *extra])


def _ohne_quelle(protokoll: dict) -> dict:
    """The protocol but what names the source (file or address, query, checksum) and the times."""
    return {k: v for k, v in protokoll.items() if k not in (
        "quelle", "quelle_sha256", "abfrage", "abfrage_werte", "ausgabe", "beginn", "ende")}


@OHNE_POSTGRES
def test_csv_sqlite_postgres_gleiche_briefe_und_protokolle(pg, passwort, tmp_path):
    quellen = {"csv": (str(_csv(tmp_path / "mitglieder.csv")),),
               "sqlite": (f"sqlite:///{_sqlite(tmp_path / 'mitglieder.db')}", "--abfrage", ABFRAGE),
               "postgres": (pg.url(), "--abfrage", ABFRAGE)}
    protokolle, texte = {}, {}
    umgebung = {**os.environ, "PYTHONPATH": str(WURZEL)}
    for name, (daten, *extra) in quellen.items():
        ausgabe = tmp_path / name
        # one process each: a process's earlier runs leave caches that change PDF bytes
        ergebnis = subprocess.run(
            [sys.executable, "-m", "briefe", "erstellen", str(VORLAGE), daten, "--ausgabe", str(ausgabe),
             "--format", "pdf", "--jobs", "1", "--wert", "stichtag=01.01.2027", "--schluessel",
             "mitgliedsnr", *extra], cwd=WURZEL, env=umgebung, capture_output=True, text=True)
        assert ergebnis.returncode == 0, ergebnis.stderr
        protokolle[name] = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
        texte[name] = {e["dateien"][0]: seiten_text(ausgabe / e["dateien"][0])
                       for e in protokolle[name]["briefe"]}
    assert _ohne_quelle(protokolle["csv"]) == _ohne_quelle(protokolle["sqlite"]) \
        == _ohne_quelle(protokolle["postgres"])
    assert texte["csv"] == texte["sqlite"] == texte["postgres"]
    # the parameter :stichtag from --wert left out the member who joins later
    assert [e["datensatz"] for e in protokolle["postgres"]["briefe"]] == ["1001", "1002", "1003"]
    assert protokolle["postgres"]["quelle"] == pg.url() and LESER_PASSWORT not in json.dumps(protokolle)
    assert len(protokolle["postgres"]["quelle_sha256"]) == 64
    # umlauts, NULL, numbers and dates from typed columns, as in the file
    erster, zweiter, dritter = (t[0] for t in texte["postgres"].values())
    assert "Herrn Prof. Dr. Jürgen Groß-Übelacker" in erster and "120,00 €" in erster
    assert "am 31.03.2027 fällig" in erster and "Mitglied seit 25.08.2011" in erster
    assert "Frau Zoë Ørsted-Schäfer" in zweiter and "7,50 €" in zweiter and "Sie wirken" not in zweiter
    assert "None" not in zweiter and "1.234,56 €" in dritter
    with open(tmp_path / "postgres" / "protokoll.csv", encoding="utf-8-sig") as f:
        kopf = f.readline().strip().split(";")
    assert kopf[-1] == "mitgliedsnr"


@OHNE_POSTGRES
@pytest.mark.parametrize("abfrage", ["UPDATE mitglieder SET name = 'Weg'",
                                     "DELETE FROM mitglieder",
                                     "WITH x AS (DELETE FROM mitglieder RETURNING *) SELECT * FROM x",
                                     # passes the words, stopped by the read-only transaction
                                     "SELECT nextval('zaehler') AS nr, name, plz, ort FROM mitglieder"])
def test_aendernde_abfrage_verweigert(pg, passwort, tmp_path, capsys, abfrage):
    vorher = pg.ausfuehren("SELECT * FROM mitglieder ORDER BY 1")
    assert _erstellen(pg.url(), tmp_path / "aus", "--abfrage", abfrage) == 2
    fehler = capsys.readouterr().err
    assert "ändern" in fehler and "Traceback" not in fehler
    assert pg.ausfuehren("SELECT * FROM mitglieder ORDER BY 1") == vorher
    assert pg.ausfuehren("SELECT last_value, is_called FROM zaehler") == [(1, False)]
    assert not (tmp_path / "aus").exists()


@OHNE_POSTGRES
def test_passwort_in_keiner_ausgabe(pg, tmp_path):
    ausgabe = tmp_path / "aus"
    umgebung = {**os.environ, "BRIEFE_DB_PASSWORT": LESER_PASSWORT, "PYTHONPATH": str(WURZEL)}
    befehl = [sys.executable, "-m", "briefe", "erstellen", str(VORLAGE), pg.url(), "--abfrage", ABFRAGE,
              "--wert", "stichtag=2027-01-01", "--ausgabe", str(ausgabe), "--format", "pdf,docx",
              "--sammel", "--zip", "--jobs", "1", "--log-format", "json"]
    ergebnis = subprocess.run(befehl, cwd=WURZEL, env=umgebung, capture_output=True, text=True)
    assert ergebnis.returncode == 0, ergebnis.stderr
    zeilen = [json.loads(z) for z in ergebnis.stdout.splitlines()]
    assert zeilen[-1]["ereignis"] == "ende" and zeilen[-1]["ok"] == 3
    assert LESER_PASSWORT not in ergebnis.stdout + ergebnis.stderr
    dateien = [p for p in ausgabe.rglob("*") if p.is_file()]
    assert len(dateien) > 6
    for datei in dateien:
        assert LESER_PASSWORT.encode() not in datei.read_bytes(), datei.name
    # a password written into the address is refused, and not repeated
    mit = pg.url().replace(f"{LESER}@", f"{LESER}:{LESER_PASSWORT}@")
    ergebnis = subprocess.run([*befehl[:5], mit, *befehl[6:]], cwd=WURZEL, env=umgebung,
                              capture_output=True, text=True)
    assert ergebnis.returncode == 2 and "Passwort gehört nicht in die Datenbankadresse" in ergebnis.stderr
    assert LESER_PASSWORT not in ergebnis.stdout + ergebnis.stderr


@OHNE_POSTGRES
def test_passwort_aus_datei(pg, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BRIEFE_DB_PASSWORT", raising=False)
    datei = tmp_path / "db-passwort"
    datei.write_text(LESER_PASSWORT + "\n", encoding="utf-8")
    monkeypatch.setenv("BRIEFE_DB_PASSWORT_DATEI", str(datei))
    assert main(["pruefen", str(VORLAGE), pg.url(), "--abfrage", ABFRAGE, "--wert",
                 "stichtag=2027-01-01"]) == 0
    assert "3 Zeilen, 3 ausgewählt" in capsys.readouterr().out


@OHNE_POSTGRES
def test_passwort_aus_pgpass_und_dienst(pg, tmp_path, monkeypatch, capsys):
    for name in ("BRIEFE_DB_PASSWORT", "BRIEFE_DB_PASSWORT_DATEI"):
        monkeypatch.delenv(name, raising=False)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg.port}:verein:{LESER}:{LESER_PASSWORT}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    dienste = tmp_path / "pg_service.conf"
    dienste.write_text(f"[verein]\nhost=127.0.0.1\nport={pg.port}\ndbname=verein\nuser={LESER}\n",
                       encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(dienste))
    for url in (pg.url(), "postgresql:///?service=verein"):
        assert main(["pruefen", str(VORLAGE), url, "--abfrage", ABFRAGE, "--wert",
                     "stichtag=2027-01-01"]) == 0, capsys.readouterr().err
        assert "3 Zeilen, 3 ausgewählt" in capsys.readouterr().out


@OHNE_POSTGRES
def test_deutsche_meldungen_mit_rueckgabewert_2(pg, passwort, tmp_path, capsys, monkeypatch):
    faelle = [
        (pg.url().replace(str(pg.port), str(pg.port + 1 if pg.port < 65535 else 1)), ABFRAGE,
         "nicht erreichbar"),
        (pg.url(datenbank="gibtsnicht"), ABFRAGE, "Die Datenbank gibt es auf dem Server nicht"),
        (pg.url(), "SELECT * FROM mitglied", "Fehler in der Abfrage: „relation \"mitglied\" does not exist"),
        (pg.url(), "SELECT name FROM mitglieder WHERE eintritt <= :stichtag AND ort = :ort",
         "„:ort“"),
        ("mysql://briefe@127.0.0.1/verein", "SELECT 1", "pip install 'briefe[mysql]'"),
        (f"sqlite:///{tmp_path}/fehlt.db", "SELECT 1", "Die Datenbankdatei gibt es nicht"),
    ]
    for url, abfrage, erwartet in faelle:
        assert _erstellen(url, tmp_path / "aus", "--abfrage", abfrage) == 2, url
        fehler = capsys.readouterr().err
        assert erwartet in fehler and "Traceback" not in fehler and LESER_PASSWORT not in fehler, fehler
    monkeypatch.setenv("BRIEFE_DB_PASSWORT", "falsch")
    assert _erstellen(pg.url(), tmp_path / "aus", "--abfrage", ABFRAGE) == 2
    assert "Benutzer oder Passwort falsch" in capsys.readouterr().err


@OHNE_POSTGRES
def test_fortsetzen_verweigert_bei_geaendertem_ergebnis(pg, passwort, tmp_path, capsys):
    ausgabe = tmp_path / "aus"
    assert _erstellen(pg.url(), ausgabe, "--abfrage", ABFRAGE) == 0
    (ausgabe / "protokoll.json").unlink()  # as after a kill: journal and letters remain
    pg.ausfuehren("UPDATE mitglieder SET ort = 'Hagen-Haspe' WHERE mitgliedsnr = 1003")
    try:
        capsys.readouterr()
        assert _erstellen(pg.url(), ausgabe, "--abfrage", ABFRAGE, "--fortsetzen") == 2
        fehler = capsys.readouterr().err
        assert "Fortsetzen nicht möglich" in fehler and "Ergebnis der Abfrage" in fehler
    finally:
        pg.ausfuehren("UPDATE mitglieder SET ort = 'Hagen' WHERE mitgliedsnr = 1003")
    assert _erstellen(pg.url(), ausgabe, "--abfrage", ABFRAGE, "--fortsetzen") == 0
    assert json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))["fortgesetzt"] == 3


@OHNE_POSTGRES
def test_auftrag_aus_postgres_erkennt_geaendertes_ergebnis(pg, passwort, tmp_path, capsys):
    auftrag = tmp_path / "beitraege.toml"
    auftrag.write_text(
        f'vorlage = "{VORLAGE}"\ndaten = "{pg.url()}"\nabfrage = """\n{ABFRAGE}\n"""\n'
        'schluessel = "mitgliedsnr"\nausgabe = "aus/beitraege-{jahr}"\nformate = ["pdf"]\n'
        "[werte]\nstichtag = 2027-01-01\n", encoding="utf-8")
    assert main(["lauf", str(auftrag)]) == 0
    assert main(["lauf", str(auftrag)]) == 0
    assert "bereits erledigt" in capsys.readouterr().out
    pg.ausfuehren("UPDATE mitglieder SET eintritt = '2026-12-01' WHERE mitgliedsnr = 1004")
    try:
        assert main(["lauf", str(auftrag)]) == 0
        assert "4 von 4 Briefen erstellt" in capsys.readouterr().out
    finally:
        pg.ausfuehren("UPDATE mitglieder SET eintritt = '2027-06-01' WHERE mitgliedsnr = 1004")


@OHNE_POSTGRES
def test_server_faellt_mitten_im_lauf_aus(pg, tmp_path):
    """The server and the run stop together (an outage): continuing while the server is down
    says so and keeps the letters; after the restart every letter exists exactly once."""
    anzahl = 120
    abfrage = "SELECT * FROM viele ORDER BY mitgliedsnr"
    ausgabe = tmp_path / "aus"
    umgebung = {**os.environ, "BRIEFE_DB_PASSWORT": LESER_PASSWORT, "PYTHONPATH": str(WURZEL)}
    befehl = [sys.executable, "-m", "briefe", "erstellen", str(VORLAGE), pg.url(), "--abfrage", abfrage,
              "--schluessel", "mitgliedsnr", "--ausgabe", str(ausgabe), "--jobs", "1", "--format", "pdf"]
    prozess = subprocess.Popen(befehl, cwd=WURZEL, env=umgebung, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    journal = ausgabe / ".briefe-journal.jsonl"

    def briefe_im_journal() -> int:
        return journal.read_text(encoding="utf-8").count('"nummer"') if journal.is_file() else 0

    try:
        assert warte_bis(lambda: briefe_im_journal() >= 3)
        pg.stop()
        os.kill(prozess.pid, signal.SIGKILL)
        prozess.wait()
        vorher = journal.read_bytes()
        assert 3 <= briefe_im_journal() < anzahl and not (ausgabe / "protokoll.json").exists()
        ergebnis = subprocess.run([*befehl, "--fortsetzen"], cwd=WURZEL, env=umgebung,
                                  capture_output=True, text=True)
        assert ergebnis.returncode == 2
        assert "Datenbankserver ist nicht erreichbar" in ergebnis.stderr
        assert "Traceback" not in ergebnis.stderr and journal.read_bytes() == vorher
    finally:
        if prozess.poll() is None:
            prozess.kill()
        pg.start()
    ergebnis = subprocess.run([*befehl, "--fortsetzen"], cwd=WURZEL, env=umgebung,
                              capture_output=True, text=True)
    assert ergebnis.returncode == 0, ergebnis.stderr
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["ok"] == anzahl and protokoll["fortgesetzt"] >= 3
    assert [e["datensatz"] for e in protokoll["briefe"]] == [str(i) for i in range(1, anzahl + 1)]
    pdfs = sorted(ausgabe.glob("*.pdf"))
    assert len(pdfs) == anzahl
    for eintrag in protokoll["briefe"]:
        (datei,) = eintrag["dateien"]
        assert sha256(ausgabe / datei) == eintrag["sha256"][datei]


def test_sqlite_bleibt_unveraendert_und_liest_nur(tmp_path, capsys):
    datenbank = _sqlite(tmp_path / "mitglieder.db")
    vorher = datenbank.read_bytes()
    url = f"sqlite:///{datenbank}"
    assert _erstellen(url, tmp_path / "aus", "--abfrage", "DELETE FROM mitglieder") == 2
    assert "„DELETE“ könnte Daten ändern" in capsys.readouterr().err
    abfrage_datei = tmp_path / "mitglieder.sql"
    abfrage_datei.write_text(ABFRAGE + ";\n", encoding="utf-8")
    assert _erstellen(url, tmp_path / "aus", "--abfrage-datei", str(abfrage_datei)) == 0
    assert datenbank.read_bytes() == vorher
    assert _erstellen(url, tmp_path / "aus2") == 2
    assert "fehlt die Abfrage" in capsys.readouterr().err


def test_beispielauftrag_aus_sqlite_laeuft(tmp_path, capsys):
    """The shipped example (daten/mitglieder.db) runs on a fresh machine."""
    from briefe.lauf.auftrag import lies_auftrag
    from briefe.lauf.vorbereitung import vorbereiten

    beispiel = lies_auftrag(WURZEL / "daten" / "auftraege" / "beitraege-aus-datenbank.toml")
    vorlage, liste, ausgewaehlt = vorbereiten(beispiel.laufoptionen())
    assert liste.name.startswith("sqlite:///") and len(liste.pruefsumme) == 64
    # the query keeps those who are members on the day asked for
    verbindung = sqlite3.connect(WURZEL / "daten" / "mitglieder.db")
    erwartet = verbindung.execute("SELECT count(*) FROM mitglieder WHERE eintritt <= '2027-01-01' "
                                  "AND (austritt IS NULL OR austritt > '2027-01-01')").fetchone()[0]
    verbindung.close()
    assert len(ausgewaehlt) == erwartet > 20
    assert vorlage.werte_als_text() == {"stichtag": "2027-01-01"}


@OHNE_POSTGRES
def test_versand_liest_die_abfrage_erneut(pg, passwort, tmp_path):
    """``briefe versenden`` finds the e-mail addresses in the same rows again, and refuses
    when the query's result changed since the run."""
    from briefe.fehler import BriefeFehler
    from briefe.versand.versand import plane

    ausgabe = tmp_path / "aus"
    assert _erstellen(pg.url(), ausgabe, "--abfrage", ABFRAGE) == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["abfrage"] == ABFRAGE and protokoll["abfrage_werte"] == {"stichtag": "2027-01-01"}
    plan = plane(ausgabe)
    assert len(plan.briefe) == 3 and plan.briefe[0].empfaenger.wert("vorname") == "Jürgen"
    pg.ausfuehren("UPDATE mitglieder SET plz = '58095' WHERE mitgliedsnr = 1001")
    try:
        with pytest.raises(BriefeFehler, match="Das Ergebnis der Abfrage wurde nach dem Lauf verändert"):
            plane(ausgabe)
    finally:
        pg.ausfuehren("UPDATE mitglieder SET plz = '58097' WHERE mitgliedsnr = 1001")
