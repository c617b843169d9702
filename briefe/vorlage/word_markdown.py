"""Runs of a Word paragraph as Markdown: bold, italic, hard line breaks, escaped text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_ESCAPE = set("\\*_`[]<>|&")
_ZEILENANFANG = re.compile(r"^(\s*)([#>+=\-]|\d+[.)])")


@dataclass
class Teil:
    text: str
    fett: bool = False
    kursiv: bool = False
    roh: bool = False  # a placeholder: never escaped
    wortlaut: str = ""  # a placeholder as Word showed it: «Name»


def mit_feldern(text: str, innere: dict[str, str]) -> str:
    """Text of an IF field with its nested fields (``\x00n\x00``) as template source."""
    stuecke = re.split(r"\x00(\d+)\x00", text)
    return "".join(innere.get(s, "") if i % 2 else escape(s) for i, s in enumerate(stuecke))


def verschmelze(teile: list[Teil]) -> list[Teil]:
    ergebnis: list[Teil] = []
    for teil in teile:
        if not teil.text:
            continue
        letzter = ergebnis[-1] if ergebnis else None
        if (letzter and not letzter.roh and not teil.roh
                and (letzter.fett, letzter.kursiv) == (teil.fett, teil.kursiv)):
            letzter.text += teil.text
        else:
            ergebnis.append(Teil(teil.text, teil.fett, teil.kursiv, teil.roh, teil.wortlaut))
    return ergebnis


def escape(text: str) -> str:
    """Markdown text that shows ``text`` literally; ``{{ … }}`` typed in Word stays."""
    geschuetzt = set()
    for treffer in _JINJA.finditer(text):
        geschuetzt.update(range(treffer.start(), treffer.end()))
    return "".join("\\" + z if z in _ESCAPE and i not in geschuetzt else z
                   for i, z in enumerate(text))


def markdown(teile: list[Teil], zeilenumbruch: str = "\\\n") -> str:
    """Runs as Markdown: ``**fett**``, ``*kursiv*``, hard line breaks, escaped text."""
    # Mark Jinja spans typed across runs of the same paragraph as raw.
    stuecke = []
    for teil in teile:
        text = teil.text if teil.roh else escape(teil.text)
        if "\n" in text:
            text = re.sub(r"[ \t]*\n[ \t]*", lambda _: "\n", text)
        marke = "***" if teil.fett and teil.kursiv else "**" if teil.fett else "*" if teil.kursiv else ""
        kern = text.strip(" ")
        if marke and kern.strip():
            links = text[: len(text) - len(text.lstrip(" "))]
            rechts = text[len(text.rstrip(" ")):]
            # a break inside a marked run: mark each line
            kern = "\n".join(f"{marke}{z.strip()}{marke}" if z.strip() else "" for z in kern.split("\n"))
            text = links + kern + rechts
        stuecke.append(text)
    ergebnis = "".join(stuecke).strip()
    ergebnis = re.sub(r" {2,}", " ", ergebnis)
    zeilen = [_ZEILENANFANG.sub(_schuetze_anfang, z.strip()) for z in ergebnis.split("\n")]
    return zeilenumbruch.join(z for z in zeilen if z) if zeilenumbruch != " " else " ".join(
        z for z in zeilen if z)


def _schuetze_anfang(treffer: re.Match) -> str:
    zeichen = treffer[2]
    if zeichen[0].isdigit():
        return f"{treffer[1]}{zeichen[:-1]}\\{zeichen[-1]}"
    return f"{treffer[1]}\\{zeichen}"
