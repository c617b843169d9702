"""What reading members from a database costs, side by side with the CSV file of the same
members: rows per second and peak memory of reading (header matching, cleaning, checksum).

    python benchmarks/datenbank.py [--anzahl 20000] [--postgres]

The same invented members are written once as CSV and as a SQLite table (typed columns:
integer, numeric, date, NULL); each source is then read in a process of its own (so its peak
RSS is its own), three times, and the best time counts. ``--postgres`` adds a real PostgreSQL
server (initdb/pg_ctl in a temporary folder, as ``tests/postgres_hilfe.py``). Letters are
not made: they cost the same whatever the source (``benchmarks/durchsatz.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent
KOPF = ("mitgliedsnr", "anrede", "vorname", "name", "strasse", "plz", "ort", "beitrag", "eintritt",
        "austritt")
ABFRAGE = f"SELECT {', '.join(KOPF)} FROM mitglieder ORDER BY mitgliedsnr"


def _mitglieder(anzahl: int) -> list[tuple]:
    return [(1000 + i, "Frau" if i % 2 else "Herr", f"Jürgen{i}", f"Groß-Übelacker{i}",
             f"Wehringhauser Str. {i % 200 + 1}", f"{58089 + i % 10:05d}", "Hagen",
             f"{(i % 40) * 7.5:.2f}", (dt.date(2011, 1, 1) + dt.timedelta(days=i % 5000)).isoformat(),
             None if i % 9 else "2025-12-31") for i in range(anzahl)]


def _schreibe(ordner: Path, anzahl: int) -> tuple[Path, Path]:
    zeilen = _mitglieder(anzahl)
    csv = ordner / "mitglieder.csv"

    from briefe.quellen.werte import als_text  # dates as a German export writes them

    def feld(spalte: str, wert) -> str:
        if spalte in ("eintritt", "austritt") and wert:
            wert = dt.date.fromisoformat(wert)
        return als_text(wert).replace(".", ",") if spalte == "beitrag" else als_text(wert)

    csv.write_text(";".join(KOPF) + "\n" + "\n".join(
        ";".join(feld(s, w) for s, w in zip(KOPF, z, strict=True)) for z in zeilen) + "\n", encoding="utf-8")
    db = ordner / "mitglieder.db"
    with sqlite3.connect(db) as verbindung:
        verbindung.execute("CREATE TABLE mitglieder (mitgliedsnr INTEGER, anrede TEXT, vorname TEXT, "
                           "name TEXT, strasse TEXT, plz TEXT, ort TEXT, beitrag NUMERIC, eintritt DATE, "
                           "austritt DATE)")
        verbindung.executemany(f"INSERT INTO mitglieder VALUES ({', '.join('?' * len(KOPF))})", zeilen)
    verbindung.close()
    return csv, db


def _miss(art: str, quelle: str, anzahl: int, umgebung: dict) -> dict:
    """Read ``quelle`` in a fresh process three times; best seconds and peak RSS (MB)."""
    programm = f"""
import json, resource, sys, time
from briefe.quellen.mitglieder import Lesegrenzen, lies_mitglieder
from briefe.quellen.datenbank import lies_datenbank
grenzen = Lesegrenzen(max_zeilen={anzahl + 1})
zeiten = []
for _ in range(3):
    beginn = time.perf_counter()
    liste = (lies_mitglieder({quelle!r}, grenzen=grenzen) if {art!r} == "csv"
             else lies_datenbank({quelle!r}, {ABFRAGE!r}, grenzen=grenzen))
    zeiten.append(time.perf_counter() - beginn)
    assert len(liste.empfaenger) == {anzahl}
print(json.dumps({{"sekunden": min(zeiten),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    ausgabe = subprocess.run([sys.executable, "-c", programm], env=umgebung, capture_output=True,
                             text=True, check=True).stdout
    return json.loads(ausgabe)


def main() -> None:
    sys.path.insert(0, str(WURZEL))
    argumente = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumente.add_argument("--anzahl", type=int, default=20000)
    argumente.add_argument("--postgres", action="store_true", help="auch einen PostgreSQL-Server messen")
    args = argumente.parse_args()
    umgebung = {**os.environ, "PYTHONPATH": str(WURZEL)}
    with tempfile.TemporaryDirectory() as temp:
        csv, db = _schreibe(Path(temp), args.anzahl)
        quellen = [("csv", "CSV-Datei", str(csv)), ("sqlite", "SQLite", f"sqlite:///{db}")]
        server = None
        if args.postgres:
            from tests.postgres_hilfe import LESER, LESER_PASSWORT, SUPER_PASSWORT, Postgres

            server = Postgres()
            server.start()
            server.ausfuehren("CREATE DATABASE verein", "postgres")
            server.ausfuehren(f"CREATE ROLE {LESER} LOGIN PASSWORD '{LESER_PASSWORT}'")
            server.ausfuehren("CREATE TABLE mitglieder (mitgliedsnr int, anrede text, vorname text, "
                              "name text, strasse text, plz text, ort text, beitrag numeric(8,2), "
                              "eintritt date, austritt date)")
            with open(csv, encoding="utf-8") as f:
                next(f)
                zeilen = [[w or None for w in z.rstrip("\n").split(";")] for z in f]
            import psycopg

            with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres",
                                 password=SUPER_PASSWORT, dbname="verein") as v:
                v.cursor().executemany(
                    f"INSERT INTO mitglieder VALUES ({', '.join(['%s'] * len(KOPF))})",
                    [[w.replace(",", ".") if i == 7 and w else
                      (dt.datetime.strptime(w, "%d.%m.%Y").date() if i in (8, 9) and w else w)
                      for i, w in enumerate(z)] for z in zeilen])
            server.ausfuehren(f"GRANT SELECT ON mitglieder TO {LESER}")
            umgebung["BRIEFE_DB_PASSWORT"] = LESER_PASSWORT
            quellen.append(("postgres", "PostgreSQL", server.url()))
        try:
            print(f"{args.anzahl} Mitglieder lesen (bester von 3 Durchgängen, je Quelle ein Prozess):")
            basis = None
            for art, name, quelle in quellen:
                ergebnis = _miss(art if art == "csv" else "db", quelle, args.anzahl, umgebung)
                basis = basis or ergebnis["sekunden"]
                print(f"  {name:<11} {args.anzahl / ergebnis['sekunden']:>10,.0f} Zeilen/s   "
                      f"{ergebnis['sekunden']:.2f} s ({ergebnis['sekunden'] / basis:.2f}× CSV)   "
                      f"Spitze {ergebnis['rss_mb']:.0f} MB".replace(",", "."))
        finally:
            if server is not None:
                server.entferne()


if __name__ == "__main__":
    main()
