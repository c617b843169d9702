"""The immutable letter model between templates and renderers.

A ``Brief`` is fully resolved: renderers never see member rows or templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from briefe.geometrie import FORM_B, Form


@dataclass(frozen=True)
class Textteil:
    """A run of text with one formatting; ``\\n`` in ``text`` is a forced line break."""

    text: str
    fett: bool = False
    kursiv: bool = False


Zeile = tuple[Textteil, ...]


@dataclass(frozen=True)
class Absatz:
    """A paragraph of body text."""

    teile: Zeile


@dataclass(frozen=True)
class Liste:
    """A bullet or numbered list; each point is one line of runs."""

    punkte: tuple[Zeile, ...]
    nummeriert: bool = False
    start: int = 1


@dataclass(frozen=True)
class Tabelle:
    """A simple table: optional header row, body rows, alignment per column."""

    kopf: tuple[Zeile, ...] | None
    zeilen: tuple[tuple[Zeile, ...], ...]
    ausrichtung: tuple[str, ...] = ()  # "left", "center" or "right" per column


@dataclass(frozen=True)
class GiroCodeStelle:
    """Where ``{{ girocode() }}`` stands in the body."""


Block = Absatz | Liste | Tabelle | GiroCodeStelle


@dataclass(frozen=True)
class Zahlung:
    """A transfer for the GiroCode (EPC QR code): payee, account, amount in euros (and as
    printed), reference."""

    empfaenger: str
    iban: str
    betrag: Decimal
    zweck: str
    bic: str = ""
    betrag_text: str = ""  # "1.250,75 €"


@dataclass(frozen=True)
class InfoZeile:
    """One label/value row of the info block; an empty row is a gap."""

    bezeichnung: str
    wert: str = ""


@dataclass(frozen=True)
class Unterschrift:
    """The signature block under the closing."""

    name: str
    funktion: str = ""
    bild: Path | None = None
    bild_alt: str = ""
    gez: bool = False


@dataclass(frozen=True)
class Absender:
    """A sender profile: letterhead, return address, info block, footer."""

    kennung: str
    behoerde: str
    dienststelle: str = ""
    ruecksendeangabe: str = ""
    logo: Path | None = None
    logo_alt: str = ""
    infoblock: tuple[InfoZeile, ...] = ()
    fusszeilen: tuple[str, ...] = ()
    unterschrift: Unterschrift | None = None
    basisdokument: Path | None = None


@dataclass(frozen=True)
class Brief:
    """One letter to one recipient, ready for any renderer."""

    absender: Absender
    anschrift: tuple[str, ...]
    betreff: str
    anrede: str
    inhalt: tuple[Block, ...]
    datum: dt.date
    form: Form = FORM_B
    vermerke: tuple[str, ...] = ()
    infoblock: tuple[InfoZeile, ...] = ()
    grussformel: str = "Mit freundlichen Grüßen"
    unterschrift: Unterschrift | None = None
    anlagen: tuple[str, ...] = ()
    verteiler: tuple[str, ...] = ()
    hinweis_maschinell: str = ""
    sprache: str = "de-DE"
    zahlung: Zahlung | None = None
    hinweise: tuple[str, ...] = field(default=(), compare=False)
    # pt per address line, for lines set smaller than the text to fit the window; () = none
    anschrift_schriftgrade: tuple[float | None, ...] = ()

    def anschrift_schriftgrad(self, nummer: int) -> float | None:
        """The size of address line ``nummer`` in pt where it is set smaller, else None."""
        grade = self.anschrift_schriftgrade
        return grade[nummer] if nummer < len(grade) else None
