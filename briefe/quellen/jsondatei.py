"""JSON member lists: takes the bytes of a JSON list of objects, gives a ``Mitgliederliste``
whose columns are the objects' keys in order of first appearance."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from briefe.fehler import DatenFehler
from briefe.quellen.liste import Lesegrenzen, Mitgliederliste, baue_liste
from briefe.quellen.werte import MAX_ZAHL_STELLEN, SURROGAT, LangeZahl, Unlesbar


def _ganzzahl(ziffern: str) -> int | str:
    if len(ziffern.lstrip("-")) > MAX_ZAHL_STELLEN:
        return LangeZahl(ziffern)
    return int(ziffern)


def _lesbar(name: str) -> str:
    """A key with a lone surrogate (``"k\\ud800"``) as it can be shown: ``k\ufffd``."""
    return SURROGAT.sub("\ufffd", name)


def _werte(eintrag: dict, kopf: list[str]) -> list[object]:
    """One object's values in the order of ``kopf``; under a key with a lone surrogate a
    row error naming the key (the value is not used)."""
    werte = {}
    for k, wert in eintrag.items():
        name = _lesbar(str(k))
        if name != str(k):
            wert = Unlesbar(f"Der Name „{name}“ enthält ein ungültiges Zeichen (ein einzelnes "
                            "UTF-16-Ersatzzeichen); der Wert wird nicht verwendet.")
        werte.setdefault(name, wert)
    return [werte.get(k) for k in kopf]


def lies_json(pfad: Path, daten: bytes, grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008
              zahlen: str | None = None) -> Mitgliederliste:
    try:
        text = daten.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DatenFehler("Die JSON-Datei ist nicht in UTF-8 kodiert.", datei=pfad.name) from None
    try:
        inhalt = json.loads(text, parse_constant=lambda _: None, parse_int=_ganzzahl)
    except json.JSONDecodeError as fehler:
        raise DatenFehler(
            f"Die Datei ist kein gültiges JSON (Zeile {fehler.lineno}, Zeichen {fehler.colno}).",
            datei=pfad.name,
        ) from None
    except RecursionError:
        raise DatenFehler("Die JSON-Datei ist zu tief verschachtelt.", datei=pfad.name) from None
    if not isinstance(inhalt, list):
        art = {dict: "ein Objekt", str: "ein Text"}.get(type(inhalt), "ein einzelner Wert")
        raise DatenFehler(
            f"Die JSON-Datei muss eine Liste von Objekten enthalten ([{{…}}, {{…}}]), "
            f"nicht {art}.",
            datei=pfad.name,
        )
    schluessel_folge: dict[str, None] = {}
    for index, eintrag in enumerate(inhalt):
        if not isinstance(eintrag, dict):
            raise DatenFehler(
                f"Eintrag {index + 1} der Liste ist kein Objekt ({{…}}).",
                datei=pfad.name,
                zeile=index + 2,
            )
        schluessel_folge.update(dict.fromkeys(_lesbar(str(k)) for k in eintrag))
    kopf = list(schluessel_folge)
    if not kopf:
        return Mitgliederliste(
            pfad, (), (), None, ("Die Liste enthält keine Mitglieder.",)
        )
    zeilen = itertools.chain(
        [(1, kopf)],
        (
            (index + 2, _werte(eintrag, kopf))
            for index, eintrag in enumerate(inhalt)
        ),
    )
    return baue_liste(pfad, zeilen, kopf_suchen=False, grenzen=grenzen, zahlen=zahlen)
