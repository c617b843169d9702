"""The front matter of a template: TOML between ``+++`` lines, its keys checked, the line
of each key kept for messages."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

from briefe.deutsch import anschrift as anschrift_regeln
from briefe.fehler import VorlagenFehler
from briefe.geometrie import FORMEN
from briefe.vorlage import meldungen

TRENNER = "+++"
_SCHLUESSEL = {
    "betreff", "absender", "zeichen", "ihr_zeichen", "datum", "form", "grussformel",
    "unterschrift", "anlagen", "verteiler", "vermerke", "anrede", "hinweis_maschinell",
    "beschreibung", "werte", "anschrift_reihenfolge", "titel", "startwerte", "email",
    "zahlung",
}


def teile_vorlage(text: str, datei: str) -> tuple[str, str, int]:
    """Split into (front matter, body with the front matter blanked, body start line)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    zeilen = text.splitlines(keepends=True)
    if not zeilen or zeilen[0].strip() != TRENNER:
        raise VorlagenFehler(
            f"Die Vorlage muss mit einer Zeile „{TRENNER}“ beginnen (Kopfbereich im TOML-Format).",
            datei=datei, zeile=1,
        )
    for nummer, zeile in enumerate(zeilen[1:], start=1):
        if zeile.strip() == TRENNER:
            kopf = "".join(zeilen[1:nummer])
            # Keep line numbers of the body equal to the file's.
            koerper = "\n" * (nummer + 1) + "".join(zeilen[nummer + 1 :])
            return kopf, koerper, nummer + 2
    raise VorlagenFehler(
        f"Der Kopfbereich wird nicht mit einer Zeile „{TRENNER}“ geschlossen.", datei=datei,
        zeile=len(zeilen),
    )


_KOPFZEILE = re.compile(r"\s*(?:\[\s*([\w.\-\"]+)\s*\]|([\w\-]+)\s*=)")


def kopfzeilen_von(kopf_text: str) -> dict[str, int]:
    """Top-level key (or ``[table]``) -> its line in the file (line 1 is ``+++``)."""
    zeilen: dict[str, int] = {}
    in_tabelle = False
    for nummer, zeile in enumerate(kopf_text.split("\n"), start=2):
        treffer = _KOPFZEILE.match(zeile)
        if not treffer:
            continue
        if treffer[1]:
            in_tabelle = True
            zeilen.setdefault(treffer[1].split(".")[0].strip('"'), nummer)
            zeilen.setdefault(treffer[1].replace('"', ""), nummer)  # [startwerte.termin]
        elif not in_tabelle:
            zeilen.setdefault(treffer[2], nummer)
    return zeilen


def lies_kopf(kopf_text: str, datei: str, kopfzeilen: dict[str, int], ende: int) -> dict:
    try:
        kopf = tomllib.loads(kopf_text)
    except tomllib.TOMLDecodeError as fehler:
        meldung, zeile = meldungen.toml_fehler(fehler, kopf_text, 2, ende)
        titel = re.search(r'^\s*(?:titel|beschreibung)\s*=\s*"([^"\n]+)"\s*$', kopf_text, re.M)
        datei = f"Vorlage „{titel[1]}“" if titel else datei
        raise VorlagenFehler(f"Fehler im Kopfbereich: {meldung}", datei=datei, zeile=zeile) from None
    titel = kopf.get("titel") or kopf.get("beschreibung")
    if titel:
        datei = f"Vorlage „{titel}“"
    for schluessel in kopf:
        if schluessel not in _SCHLUESSEL:
            raise VorlagenFehler(meldungen.unbekannter_eintrag(schluessel, _SCHLUESSEL,
                                                               ort=" im Kopfbereich"),
                                 datei=datei, zeile=kopfzeilen.get(schluessel))
    for pflicht in ("betreff", "absender"):
        if not kopf.get(pflicht):
            raise VorlagenFehler(f"Im Kopfbereich fehlt „{pflicht}“.", datei=datei,
                                 zeile=kopfzeilen.get(pflicht))
    anschrift_regeln.reihenfolge(kopf.get("anschrift_reihenfolge"), datei)
    form = str(kopf.get("form", "B")).upper()
    if form not in FORMEN:
        raise VorlagenFehler(f"„form“ muss \"A\" oder \"B\" sein, nicht „{form}“.", datei=datei,
                             zeile=kopfzeilen.get("form"))
    datum = kopf.get("datum", "heute")
    if not isinstance(datum, dt.date) and datum != "heute":
        raise VorlagenFehler(
            "„datum“ muss ein Datum wie 2011-08-25 (ohne Anführungszeichen) oder \"heute\" sein.",
            datei=datei, zeile=kopfzeilen.get("datum"),
        )
    if not isinstance(kopf.get("werte", {}), dict):
        raise VorlagenFehler("„werte“ muss eine Tabelle [werte] sein.", datei=datei,
                             zeile=kopfzeilen.get("werte"))
    email = kopf.get("email", {})
    if not isinstance(email, dict) or set(email) - {"betreff", "text"}:
        raise VorlagenFehler("„email“ muss eine Tabelle [email] mit betreff und text sein.", datei=datei,
                             zeile=kopfzeilen.get("email"))
    for liste in ("anlagen", "verteiler", "vermerke"):
        if not isinstance(kopf.get(liste, []), list):
            raise VorlagenFehler(f"„{liste}“ muss eine Liste sein, z. B. [\"…\"].", datei=datei,
                                 zeile=kopfzeilen.get(liste))
    for text in ("titel", "beschreibung"):
        if not isinstance(kopf.get(text, ""), str):
            raise VorlagenFehler(f"„{text}“ muss ein Text in Anführungszeichen sein.",
                                 datei=datei, zeile=kopfzeilen.get(text))
    return kopf
