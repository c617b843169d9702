"""German messages for the mistakes clerks make in templates: TOML and Jinja errors
translated, and the checks Jinja does not make (a comma in a number, a placeholder
outside ``{{ }}``, unbalanced ``{% if %}``). Every message says how to fix it."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from briefe.deutsch.formate import FILTER

# tomllib's English texts -> German explanation with a hint.
_TOML = [
    (r"Expected newline or end of document after a statement",
     "Nach dem Wert steht noch etwas in derselben Zeile."),
    (r"Invalid value", "Der Wert ist ungültig: ein Text muss in Anführungszeichen stehen, "
                       "z. B. betreff = \"Einladung\"; Zahlen und Daten ohne."),
    (r"Expected '=' after a key", "Nach dem Namen fehlt „=“, z. B. betreff = \"Einladung\"."),
    (r"Cannot declare .* twice|Cannot overwrite a value|Cannot redefine namespace|"
     r"Duplicate inline table key|Cannot mutate immutable namespace",
     "Dieser Eintrag steht doppelt im Kopfbereich; jeder Name darf nur einmal vorkommen."),
    (r"Unterminated string", "Ein Text wird nicht geschlossen: das schließende "
                             "Anführungszeichen fehlt."),
    (r"Illegal character|Found invalid character",
     "Unzulässiges Zeichen im Text (z. B. ein Zeilenumbruch in einem Text mit einfachen "
     "Anführungszeichen; mehrzeilige Texte in \"\"\" … \"\"\" schreiben)."),
    (r"Invalid date or datetime", "Ungültiges Datum: so schreiben: 2027-03-12."),
    (r"Unclosed array", "Eine Liste wird nicht geschlossen: „]“ fehlt, z. B. "
                        "anlagen = [\"Programm\", \"Anmeldung\"]."),
    (r"Unclosed inline table", "Eine Tabelle in { … } wird nicht geschlossen: „}“ fehlt."),
    (r"Expected '\]' at the end of a table declaration|Expected '\]\]'",
     "Eine Überschrift wie [unterschrift] wird nicht mit „]“ geschlossen."),
    (r"Invalid initial character for a key part",
     "Ein Name darf nur Buchstaben ohne Umlaute, Ziffern, _ und - enthalten, z. B. "
     "ihr_zeichen."),
    (r"Unescaped '\\\\' in a string",
     "Ein \\ im Text muss doppelt geschrieben werden (\\\\), oder den Text in einfache "
     "Anführungszeichen setzen."),
    (r"Invalid hex value|Escaped character is not a Unicode scalar value",
     "Ungültige Escape-Folge (\\u…) im Text."),
    (r"Invalid statement", "Diese Zeile ist kein Eintrag der Form name = Wert."),
]
_TOML_ORT = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def toml_fehler(fehler: tomllib.TOMLDecodeError, text: str, erste_zeile: int = 1,
                ende_zeile: int | None = None) -> tuple[str, int | None]:
    """tomllib's error as a German message and the line in the whole file (``text``
    starts at file line ``erste_zeile``)."""
    englisch = str(fehler)
    meldung = next((deutsch for muster, deutsch in _TOML if re.search(muster, englisch)),
                   "Der Kopfbereich ist kein gültiges TOML.")
    ort = _TOML_ORT.search(englisch)
    zeile = ende_zeile
    if ort and ort[1]:
        zeile = int(ort[1]) + erste_zeile - 1
        inhalt = text.splitlines()[int(ort[1]) - 1] if int(ort[1]) <= len(text.splitlines()) else ""
        name, gleich, wert = inhalt.partition("=")
        if re.fullmatch(r"\s*\d{1,2}\.\d{1,2}\.\d{2,4}\s*(#.*)?", wert):
            tag, monat, jahr = wert.split("#")[0].strip().split(".")
            meldung += (f" Ein Datum im Kopfbereich so schreiben: {name.strip()} = "
                        f"{jahr.zfill(4) if len(jahr) == 4 else '20' + jahr}-{monat.zfill(2)}-"
                        f"{tag.zfill(2)} (ohne Anführungszeichen).")
        elif gleich and wert.strip() and wert.strip()[0] not in "\"'[{" and not re.fullmatch(
                r"\s*(true|false|[\d.+\-_:T ]+)\s*(#.*)?", wert):
            meldung += (f" Ein Text muss in Anführungszeichen stehen: {name.strip()} = "
                        f"\"{wert.split('#')[0].strip()}\".")
        elif inhalt.count('"') > 2 and "'" not in inhalt:
            meldung += (" Vermutlich stehen Anführungszeichen \" im Text: dann den ganzen Text in "
                        "einfache Anführungszeichen setzen, z. B. betreff = '… {{ \"2027-03-12\" "
                        "| datum_lang }}'.")
    return meldung, zeile


def unbekannter_eintrag(schluessel: str, erlaubt: Iterable[str], bereich: str = "",
                        ort: str = "") -> str:
    erlaubt = sorted(erlaubt)
    aehnlich = difflib.get_close_matches(schluessel, erlaubt, n=1)
    tipp = f" Meinten Sie „{aehnlich[0]}“?" if aehnlich else ""
    wo = f" in [{bereich}]" if bereich else ort
    return f"Unbekannter Eintrag „{schluessel}“{wo}.{tipp} Erlaubt: {', '.join(erlaubt)}."


def _filterliste() -> str:
    return ", ".join(FILTER)


_JINJA = [
    (re.compile(r"No filter named '([^']*)'"), "filter"),
    (re.compile(r"No test named '([^']*)'"), "test"),
    (re.compile(r"Encountered unknown tag '([^']*)'"), "tag"),
    (re.compile(r"unexpected end of template"), "ende"),
    (re.compile(r"unexpected char '(.)'"), "zeichen"),
    (re.compile(r"unexpected '([^']*)'"), "unerwartet"),
    (re.compile(r"expected token '([^']*)', got '([^']*)'"), "erwartet"),
]
BEFEHLE = ("if", "elif", "else", "endif", "for", "endfor", "set")


def jinja_fehler(fehler: jinja2.TemplateSyntaxError, umgebung: SandboxedEnvironment) -> str:
    """A German text for a Jinja syntax error; never Jinja's English."""
    text = fehler.message or ""
    for muster, art in _JINJA:
        treffer = muster.search(text)
        if not treffer:
            continue
        if art == "filter":
            name = treffer[1]
            aehnlich = difflib.get_close_matches(name, list(FILTER) + list(umgebung.filters), n=1)
            tipp = f" Meinten Sie „{aehnlich[0]}“?" if aehnlich else ""
            return (f"Unbekannter Filter „{name}“.{tipp} Filter für Briefe: {_filterliste()}, "
                    "z. B. {{ werte.konferenz | datum_lang }}.")
        if art == "test":
            return (f"Unbekannte Prüfung „is {treffer[1]}“. Für „nur wenn gefüllt“ genügt "
                    "{% if empfaenger.spalte %}.")
        if art == "tag":
            return (f"Unbekannter Befehl {{% {treffer[1]} %}}. Möglich: "
                    f"{', '.join(BEFEHLE)}.")
        if art == "ende":
            return ("Die Vorlage endet mitten in einem Platzhalter oder Befehl: "
                    "ein „}}“ oder „%}“ fehlt.")
        if art == "zeichen":
            return (f"Unerwartetes Zeichen „{treffer[1]}“ in einem Platzhalter. Platzhalter "
                    "sehen so aus: {{ empfaenger.vorname }}.")
        if art == "unerwartet":
            return (f"Unerwartetes „{treffer[1]}“ in einem Platzhalter oder Befehl. Platzhalter "
                    "werden mit {{ und }} geschrieben, Befehle mit {% und %}.")
        if art == "erwartet":
            return (f"In einem Platzhalter oder Befehl fehlt etwas oder steht zu viel "
                    f"(„{treffer[2]}“). Beispiel: {{{{ empfaenger.vorname }}}} oder "
                    "{% if empfaenger.spalte %} … {% endif %}.")
    return ("Ein Platzhalter oder Befehl ist fehlerhaft. Platzhalter: {{ empfaenger.vorname }}, "
            "Bedingungen: {% if empfaenger.spalte %} … {% endif %}.")


