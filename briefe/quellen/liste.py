"""Member lists as rows become them, shared by every source: takes rows of raw cells (header
first), gives one ``Mitgliederliste`` of immutable ``Empfaenger``, and answers filters.

Row numbers are those a spreadsheet shows: header = 1, first member = 2; empty rows are
skipped but still counted. A source without a sheet (JSON, a database) numbers its n-th
record (from 0) as row n + 2 likewise.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from briefe.fehler import DatenFehler
from briefe.quellen.spalten import (
    KOPF_SUCHTIEFE,
    anzahl_bekannt,
    normalisiere_spalte,
    spaltenbuchstabe,
    spaltenplan,
)
from briefe.quellen.werte import (
    als_text,
    genaue_zahl,
    korrigiere_plz,
    unlesbar,
    vergleichbar,
    zellwert,
)
from briefe.quellen.zahlform import PUNKT, lesart_der_spalte, schreibweise

MAX_ZEILEN = 100_000  # members per list, checked while reading


class Feldwert(str):
    """A member value as text that knows its list heading (``spalte``), for numbers typed
    in XLSX/JSON their exact value (``zahl``), and how its column writes numbers
    (``lesart``, see ``deutsch.zahlen``); filters name the column in errors."""

    spalte: str
    zahl: Decimal | None
    lesart: str | None

    def __new__(cls, text: str, spalte: str, zahl: Decimal | None = None,
                lesart: str | None = None) -> Feldwert:
        wert = super().__new__(cls, text)
        wert.spalte, wert.zahl, wert.lesart = spalte, zahl, lesart
        return wert

    def __reduce__(self):
        return (Feldwert, (str(self), self.spalte, self.zahl, self.lesart))


@dataclass(frozen=True)
class Empfaenger:
    """One member row: normalised column name -> cleaned value."""

    zeile: int
    felder: Mapping[str, object] = field(hash=False)
    datei: str | None = None  # file name for error locations
    koepfe: Mapping[str, str] | None = field(default=None, hash=False, compare=False)
    # (column, German message) for values that could not be read; the row becomes an error
    lesefehler: tuple[tuple[str, str], ...] = field(default=(), hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.felder, MappingProxyType):
            object.__setattr__(self, "felder", MappingProxyType(dict(self.felder)))
        if self.koepfe is not None and not isinstance(self.koepfe, MappingProxyType):
            object.__setattr__(self, "koepfe", MappingProxyType(dict(self.koepfe)))

    def __reduce__(self):
        # mappingproxy cannot be pickled; worker processes receive members.
        koepfe = dict(self.koepfe) if self.koepfe is not None else None
        return (type(self), (self.zeile, dict(self.felder), self.datei, koepfe, self.lesefehler))

    def kopf(self, name: str) -> str:
        """The list's own heading of a column (``PLZ`` for ``plz``), else the name."""
        return (self.koepfe or {}).get(name) or name

    def wert(self, name: str) -> str:
        """The value of a column as a stripped string ('' when missing)."""
        wert = self.felder.get(name)
        if wert is None:
            wert = self.felder.get(normalisiere_spalte(name))
        return als_text(wert)


@dataclass(frozen=True)
class Mitgliederliste:
    """A read member list; ``hinweise`` are German notes for the protocol."""

    quelle: Path | str  # the file, or a database's address without password
    spalten: tuple[tuple[str, str], ...]
    empfaenger: tuple[Empfaenger, ...]
    kodierung: str | None
    hinweise: tuple[str, ...] = ()
    trennzeichen: str | None = None  # detected CSV separator
    weitere_spalten: tuple[tuple[str, str], ...] = ()  # (header, name) of columns only a template uses
    pruefsumme: str = ""  # of the rows read from a database ("" for a file: its own checksum counts)

    @property
    def name(self) -> str:
        """The source as messages name it: the file name or the database address."""
        return self.quelle.name if isinstance(self.quelle, Path) else self.quelle


