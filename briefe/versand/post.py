"""The print file for the letters that go by post: one combined PDF, duplex."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from briefe.dateien import atomar
from briefe.satz.renderer import renderer
from briefe.satz.vertrag import Sammelstueck

POSTDATEI = "briefe-per-post.pdf"


def schreibe_postdatei(ausgabe: Path, stuecke: Sequence[tuple[Path, Callable]]) -> str | None:
    """Write ``briefe-per-post.pdf`` (each letter starts on a front side); None without letters."""
    ziel = Path(ausgabe) / POSTDATEI
    if not stuecke:
        ziel.unlink(missing_ok=True)
        return None
    with atomar(ziel) as temp:
        renderer("pdf").schreibe_sammel([Sammelstueck(d, b) for d, b in stuecke], temp, duplex=True)
    return POSTDATEI

