"""Cleaning of member values, shared by every source: takes a raw cell (text, number, date,
list), gives the value a letter shows, or the German reason why it cannot be read.

Values are untrusted data: they are cleaned (control characters, odd spaces, Unicode
normal form) but never interpreted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from decimal import Decimal

_INLAND = frozenset({
    "", "d", "de", "deu", "ger", "brd", "deutschland", "germany",
    "bundesrepublikdeutschland",
})

_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NICHT_ALNUM = re.compile(r"[^a-z0-9]+")
# Control and invisible format characters; \n is handled before.
_STEUERZEICHEN = re.compile(
    "[\x00-\x09\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_LEERRAUM = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZEILENUMBRUCH = re.compile("\r\n|[\r\x0b\x1c-\x1e\x85\u2028\u2029]")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Four digits that lost a leading zero: German regions 01-04, 06-09 (00, 05 unused).
_PLZ_ZAHL = re.compile(r"([1-46-9]\d{3}|\d{5})(?:[.,]0+)?")

MAX_ZAHL_STELLEN = 4300  # Python's int limit (sys.get_int_max_str_digits)
MAX_TIEFE = 20  # nesting of lists and objects in one JSON value
SURROGAT = re.compile("[\ud800-\udfff]")
_SURROGAT_TEXT = ("Der Wert enthält ein ungültiges Zeichen (ein einzelnes UTF-16-Ersatzzeichen "
                  "wie \\ud800); bitte in der Quelldatei korrigieren.")


def als_ascii(text: str) -> str:
    """Lower-case ASCII with ``_`` for every run of other characters (umlauts transliterated)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_UMLAUTE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(z for z in text if not unicodedata.combining(z))
    return _NICHT_ALNUM.sub("_", text).strip("_")


def schluessel(text: str) -> str:
    """Loose comparison key: lower-case ASCII letters and digits only."""
    return als_ascii(text).replace("_", "")


def ist_inland(land: str) -> bool:
    """True for an empty country or one meaning Germany."""
    return schluessel(land) in _INLAND


def als_text(wert: object) -> str:
    """A field value as the string a letter shows."""
    if wert is None:
        return ""
    if isinstance(wert, dt.datetime):
        return wert.strftime("%d.%m.%Y %H:%M")
    if isinstance(wert, dt.date):
        return wert.strftime("%d.%m.%Y")
    return str(wert).strip()


def vergleichbar(text: str) -> str:
    """A value as filters compare it: case-folded, one kind of dash, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split())


def bereinige(text: str) -> str:
    """A cleaned value: line breaks as \\n, no control characters, single spaces."""
    text = _ZEILENUMBRUCH.sub("\n", text).replace("\t", " ")
    text = _STEUERZEICHEN.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _LEERRAUM.sub(" ", text)
    if "\n" in text:
        return "\n".join(z.strip() for z in text.split("\n") if z.strip())
    return text.strip()


def _xlsx_zeichen(treffer: re.Match) -> str:
    code = int(treffer.group(1), 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


def zellwert(roh: object, xlsx: bool = False) -> object:
    """A cell or JSON value as str or datetime.date."""
    if roh is None:
        return ""
    if isinstance(roh, str):
        if xlsx and "_x" in roh:
            roh = _XLSX_ESCAPE.sub(_xlsx_zeichen, roh)
        return bereinige(roh)
    if isinstance(roh, bool):
        return "WAHR" if roh else "FALSCH"
    if isinstance(roh, int):
        return str(roh)
    if isinstance(roh, float):
        if roh != roh or roh in (float("inf"), float("-inf")):
            return ""
        return str(int(roh)) if roh.is_integer() else repr(roh)
    if isinstance(roh, Decimal):
        return str(roh)
    if isinstance(roh, dt.datetime):
        return roh.date() if roh.time() == dt.time() else roh
    if isinstance(roh, dt.date):
        return roh
    if isinstance(roh, dt.time):
        return roh.strftime("%H:%M:%S" if roh.second else "%H:%M")
    if isinstance(roh, (list, tuple)):
        return ", ".join(t for t in (als_text(zellwert(x, xlsx)) for x in roh) if t)
    if isinstance(roh, dict):
        return bereinige(json.dumps(roh, ensure_ascii=False))
    return bereinige(str(roh))


def genaue_zahl(roh: object) -> Decimal | None:
    """The exact value of a typed number cell (the float's shortest text, not its binary)."""
    if isinstance(roh, bool) or not isinstance(roh, (int, float, Decimal)):
        return None
    zahl = Decimal(repr(roh)) if isinstance(roh, float) else Decimal(roh)
    return zahl if zahl.is_finite() else None


def korrigiere_plz(felder: dict[str, object]) -> None:
    """Give a German postcode its leading zero back (Excel drops it)."""
    plz = felder.get("plz")
    if not isinstance(plz, str) or not ist_inland(als_text(felder.get("land"))):
        return
    treffer = _PLZ_ZAHL.fullmatch(plz)
    if treffer:
        felder["plz"] = treffer.group(1).zfill(5)


class LangeZahl(str):
    """A JSON integer with more digits than Python converts; kept as its digits."""


def _tiefe(wert: object, grenze: int) -> int:
    """Nesting depth of a JSON value, counted up to ``grenze + 1`` (no recursion)."""
    tiefe, ebene = 0, [wert]
    while ebene and tiefe <= grenze:
        naechste = []
        for x in ebene:
            if isinstance(x, list | tuple):
                naechste.extend(x)
            elif isinstance(x, dict):
                naechste.extend(x.values())
        if not naechste and not any(isinstance(x, list | tuple | dict) for x in ebene):
            break
        tiefe += 1
        ebene = naechste
    return tiefe


class Unlesbar(str):
    """A cell a reader could not read; the text is the German reason (a row error)."""


def unlesbar(roh: object, max_laenge: int | None = None) -> str:
    """Why a raw cell cannot go into a letter ('' when it can)."""
    if isinstance(roh, Unlesbar):
        return str(roh)
    if max_laenge and isinstance(roh, str) and len(roh) > max_laenge:
        return (f"Der Wert ist zu lang ({len(roh):,} Zeichen, höchstens {max_laenge:,})."
                .replace(",", "."))
    if isinstance(roh, LangeZahl):
        return f"Die Zahl hat {len(roh):,} Stellen und ist zu lang.".replace(",", ".")
    if isinstance(roh, list | tuple | dict):
        if _tiefe(roh, MAX_TIEFE) > MAX_TIEFE:
            return f"Der Wert ist zu tief verschachtelt (mehr als {MAX_TIEFE} Ebenen)."
        text = json.dumps(roh, ensure_ascii=False, default=str)
        if SURROGAT.search(text):
            return _SURROGAT_TEXT
        return ""
    if isinstance(roh, str) and SURROGAT.search(roh):
        return _SURROGAT_TEXT
    return ""
