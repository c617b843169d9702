"""German texts for the English messages of Starlette/FastAPI (multipart and body parsing)."""

from __future__ import annotations

_TEXTE = (
    ("There was an error parsing the body",
     "Die Anfrage konnte nicht gelesen werden: Formulardaten oder JSON sind fehlerhaft."),
    ("Too many fields", "Das Formular hat zu viele Felder (höchstens 1.000)."),
    ("Too many files", "Das Formular enthält zu viele Dateien (höchstens 1.000)."),
    ("Part exceeded maximum size", "Ein Formularfeld ist zu groß (höchstens 1 MB, außer Dateien)."),
    ("Missing boundary", "Die Anfrage ist kein gültiges Formular (multipart ohne Trennzeile)."),
    ("Did not find boundary", "Die Anfrage ist kein gültiges Formular (multipart ohne Trennzeile)."),
    ("Invalid HTTP header", "Die Anfrage enthält eine ungültige Kopfzeile."),
)


def deutsch(detail: object, status: int = 0) -> str | None:
    """The German text for a library message; None for a text that is not the library's
    (German texts of this service's own routes stay as they are)."""
    if not isinstance(detail, str):
        return None
    for anfang, text in _TEXTE:
        if detail.startswith(anfang):
            return text
    if status == 400 and detail.isascii():  # another multipart parser message
        return "Ungültige Anfrage: die Formulardaten sind fehlerhaft."
    return None
