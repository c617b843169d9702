"""German texts for the errors a template raises while it is filled (type, attribute, undefined,
zero division, overflow, value, ...): Python's and Jinja's English never reaches a clerk.

Messages our own filters raise (``briefe.deutsch``) are German already: kept when no English
pattern matches them."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import jinja2
from jinja2.exceptions import FilterArgumentError

# What filling a template may raise besides SecurityError and our limits (checked before).
LAUFZEITFEHLER = (jinja2.TemplateRuntimeError, ArithmeticError, RecursionError, MemoryError, ValueError,
                  TypeError, LookupError, AttributeError, AssertionError)
_PAKET = str(Path(__file__).resolve().parent.parent)  # briefe/

# Python type names as a clerk knows the values: (nominative, dative).
_ARTEN = {
    "int": ("eine Zahl", "einer Zahl"), "float": ("eine Kommazahl", "einer Kommazahl"),
    "Decimal": ("eine Zahl", "einer Zahl"), "str": ("ein Text", "einem Text"),
    "NoneType": ("ein leerer Wert (none)", "einem leeren Wert (none)"),
    "list": ("eine Liste", "einer Liste"), "dict": ("eine Zuordnung", "einer Zuordnung"),
    "bool": ("ein Wahrheitswert (true/false)", "einem Wahrheitswert (true/false)"),
    "range": ("eine Zahlenfolge", "einer Zahlenfolge"), "date": ("ein Datum", "einem Datum"),
    "datetime": ("ein Datum mit Uhrzeit", "einem Datum mit Uhrzeit"),
    "Undefined": ("ein fehlender Wert", "einem fehlenden Wert"),
    "generator": ("eine Folge", "einer Folge"),
}
_GLEICH = {"Feldwert": "str", "Markup": "str", "None": "NoneType", "tuple": "list",
           "mappingproxy": "dict", "StrictUndefined": "Undefined", "decimal": "Decimal"}
_ANDERE = ("ein Wert anderer Art", "einem Wert anderer Art")
_LEER_TIPP = (" Ein leerer Wert lässt sich mit {% if … %} abfangen oder mit | default(0) "
              "ersetzen; Text aus der Liste mit | int oder | betrag in eine Zahl verwandeln.")


def _art(name: str, dativ: bool = False) -> str:
    name = name.strip("'\" ").removesuffix(" object").rsplit(".", 1)[-1]
    return _ARTEN.get(_GLEICH.get(name, name), _ANDERE)[dativ]


def _operator(zeichen: str) -> str:
    return {"+": "„+“ (plus)", "-": "„-“ (minus)", "*": "„*“ (mal)", "/": "„/“ (geteilt)",
            "//": "„//“ (ganzzahlig geteilt)", "%": "„%“ (Rest)", "** or pow()": "„**“ (hoch)",
            "<": "„<“", ">": "„>“", "<=": "„<=“", ">=": "„>=“"}.get(zeichen, f"„{zeichen}“")


# (pattern on the English text, German text; groups are type names unless said otherwise)
_TYPFEHLER: list[tuple[re.Pattern, object]] = [
    (re.compile(r"unsupported operand type\(s\) for (.+): '(\w+)' and '(\w+)'"),
     lambda t: f"Mit {_operator(t[1])} lässt sich nicht rechnen: links steht {_art(t[2])}, rechts "
               f"{_art(t[3])}.{_LEER_TIPP}"),
    (re.compile(r"bad operand type for unary (.+): '(\w+)'"),
     lambda t: f"Vor {_art(t[2], True)} steht {_operator(t[1])}; das geht nur vor einer Zahl."),
    (re.compile(r"'(.+)' not supported between instances of '(\w+)' and '(\w+)'"),
     lambda t: f"Der Vergleich {_operator(t[1])} geht nicht zwischen {_art(t[2], True)} und "
               f"{_art(t[3], True)}; "
               "zuerst mit | int oder | string gleichartig machen."),
    (re.compile(r"can only concatenate (\w+) \(not \"(\w+)\"\) to"),
     lambda t: f"Mit „+“ lässt sich nicht rechnen: links steht {_art(t[1])}, rechts {_art(t[2])}. "
               "Texte mit „~“ verbinden: {{ a ~ b }}."),
    (re.compile(r"can't multiply sequence by non-int of type '(\w+)'"),
     lambda t: f"Ein Text oder eine Liste lässt sich nur mit einer ganzen Zahl malnehmen, nicht mit "
               f"{_art(t[1], True)}."),
    (re.compile(r"'(\w+)' object is not callable"),
     lambda t: f"Hinter {_art(t[1], True)} stehen Klammern „( )“ wie bei einer Funktion; die Klammern "
               "entfernen."),
    (re.compile(r"'(\w+)' object is not (?:iterable|subscriptable)|argument of type '(\w+)' is not "
                r"iterable|cannot unpack non-iterable (\w+) object|object of type '(\w+)' has no len"),
     lambda t: f"Hier wird eine Liste erwartet, aber es steht {_art(next(g for g in t.groups() if g))} "
               "da (z. B. in {% for %}, „in“, | length oder | join)."),
    (re.compile(r"'(\w+)' object cannot be interpreted as an integer|type (\w+) doesn't define "
                r"__round__|must be real number, not (\w+)|a real number is required, not (\w+)"),
     lambda t: f"Hier wird eine Zahl erwartet, aber es steht {_art(next(g for g in t.groups() if g))} "
               "da; Text mit | int oder | float in eine Zahl verwandeln."),
    (re.compile(r"must be (\w+)(?: or None)?, not (\w+)"),
     lambda t: f"Hier wird {_art(t[1])} erwartet, aber es steht {_art(t[2])} da."),
    (re.compile(r"missing \d+ required (?:positional |keyword-only )?argument|expected \d+ argument|"
                r"takes (?:at (?:most|least) )?\d+ (?:positional )?arguments? but|got an unexpected "
                r"keyword argument|got multiple values for"),
     "Ein Filter oder eine Funktion hat zu viele oder zu wenige Angaben in Klammern; die Schreibweise "
     "steht im README unter „Filter“."),
    (re.compile(r"not enough arguments for format string|not all arguments converted|format requires|"
                r"incomplete format|unsupported format character"),
     "Die Platzhalter mit „%“ im Text passen nicht zu den Werten dahinter; Beträge und Zahlen besser "
     "mit den Filtern betrag oder zahl schreiben."),
]
_WERTFEHLER: list[tuple[re.Pattern, object]] = [
    (re.compile(r"invalid literal for int\(\) with base \d+: (.*)|could not convert string to float: (.*)"),
     lambda t: f"{(t[1] or t[2] or '').strip()} ist keine Zahl; für Beträge aus der Liste | betrag "
               "verwenden."),
    (re.compile(r"Exceeds the limit \(\d+ digits\)|too many digits"), "Eine Zahl hat zu viele Stellen."),
    (re.compile(r"range\(\) arg 3 must not be zero"), "range(…) mit Schrittweite 0 geht nicht."),
    (re.compile(r"Unknown format code|Invalid format specifier|format spec|Format specifier"),
     "Die Formatangabe nach „:“ passt nicht zum Wert; Zahlen und Beträge mit den Filtern zahl oder "
     "betrag schreiben."),
    (re.compile(r"codec can't (?:encode|decode)"), "Ein Zeichen lässt sich in dieser Kodierung nicht "
                                                   "darstellen; encode/decode in Vorlagen weglassen."),
    (re.compile(r"math domain error"), "Die Rechnung ist für diesen Wert nicht definiert (z. B. "
                                       "Wurzel aus einer negativen Zahl)."),
    (re.compile(r"too many values to unpack|not enough values to unpack"),
     "In {% for a, b in … %} passt die Zahl der Namen nicht zur Zahl der Werte je Eintrag."),
    (re.compile(r"substring not found"), "Der gesuchte Text kommt nicht vor."),
]
_ALLGEMEIN = {
    TypeError: "Die Werte passen nicht zur Rechnung oder zum Filter (falsche Art von Wert).",
    ValueError: "Ein Wert passt nicht zur Rechnung oder zum Filter.",
    IndexError: "Ein Eintrag mit dieser Nummer fehlt (Liste oder Platzhalter „{ }“ zu kurz).",
    KeyError: "Ein Eintrag mit diesem Namen fehlt.",
    AttributeError: "Diesen Namen gibt es bei diesem Wert nicht.",
    AssertionError: "Eine Angabe in Klammern ist außerhalb des erlaubten Bereichs (z. B. eine "
                    "negative Länge).",
    FilterArgumentError: "Ein Filter hat eine ungültige Angabe in Klammern; die Schreibweise "
                                "steht im README unter „Filter“.",
}
_UNDEFINIERT = [
    (re.compile(r"^'([^']+)' is undefined$"), lambda t: f"unbekannte Variable {t[1]}"),
    (re.compile(r"^'(?:dict|mappingproxy) object' has no attribute '([^']+)'$"),
     lambda t: f"keine Spalte und kein Eintrag „{t[1]}“"),
    (re.compile(r"^'?([\w.]+?)(?: object)?'? has no attribute '([^']+)'$"),
     lambda t: f"„{t[2]}“ gibt es bei {_art(t[1], True)} nicht"),
    (re.compile(r"^'?([\w.]+?)(?: object)?'? has no element (.+)$"),
     lambda t: f"{_art(t[1])} hat keinen Eintrag {t[2]}"),
    (re.compile(r"No random item, sequence was empty|No first item|No last item"),
     lambda t: "die Liste ist leer"),
]


def _aus_briefe(fehler: BaseException) -> bool:
    """Raised by our own code (a German message), not by Python or Jinja."""
    rahmen = list(traceback.walk_tb(fehler.__traceback__))
    return bool(rahmen) and rahmen[-1][0].f_code.co_filename.startswith(_PAKET)


def _uebersetze(text: str, tabelle) -> str | None:
    for muster, deutsch in tabelle:
        treffer = muster.search(text)
        if treffer:
            return deutsch(treffer) if callable(deutsch) else deutsch
    return None


def undefiniert_text(fehler: jinja2.UndefinedError) -> str:
    """Why a value is missing, in German (``'x' is undefined`` -> ``unbekannte Variable x``)."""
    text = fehler.message or ""
    return _uebersetze(text, _UNDEFINIERT) or "ein Wert ist nicht vorhanden"


def laufzeit_text(fehler: BaseException) -> str:
    """A German sentence for an error raised while a template is filled."""
    if isinstance(fehler, jinja2.UndefinedError):
        return f"Wert fehlt ({undefiniert_text(fehler)})."
    if isinstance(fehler, ZeroDivisionError):
        return "Division durch null."
    if isinstance(fehler, OverflowError):
        return "Eine Zahl ist zu groß für die Rechnung."
    if isinstance(fehler, RecursionError):
        return "Zu tief verschachtelt: ein Makro ruft sich immer wieder selbst auf (Rekursion)."
    if isinstance(fehler, MemoryError):
        return "Zu wenig Speicher für die Rechnung."
    text = str(fehler)
    deutsch = _uebersetze(text, _TYPFEHLER + _WERTFEHLER)
    if deutsch:
        return deutsch
    if isinstance(fehler, ValueError | TypeError) and text and _aus_briefe(fehler):
        return text if text.endswith((".", ")")) else f"{text}."
    art = next((a for a in type(fehler).__mro__ if a in _ALLGEMEIN), None)
    return _ALLGEMEIN[art] if art else "Ein Platzhalter lässt sich nicht ausrechnen."