def passt_filter(e: Empfaenger, spalte: str, wert: str) -> bool:
    """Whether a member matches ``--filter spalte=wert``."""
    name = normalisiere_spalte(spalte)
    gesucht = vergleichbar(wert)
    if name == "gremien":
        return gesucht in {vergleichbar(g) for g in gremien(e)}
    return vergleichbar(e.wert(name)) == gesucht


def gremien(e: Empfaenger) -> list[str]:
    """The committees of a member (comma, semicolon or line separated)."""
    return [g.strip() for g in re.split(r"[,;\n]", e.wert("gremien")) if g.strip()]


@dataclass(frozen=True)
class Lesegrenzen:
    """Limits checked while reading: rows (a file error) and characters per value (a row error)."""

    max_zeilen: int = MAX_ZEILEN
    max_feldlaenge: int | None = None


def baue_liste(
    pfad: Path | str,
    zeilen: Iterable[tuple[int, Sequence[object]]],
    *,
    pruefsumme: str = "",
    kodierung: str | None = None,
    trennzeichen: str | None = None,
    xlsx: bool = False,
    kopf_suchen: bool = True,
    grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008 - frozen
    zahlen: str | None = None,
) -> Mitgliederliste:
    """Header search, column mapping and member building shared by all sources; ``zahlen``
    is the setting for numbers (``punkt``/``deutsch``), else each column decides."""
    datei = pfad.name if isinstance(pfad, Path) else pfad
    notizen: list[str] = []
    zeilen = iter(zeilen)
    vorlauf: list[tuple[int, Sequence[object]]] = []
    for nr, zellen in zeilen:
        if any(zellwert(z, xlsx) != "" for z in zellen):
            vorlauf.append((nr, zellen))
            if len(vorlauf) >= KOPF_SUCHTIEFE:
                break
    if not vorlauf:
        raise DatenFehler("Die Liste enthält keine Kopfzeile und keine Daten.", datei=datei)

    kopf_index = 0
    for i, (_, zellen) in enumerate(vorlauf if kopf_suchen else ()):
        if anzahl_bekannt(zellen) >= 2:
            kopf_index = i
            break
    kopf_nr, kopf = vorlauf[kopf_index]
    if kopf_index:
        notizen.append(
            f"Zeilen 1 bis {kopf_nr - 1} stehen über der Kopfzeile und werden übersprungen."
        )
    weitere: list[tuple[str, str]] = []
    spalten, plan = spaltenplan(kopf, notizen, weitere)

    roh: list[tuple[int, dict[str, object]]] = []
    fehler_je_zeile: dict[int, list[tuple[str, str]]] = {}
    genau: dict[tuple[int, str], Decimal] = {}  # typed numbers (XLSX, JSON), exact
    ueberlang: list[int] = []
    for nr, zellen in itertools.chain(vorlauf[kopf_index + 1:], zeilen):
        probleme = [(i, unlesbar(z, grenzen.max_feldlaenge)) for i, z in enumerate(zellen)]
        probleme = [(i, p) for i, p in probleme if p]
        if probleme:
            zellen = list(zellen)
            for i, _ in probleme:
                zellen[i] = ""  # an unreadable cell shows nothing in messages and file names
        werte = [zellwert(z, xlsx) for z in zellen]
        if not any(w != "" for w in werte):
            continue
        if any(w != "" for w in werte[len(kopf):]):
            ueberlang.append(nr)
        felder: dict[str, object] = {}
        for index, name in plan:
            wert = werte[index] if index < len(werte) else ""
            if felder.get(name, "") == "":
                felder[name] = wert
                typisiert = genaue_zahl(zellen[index] if index < len(zellen) else None)
                if typisiert is not None:
                    genau[(nr, name)] = typisiert
        korrigiere_plz(felder)
        namen = dict(plan)
        if probleme:
            fehler_je_zeile[nr] = [(namen.get(i, f"spalte_{spaltenbuchstabe(i)}"), p) for i, p in probleme]
        roh.append((nr, felder))
        if len(roh) > grenzen.max_zeilen:
            raise DatenFehler(
                f"Die Liste hat mehr als {grenzen.max_zeilen:,} Zeilen; erlaubt sind höchstens "
                f"{grenzen.max_zeilen:,}. Bitte die Liste teilen.".replace(",", "."),
                datei=datei, zeile=nr)

    # Columns without a header count only when some row fills them.
    ohne_kopf = {name for text, name in spalten if not text}
    benutzt = {n for n in ohne_kopf if any(f[n] != "" for _, f in roh)}
    for _, name in spalten:
        if name in benutzt:
            notizen.append(
                f"Spalte {name.removeprefix('spalte_').upper()} hat keine Überschrift; "
                f"in der Vorlage heißt sie „{name}“."
            )
    spalten = tuple((t, n) for t, n in spalten if t or n in benutzt)
    koepfe: dict[str, str] = {}
    for text, name in spalten:
        koepfe.setdefault(name, text or name)
    koepfe_ansicht = MappingProxyType(koepfe)
    lesarten = _lesarten(roh, genau, zahlen, koepfe, notizen)
    empfaenger = []
    for nr, felder in roh:
        for name in ohne_kopf - benutzt:
            del felder[name]
        for name, wert in felder.items():
            if isinstance(wert, str) and wert:
                felder[name] = Feldwert(wert, koepfe.get(name, name), genau.pop((nr, name), None),
                                        lesarten.get(name))
        empfaenger.append(Empfaenger(nr, MappingProxyType(felder), datei, koepfe_ansicht,
                                     tuple(fehler_je_zeile.get(nr, ()))))

    if ueberlang:
        liste = ", ".join(str(n) for n in ueberlang[:5])
        mehr = f" und {len(ueberlang) - 5} weiteren" if len(ueberlang) > 5 else ""
        notizen.append(
            f"Zeile {liste}{mehr} hat mehr Werte als die Kopfzeile Spalten; "
            "die überzähligen Werte werden nicht verwendet."
        )
    if not empfaenger:
        notizen.append("Die Liste enthält keine Mitglieder.")
    return Mitgliederliste(
        quelle=pfad,
        spalten=spalten,
        empfaenger=tuple(empfaenger),
        kodierung=kodierung,
        hinweise=tuple(notizen),
        trennzeichen=trennzeichen,
        weitere_spalten=tuple(weitere),
        pruefsumme=pruefsumme,
    )


