"""Write the sample member database mitglieder.db (SQLite) from the sample members.

The same invented people as mitglieder.csv (see erzeuge_beispieldaten.py), in a table
``mitglieder`` with typed columns as a member database keeps them: a member number, the yearly
fee (NUMERIC), the due date and the dates of joining and leaving (DATE, NULL while a member).
Run ``python daten/erzeuge_mitgliederdatenbank.py``; it replaces the file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

ORDNER = Path(__file__).resolve().parent
sys.path.insert(0, str(ORDNER))
from erzeuge_beispieldaten import KOPF, MITGLIEDER  # noqa: E402

SPALTEN = {  # heading in the sample list -> column of the table
    "Anrede": "anrede", "Titel": "titel", "Vorname": "vorname", "Name": "name",
    "Funktion": "funktion", "Einrichtung": "einrichtung", "Zusatz": "zusatz", "Straße": "strasse",
    "Postfach": "postfach", "PLZ": "plz", "Ort": "ort", "Land": "land", "E-Mail": "email",
    "Gremien": "gremien", "Handlungsfeld": "handlungsfeld",
}
TABELLE = """CREATE TABLE mitglieder (
    mitgliedsnr INTEGER PRIMARY KEY,
    {spalten},
    beitrag NUMERIC NOT NULL,
    faellig DATE NOT NULL,
    eintritt DATE NOT NULL,
    austritt DATE
)"""
BEITRAEGE = (Decimal("120.00"), Decimal("60.00"), Decimal("7.50"), Decimal("240.00"))


def zeilen() -> list[tuple]:
    """One row per sample member; every seventh has left (``austritt`` set)."""
    ergebnis = []
    for index, mitglied in enumerate(MITGLIEDER):
        werte = [None if wert == "" else wert for wert in mitglied]
        eintritt = dt.date(2011, 1, 1) + dt.timedelta(days=97 * index)
        austritt = dt.date(2025, 12, 31) if index % 7 == 6 else None
        ergebnis.append((1001 + index, *werte, str(BEITRAEGE[index % len(BEITRAEGE)]),
                         "2027-03-31", eintritt.isoformat(),
                         austritt.isoformat() if austritt else None))
    return ergebnis


def schreibe(ziel: Path) -> int:
    ziel.unlink(missing_ok=True)
    spalten = [SPALTEN[k] for k in KOPF]
    with sqlite3.connect(ziel) as verbindung:
        verbindung.execute(TABELLE.format(spalten=",\n    ".join(f"{s} TEXT" for s in spalten)))
        platz = ", ".join("?" * (len(spalten) + 5))
        verbindung.executemany(
            f"INSERT INTO mitglieder (mitgliedsnr, {', '.join(spalten)}, beitrag, faellig, eintritt, "
            f"austritt) VALUES ({platz})", zeilen())
    verbindung.close()
    return len(MITGLIEDER)


if __name__ == "__main__":
    anzahl = schreibe(ORDNER / "mitglieder.db")
    print(f"{anzahl} Mitglieder geschrieben: mitglieder.db")
