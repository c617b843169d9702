"""German numbers, amounts, times and phone numbers from member data, by DIN 5008.

How a text number is read (``lies_zahl``):

- ``1.234,56``, ``1.234.567``, ``1 234,5``, ``0,125``: German (dot groups of three,
  comma before the decimals);
- ``1479.38``, ``12.5``, ``3.14159``, ``0.125``, ``1234.567``: one dot that cannot be a
  German thousands separator (not followed by exactly three digits, or after a zero or
  after more than three digits) is a decimal point, as machines export numbers;
- ``1.234``, ``12.500`` (one dot, exactly three digits, after a group of one to three
  digits not zero) can be read both ways: German (one thousand two hundred and
  thirty-four) unless the reading (``lesart``) is ``punkt``. The reading comes from the
  setting ``zahlen = "punkt"``/``"deutsch"`` or from the value's column
  (``lesart_der_spalte``: every other value with a separator has a decimal point);
- anything else (``1,234.56``, ``1,2,3``) is an error, never a guess.

Typed numbers (XLSX cells, JSON numbers) are used as they are. Everything is computed in
``Decimal`` and rounded half up (commercial rounding).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from briefe.quellen.zahlform import (  # noqa: F401 - the reading rules, used from here
    BEIDES,
    DEUTSCH,
    EIN_PUNKT,
    LESARTEN,
    PUNKT,
    deutsche_ziffern,
    lesart_der_spalte,
    ohne_zeichen,
    schreibweise,
    zahlen_einstellung,
)

SCHMALES_LEERZEICHEN = "\u202f"  # narrow no-break space: groups of plain numbers
GESCHUETZTES_LEERZEICHEN = "\u00a0"  # between amount and currency
GRUPPIEREN_AB = Decimal(10000)  # DIN 5008: plain numbers grouped from five digits on

_UNENDLICH = frozenset({"nan", "inf", "infinity", "unendlich", "-inf", "+inf", "∞"})


class WertFehler(ValueError):
    """A value that is not what a filter expects; ``spalte`` is the list heading or None."""

    def __init__(self, meldung: str, spalte: str | None = None) -> None:
        super().__init__(f"Spalte „{spalte}“: {meldung}" if spalte else meldung)
        self.meldung = meldung
        self.spalte = spalte


def _fehler(spalte: str | None, text: str) -> WertFehler:
    return WertFehler(text, spalte)


def spalte_von(wert: object) -> str | None:
    """The list heading a member value came from (see ``quellen.mitglieder.Feldwert``)."""
    return getattr(wert, "spalte", None)


def lies_zahl(wert: object, spalte: str | None = None, lesart: str | None = None) -> Decimal:
    """A number from member data or a template value (rules in the module docstring);
    ``lesart`` defaults to the value's own (``Feldwert.lesart``)."""
    spalte = spalte or spalte_von(wert)
    lesart = lesart or getattr(wert, "lesart", None)
    genau = getattr(wert, "zahl", None)
    if isinstance(genau, Decimal):
        wert = genau
    if isinstance(wert, bool):
        raise _fehler(spalte, f"„{wert}“ ist keine Zahl.")
    if isinstance(wert, int):
        return Decimal(wert)
    if isinstance(wert, float):
        wert = Decimal(repr(wert))  # the shortest text of the float, not its binary value
    if isinstance(wert, Decimal):
        if not wert.is_finite():
            raise _fehler(spalte, f"„{wert}“ ist keine endliche Zahl.")
        return wert
    roh = str(wert)
    if not roh.strip():
        raise _fehler(spalte, "Kein Wert angegeben (erwartet eine Zahl).")
    vorzeichen, text = ohne_zeichen(roh)
    if text.casefold() in _UNENDLICH or roh.strip().casefold() in _UNENDLICH:
        raise _fehler(spalte, f"„{roh}“ ist keine endliche Zahl.")
    if EIN_PUNKT.fullmatch(text) and (lesart == PUNKT or not BEIDES.fullmatch(text)):
        ziffern: str | None = text
    else:
        ziffern = deutsche_ziffern(text)
    if ziffern is None:
        if re.fullmatch(r"[\d.,]+", text):
            raise _fehler(
                spalte,
                f"„{roh}“ ist nicht eindeutig: deutsch geschrieben heißt es z. B. „1.234,5“ "
                "(Punkt für Tausender, Komma vor den Nachkommastellen), mit Dezimalpunkt "
                "„1234.5“.",
            )
        raise _fehler(spalte, f"„{roh}“ ist keine Zahl.")
    try:
        return Decimal(vorzeichen + ziffern)
    except InvalidOperation:  # pragma: no cover - the patterns allow digits only
        raise _fehler(spalte, f"„{roh}“ ist keine Zahl.") from None


def _gruppiert(ganz: str, trenner: str) -> str:
    kopf = len(ganz) % 3 or 3
    return trenner.join([ganz[:kopf]] + [ganz[i:i + 3] for i in range(kopf, len(ganz), 3)])


def _runde(zahl: Decimal, stellen: int) -> Decimal:
    return zahl.quantize(Decimal(1).scaleb(-stellen), rounding=ROUND_HALF_UP)


def _text(zahl: Decimal, stellen: int | None, trenner: str, ab: Decimal) -> str:
    if stellen is not None:
        zahl = _runde(zahl, stellen)
    if zahl == 0:
        zahl = abs(zahl)  # "-0,00" prints as "0,00"
    vorzeichen = "-" if zahl < 0 else ""
    ganz, _, bruch = f"{abs(zahl):f}".partition(".")
    if abs(zahl) >= ab:
        ganz = _gruppiert(ganz, trenner)
    return vorzeichen + ganz + ("," + bruch if bruch else "")


