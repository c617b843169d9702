"""Values asked at the start of a run ("Werte beim Start"): declared in the front matter
as ``[startwerte.NAME]``, entered as German text, used as ``{{ werte.NAME }}``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from briefe.deutsch.zahlen import lies_zahl
from briefe.fehler import VorlagenFehler

TYPEN = {
    "datum": "Datum, z. B. 12.03.2027",
    "uhrzeit": "Uhrzeit, z. B. 9:30",
    "betrag": "Betrag, z. B. 7,50",
    "zahl": "Zahl, z. B. 12",
    "text": "Text",
}
TYPNAMEN = {"datum": "Datum", "uhrzeit": "Uhrzeit", "betrag": "Betrag", "zahl": "Zahl",
            "text": "Text"}
SCHLUESSEL = {"bezeichnung", "typ", "pflicht", "standard"}
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Startwert:
    """One value asked at the start; ``standard`` is the raw text used when none is entered."""

    name: str
    bezeichnung: str
    typ: str = "text"
    pflicht: bool = True
    standard: str | None = None

    @property
    def beschreibung(self) -> str:
        """``Datum der Konferenz (Datum, Pflicht)`` for listings."""
        art = TYPNAMEN[self.typ]
        if self.standard is not None:
            return f"{self.bezeichnung} ({art}, Standard {self.standard})"
        return f"{self.bezeichnung} ({art}, {'Pflicht' if self.pflicht else 'freiwillig'})"


def als_eingabe(wert: object) -> str:
    """A TOML value (job file, ``standard``) as the text a clerk would type."""
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, dt.datetime):
        return wert.isoformat(timespec="minutes")
    if isinstance(wert, dt.time):
        return wert.strftime("%H:%M")
    if isinstance(wert, dt.date):
        return wert.isoformat()
    return str(wert)


def lies_startwerte(daten: object, konstanten: Mapping[str, object], datei: str,
                    zeilen: Mapping[str, int] | None = None) -> tuple[Startwert, ...]:
    """The ``[startwerte]`` table of a front matter, checked; ``zeilen``: key -> file line."""
    zeilen = zeilen or {}
    zeile = zeilen.get("startwerte")
    if daten is None:
        return ()
    if not isinstance(daten, dict):
        raise VorlagenFehler(
            "„startwerte“ muss aus Tabellen bestehen, z. B. [startwerte.konferenz] mit "
            "bezeichnung = \"Datum der Konferenz\" und typ = \"datum\".", datei=datei, zeile=zeile)
    ergebnis = []
    for name, eintrag in daten.items():
        wo = f"[startwerte.{name}]"
        zeile = zeilen.get(f"startwerte.{name}", zeilen.get("startwerte"))
        if not _NAME.fullmatch(name):
            raise VorlagenFehler(
                f"{wo}: der Name darf nur Kleinbuchstaben, Ziffern und _ enthalten "
                "(z. B. konferenz_datum).", datei=datei, zeile=zeile)
        if name in konstanten:
            raise VorlagenFehler(
                f"{wo}: „{name}“ steht schon unter [werte]; ein Wert beim Start braucht einen "
                "eigenen Namen.", datei=datei, zeile=zeile)
        if not isinstance(eintrag, dict):
            raise VorlagenFehler(
                f"{wo} muss eine Tabelle sein, z. B. bezeichnung = \"…\" und typ = \"datum\".",
                datei=datei, zeile=zeile)
        for schluessel in eintrag:
            if schluessel not in SCHLUESSEL:
                raise VorlagenFehler(
                    f"{wo}: unbekannter Eintrag „{schluessel}“. Erlaubt: "
                    f"{', '.join(sorted(SCHLUESSEL))}.", datei=datei, zeile=zeile)
        bezeichnung = eintrag.get("bezeichnung", name)
        typ = eintrag.get("typ", "text")
        pflicht = eintrag.get("pflicht", True)
        if not isinstance(bezeichnung, str) or not bezeichnung.strip():
            raise VorlagenFehler(f"{wo}: „bezeichnung“ muss ein Text sein.", datei=datei,
                                 zeile=zeile)
        if typ not in TYPEN:
            raise VorlagenFehler(
                f"{wo}: unbekannter typ „{typ}“. Möglich: {', '.join(TYPEN)}.",
                datei=datei, zeile=zeile)
        if not isinstance(pflicht, bool):
            raise VorlagenFehler(f"{wo}: „pflicht“ muss true oder false sein.", datei=datei,
                                 zeile=zeile)
        standard = als_eingabe(eintrag["standard"]) if "standard" in eintrag else None
        wert = Startwert(name, bezeichnung.strip(), typ, pflicht, standard)
        if standard is not None:
            try:
                lies_wert(wert, standard)
            except ValueError as fehler:
                raise VorlagenFehler(f"{wo}: „standard“: {fehler}", datei=datei,
                                     zeile=zeile) from None
        ergebnis.append(wert)
    return tuple(ergebnis)


def lies_wert(startwert: Startwert, text: str, zahlen: str | None = None) -> object:
    """Parse one entered text by the value's type; ``ValueError`` with a German reason.
    Numbers follow ``deutsch.zahlen`` (``zahlen``: the setting ``punkt``/``deutsch``)."""
    text = text.strip()
    if startwert.typ == "text":
        return text
    if startwert.typ == "datum":
        for muster in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
            try:
                return dt.datetime.strptime(text, muster).date()
            except ValueError:
                pass
        raise ValueError(f"„{text}“ ist kein Datum (erwartet z. B. 12.03.2027)")
    if startwert.typ == "uhrzeit":
        roh = text.removesuffix("Uhr").strip()
        for muster in ("%H:%M", "%H.%M", "%H"):
            try:
                return dt.datetime.strptime(roh, muster).time()
            except ValueError:
                pass
        raise ValueError(f"„{text}“ ist keine Uhrzeit (erwartet z. B. 9:30)")
    zahl = lies_zahl(text, lesart=zahlen)
    if startwert.typ == "betrag":
        if zahl.normalize().as_tuple().exponent < -2:  # type: ignore[operator] - 12.500 is 12.50
            raise ValueError(f"„{text}“ hat mehr als zwei Nachkommastellen")
        return zahl.quantize(Decimal("0.01"))
    return int(zahl) if zahl == zahl.to_integral_value() else zahl


def als_protokolltext(wert: object) -> str:
    """A parsed value as text for the protocol (ISO date, HH:MM, decimal point)."""
    if isinstance(wert, dt.time):
        return wert.strftime("%H:%M")
    if isinstance(wert, dt.date):
        return wert.isoformat()
    return str(wert)


def pruefe_startwerte(vorlage, eingaben: Mapping[str, str],
                      zahlen: str | None = None) -> dict[str, object]:
    """Check the entered texts against a template's start values; all problems at once.

    Returns name -> parsed value (date, time, Decimal, int or str); missing optional
    values without default are left out."""
    erklaert = {w.name: w for w in vorlage.startwerte}
    probleme: list[str] = []
    werte: dict[str, object] = {}
    for name in eingaben:
        if name not in erklaert:
            moeglich = ", ".join(erklaert) or "keine"
            probleme.append(f"„{name}“ ist kein Wert dieser Vorlage (möglich: {moeglich}).")
    for name, startwert in erklaert.items():
        text = eingaben.get(name)
        if text is None or not str(text).strip():
            if startwert.standard is not None:
                text = startwert.standard
            elif startwert.pflicht:
                probleme.append(f"„{startwert.bezeichnung}“ fehlt ({TYPEN[startwert.typ]}).")
                continue
            else:
                continue
        try:
            werte[name] = lies_wert(startwert, str(text), zahlen)
        except ValueError as fehler:
            probleme.append(f"„{startwert.bezeichnung}“: {str(fehler).rstrip('.')}.")
    if probleme:
        raise VorlagenFehler(
            "Werte beim Start: " + " ".join(probleme),
            datei=getattr(vorlage, "anzeige", None),
        )
    return werte


def beispielwerte(vorlage) -> dict[str, str]:
    """Texts that fill every start value for a preview (the default, else a sample)."""
    beispiel = {"datum": dt.date.today().strftime("%d.%m.%Y"), "uhrzeit": "9:00",
                "betrag": "0,00", "zahl": "0"}
    return {
        w.name: w.standard if w.standard is not None else beispiel.get(w.typ, f"[{w.bezeichnung}]")
        for w in vorlage.startwerte
    }
