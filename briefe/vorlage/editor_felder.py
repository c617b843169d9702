"""Fields and conditions of the letter editor: a Jinja tag read as a field («Nachname» with its
format) or a condition (column, kind, value), written back as template source, and the German
labels the editor shows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import jinja2
from jinja2 import nodes

from briefe.quellen.spalten import normalisiere_spalte

ARTEN = ("gefuellt", "leer", "enthaelt", "gleich", "ungleich")
EINFACHE_NAMEN = {"anrede": "Anrede", "datum": "Datum", "zeichen": "Zeichen", "betreff": "Betreff"}
# The canonical columns (``quellen.spalten``) as a clerk's list usually heads them.
SPALTEN = {
    "nachname": "Nachname", "vorname": "Vorname", "anrede": "Anrede", "titel": "Titel",
    "funktion": "Funktion", "organisation": "Einrichtung", "zusatz": "Zusatz",
    "strasse": "Straße", "hausnummer": "Hausnummer", "postfach": "Postfach", "plz": "PLZ",
    "ort": "Ort", "land": "Land", "email": "E-Mail", "gremien": "Gremien",
}
FORMATE = {  # filter (``deutsch.formate.FILTER``) -> label of the format in the editor
    "betrag": "Betrag", "datum": "Datum", "datum_lang": "Datum lang", "uhrzeit": "Uhrzeit",
    "telefon": "Telefon", "zahl": "Zahl", "iban": "IBAN",
}
_PARSER = jinja2.Environment()


def beschriftung(name: str, beschriftungen: Mapping[str, str] | None = None) -> str:
    """The German label of a field: given label (list heading, start value), else a known one."""
    if beschriftungen and name in beschriftungen:
        return beschriftungen[name]
    if name in EINFACHE_NAMEN:
        return EINFACHE_NAMEN[name]
    kopf, _, rest = name.partition(".")
    if kopf == "empfaenger" and rest in SPALTEN:
        return SPALTEN[rest]
    rest = rest or kopf
    return rest[:1].upper() + rest[1:].replace("_", " ")


def bekannte_beschriftungen() -> dict[str, str]:
    """Field name -> label of the fields every list and template knows (for the page)."""
    return {**EINFACHE_NAMEN, **{f"empfaenger.{k}": v for k, v in SPALTEN.items()}}


def beschriftungen_aus(spaltenkoepfe: Iterable[str] = (), startwerte: Iterable = (),
                       werte: Iterable[str] = ()) -> dict[str, str]:
    """Field name -> label from a list's column headings, a template's start values
    (``Startwert``) and its fixed ``[werte]``."""
    ergebnis: dict[str, str] = {}
    for kopf in spaltenkoepfe:
        if str(kopf).strip():
            ergebnis.setdefault(f"empfaenger.{normalisiere_spalte(str(kopf))}", str(kopf).strip())
    for wert in startwerte:
        ergebnis[f"werte.{wert.name}"] = wert.bezeichnung
    for name in werte:
        ergebnis.setdefault(f"werte.{name}", beschriftung(f"werte.{name}"))
    return ergebnis


def _name_von(knoten: nodes.Node) -> str | None:
    """``empfaenger.x``, ``werte.x`` or ``anrede``/``datum``/… for a plain reference."""
    if (isinstance(knoten, nodes.Getattr) and isinstance(knoten.node, nodes.Name)
            and knoten.node.name in ("empfaenger", "werte")):
        return f"{knoten.node.name}.{knoten.attr}"
    if isinstance(knoten, nodes.Name) and knoten.name in EINFACHE_NAMEN:
        return knoten.name
    return None


def _ausdruck(quelle: str) -> nodes.Expr | None:
    try:
        ausgabe = _PARSER.parse("{{ " + quelle + " }}").body
    except jinja2.TemplateSyntaxError:
        return None
    if len(ausgabe) != 1 or not isinstance(ausgabe[0], nodes.Output) or len(ausgabe[0].nodes) != 1:
        return None
    return ausgabe[0].nodes[0]


def als_feld(inneres: str, beschriftungen: Mapping[str, str] | None = None) -> dict | None:
    """The attributes of a field for the inside of ``{{ … }}``; None if it is no plain field."""
    knoten = _ausdruck(inneres)
    format_ = None
    if isinstance(knoten, nodes.Filter) and not (knoten.args or knoten.kwargs or knoten.dyn_args
                                                 or knoten.dyn_kwargs):
        format_, knoten = knoten.name, knoten.node
    name = _name_von(knoten) if knoten is not None else None
    if name is None:
        return None
    return feld_attrs(name, format_, beschriftungen)


def feld_attrs(name: str, format_: str | None = None,
               beschriftungen: Mapping[str, str] | None = None) -> dict:
    return {"ausdruck": feld_ausdruck(name, format_), "name": name, "format": format_,
            "label": beschriftung(name, beschriftungen)}


def feld_ausdruck(name: str, format_: str | None) -> str:
    return f"{name} | {format_}" if format_ else name


def feld_quelle(attrs: Mapping) -> str:
    """``{{ name | format }}``: written from name and format (``ausdruck`` is informative)."""
    return "{{ " + feld_ausdruck(str(attrs["name"]), attrs.get("format") or None) + " }}"


def als_bedingung(bedingung: str) -> dict | None:
    """``{spalte, art, wert}`` for the test of ``{% if … %}``; None if the editor cannot show it."""
    knoten = _ausdruck(bedingung)
    if knoten is None:
        return None
    name = _name_von(knoten)
    if name:
        return {"spalte": name, "art": "gefuellt", "wert": None}
    if isinstance(knoten, nodes.Not) and _name_von(knoten.node):
        return {"spalte": _name_von(knoten.node), "art": "leer", "wert": None}
    if isinstance(knoten, nodes.Compare) and len(knoten.ops) == 1:
        op = knoten.ops[0]
        links, rechts = knoten.expr, op.expr
        if (op.op == "in" and isinstance(links, nodes.Const) and isinstance(links.value, str)
                and _name_von(rechts)):
            return {"spalte": _name_von(rechts), "art": "enthaelt", "wert": links.value}
        if (op.op in ("eq", "ne") and _name_von(links) and isinstance(rechts, nodes.Const)
                and isinstance(rechts.value, str)):
            art = "gleich" if op.op == "eq" else "ungleich"
            return {"spalte": _name_von(links), "art": art, "wert": rechts.value}
    return None


def _zeichenkette(wert: str) -> str:
    """A Jinja string literal for ``wert`` (JSON's escapes are Jinja's)."""
    return json.dumps(str(wert), ensure_ascii=False)


def bedingung_quelle(attrs: Mapping) -> str:
    """The test of ``{% if … %}`` for a condition's attributes."""
    spalte, art, wert = str(attrs["spalte"]), attrs.get("art", "gefuellt"), attrs.get("wert") or ""
    if art == "leer":
        return f"not {spalte}"
    if art == "enthaelt":
        return f"{_zeichenkette(wert)} in {spalte}"
    if art in ("gleich", "ungleich"):
        return f"{spalte} {'==' if art == 'gleich' else '!='} {_zeichenkette(wert)}"
    return spalte
