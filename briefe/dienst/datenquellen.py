"""Named data sources of the service (``[[datenquelle]]``): takes the administrator's
configuration (address, query, who may use it), gives the sources a clerk may choose and a
snapshot of a source's rows in the run folder, which the check step and the run then read
like an uploaded JSON list. Clerks never type SQL; the query is the administrator's."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from briefe.dateien import schreibe_atomar
from briefe.fehler import BriefeFehler
from briefe.quellen.datenbank import ist_datenbank, lies_zeilen, pruefe_lesend

SCHLUESSEL = {"name", "bezeichnung", "daten", "abfrage", "benutzer", "werte", "passwort_datei"}
ALLE = "*"


@dataclass(frozen=True)
class Datenquelle:
    """One configured source; ``benutzer`` are the user or token names allowed (``*``: all)."""

    name: str
    bezeichnung: str
    daten: str
    abfrage: str
    benutzer: tuple[str, ...]
    werte: tuple[tuple[str, str], ...] = ()
    passwort_datei: Path | None = None

    def darf(self, name: str) -> bool:
        return ALLE in self.benutzer or name in self.benutzer


def lies_datenquellen(roh: object, datei: str, fehler=BriefeFehler) -> tuple[Datenquelle, ...]:
    """The ``[[datenquelle]]`` sections, checked; ``fehler`` is the configuration's error class."""
    if roh is None:
        return ()
    if not isinstance(roh, list) or not all(isinstance(e, dict) for e in roh):
        raise fehler("Datenquellen als [[datenquelle]]-Abschnitte angeben.", datei=datei)
    quellen: list[Datenquelle] = []
    for eintrag in roh:
        unbekannt = sorted(set(eintrag) - SCHLUESSEL)
        if unbekannt:
            raise fehler(f"Unbekannter Eintrag „{unbekannt[0]}“ in [[datenquelle]]. "
                         f"Erlaubt: {', '.join(sorted(SCHLUESSEL))}.", datei=datei)
        for pflicht in ("name", "daten", "abfrage"):
            if not isinstance(eintrag.get(pflicht), str) or not eintrag[pflicht].strip():
                raise fehler(f"[[datenquelle]] „{pflicht}“ fehlt oder ist leer.", datei=datei)
        name = eintrag["name"].strip()
        if not ist_datenbank(eintrag["daten"]):
            raise fehler(f"[[datenquelle]] {name}: „daten“ muss eine Datenbankadresse sein, z. B. "
                         "postgresql://briefe@rechner/verein oder sqlite:////srv/verein/mitglieder.db.",
                         datei=datei)
        try:
            pruefe_lesend(eintrag["abfrage"])
        except BriefeFehler as problem:
            raise fehler(f"[[datenquelle]] {name}: {problem.meldung}", datei=datei) from None
        benutzer = eintrag.get("benutzer")
        if not isinstance(benutzer, list) or not benutzer or not all(isinstance(b, str) for b in benutzer):
            raise fehler(f"[[datenquelle]] {name}: „benutzer“ muss eine Liste der Benutzer sein, die "
                         'sie wählen dürfen, z. B. benutzer = ["anna", "ben"] oder ["*"] für alle.',
                         datei=datei)
        werte = eintrag.get("werte", {})
        if not isinstance(werte, dict):
            raise fehler(f"[[datenquelle]] {name}: „werte“ muss eine Tabelle sein.", datei=datei)
        if any(q.name == name for q in quellen):
            raise fehler(f"[[datenquelle]] „{name}“ ist doppelt angegeben.", datei=datei)
        datei_pw = eintrag.get("passwort_datei")
        quellen.append(Datenquelle(
            name=name, bezeichnung=str(eintrag.get("bezeichnung") or name).strip(),
            daten=eintrag["daten"].strip(), abfrage=eintrag["abfrage"], benutzer=tuple(benutzer),
            werte=tuple((str(k), _als_text(v)) for k, v in werte.items()),
            passwort_datei=Path(datei_pw) if isinstance(datei_pw, str) and datei_pw else None))
    return tuple(quellen)


def erlaubte(quellen: tuple[Datenquelle, ...], name: str) -> list[Datenquelle]:
    """The sources a user (or token) may choose."""
    return [q for q in quellen if q.darf(name)]


def waehle(quellen: tuple[Datenquelle, ...], name: str, wahl: str) -> Datenquelle:
    """The chosen source, if this user may use it (else a German error)."""
    for quelle in erlaubte(quellen, name):
        if quelle.name == wahl:
            return quelle
    raise BriefeFehler("Diese Datenquelle gibt es nicht oder Sie dürfen sie nicht verwenden.")


def schreibe_abzug(quelle: Datenquelle, ziel: Path, max_zeilen: int) -> str:
    """Read the source now and keep its rows as a JSON list in ``ziel`` (the run reads this
    snapshot, so checked and made letters come from the same rows). Returns the checksum."""
    ergebnis = lies_zeilen(quelle.daten, quelle.abfrage, dict(quelle.werte), max_zeilen=max_zeilen,
                           passwort_datei=quelle.passwort_datei)
    eintraege = [dict(zip(ergebnis.kopf, (_json_wert(w) for w in zeile), strict=True))
                 for zeile in ergebnis.zeilen]
    schreibe_atomar(ziel, json.dumps(eintraege, ensure_ascii=False).encode("utf-8"))
    return ergebnis.pruefsumme


def anzeige(quelle: Datenquelle) -> str:
    """How the page names a source's run: its label (the address stays the administrator's)."""
    return f"Datenquelle „{quelle.bezeichnung}“"


def _als_text(wert: object) -> str:
    if isinstance(wert, dt.date):
        return wert.isoformat()
    return str(wert)


def _json_wert(wert: object) -> object:
    """A typed value as JSON that the list reader turns into the same text: dates as the
    letter writes them, exact numbers as numbers."""
    if wert is None or isinstance(wert, bool | int | str):
        return wert
    if isinstance(wert, dt.datetime):
        return wert.strftime("%d.%m.%Y") if wert.time() == dt.time() else wert.strftime("%d.%m.%Y %H:%M")
    if isinstance(wert, dt.date):
        return wert.strftime("%d.%m.%Y")
    if isinstance(wert, Decimal):
        return int(wert) if wert == wert.to_integral_value() else float(wert)
    if isinstance(wert, float):
        return wert
    return str(wert)