# --- checks Jinja does not make ------------------------------------------------------

_OEFFNEN = {"if": "endif", "for": "endfor"}
_SCHLIESSEN = {v: k for k, v in _OEFFNEN.items()}
_ZWISCHEN = {"elif": "if", "else": ("if", "for")}
_NACKT = re.compile(r"(?<![\w.@/\-{])\b(empfaenger|werte)\.([A-Za-z_]\w*)")
_EINFACH = re.compile(r"(?<!\{)\{\s*([A-Za-z_][\w.]*)\s*\}(?!\})")


def _tokens(umgebung: SandboxedEnvironment, quelle: str):
    try:
        return list(umgebung.lex(quelle))
    except jinja2.TemplateSyntaxError:
        return []  # compiling reports it


def pruefe_bloecke(umgebung: SandboxedEnvironment, quelle: str) -> tuple[str, int] | None:
    """Unbalanced ``{% if %}``/``{% for %}``: (message, line) or None."""
    offen: list[tuple[str, int]] = []
    tokens = _tokens(umgebung, quelle)
    for i, (zeile, art, _) in enumerate(tokens):
        if art != "block_begin":
            continue
        name = next((w for _, a, w in tokens[i + 1:] if a != "whitespace"), "")
        if name in _OEFFNEN:
            offen.append((name, zeile))
        elif name in _ZWISCHEN:
            if not offen or offen[-1][0] not in _ZWISCHEN[name]:
                return (f"{{% {name} %}} ohne vorheriges {{% if %}}: jede Bedingung beginnt mit "
                        "{% if … %} und endet mit {% endif %}.", zeile)
        elif name in _SCHLIESSEN:
            if not offen:
                return (f"{{% {name} %}} ohne passendes {{% {_SCHLIESSEN[name]} … %}} davor: "
                        "entweder den Anfang ergänzen oder diese Zeile löschen.", zeile)
            auf, auf_zeile = offen.pop()
            if _OEFFNEN[auf] != name:
                return (f"Hier steht {{% {name} %}}, offen ist aber {{% {auf} %}} aus Zeile "
                        f"{auf_zeile}: zuerst mit {{% {_OEFFNEN[auf]} %}} schließen.", zeile)
    if offen:
        auf, auf_zeile = offen[-1]
        return (f"{{% {auf} %}} wird nicht geschlossen: {{% {_OEFFNEN[auf]} %}} fehlt "
                "(nach dem Text, der nur bedingt erscheinen soll).", auf_zeile)
    return None


