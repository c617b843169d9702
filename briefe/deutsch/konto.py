"""IBAN and BIC: checked with schwifty, its errors in German; the ``iban`` filter for letters.

schwifty is imported at the first check (a run without IBANs does not load its bank tables)."""

from __future__ import annotations

import re

from briefe.deutsch.zahlen import WertFehler, spalte_von

# schwifty's exception class names -> why, in German
KONTOFEHLER = {
    "InvalidChecksumDigits": "die Prüfziffer stimmt nicht (Tippfehler?)",
    "InvalidBBANChecksum": "die Prüfziffer der Kontonummer stimmt nicht",
    "InvalidLength": "die Länge passt nicht zum Land",
    "InvalidCountryCode": "unbekannter Ländercode",
    "InvalidStructure": "enthält Zeichen an falscher Stelle",
    "InvalidBankCode": "unbekannte Bankleitzahl",
}


def kontofehler(fehler: Exception) -> str:
    """Why schwifty refused an IBAN or BIC, in German."""
    from schwifty import exceptions

    for art, text in KONTOFEHLER.items():
        if isinstance(fehler, getattr(exceptions, art)):
            return text
    return "ungültig"


def pruefe(art: str, text: str) -> tuple[object | None, Exception | None]:
    """schwifty's ``IBAN`` or ``BIC`` (``art``) of ``text``, or ``None`` and why it is none."""
    import schwifty
    from schwifty import exceptions

    try:
        return getattr(schwifty, art)(text), None
    except (exceptions.SchwiftyException, ValueError) as fehler:
        return None, fehler


def iban(wert: object) -> str:
    """DIN 5008: in groups of four, ``DE89 3704 0044 0532 0130 00`` (checked; empty stays empty)."""
    roh = str(wert).strip()
    if not roh:
        return ""
    konto, fehler = pruefe("IBAN", re.sub(r"[\s.\-]", "", roh))  # as exports write it: spaces, hyphens
    if konto is None:
        raise WertFehler(f"„{roh}“ ist keine gültige IBAN: {kontofehler(fehler)}.", spalte_von(wert))
    return konto.formatted
