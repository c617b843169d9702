"""IBAN and BIC: checked with schwifty, its errors in German; the ``iban`` filter for letters."""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty import exceptions as konto

from briefe.deutsch.zahlen import WertFehler, spalte_von

KONTOFEHLER = {
    konto.InvalidChecksumDigits: "die Prüfziffer stimmt nicht (Tippfehler?)",
    konto.InvalidBBANChecksum: "die Prüfziffer der Kontonummer stimmt nicht",
    konto.InvalidLength: "die Länge passt nicht zum Land",
    konto.InvalidCountryCode: "unbekannter Ländercode",
    konto.InvalidStructure: "enthält Zeichen an falscher Stelle",
    konto.InvalidBankCode: "unbekannte Bankleitzahl",
}


def kontofehler(fehler: Exception) -> str:
    """Why schwifty refused an IBAN or BIC, in German."""
    for art, text in KONTOFEHLER.items():
        if isinstance(fehler, art):
            return text
    return "ungültig"


def iban(wert: object) -> str:
    """DIN 5008: in groups of four, ``DE89 3704 0044 0532 0130 00`` (checked; empty stays empty)."""
    roh = str(wert).strip()
    if not roh:
        return ""
    try:
        return IBAN(re.sub(r"[\s.\-]", "", roh)).formatted  # as exports write it: spaces, hyphens
    except (konto.SchwiftyException, ValueError) as fehler:
        raise WertFehler(f"„{roh}“ ist keine gültige IBAN: {kontofehler(fehler)}.",
                         spalte_von(wert)) from None