def pruefe_platzhalter(umgebung: SandboxedEnvironment, quelle: str,
                       spalten: Iterable[str] = ()) -> tuple[str, int] | None:
    """A comma in a number inside ``{{ }}``, or a placeholder written outside of it."""
    tokens = _tokens(umgebung, quelle)
    tiefe = 0  # inside ( ) or [ ]: a comma separates values there
    for i, (zeile, art, wert) in enumerate(tokens):
        if art in ("variable_begin", "block_begin"):
            tiefe = 0
        elif art == "operator" and wert in "([{":
            tiefe += 1
        elif art == "operator" and wert in ")]}":
            tiefe -= 1
        if art == "data":
            for muster in (_NACKT, _EINFACH):
                for treffer in muster.finditer(wert):
                    nr = zeile + wert.count("\n", 0, treffer.start())
                    name = treffer[0] if muster is _NACKT else treffer[1]
                    if muster is _EINFACH and "." not in name:
                        name = f"empfaenger.{name}"
                    return (f"„{treffer[0]}“ steht außerhalb von {{{{ }}}} und würde so "
                            f"gedruckt. Platzhalter so schreiben: {{{{ {name} }}}}.", nr)
        elif art in ("integer", "float") and tiefe == 0 and i + 2 < len(tokens):
            (_, a1, w1), (_, a2, w2) = tokens[i + 1], tokens[i + 2]
            if a1 == "operator" and w1 == "," and a2 == "integer":
                return (f"„{wert},{w2}“: Dezimalzahlen mit Punkt schreiben: {wert}.{w2} "
                        f"(gedruckt wird trotzdem mit Komma, z. B. mit {{{{ {wert}.{w2} | betrag "
                        "}}).", zeile)
    return None


def unbekannte_variable(namen: Iterable[str], verfuegbar: Iterable[str],
                        spalten: Iterable[str] = ()) -> str:
    namen, verfuegbar = sorted(namen), sorted(verfuegbar)
    tipps = []
    for name in namen:
        aehnlich = difflib.get_close_matches(name, verfuegbar, n=1)
        if aehnlich:
            tipps.append(f"Meinten Sie „{aehnlich[0]}“?")
        else:
            tipps.append(f"Ist die Spalte {{{{ empfaenger.{name} }}}} gemeint?")
    return (f"Unbekannte Variable {', '.join(namen)}. {' '.join(tipps)} "
            f"Verfügbar: {', '.join(verfuegbar)}.")


def unbekannte_spalten(fehlend: Iterable[str], vorhanden: Iterable[str],
                       zeilen: dict[str, int], liste: str,
                       orte: dict[str, str] | None = None) -> tuple[str, int | None]:
    """The columns a template uses that the list lacks, each with the closest names; ``orte``
    names where a column stands outside the template (in a text block)."""
    vorhanden = sorted(vorhanden)
    teile = []
    erste: int | None = None
    for spalte in sorted(fehlend, key=lambda s: (zeilen.get(s, 0), s)):
        zeile = zeilen.get(spalte)
        erste = erste or zeile
        aehnlich = difflib.get_close_matches(spalte, vorhanden, n=3, cutoff=0.5)
        wo = f" (Zeile {zeile})" if zeile else ""
        if orte and spalte in orte:
            wo = f" ({orte[spalte]}, eingefügt in Zeile {zeile})"
        tipp = f" Ähnlich: {', '.join(aehnlich)}." if aehnlich else ""
        teile.append(f"„empfaenger.{spalte}“{wo} gibt es in der Mitgliederliste {liste} "
                     f"nicht.{tipp}")
    return (" ".join(teile) + f" Vorhandene Spalten: {', '.join(vorhanden)}. Eine Spalte, die "
            "nicht jede Liste hat, nur in {% if empfaenger.spalte %} … {% endif %} verwenden.",
            erste)
