"""Template filters for German formatting by DIN 5008: dates by Babel (de_DE); numbers,
amounts, times and phone numbers from ``zahlen``; IBANs from ``konto``."""

from __future__ import annotations

import datetime as dt
import functools

from babel.dates import format_date

from briefe.deutsch.konto import iban
from briefe.deutsch.zahlen import WertFehler, betrag, spalte_von, telefon, uhrzeit, zahl

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
    raise WertFehler(f"„{text}“ ist kein Datum (erwartet TT.MM.JJJJ oder JJJJ-MM-TT).",
                     spalte_von(wert))


def datum(wert: object) -> str:
    """``25.08.2011``"""
    return _formatiert(_als_datum(wert), "dd.MM.yyyy")


def datum_lang(wert: object) -> str:
    """``25. August 2011``"""
    return _formatiert(_als_datum(wert), "d. MMMM yyyy")


@functools.lru_cache(maxsize=1024)
def _formatiert(tag: dt.date, muster: str) -> str:
    """Babel's text of ``tag`` (remembered: a run writes the same few dates in every letter)."""
    return format_date(tag, muster, locale=LOCALE)


FILTER = {
    "datum": datum,
    "datum_lang": datum_lang,
    "uhrzeit": uhrzeit,
    "betrag": betrag,
    "zahl": zahl,
    "telefon": telefon,
    "iban": iban,
}
