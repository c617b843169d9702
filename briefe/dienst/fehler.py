"""The service's errors: each becomes an HTTP answer with a German message (JSON or page)."""

from __future__ import annotations

from briefe.fehler import BriefeFehler


class DienstFehler(Exception):
    """An HTTP error with a German message; ``extra`` goes into the JSON body."""

    def __init__(self, status: int, meldung: str, headers: dict | None = None, **extra) -> None:
        super().__init__(meldung)
        self.status = status
        self.meldung = meldung
        self.headers = headers
        self.extra = extra


class AnmeldungNoetig(Exception):
    """A page needs a login: redirect there."""


class EingabeFehler(BriefeFehler):
    """A request the service cannot take (HTTP 422); ``probleme`` lists row problems."""

    status = 422

    def __init__(self, meldung: str, probleme: list[dict] | None = None, **ort) -> None:
        super().__init__(meldung, **ort)
        self.probleme = probleme or []


class ZuGross(EingabeFehler):
    status = 413


class SatzFehler(BriefeFehler):
    """The renderer refused a letter for a server-side reason (template, sender profile)."""


def groesse_text(anzahl_bytes: int) -> str:
    """A size in German (``1,5 MB``)."""
    zahl = anzahl_bytes / 1024 / 1024 if anzahl_bytes >= 1024 * 1024 else anzahl_bytes / 1024
    text = f"{zahl:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".").removesuffix(",0")
    return f"{text} {'MB' if anzahl_bytes >= 1024 * 1024 else 'KB'}"
