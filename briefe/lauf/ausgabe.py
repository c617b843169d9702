"""Faults of the output folder (disk full, read-only, no permission) as German messages."""

from __future__ import annotations

import errno
from pathlib import Path

from briefe.fehler import BriefeFehler

_TEXTE = {
    errno.ENOSPC: "der Datenträger ist voll",
    errno.EDQUOT: "das Speicherkontingent ist erschöpft",
    errno.EROFS: "das Laufwerk ist nur lesbar eingebunden",
    errno.EACCES: "keine Schreibberechtigung",
    errno.EPERM: "keine Schreibberechtigung",
    errno.EFBIG: "die Datei wäre größer als erlaubt (Dateigrößen-Grenze)",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
}
SCHREIBFEHLER = frozenset(_TEXTE)


class Schreibfehler(BriefeFehler):
    """The output folder cannot take more files; the run stops (exit code 2)."""


def schreibfehler_text(fehler: OSError, ausgabe: Path | str | None = None) -> str:
    """A German message for a file system fault, without the library's English text."""
    grund = _TEXTE.get(fehler.errno, f"Dateisystemfehler Nr. {fehler.errno}")
    wo = f" in {ausgabe}" if ausgabe else (f" ({fehler.filename})" if fehler.filename else "")
    return (f"Die Briefe können nicht gespeichert werden{wo}: {grund}. Bitte Platz schaffen oder einen "
            "anderen Ausgabeordner wählen; bereits fertige Briefe übernimmt „--fortsetzen“.")
