"""Header matching, shared by every source: takes a list's column headings, gives the names
templates use and German notes on unknown, doubled or missing columns.

Headings are matched loosely against known aliases (``Straße``, ``Str.``, ``STRASSE`` all
become ``strasse``); other columns keep a normalised name for templates.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from briefe.quellen.werte import als_ascii, als_text, schluessel, zellwert

KOPF_SUCHTIEFE = 10  # header is searched in the first rows that are not empty

# Loose key (lower case ASCII, letters and digits only) -> canonical column.
ALIASE: Mapping[str, str] = MappingProxyType({
    "name": "nachname", "nachname": "nachname", "familienname": "nachname",
    "vorname": "vorname", "rufname": "vorname",
    "anrede": "anrede", "geschlecht": "anrede",
    "titel": "titel", "akadtitel": "titel", "akademischertitel": "titel",
    "akademischergrad": "titel",
    "funktion": "funktion", "position": "funktion",
    "einrichtung": "organisation", "institution": "organisation",
    "organisation": "organisation", "firma": "organisation",
    "zusatz": "zusatz", "abteilung": "zusatz", "adresszusatz": "zusatz",
    "anschriftzusatz": "zusatz",
    "strasse": "strasse", "str": "strasse", "strassehausnummer": "strasse",
    "strasseundhausnummer": "strasse", "strassehausnr": "strasse",
    "hausnummer": "hausnummer", "hausnr": "hausnummer",
    "postfach": "postfach",
    "plz": "plz", "postleitzahl": "plz",
    "ort": "ort", "stadt": "ort", "wohnort": "ort",
    "land": "land", "staat": "land",
    "email": "email", "mail": "email", "emailadresse": "email",
    "gremien": "gremien", "gremium": "gremien",
})
BEKANNTE_SPALTEN = frozenset(ALIASE.values())


def normalisiere_spalte(kopf: str) -> str:
    """Canonical name of a column header (alias or transliterated name)."""
    name = als_ascii(str(kopf))
    return ALIASE.get(name.replace("_", ""), name)


def anzahl_bekannt(zellen: Sequence[object]) -> int:
    """How many cells of a row name a known column (the header has several)."""
    return len({normalisiere_spalte(z) for z in zellen if isinstance(z, str)} & BEKANNTE_SPALTEN)


def weitere_spalten_hinweis(weitere: Sequence[tuple[str, str]]) -> str | None:
    """The note on columns that are not address columns (for a list read without a template)."""
    if not weitere:
        return None
    return "Weitere Spalten für die Vorlage: " + ", ".join(f"„{t}“ als {n}" for t, n in weitere) + "."


def spaltenplan(
    kopf: Sequence[object], notizen: list[str], weitere: list[tuple[str, str]]
) -> tuple[tuple[tuple[str, str], ...], list[tuple[int, str]]]:
    """(header, name) pairs and (cell index, name) for the used columns; ``weitere`` gets
    the columns that are neither known nor a likely typo."""
    spalten: list[tuple[str, str]] = []
    plan: list[tuple[int, str]] = []
    erste: dict[str, str] = {}
    for index, zelle in enumerate(kopf):
        text = als_text(zellwert(zelle))
        name = normalisiere_spalte(text)
        if not name:
            name = f"spalte_{spaltenbuchstabe(index)}"
        spalten.append((text, name))
        plan.append((index, name))
        if not text:
            continue
        if name in erste:
            notizen.append(
                f"Die Spalten „{erste[name]}“ und „{text}“ bedeuten beide „{name}“; "
                f"verwendet wird „{erste[name]}“, leere Werte aus „{text}“ ergänzt."
            )
            continue
        erste[name] = text
        if name not in BEKANNTE_SPALTEN:
            aehnlich = difflib.get_close_matches(schluessel(text), ALIASE, n=1, cutoff=0.8)
            if aehnlich:
                notizen.append(
                    f"Spalte „{text}“ ist unbekannt. Ist „{ALIASE[aehnlich[0]]}“ gemeint?"
                )
            else:
                weitere.append((text, name))
    if weitere:
        notizen.append(weitere_spalten_hinweis(weitere))
    if not {"nachname", "organisation"} & set(erste):
        notizen.append(
            "Keine Spalte für Name oder Einrichtung erkannt. "
            "Hat die Liste eine Kopfzeile mit z. B. „Name“, „Einrichtung“, „PLZ“, „Ort“?"
        )
    return tuple(spalten), plan


def spaltenbuchstabe(index: int) -> str:
    """The spreadsheet letter of a column index from 0 (``a``, …, ``z``, ``aa``)."""
    buchstaben = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        buchstaben = chr(ord("a") + rest) + buchstaben
    return buchstaben
