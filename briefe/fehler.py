"""The one exception hierarchy of briefe; every error carries its location."""

from __future__ import annotations


class BriefeFehler(Exception):
    """Base of all errors a user can cause; the message is German."""

    def __init__(
        self,
        meldung: str,
        *,
        datei: str | None = None,
        zeile: int | None = None,
        spalte: str | None = None,
        wer: str | None = None,
    ) -> None:
        super().__init__(meldung)
        self.meldung = meldung
        self.datei = datei
        self.zeile = zeile
        self.spalte = spalte
        self.wer = wer  # the recipient of a row, where known: "Maria Meyer"

    @property
    def ort(self) -> str:
        """Where the error lies, e.g. ``mitglieder.csv, Zeile 4, Spalte „plz“``."""
        teile = []
        if self.datei:
            teile.append(str(self.datei))
        if self.zeile is not None:
            teile.append(f"Zeile {self.zeile}" + (f" ({self.wer})" if self.wer else ""))
        if self.spalte:
            teile.append(f"Spalte „{self.spalte}“")
        return ", ".join(teile)

    def __str__(self) -> str:
        return f"{self.ort}: {self.meldung}" if self.ort else self.meldung


class VorlagenFehler(BriefeFehler):
    """A template or sender profile is broken (syntax, missing variable, sandbox)."""


class DatenFehler(BriefeFehler):
    """A member list cannot be read at all."""


class DatenbankFehler(DatenFehler):
    """A database as member source cannot be reached or read (exit code 2)."""


class ZeilenFehler(BriefeFehler):
    """One member row cannot become a letter; the other rows go on."""


class DruckerFehler(BriefeFehler):
    """The printer cannot print now (stopped, not accepting jobs, gone): exit code 1."""


class AuftragsFehler(BriefeFehler):
    """A job file (Auftrag) is invalid."""


def dateifehler(fehler: Exception) -> str:
    """A German text for why a file could not be read."""
    if isinstance(fehler, FileNotFoundError):
        return "Datei nicht gefunden."
    if isinstance(fehler, IsADirectoryError):
        return "Das ist ein Ordner, keine Datei."
    if isinstance(fehler, PermissionError):
        return "Keine Leseberechtigung."
    if isinstance(fehler, UnicodeDecodeError):
        return "Die Datei ist nicht UTF-8-kodiert."
    return f"Datei nicht lesbar ({type(fehler).__name__})."
