"""Locks held for a run's whole life: one run per output folder (and per job).

A lock is an ``flock`` on a file; the kernel drops it when the holder dies.
Worker processes forked by a run close their copy, so a dead run never stays
"running" because one of its workers lives on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from briefe.fehler import BriefeFehler

SPERRDATEI = ".briefe-lauf.lock"

_GEHALTENE_SPERREN: set[int] = set()
# (folder, thread) -> depth: a job run holds its folder and then starts the run in it.
_EIGENE: dict[tuple[str, int], int] = {}
_EIGENE_SCHUTZ = threading.Lock()


class LaeuftBereits(BriefeFehler):
    """Another run holds the lock (exit code 3)."""


def _schliesse_sperren_im_kind() -> None:
    """A forked worker must not keep a lock alive after its parent died."""
    for griff in list(_GEHALTENE_SPERREN):
        with contextlib.suppress(OSError):
            os.close(griff)
    _GEHALTENE_SPERREN.clear()
    _EIGENE.clear()


os.register_at_fork(after_in_child=_schliesse_sperren_im_kind)


def _beschreibung(inhalt: bytes) -> str:
    """The holder's pid, start time and origin from the lock file, in German."""
    text = inhalt.decode("utf-8", "replace").strip()
    try:
        daten = json.loads(text)
    except ValueError:
        return f"Prozess {text}" if text.isdigit() else "Prozess unbekannt"
    if not isinstance(daten, dict):
        return "Prozess unbekannt"
    teile = [f"Prozess {daten.get('pid', '?')}"]
    with contextlib.suppress(TypeError, ValueError):
        beginn = dt.datetime.fromisoformat(str(daten.get("beginn")))
        teile.append(f"gestartet am {beginn:%d.%m.%Y um %H:%M:%S} Uhr")
    if daten.get("anlass"):
        teile.append(f"durch {daten['anlass']}")
    return ", ".join(teile)


@contextlib.contextmanager
def halte(pfad: Path, meldung: str, anlass: str, datei: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``pfad`` or raise ``LaeuftBereits`` with ``meldung``
    (``{wer}`` is replaced by who holds it)."""
    pfad = Path(pfad)
    pfad.parent.mkdir(parents=True, exist_ok=True)
    griff = os.open(pfad, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(griff, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        inhalt = os.pread(griff, 4096, 0)
        os.close(griff)
        raise LaeuftBereits(meldung.replace("{wer}", _beschreibung(inhalt)), datei=datei) from None
    except BaseException:
        os.close(griff)
        raise
    _GEHALTENE_SPERREN.add(griff)
    try:
        os.ftruncate(griff, 0)
        kennung = {"pid": os.getpid(), "beginn": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                   "anlass": anlass}
        os.pwrite(griff, (json.dumps(kennung, ensure_ascii=False) + "\n").encode("utf-8"), 0)
        yield
    finally:
        _GEHALTENE_SPERREN.discard(griff)
        os.close(griff)


@contextlib.contextmanager
def sperre_ordner(ausgabe: Path, anlass: str) -> Iterator[None]:
    """One run per output folder, whatever started it (CLI, job file, service).

    Re-entrant within one thread: a job run locks its folder before it clears it
    and then runs the letters in it."""
    ausgabe = Path(ausgabe)
    ausgabe.mkdir(parents=True, exist_ok=True)
    schluessel = (str(ausgabe.resolve()), threading.get_ident())
    with _EIGENE_SCHUTZ:
        tiefe = _EIGENE.get(schluessel, 0)
        if tiefe:
            _EIGENE[schluessel] = tiefe + 1
    if tiefe:
        try:
            yield
        finally:
            with _EIGENE_SCHUTZ:
                _EIGENE[schluessel] -= 1
        return
    meldung = ("In den Ordner {ausgabe} schreibt bereits ein anderer Lauf ({wer}). Dieser Aufruf "
               "endet, ohne etwas zu verändern. Bitte warten, bis jener Lauf fertig ist, oder einen "
               "anderen Ausgabeordner wählen.").replace("{ausgabe}", str(ausgabe))
    with halte(ausgabe / SPERRDATEI, meldung, anlass):
        with _EIGENE_SCHUTZ:
            _EIGENE[schluessel] = 1
        try:
            yield
        finally:
            with _EIGENE_SCHUTZ:
                _EIGENE.pop(schluessel, None)
