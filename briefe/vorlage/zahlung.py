"""The ``[zahlung]`` table of a template: payee and account checked once at loading, amount
and reference (which may hold fields) checked per letter, for the GiroCode."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from briefe.deutsch.konto import kontofehler, pruefe
from briefe.deutsch.zahlen import betrag as betrag_text
from briefe.deutsch.zahlen import lies_zahl
from briefe.fehler import VorlagenFehler, ZeilenFehler
from briefe.modell import Zahlung
from briefe.vorlage.meldungen import unbekannter_eintrag

SCHLUESSEL = {"empfaenger", "iban", "bic", "betrag", "zweck"}
FELDER = ("betrag", "zweck")  # may contain fields: compiled like the subject
HOECHSTBETRAG = Decimal("999999999.99")  # EPC069-12
MAX_ZWECK = 140
MAX_EMPFAENGER = 70

@dataclass(frozen=True)
class Zahlungskopf:
    """Payee, IBAN and BIC of a template, checked."""

    empfaenger: str
    iban: str
    bic: str = ""

    def zahlung(self, betrag: str, zweck: str, zeile: int, datei: str) -> Zahlung:
        """The transfer for one row; a wrong amount or a long reference is that row's error."""
        try:
            wert = lies_zahl(betrag)
        except ValueError as fehler:
            raise ZeilenFehler(f"{datei}: GiroCode, Betrag: {fehler}", zeile=zeile) from None
        wert = wert.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if wert <= 0 or wert > HOECHSTBETRAG:
            raise ZeilenFehler(
                f"{datei}: GiroCode, Betrag {betrag_text(wert)}: erlaubt sind 0,01 € bis "
                f"{betrag_text(HOECHSTBETRAG)}.", zeile=zeile)
        zweck = " ".join(zweck.split())
        if len(zweck) > MAX_ZWECK:
            raise ZeilenFehler(
                f"{datei}: GiroCode, Verwendungszweck hat {len(zweck)} Zeichen, höchstens "
                f"{MAX_ZWECK} sind erlaubt.", zeile=zeile)
        return Zahlung(self.empfaenger, self.iban, wert, zweck, self.bic, betrag_text(wert))


def lies_zahlungskopf(daten: object, datei: str, zeile: int | None) -> Zahlungskopf:
    """Check ``[zahlung]``; an invalid IBAN or BIC stops before the first letter."""
    if not isinstance(daten, dict):
        raise VorlagenFehler("„zahlung“ muss eine Tabelle [zahlung] sein.", datei=datei, zeile=zeile)
    for schluessel in daten:
        if schluessel not in SCHLUESSEL:
            raise VorlagenFehler(unbekannter_eintrag(schluessel, SCHLUESSEL, "zahlung"),
                                 datei=datei, zeile=zeile)
    for pflicht in ("empfaenger", "iban", "betrag", "zweck"):
        if not isinstance(daten.get(pflicht), str) or not daten[pflicht].strip():
            raise VorlagenFehler(f"[zahlung]: „{pflicht}“ fehlt oder ist kein Text in "
                                 "Anführungszeichen.", datei=datei, zeile=zeile)
    empfaenger = " ".join(daten["empfaenger"].split())
    if len(empfaenger) > MAX_EMPFAENGER:
        raise VorlagenFehler(f"[zahlung]: „empfaenger“ hat {len(empfaenger)} Zeichen, höchstens "
                             f"{MAX_EMPFAENGER} sind erlaubt.", datei=datei, zeile=zeile)
    iban = _konto("IBAN", daten["iban"], datei, zeile)
    bic = _konto("BIC", str(daten["bic"]), datei, zeile) if str(daten.get("bic", "")).strip() else ""
    return Zahlungskopf(empfaenger, iban, bic)


def _konto(art: str, text: str, datei: str, zeile: int | None) -> str:
    """The compact IBAN or BIC (``art``) of ``[zahlung]``; an invalid one stops the run."""
    konto, fehler = pruefe(art, text)
    if konto is None:
        raise VorlagenFehler(f"[zahlung]: „{art.lower()}“ „{text}“ ist keine gültige {art}: "
                             f"{kontofehler(fehler)}.", datei=datei, zeile=zeile)
    return konto.compact