def _lesarten(roh: list[tuple[int, dict[str, object]]], genau: Mapping[tuple[int, str], Decimal],
              zahlen: str | None, koepfe: Mapping[str, str], notizen: list[str]) -> dict[str, str]:
    """Column -> how it reads ``1.234``: the setting, else ``punkt`` for a column in dot
    notation (``deutsch.zahlen.lesart_der_spalte``; typed numbers do not count)."""
    if zahlen:
        return {name: zahlen for _, felder in roh[:1] for name in felder}
    texte: dict[str, list[str]] = {}
    for nr, felder in roh:
        for name, wert in felder.items():
            if isinstance(wert, str) and "." in wert and (nr, name) not in genau:
                texte.setdefault(name, []).append(wert)
    lesarten = {}
    for name, werte in texte.items():
        if lesart_der_spalte(werte) == PUNKT:
            lesarten[name] = PUNKT
            beides = next((w for w in werte if schreibweise(w) == "beides"), None)
            if beides:
                notizen.append(
                    f"Spalte „{koepfe.get(name, name)}“ schreibt Zahlen mit Dezimalpunkt; "
                    f"„{beides}“ gilt dort als {beides.replace('.', ',')} "
                    "(deutsch lesen: zahlen = \"deutsch\").")
    return lesarten
