"""The run's state on shared storage: which coordinator owns the folder, which letters are done.

``.briefe-verteilt/lauf`` names the coordinator run a chunk must belong to (a chunk of an
earlier, ended run is skipped). ``brief-<nummer>.json`` is written by a worker after all
files of a letter are in place; a chunk redone after a worker died reuses a letter whose
mark fits the same row, template and options and whose files still have the recorded
checksums, and rewrites nothing of it. ``brief-<nummer>.sperre`` is locked (POSIX lock, also
over NFSv4) while a worker makes a letter, so a chunk handed out twice never writes a letter
twice. The coordinator's journal stays the truth of the run.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from briefe.dateien import schreibe_atomar, sha256
from briefe.lauf.protokoll import Eintrag

ORDNER = ".briefe-verteilt"
LAUF = "lauf"


def ordner(ausgabe: Path) -> Path:
    return Path(ausgabe) / ORDNER


def gehoert_zum_lauf(ausgabe: Path, lauf: str) -> bool:
    try:
        return (ordner(ausgabe) / LAUF).read_text(encoding="ascii").strip() == lauf
    except OSError:
        return False


def schluessel(vorlage_sha256: str, optionen: dict, zeile: dict) -> str:
    """What a letter's files depend on: template, output options and the row itself."""
    ohne = {"fortsetzen", "jobs", "daten", "vorlage", "vorlagen_ordner"}
    daten = {"vorlage": vorlage_sha256, "optionen": {k: v for k, v in optionen.items() if k not in ohne},
             "zeile": zeile}
    return hashlib.sha256(json.dumps(daten, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _pfad(ausgabe: Path, nummer: int) -> Path:
    return ordner(ausgabe) / f"brief-{nummer:06d}.json"


def fertiger_brief(ausgabe: Path, nummer: int, zu: str) -> Eintrag | None:
    """The letter made earlier for the same inputs, if every file is still intact."""
    try:
        daten = json.loads(_pfad(ausgabe, nummer).read_text(encoding="utf-8"))
        eintrag = Eintrag(**daten["eintrag"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if daten.get("schluessel") != zu or eintrag.status != "ok" or not eintrag.dateien:
        return None
    for datei in eintrag.dateien:
        pfad = Path(ausgabe) / datei
        if not pfad.is_file() or sha256(pfad) != eintrag.sha256.get(datei):
            return None
    return eintrag


@contextlib.contextmanager
def sperre(ausgabe: Path, nummer: int) -> Iterator[None]:
    """Hold the letter's lock; a killed holder's lock is released by the system."""
    griff = os.open(ordner(ausgabe) / f"brief-{nummer:06d}.sperre", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.lockf(griff, fcntl.LOCK_EX)
        yield
    finally:
        os.close(griff)


def markiere(ausgabe: Path, eintrag: Eintrag, zu: str) -> None:
    daten = {"schluessel": zu, "eintrag": asdict(eintrag)}
    schreibe_atomar(_pfad(ausgabe, eintrag.nummer), json.dumps(daten, ensure_ascii=False).encode())
