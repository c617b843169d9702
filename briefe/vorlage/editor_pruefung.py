"""Checks an editor document (Tiptap JSON, schema in ``editor_dokument``) before it is written
as a template body: anything else gives a German error naming its place, e.g.
``Editor-Dokument › Block 2 › Element 3: Das Format „x“ eines Feldes ist unbekannt …``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from briefe.fehler import VorlagenFehler
from briefe.vorlage import editor_felder as felder
from briefe.vorlage.vorlage import MARKDOWN_UMGEBUNG

TIEFE = 60  # nesting levels: more than ``zu_dokument`` makes (lists, 8 conditions each way)
_NAME = re.compile(r"(empfaenger|werte)\.[a-z_][a-z0-9_]*|anrede|datum|zeichen|betreff")
_BLOCK = {"paragraph", "heading", "bulletList", "orderedList", "listItem", "table",
          "ausdruckBlock", "bedingung", "bedingungDann", "bedingungSonst"}
_KINDER = {  # a block -> the blocks it may hold (None: any block)
    "bulletList": {"listItem"}, "orderedList": {"listItem"}, "table": {"tableRow"},
    "tableRow": {"tableCell", "tableHeader"}, "tableCell": {"paragraph"},
    "tableHeader": {"paragraph"}, "bedingung": {"bedingungDann", "bedingungSonst"},
    "listItem": None, "bedingungDann": None, "bedingungSonst": None,
}
_INLINE = {"text", "hardBreak", "feld", "ausdruck", "bedingungInline"}
_MARKEN = ("bold", "italic")
_AUSRICHTUNG = ("left", "center", "right")
_NAMEN = {  # node type -> what the page calls it
    "paragraph": "Absatz", "heading": "Überschrift", "bulletList": "Aufzählung",
    "orderedList": "Nummerierung", "listItem": "Listenpunkt", "table": "Tabelle",
    "tableRow": "Tabellenzeile", "tableCell": "Tabellenzelle", "tableHeader": "Kopfzelle",
    "ausdruckBlock": "Ausdruck", "bedingung": "Bedingung", "bedingungDann": "„dann“-Teil",
    "bedingungSonst": "„sonst“-Teil", "text": "Text", "hardBreak": "Zeilenumbruch",
    "feld": "Feld", "ausdruck": "Ausdruck", "bedingungInline": "Bedingung im Text",
}
_TYPEN = {str: "ein Text", bool: "ein Wahrheitswert", int: "eine Zahl", float: "eine Zahl",
          list: "eine Liste", dict: "ein Objekt", type(None): "null"}


def pruefe(dokument: object) -> None:
    """Nothing if the editor may have made ``dokument``; else a ``VorlagenFehler``."""
    if not isinstance(dokument, Mapping) or dokument.get("type") != "doc":
        raise _fehler("Das Dokument des Editors ist ungültig: erwartet wird ein JSON-Objekt "
                      "mit „type“: „doc“.", [])
    for n, block in enumerate(_liste(dokument, "content", []), 1):
        _block(block, [f"Block {n}"], _BLOCK)


def _fehler(meldung: str, pfad: list[str]) -> VorlagenFehler:
    if len(pfad) > 6:
        pfad = [*pfad[:2], "…", *pfad[-3:]]
    return VorlagenFehler(meldung, datei=" › ".join(["Editor-Dokument", *pfad]))


def _typ(wert: object) -> str:
    return _TYPEN.get(type(wert), "ein anderer Wert")


def _zeige(wert: object) -> str:
    text = wert if isinstance(wert, str) else repr(wert)
    return text if len(text) <= 40 else text[:39] + "…"


def _liste(knoten: Mapping, schluessel: str, pfad: list[str]) -> list:
    wert = knoten.get(schluessel)
    if wert is None:
        return []
    if not isinstance(wert, list):
        raise _fehler(f"„{schluessel}“ muss eine Liste sein, nicht {_typ(wert)}.", pfad)
    return wert


def _attrs(knoten: Mapping, pfad: list[str]) -> Mapping:
    wert = knoten.get("attrs")
    if wert is None:
        return {}
    if not isinstance(wert, Mapping):
        raise _fehler(f"„attrs“ muss ein JSON-Objekt sein, nicht {_typ(wert)}.", pfad)
    return wert


def _knoten(knoten: object, pfad: list[str]) -> Mapping:
    if len(pfad) > TIEFE:
        raise _fehler(f"Das Dokument ist zu tief verschachtelt (mehr als {TIEFE} Ebenen).", pfad)
    if not isinstance(knoten, Mapping):
        raise _fehler("Ein Element ist ungültig: erwartet wird ein JSON-Objekt mit „type“, "
                      f"nicht {_typ(knoten)}.", pfad)
    return knoten


def _art(knoten: Mapping) -> str:
    art = knoten.get("type")
    return art if isinstance(art, str) else _zeige(art)


def _block(knoten: object, pfad: list[str], erlaubt: set[str]) -> None:
    knoten = _knoten(knoten, pfad)
    art = _art(knoten)
    if art not in erlaubt:
        if art in _BLOCK or art in _INLINE or art in _KINDER:
            erlaubt_hier = sorted({_NAMEN[a] for a in erlaubt})
            raise _fehler(f"{_NAMEN[art]} („{art}“) darf hier nicht stehen; erlaubt: "
                          + ", ".join(erlaubt_hier) + ".", pfad)
        raise _fehler(f"Das Dokument des Editors enthält einen unbekannten Block „{_zeige(art)}“.",
                      pfad)
    attrs = _attrs(knoten, pfad)
    inhalt = _liste(knoten, "content", pfad)
    if art in ("paragraph", "heading"):
        if art == "heading":
            _ganzzahl(attrs, "level", 1, 6, "Die Stufe einer Überschrift", pfad)
        _zeile(inhalt, pfad)
        return
    if art == "orderedList":
        _ganzzahl(attrs, "start", 0, 999_999_999, "Der Anfang einer nummerierten Liste", pfad)
    elif art == "table":
        ausrichtung = attrs.get("ausrichtung")
        if ausrichtung is not None and (not isinstance(ausrichtung, list)
                                        or any(a not in _AUSRICHTUNG for a in ausrichtung)):
            raise _fehler("„ausrichtung“ einer Tabelle muss eine Liste aus "
                          + ", ".join(_AUSRICHTUNG) + " sein.", pfad)
    elif art == "ausdruckBlock":
        _text(attrs, "quelltext", pfad)
        return
    elif art == "bedingung":
        _bedingung(attrs, pfad)
        arten = [k.get("type") for k in inhalt if isinstance(k, Mapping)]
        if arten.count("bedingungDann") > 1 or arten.count("bedingungSonst") > 1:
            raise _fehler("Eine Bedingung hat höchstens einen „dann“- und einen „sonst“-Teil.",
                          pfad)
    kinder = _KINDER.get(art) or _BLOCK
    for n, kind in enumerate(inhalt, 1):
        _block(kind, [*pfad, f"{_STELLE.get(art, 'Block')} {n}"], kinder)


_STELLE = {"bulletList": "Punkt", "orderedList": "Punkt", "table": "Zeile", "tableRow": "Zelle"}


def _zeile(inhalt: list, pfad: list[str]) -> None:
    for n, knoten in enumerate(inhalt, 1):
        _inline(knoten, [*pfad, f"Element {n}"])


def _inline(knoten: object, pfad: list[str]) -> None:
    knoten = _knoten(knoten, pfad)
    art = _art(knoten)
    if art not in _INLINE:
        if art in _BLOCK or art in _KINDER:
            raise _fehler(f"{_NAMEN[art]} („{art}“) darf nicht in einer Textzeile stehen.", pfad)
        raise _fehler(f"Das Dokument des Editors enthält ein unbekanntes Element „{_zeige(art)}“.",
                      pfad)
    for marke in _liste(knoten, "marks", pfad):
        typ = marke.get("type") if isinstance(marke, Mapping) else marke
        if not isinstance(typ, str) or typ not in _MARKEN:
            raise _fehler(f"Die Auszeichnung „{_zeige(typ)}“ ist unbekannt; erlaubt sind fett "
                          "(bold) und kursiv (italic).", pfad)
    attrs = _attrs(knoten, pfad)
    if art == "text":
        _text(knoten, "text", pfad)
    elif art == "feld":
        _name(attrs.get("name"), pfad)
        format_ = attrs.get("format")
        if format_ is not None and format_ != "" and (
                not isinstance(format_, str) or format_ not in MARKDOWN_UMGEBUNG.filters):
            raise _fehler(f"Das Format „{_zeige(format_)}“ eines Feldes ist unbekannt; erlaubt "
                          "sind " + ", ".join(felder.FORMATE) + ".", pfad)
    elif art == "ausdruck":
        _text(attrs, "quelltext", pfad)
    elif art == "bedingungInline":
        _bedingung(attrs, pfad)
        for teil in ("dann", "sonst"):
            _zeile(_liste(attrs, teil, pfad), [*pfad, teil])


def _text(knoten: Mapping, schluessel: str, pfad: list[str]) -> None:
    if not isinstance(knoten.get(schluessel, ""), str):
        raise _fehler(f"„{schluessel}“ muss ein Text sein, nicht {_typ(knoten[schluessel])}.", pfad)


def _ganzzahl(attrs: Mapping, schluessel: str, von: int, bis: int, was: str,
              pfad: list[str]) -> None:
    wert = attrs.get(schluessel)
    if wert is not None and (type(wert) is not int or not von <= wert <= bis):
        raise _fehler(f"{was} muss eine ganze Zahl von {von} bis {bis} sein, nicht "
                      f"„{_zeige(wert)}“.", pfad)


def _name(name: object, pfad: list[str]) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _fehler(f"Das Feld „{_zeige(name)}“ ist ungültig; erlaubt sind Spalten der Liste "
                      "(empfaenger.…), Werte (werte.…), anrede, datum, zeichen, betreff.", pfad)


def _bedingung(attrs: Mapping, pfad: list[str]) -> None:
    _name(attrs.get("spalte"), pfad)
    art = attrs.get("art", "gefuellt")
    if art not in felder.ARTEN:
        raise _fehler(f"Die Art „{_zeige(art)}“ einer Bedingung ist unbekannt; erlaubt sind "
                      + ", ".join(felder.ARTEN) + ".", pfad)
    wert = attrs.get("wert")
    if wert is not None and not isinstance(wert, str):
        raise _fehler(f"Der Wert einer Bedingung muss ein Text sein, nicht {_typ(wert)}.", pfad)
