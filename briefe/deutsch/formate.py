"""German formatting by DIN 5008, done by Babel with locale de_DE."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

LOCALE = "de_DE"


def _als_datum(wert: object) -> dt.date:
    if isinstance(wert, dt.datetime):
        return wert.date()
    if isinstance(wert, dt.date):
        return wert
    text = str(wert).strip()
    for muster in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, muster).date()
        except ValueError:
            pass
    raise ValueError(f"„{text}“ ist kein Datum (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)")


def _als_zeit(wert: object) -> dt.time:
    if isinstance(wert, dt.datetime):
        return wert.time()
    if isinstance(wert, dt.time):
        return wert
    text = str(wert).strip().removesuffix("Uhr").strip()
    for muster in ("%H:%M", "%H.%M", "%H"):
        try:
            return dt.datetime.strptime(text, muster).time()
        except ValueError:
            pass
    raise ValueError(f"„{text}“ ist keine Uhrzeit (erwartet HH:MM)")


def _als_zahl(wert: object) -> Decimal:
    if isinstance(wert, (int, float, Decimal)) and not isinstance(wert, bool):
        return Decimal(str(wert))
    text = str(wert).strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if "," in text:  # German notation: 1.234,56
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"„{wert}“ ist keine Zahl") from None


def datum(wert: object) -> str:
    """``25.08.2011``"""
    return format_date(_als_datum(wert), "dd.MM.yyyy", locale=LOCALE)


def datum_lang(wert: object) -> str:
    """``25. August 2011``"""
    return format_date(_als_datum(wert), "d. MMMM yyyy", locale=LOCALE)


def uhrzeit(wert: object) -> str:
    """``14:30 Uhr``, full hours as ``15 Uhr``."""
    zeit = _als_zeit(wert)
    if zeit.minute == 0:
        return f"{zeit.hour} Uhr"
    return f"{format_time(zeit, 'H:mm', locale=LOCALE)} Uhr"


def betrag(wert: object, waehrung: str = "EUR") -> str:
    """``1.234,56 €`` (with a non-breaking space before the sign)."""
    return format_currency(_als_zahl(wert), waehrung, locale=LOCALE)


def zahl(wert: object, stellen: int | None = None) -> str:
    """``1.234,5``; with ``stellen`` exactly that many decimals."""
    nummer = _als_zahl(wert)
    if stellen is None:
        return format_decimal(nummer, locale=LOCALE)
    muster = "#,##0" + ("." + "0" * stellen if stellen else "")
    return format_decimal(nummer, format=muster, locale=LOCALE)


# Known German area codes are not enumerable here; the rule used is the one of
# DIN 5008 for numbers written with a separator: the part before the first
# separator is the area code, the rest is the subscriber number and extension.
_TRENNER = re.compile(r"[\s/()\-.]+")


def telefon(wert: object) -> str:
    """DIN 5008 grouping: ``02331 207-2951`` or ``+49 2331 207-2951``."""
    text = str(wert).strip()
    if not text:
        return ""
    international = text.startswith("+") or text.startswith("00")
    durchwahl = ""
    haupt = text
    # An extension is the digits after the last hyphen, when a hyphen is used.
    if "-" in text:
        haupt, _, durchwahl = text.rpartition("-")
        durchwahl = re.sub(r"\D", "", durchwahl)
    gruppen = [g for g in _TRENNER.split(haupt.replace("+", " +")) if g]
    gruppen = [re.sub(r"[^\d+]", "", g) for g in gruppen]
    gruppen = [g for g in gruppen if g]
    if international:
        if gruppen[0].startswith("00"):
            gruppen[0] = "+" + gruppen[0][2:]
        if len(gruppen) > 1 and gruppen[1].startswith("0"):
            gruppen[1] = gruppen[1][1:]
        # "+49 (0)2331" style: drop an empty trunk prefix group
        gruppen = [g for g in gruppen if g]
    ergebnis = " ".join(gruppen)
    return f"{ergebnis}-{durchwahl}" if durchwahl else ergebnis


FILTER = {
    "datum": datum,
    "datum_lang": datum_lang,
    "uhrzeit": uhrzeit,
    "betrag": betrag,
    "zahl": zahl,
    "telefon": telefon,
}
