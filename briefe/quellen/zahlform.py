"""How a text writes a number, for sources and for ``deutsch.zahlen``: takes a member value
as text, gives its digits, and whether its dot is a decimal point (``punkt``), German
(``deutsch``) or can be both (``beides``: ``1.234``); the rules are in ``deutsch.zahlen``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PUNKT, DEUTSCH = "punkt", "deutsch"
LESARTEN = (PUNKT, DEUTSCH)  # values of the setting ``zahlen``

_LEER = re.compile("[ \u00a0\u202f\u2009]")
_MINUS = re.compile("^[-\u2212\u2013]")
_WAEHRUNGEN = re.compile(r"(?i)(€|eur|euro|usd|chf|gbp|\$|£)")
_GANZ = re.compile(r"\d+")
_TAUSENDER_PUNKT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_TAUSENDER_LEER = re.compile(r"\d{1,3}(?: \d{3})+")
_KOMMA = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d+),(\d+|-|–)?")
EIN_PUNKT = re.compile(r"(\d+)\.(\d+)")
BEIDES = re.compile(r"[1-9]\d{0,2}\.\d{3}")  # "1.234", "12.500": German or a decimal point


def zahlen_einstellung(wert: object) -> str | None:
    """The setting ``zahlen``: ``punkt``, ``deutsch`` or None (from the column); checked."""
    if wert is None or wert == "":
        return None
    text = str(wert).strip().lower()
    if text not in LESARTEN:
        raise ValueError(f"„zahlen“ muss \"punkt\" oder \"deutsch\" sein, nicht „{wert}“.")
    return text


def ohne_zeichen(roh: str) -> tuple[str, str]:
    """Sign and the number text without spaces, currency and sign."""
    text = " ".join(_LEER.sub(" ", roh).split())
    text = _WAEHRUNGEN.sub("", text).strip()
    vorzeichen = ""
    if _MINUS.match(text) or text.startswith("+"):
        vorzeichen = "-" if not text.startswith("+") else ""
        text = text[1:].strip()
    return vorzeichen, text


def schreibweise(text: str) -> str | None:
    """``punkt`` (decimal point for sure), ``deutsch`` (German for sure), ``beides``
    (``1.234``) or None (no dot or comma, or no number) for one text value."""
    _, text = ohne_zeichen(text)
    if BEIDES.fullmatch(text):
        return "beides"
    if EIN_PUNKT.fullmatch(text):
        return PUNKT
    if "," in text and deutsche_ziffern(text) is not None or _TAUSENDER_PUNKT.fullmatch(text):
        return DEUTSCH
    return None


def lesart_der_spalte(texte: Iterable[str]) -> str | None:
    """``punkt`` when the column writes numbers with a decimal point: some value has one
    for sure and none is German for sure; else None (German)."""
    arten = {schreibweise(t) for t in texte}
    return PUNKT if PUNKT in arten and DEUTSCH not in arten else None


def deutsche_ziffern(text: str) -> str | None:
    """``1.234,56`` -> ``1234.56``; None when the text is not a German number."""
    if _GANZ.fullmatch(text):
        return text
    if _TAUSENDER_PUNKT.fullmatch(text) or _TAUSENDER_LEER.fullmatch(text):
        return text.replace(".", "").replace(" ", "")
    komma = _KOMMA.fullmatch(text)
    if komma:
        ganz, rest = komma.group(1), komma.group(2) or "0"
        if rest in ("-", "–"):
            rest = "0"
        return ganz.replace(".", "").replace(" ", "") + "." + rest
    return None
