"""Run state in an embedded SQLite database (WAL), shared by the server and its workers."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Status values (German, as the API shows them).
ENTWURF = "entwurf"  # uploaded and checked on the page, not started
WARTET = "wartet"
LAEUFT = "laeuft"
FERTIG = "fertig"
FEHLGESCHLAGEN = "fehlgeschlagen"
ABGEBROCHEN = "abgebrochen"
ENDZUSTAENDE = (FERTIG, FEHLGESCHLAGEN, ABGEBROCHEN)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS laeufe (
    id TEXT PRIMARY KEY,
    besitzer TEXT NOT NULL,
    status TEXT NOT NULL,
    erstellt REAL NOT NULL,
    begonnen REAL,
    beendet REAL,
    vorlage TEXT NOT NULL,
    datei TEXT NOT NULL,
    eingabe TEXT NOT NULL,
    optionen TEXT NOT NULL DEFAULT '{}',
    pruefung TEXT NOT NULL DEFAULT '{}',
    gesamt INTEGER NOT NULL DEFAULT 0,
    fertig INTEGER NOT NULL DEFAULT 0,
    ok INTEGER NOT NULL DEFAULT 0,
    fehler INTEGER NOT NULL DEFAULT 0,
    zeilenfehler TEXT NOT NULL DEFAULT '[]',
    sammeldateien TEXT NOT NULL DEFAULT '[]',
    meldung TEXT NOT NULL DEFAULT '',
    versuche INTEGER NOT NULL DEFAULT 0,
    fortsetzen INTEGER NOT NULL DEFAULT 0,
    fortgesetzt INTEGER NOT NULL DEFAULT 0,
    loeschen INTEGER NOT NULL DEFAULT 0,
    geloescht INTEGER NOT NULL DEFAULT 0,
    schritt TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS laeufe_status ON laeufe (status, erstellt);
CREATE INDEX IF NOT EXISTS laeufe_besitzer ON laeufe (besitzer, erstellt);
"""

_JSON = ("optionen", "pruefung", "zeilenfehler", "sammeldateien", "schritt")
# Columns added after the first release: added to older databases on start.
_SPAETERE_SPALTEN = {"schritt": "TEXT NOT NULL DEFAULT '{}'"}


@dataclass
class Lauf:
    """One row of ``laeufe``."""

    id: str
    besitzer: str
    status: str
    erstellt: float
    vorlage: str
    datei: str
    eingabe: str
    begonnen: float | None = None
    beendet: float | None = None
    optionen: dict = field(default_factory=dict)
    pruefung: dict = field(default_factory=dict)
    gesamt: int = 0
    fertig: int = 0
    ok: int = 0
    fehler: int = 0
    zeilenfehler: list = field(default_factory=list)
    sammeldateien: list = field(default_factory=list)
    meldung: str = ""
    versuche: int = 0
    fortsetzen: int = 0
    fortgesetzt: int = 0
    loeschen: int = 0
    geloescht: int = 0
    schritt: dict = field(default_factory=dict)  # step after the letters: name, fertig, gesamt, erledigt

    @property
    def aktiv(self) -> bool:
        return self.status in (WARTET, LAEUFT)


def _lauf(zeile: sqlite3.Row) -> Lauf:
    werte = dict(zeile)
    for name in _JSON:
        werte[name] = json.loads(werte[name])
    return Lauf(**werte)