def betrag(wert: object, waehrung: str = "EUR") -> str:
    """``1.234,56 €``; other currencies with their ISO code: ``1.234,56 USD``."""
    zahl = lies_zahl(wert)
    code = str(waehrung).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"„{waehrung}“ ist kein Währungscode (erwartet z. B. EUR, USD, CHF).")
    zeichen = "€" if code == "EUR" else code
    return f"{_text(zahl, 2, '.', Decimal(1000))}{GESCHUETZTES_LEERZEICHEN}{zeichen}"


def zahl(wert: object, stellen: int | None = None) -> str:
    """``1234``, ``12\u202f345,5``: DIN 5008 groups of three from 10 000 on, rounded half up."""
    if stellen is not None and (not isinstance(stellen, int) or not 0 <= stellen <= 10):
        raise ValueError(f"„{stellen}“ Nachkommastellen: erwartet 0 bis 10.")
    return _text(lies_zahl(wert), stellen, SCHMALES_LEERZEICHEN, GRUPPIEREN_AB)


def anzeige(wert: object) -> object:
    """A typed number from XLSX/JSON (``Feldwert.zahl``) printed without a filter: German
    (``1.234,5``); whole numbers (member numbers, years) and all other values as they are."""
    genau = getattr(wert, "zahl", None)
    if genau is None or genau == genau.to_integral_value():
        return wert
    return _text(genau, None, ".", Decimal(1000))


# --- times ----------------------------------------------------------------------------

_ZEIT = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2}))?")


def lies_zeit(wert: object, spalte: str | None = None) -> dt.time:
    spalte = spalte or spalte_von(wert)
    if isinstance(wert, dt.datetime):
        return wert.time()
    if isinstance(wert, dt.time):
        return wert
    roh = str(wert)
    text = re.sub(r"(?i)\s*uhr\s*$", "", roh.strip())
    treffer = _ZEIT.fullmatch(text)
    if treffer:
        stunde, minute = int(treffer.group(1)), int(treffer.group(2) or 0)
        if stunde < 24 and minute < 60:
            return dt.time(stunde, minute)
    raise _fehler(spalte, f"„{roh}“ ist keine Uhrzeit (erwartet HH:MM, z. B. 09:05).")


def uhrzeit(wert: object) -> str:
    """``09:05 Uhr``, ``14:30 Uhr``; full hours ``9 Uhr`` (DIN 5008 allows both)."""
    zeit = lies_zeit(wert)
    if zeit.minute == 0:
        return f"{zeit.hour} Uhr"
    return f"{zeit.hour:02d}:{zeit.minute:02d} Uhr"


# --- phone numbers ---------------------------------------------------------------------

_PRAEFIX = re.compile(r"(?i)^\s*(?:tel(?:efon)?|fon|mobil|handy|fax)\.?\s*:?\s*")
_ERLAUBT = re.compile(r"[\d\s()/+\-.\u2013]+")


def telefon(wert: object) -> str:
    """DIN 5008: ``02331 2072951``, ``02331 207-2951``, ``+49 2331 2072951``.

    The area code is what stands before a slash (``0 23 31 / 20 72 95 1``), else the
    first group (in parentheses or before a space or hyphen); a hyphen inside the
    subscriber number marks the extension.
    """
    spalte = spalte_von(wert)
    roh = str(wert).strip()
    if not roh:
        return ""
    text = _PRAEFIX.sub("", roh).replace("\u2013", "-")
    ziffern = re.sub(r"\D", "", text)
    if not _ERLAUBT.fullmatch(text) or len(ziffern) < 5 or text.count("+") > 1 or (
        "+" in text and not text.startswith("+")
    ):
        raise _fehler(spalte, f"„{roh}“ ist keine Telefonnummer (erwartet z. B. 02331 2072951).")
    land = ""
    if text.startswith("+") or text.startswith("00"):
        text = text[1:] if text.startswith("+") else text[2:]
        treffer = re.match(r"\s*(\d{1,3})(?=[\s(/\-.])", text)
        if not treffer:
            raise _fehler(spalte, f"„{roh}“: Ländervorwahl nicht zu erkennen "
                                  "(erwartet z. B. +49 2331 2072951).")
        land, text = "+" + treffer.group(1), text[treffer.end():]
        text = re.sub(r"^\s*\(0\)\s*", " ", text)  # "+49 (0)2331": trunk prefix
    text = text.strip(" ./-")
    vorwahl_teil = re.match(r"\((\d+)\)\s*|(\d+)\s*[\s/\-.]\s*", text)
    schraeg = re.fullmatch(r"([\d ]+)/(.*\d.*)", text)  # "0 23 31 / 20 72 95 1"
    if schraeg:
        vorwahl, rest = schraeg.group(1).replace(" ", ""), schraeg.group(2)
    elif vorwahl_teil and (vorwahl_teil.group(1) or re.search(r"\d", text[vorwahl_teil.end():])):
        vorwahl = vorwahl_teil.group(1) or vorwahl_teil.group(2)
        rest = text[vorwahl_teil.end():]
    else:
        vorwahl, rest = re.sub(r"\D", "", text), ""
    if land and vorwahl.startswith("0"):
        vorwahl = vorwahl[1:]
    haupt, strich, durchwahl = rest.rpartition("-") if "-" in rest else (rest, "", "")
    haupt, durchwahl = re.sub(r"\D", "", haupt), re.sub(r"\D", "", durchwahl)
    if strich and not (haupt and durchwahl):
        haupt, durchwahl = haupt + durchwahl, ""
    nummer = haupt + (f"-{durchwahl}" if durchwahl else "")
    return " ".join(t for t in (land, vorwahl, nummer) if t)
