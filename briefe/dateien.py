"""Safe file names and atomic writes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_UMLAUTE = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
    # letters that Unicode does not decompose into a base letter
    "æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ı": "i",
})


def dateiname_teil(text: str, laenge: int = 60) -> str:
    """A file name part from any text: transliterated, lower case, ``[a-z0-9-]`` only."""
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:laenge].rstrip("-")


def sha256(pfad: Path) -> str:
    summe = hashlib.sha256()
    with open(pfad, "rb") as datei:
        for block in iter(lambda: datei.read(1 << 20), b""):
            summe.update(block)
    return summe.hexdigest()


@contextlib.contextmanager
def atomar(ziel: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``ziel``; on success it replaces ``ziel``.

    A crash never leaves a half-written ``ziel``: either the old file or the
    new complete one exists.
    """
    ziel = Path(ziel)
    temp = neue_temp(ziel)
    try:
        yield temp
        schliesse_ab(temp, ziel)
    finally:
        temp.unlink(missing_ok=True)


def neue_temp(ziel: Path) -> Path:
    """A new empty temporary file next to ``ziel`` (its folder is made if need be)."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    griff, name = tempfile.mkstemp(prefix=f".{ziel.name}.", suffix=".tmp", dir=ziel.parent)
    os.close(griff)
    return Path(name)


def schreibe_temp(ziel: Path, daten: bytes) -> tuple[Path, int]:
    """A new temporary file next to ``ziel`` (in an existing folder) holding ``daten``, and its
    descriptor, still open for ``sichere_offen``."""
    for _ in range(100):
        temp = ziel.with_name(f".{ziel.name}.{secrets.token_hex(4)}.tmp")
        try:
            griff = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"kein freier Name für eine temporäre Datei neben {ziel.name}")
    try:
        rest = memoryview(daten)
        while rest:
            rest = rest[os.write(griff, rest):]
    except BaseException:
        os.close(griff)
        temp.unlink(missing_ok=True)
        raise
    return temp, griff


def sichere_offen(griff: int) -> None:
    """Sync the file open as ``griff`` to disk and close it."""
    try:
        os.fsync(griff)
    finally:
        os.close(griff)


def sichere(temp: Path) -> None:
    """Sync the complete file ``temp`` to disk."""
    with open(temp, "rb+") as datei:
        os.fsync(datei.fileno())


def lege_hin(temp: Path, ziel: Path) -> None:
    """Put the synced file ``temp`` in place of ``ziel``."""
    # mkstemp creates 0600; results get the usual permissions (umask applies)
    os.chmod(temp, 0o666 & ~_UMASK)
    os.replace(temp, ziel)


def schliesse_ab(temp: Path, ziel: Path) -> None:
    """Sync the complete temporary file ``temp`` to disk and put it in place of ``ziel``."""
    sichere(temp)
    lege_hin(temp, ziel)


def _lies_umask() -> int:
    maske = os.umask(0)
    os.umask(maske)
    return maske


# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = _lies_umask()


def schreibe_nach(ziel: Path | str | BinaryIO, daten: bytes) -> None:
    """Write ``daten`` to a path or a binary stream."""
    if hasattr(ziel, "write"):
        ziel.write(daten)
    else:
        Path(ziel).write_bytes(daten)


def schreibe_atomar(ziel: Path, daten: bytes) -> None:
    with atomar(ziel) as temp:
        temp.write_bytes(daten)


def raeume_reste_auf(ordner: Path) -> int:
    """Delete temporary files a killed run left behind; returns how many."""
    anzahl = 0
    for rest in Path(ordner).glob(".*.tmp"):
        rest.unlink(missing_ok=True)
        anzahl += 1
    return anzahl
