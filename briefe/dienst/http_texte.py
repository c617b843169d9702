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


def deutsch(detail: object) -> str | None:
    """The German text for a library message, or None when it is not known."""
    if not isinstance(detail, str):
        return None
    for anfang, text in _TEXTE:
        if detail.startswith(anfang):
            return text
    return None
