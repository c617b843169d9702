"""Sessions kept on the server: the cookie carries only a random id, stored (hashed) in the
service's SQLite database and checked on every request, so logout, "end all sessions" and a
changed password end a session for good, even if someone kept a copy of the cookie."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sitzungen (
    kennung TEXT PRIMARY KEY,
    benutzer TEXT NOT NULL,
    passwort TEXT NOT NULL,
    erstellt REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sitzungen_benutzer ON sitzungen (benutzer);
"""


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


class Sitzungen:
    """Server-side session ids; ``dauer`` seconds after login a session ends."""

    def __init__(self, pfad: Path, dauer: float) -> None:
        self.pfad = Path(pfad)
        self.dauer = dauer
        with self._verbindung() as db:
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _verbindung(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.pfad, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()

    def neu(self, benutzer: str, passwort_kennung: str) -> str:
        """A new session for a user who just logged in; returns the id for the cookie."""
        sid = secrets.token_urlsafe(32)
        jetzt = time.time()
        with self._verbindung() as db:
            db.execute("DELETE FROM sitzungen WHERE erstellt < ?", (jetzt - self.dauer,))
            db.execute("INSERT INTO sitzungen VALUES (?, ?, ?, ?)",
                       (_hash(sid), benutzer, passwort_kennung, jetzt))
        return sid

    def gueltig(self, sid: object, benutzer: str, passwort_kennung: str) -> bool:
        """Whether the id belongs to a live session of this user with this password.
        Sessions of the user made with another (older) password are ended here."""
        if not isinstance(sid, str) or not sid:
            return False
        with self._verbindung() as db:
            db.execute("DELETE FROM sitzungen WHERE benutzer = ? AND passwort != ?",
                       (benutzer, passwort_kennung))
            zeile = db.execute("SELECT benutzer, passwort, erstellt FROM sitzungen WHERE kennung = ?",
                               (_hash(sid),)).fetchone()
        return (zeile is not None and zeile[0] == benutzer and zeile[1] == passwort_kennung
                and zeile[2] >= time.time() - self.dauer)

    def beende(self, sid: object) -> None:
        if isinstance(sid, str) and sid:
            with self._verbindung() as db:
                db.execute("DELETE FROM sitzungen WHERE kennung = ?", (_hash(sid),))

    def beende_alle(self, benutzer: str) -> int:
        """End every session of a user (on every device); returns how many."""
        with self._verbindung() as db:
            return db.execute("DELETE FROM sitzungen WHERE benutzer = ?", (benutzer,)).rowcount
