"""Import of a Word letter (.docx, e.g. a Serienbrief main document) as a template."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WordImport:
    """A template file text made from a Word document, and what could not be carried over."""

    quelltext: str
    nicht_uebernommen: tuple[str, ...] = ()


def importiere_docx(daten: bytes, *, name: str | None = None, absender: str | None = None,
                    spalten: Iterable[str] = ()) -> WordImport:
    """The template text of a Word document; ``spalten`` are the columns of a member list
    that merge fields are matched to."""
    from briefe.vorlage._word_lesen import lies_docx

    return lies_docx(daten, name=name, absender=absender, spalten=tuple(spalten))