class Speicher:
    """Small data-access layer; one short connection per call (safe across threads, processes)."""

    def __init__(self, pfad: Path) -> None:
        self.pfad = Path(pfad)
        self.pfad.parent.mkdir(parents=True, exist_ok=True)
        with self._verbindung() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            vorhanden = {z["name"] for z in db.execute("PRAGMA table_info(laeufe)")}
            for name, art in _SPAETERE_SPALTEN.items():
                if name not in vorhanden:
                    db.execute(f"ALTER TABLE laeufe ADD COLUMN {name} {art}")

    @contextlib.contextmanager
    def _verbindung(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.pfad, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA synchronous=NORMAL")
            yield db
        finally:
            db.close()

    def gesund(self) -> bool:
        try:
            with self._verbindung() as db:
                db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def lege_an(self, lauf: Lauf, warteschlange: int | None = None) -> bool:
        """Insert a run; with ``warteschlange`` only if fewer runs wait. False when full."""
        werte = {k: (json.dumps(v, ensure_ascii=False) if k in _JSON else v)
                 for k, v in lauf.__dict__.items()}
        spalten = ", ".join(werte)
        platzhalter = ", ".join(f":{k}" for k in werte)
        with self._verbindung() as db:
            db.execute("BEGIN IMMEDIATE")
            if warteschlange is not None and self._wartend(db) >= warteschlange:
                db.execute("ROLLBACK")
                return False
            db.execute(f"INSERT INTO laeufe ({spalten}) VALUES ({platzhalter})", werte)
            db.execute("COMMIT")
        return True

    @staticmethod
    def _wartend(db: sqlite3.Connection) -> int:
        return db.execute("SELECT COUNT(*) FROM laeufe WHERE status = ?", (WARTET,)).fetchone()[0]

    def einreihen(self, lauf_id: str, optionen: dict, warteschlange: int) -> bool | None:
        """Queue a draft. None when it is no draft any more, False when the queue is full."""
        with self._verbindung() as db:
            db.execute("BEGIN IMMEDIATE")
            zeile = db.execute("SELECT status FROM laeufe WHERE id = ?", (lauf_id,)).fetchone()
            if zeile is None or zeile["status"] != ENTWURF:
                db.execute("ROLLBACK")
                return None
            if self._wartend(db) >= warteschlange:
                db.execute("ROLLBACK")
                return False
            db.execute("UPDATE laeufe SET status = ?, optionen = ?, erstellt = ? WHERE id = ?",
                       (WARTET, json.dumps(optionen, ensure_ascii=False), time.time(), lauf_id))
            db.execute("COMMIT")
        return True

    def lauf(self, lauf_id: str) -> Lauf | None:
        with self._verbindung() as db:
            zeile = db.execute("SELECT * FROM laeufe WHERE id = ?", (lauf_id,)).fetchone()
        return _lauf(zeile) if zeile else None

    def laeufe(self, besitzer: str, anzahl: int = 20) -> list[Lauf]:
        with self._verbindung() as db:
            zeilen = db.execute(
                "SELECT * FROM laeufe WHERE besitzer = ? ORDER BY erstellt DESC LIMIT ?",
                (besitzer, anzahl),
            ).fetchall()
        return [_lauf(z) for z in zeilen]

    def zaehle(self, status: str) -> int:
        with self._verbindung() as db:
            return db.execute("SELECT COUNT(*) FROM laeufe WHERE status = ?", (status,)).fetchone()[0]

    def beanspruche(self) -> Lauf | None:
        """Take the oldest waiting run and mark it running."""
        with self._verbindung() as db:
            db.execute("BEGIN IMMEDIATE")
            zeile = db.execute(
                "SELECT id FROM laeufe WHERE status = ? ORDER BY erstellt LIMIT 1", (WARTET,)
            ).fetchone()
            if zeile is None:
                db.execute("ROLLBACK")
                return None
            db.execute("UPDATE laeufe SET status = ?, begonnen = ? WHERE id = ?",
                       (LAEUFT, time.time(), zeile["id"]))
            db.execute("COMMIT")
        return self.lauf(zeile["id"])

    def fortschritt(self, lauf_id: str, **werte) -> None:
        """Update counters of a running run (ignored once it left ``laeuft``)."""
        if not werte:
            return
        werte = {k: (json.dumps(v, ensure_ascii=False) if k in _JSON else v) for k, v in werte.items()}
        setzen = ", ".join(f"{k} = :{k}" for k in werte)
        with self._verbindung() as db:
            db.execute(f"UPDATE laeufe SET {setzen} WHERE id = :id AND status = :status",
                       {**werte, "id": lauf_id, "status": LAEUFT})

    def beende(self, lauf_id: str, status: str, *, nur_von: tuple[str, ...] = (LAEUFT,), **werte) -> bool:
        """Set a final (or other) status, only from the given states. True when changed."""
        werte = {k: (json.dumps(v, ensure_ascii=False) if k in _JSON else v) for k, v in werte.items()}
        werte.setdefault("beendet", time.time())
        setzen = ", ".join(f"{k} = :{k}" for k in werte)
        platzhalter = ", ".join(f":s{i}" for i in range(len(nur_von)))
        parameter = {**werte, "id": lauf_id, "neu": status,
                     **{f"s{i}": s for i, s in enumerate(nur_von)}}
        with self._verbindung() as db:
            zeiger = db.execute(
                f"UPDATE laeufe SET status = :neu, {setzen} WHERE id = :id AND status IN ({platzhalter})",
                parameter,
            )
            return zeiger.rowcount == 1

    def markiere_loeschen(self, lauf_id: str) -> str | None:
        """Cancel (if active) and mark for deletion; returns the status before."""
        with self._verbindung() as db:
            db.execute("BEGIN IMMEDIATE")
            zeile = db.execute("SELECT status FROM laeufe WHERE id = ?", (lauf_id,)).fetchone()
            if zeile is None:
                db.execute("ROLLBACK")
                return None
            vorher = zeile["status"]
            neu = ABGEBROCHEN if vorher in (ENTWURF, WARTET, LAEUFT) else vorher
            meldung = "Vom Benutzer abgebrochen." if neu != vorher else None
            db.execute(
                "UPDATE laeufe SET status = ?, loeschen = 1, meldung = COALESCE(?, meldung), "
                "beendet = COALESCE(beendet, ?) WHERE id = ?",
                (neu, meldung, time.time(), lauf_id),
            )
            db.execute("COMMIT")
        return vorher

    def markiere_geloescht(self, lauf_id: str) -> None:
        with self._verbindung() as db:
            db.execute("UPDATE laeufe SET geloescht = 1, pruefung = '{}', zeilenfehler = '[]' "
                       "WHERE id = ?", (lauf_id,))

    def zu_loeschen(self, aelter_als: float) -> list[str]:
        """Runs whose files should go: marked, or ended (drafts: created) before the limit."""
        with self._verbindung() as db:
            zeilen = db.execute(
                "SELECT id FROM laeufe WHERE geloescht = 0 AND status NOT IN (?, ?) AND "
                "(loeschen = 1 OR COALESCE(beendet, CASE WHEN status = ? THEN erstellt END) < ?)",
                (WARTET, LAEUFT, ENTWURF, aelter_als),
            ).fetchall()
        return [z["id"] for z in zeilen]

    def nach_neustart(self, max_neustarts: int) -> tuple[list[str], list[str]]:
        """Runs that were running when the service stopped: queue them again to continue
        from their journal, or give up after ``max_neustarts``. Returns (continued, given up)."""
        weiter, aufgegeben = [], []
        with self._verbindung() as db:
            db.execute("BEGIN IMMEDIATE")
            for zeile in db.execute("SELECT id, versuche FROM laeufe WHERE status = ?", (LAEUFT,)).fetchall():
                if zeile["versuche"] >= max_neustarts:
                    db.execute(
                        "UPDATE laeufe SET status = ?, beendet = ?, meldung = ? WHERE id = ?",
                        (FEHLGESCHLAGEN, time.time(),
                         f"Der Lauf wurde {zeile['versuche']}-mal durch einen Neustart unterbrochen "
                         "und nicht noch einmal fortgesetzt.", zeile["id"]),
                    )
                    aufgegeben.append(zeile["id"])
                else:
                    db.execute(
                        "UPDATE laeufe SET status = ?, fortsetzen = 1, versuche = versuche + 1, "
                        "meldung = ? WHERE id = ?",
                        (WARTET, "Nach einem Neustart des Dienstes wird der Lauf fortgesetzt.", zeile["id"]),
                    )
                    weiter.append(zeile["id"])
            db.execute("COMMIT")
        return weiter, aufgegeben
