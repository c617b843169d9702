"""The send and print journals: one fsynced line before ("wird gesendet") and one after each
message or print job.

A letter whose last line is "wird gesendet" was perhaps delivered (a crash between the
two lines): it is "unklar" and not sent again unless the user says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from briefe.fehler import BriefeFehler

VERSANDJOURNAL = ".briefe-versand.jsonl"
WIRD_GESENDET, GESENDET, FEHLER, NICHT_GESENDET, UNKLAR = (
    "wird gesendet", "gesendet", "fehler", "nicht gesendet", "unklar")


def jetzt() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def lies_versandjournal(ausgabe: Path) -> dict[int, dict]:
    """The last state of each letter (by its number in the run); ``unklar`` after a crash."""
    stand = lies_journal(Path(ausgabe) / VERSANDJOURNAL)
    for eintrag in stand.values():
        if eintrag.get("zustand") == WIRD_GESENDET:
            eintrag["zustand"] = UNKLAR
    return stand


def lies_journal(pfad: Path) -> dict[int, dict]:
    """The last line of each number in a journal file (none: empty)."""
    stand: dict[int, dict] = {}
    if not pfad.is_file():
        return stand
    for zeile in pfad.read_text(encoding="utf-8").splitlines():
        try:
            eintrag = json.loads(zeile)
            stand[int(eintrag["nummer"])] = eintrag
        except (ValueError, KeyError, TypeError):
            continue  # a line cut off by a crash
    return stand


class Journal:
    """Appends a line and syncs it to disk before a message or print job goes out (or counts as
    done): the send journal, or with ``datei`` the print journal."""

    def __init__(self, ausgabe: Path, datei: str = VERSANDJOURNAL) -> None:
        self._griff = os.open(Path(ausgabe) / datei,
                              os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_) -> None:
        os.close(self._griff)

    def schreibe(self, nummer: int, zeile: int, zustand: str, **mehr) -> dict:
        eintrag = {"nummer": nummer, "zeile": zeile, "zustand": zustand, "zeit": jetzt(), **mehr}
        os.write(self._griff, (json.dumps(eintrag, ensure_ascii=False) + "\n").encode("utf-8"))
        os.fsync(self._griff)
        return eintrag


@contextlib.contextmanager
def ordnersperre(pfad: Path, meldung: str) -> Iterator[None]:
    """Held while a send or print of a run folder works; a second one gets ``meldung``."""
    griff = os.open(pfad, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(griff, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BriefeFehler(meldung) from None
        yield
    finally:
        os.close(griff)
