"""One line of the letter editor's inline nodes as Markdown: bold and italic as ``**``/``*``
(``__``/``_`` where a closing run stands right before), placed so that CommonMark reads them
back as the same marks; typed text escaped so that it prints literally."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

ZEICHEN = {"bold": 2, "italic": 1}  # mark -> length of its delimiter run
_IMMER = re.compile(r"([\\`*_\[\]{}<])")


def leer(zeichen: str) -> bool:
    """Whitespace as CommonMark's emphasis rules see it."""
    return zeichen == "\n" or isWhiteSpace(ord(zeichen))


def _satzzeichen(zeichen: str) -> bool:
    return isMdAsciiPunct(ord(zeichen)) or isPunctChar(zeichen)


def _buchstabe(zeichen: str) -> bool:
    """Neither whitespace nor punctuation: a delimiter run next to it may flank both ways."""
    return not leer(zeichen) and not _satzzeichen(zeichen)


def marken(knoten: Mapping) -> frozenset[str]:
    if knoten.get("type") == "hardBreak":
        return frozenset()
    gesetzt = knoten.get("marks") or []
    if not isinstance(gesetzt, list):
        raise TypeError("marks")
    return frozenset(m.get("type") for m in gesetzt) & set(ZEICHEN)


class _Text:
    """Typed text; ``ent_links``/``ent_rechts``: its first/last character as an entity."""

    __slots__ = ("anfang", "ent_links", "ent_rechts", "text")

    def __init__(self, text: str, anfang: bool) -> None:
        self.text, self.anfang = text, anfang
        self.ent_links = self.ent_rechts = False

    def markdown(self, tabelle: bool) -> str:
        text, vorn, hinten = self.text, "", ""
        if self.ent_links:
            vorn, text = f"&#{ord(text[0])};", text[1:]
        if self.ent_rechts and text:
            hinten, text = f"&#{ord(text[-1])};", text[:-1]
        return vorn + escape(text, tabelle, self.anfang and not self.ent_links) + hinten


class _Stueck:
    """A run of the line: text without whitespace, whitespace, an atom or a line break."""

    __slots__ = ("art", "marken", "quelle")

    def __init__(self, art: str, quelle: str, marken: frozenset[str]) -> None:
        self.art, self.quelle, self.marken = art, quelle, marken


def _stuecke(inhalt: list, atom: Callable[[Mapping], str]) -> list[_Stueck]:
    stuecke: list[_Stueck] = []
    for knoten in inhalt:
        art = knoten.get("type")
        if art == "text":
            text = knoten.get("text", "")
            if not isinstance(text, str):
                raise TypeError("text")
            for lauf in re.findall(r"\s+|\S+", text):
                stuecke.append(_Stueck("leer" if leer(lauf[0]) else "text", lauf,
                                       marken(knoten)))
        elif art == "hardBreak":
            stuecke.append(_Stueck("umbruch", "", frozenset()))
        else:
            stuecke.append(_Stueck("atom", atom(knoten), marken(knoten)))
    return stuecke


class Zeile:
    """Writes the runs of one line; ``rand=False`` keeps whitespace at the edges."""

    def __init__(self, tabelle: bool, rand: bool) -> None:
        self.tabelle, self.rand = tabelle, rand
        self.ausgabe: list[str | _Text] = []
        self.offen: list[tuple[str, str]] = []  # (mark, delimiter run), outermost first
        self.inhalt_davor = False  # text or an atom since the line began
        self.zuletzt: _Text | str | None = None  # the last text or atom written

    def schreibe(self, inhalt: list, atom: Callable[[Mapping], str]) -> str:
        stuecke = _stuecke(inhalt, atom)
        schwebend: list[_Stueck] = []
        for n, stueck in enumerate(stuecke):
            if stueck.art == "leer":
                schwebend.append(stueck)
            elif stueck.art == "umbruch":
                self._schliesse(frozenset(), [], None)
                self.ausgabe.append(" " if self.tabelle else "\\\n")
                self.inhalt_davor, self.zuletzt = self.tabelle, None
                schwebend = []
            else:
                self._inhalt(stueck, schwebend, stuecke[n + 1:])
                schwebend = []
        self._schliesse(frozenset(), schwebend if not self.rand else [], None)
        text = "".join(t if isinstance(t, str) else t.markdown(self.tabelle)
                       for t in self.ausgabe)
        while text.endswith("\\\n"):
            text = text[:-2]
        return text.strip(" ") if self.rand else text

    def _inhalt(self, stueck: _Stueck, schwebend: list[_Stueck], rest: list[_Stueck]) -> None:
        behalten = stueck.marken
        for leerlauf in schwebend:
            behalten &= leerlauf.marken
        if not self.inhalt_davor and self.rand:
            schwebend = []  # whitespace at the start of a line does not print
        zu_zeichen, entitaet = self._schliesse(behalten, schwebend, stueck)
        offen = {m for m, _ in self.offen}
        neu = sorted(sorted(stueck.marken - offen), key=lambda m: -_reichweite(rest, m))
        if neu:
            self._oeffne(neu, stueck, nach_schliessen=zu_zeichen if not schwebend else None)
        if stueck.art == "text":
            teil = _Text(stueck.quelle, not self.inhalt_davor)
            teil.ent_links = entitaet and not neu
            self.ausgabe.append(teil)
            self.zuletzt = teil
        else:
            self.ausgabe.append(stueck.quelle)
            self.zuletzt = stueck.quelle
        self.inhalt_davor = True

    def _schliesse(self, behalten: frozenset[str], schwebend: list[_Stueck],
                   danach: _Stueck | None) -> tuple[str | None, bool]:
        """Close what ``behalten`` lacks (innermost first), then write the whitespace; the
        last delimiter character written, and whether ``danach`` must start with an entity
        (a closing run between a letter and punctuation does not close)."""
        k = next((n for n, (m, _) in enumerate(self.offen) if m not in behalten), len(self.offen))
        laeufe = [lauf for _, lauf in reversed(self.offen[k:])]
        del self.offen[k:]
        entitaet = False
        if laeufe:
            innen_unsicher = not isinstance(self.zuletzt, _Text) or not _buchstabe(
                self.zuletzt.text[-1])
            entitaet = (not schwebend and danach is not None and danach.art == "text"
                        and _buchstabe(danach.quelle[0])
                        and (innen_unsicher or any("_" in lauf for lauf in laeufe)))
            self.ausgabe.append("".join(laeufe))
        for leerlauf in schwebend:
            self.ausgabe.append(_Text(leerlauf.quelle, False))
        return (laeufe[-1][-1] if laeufe else None), entitaet

    def _oeffne(self, neu: list[str], stueck: _Stueck, nach_schliessen: str | None) -> None:
        zeichen = "_" if nach_schliessen == "*" else "*"
        lauf = ""
        for marke in neu:
            self.offen.append((marke, zeichen * ZEICHEN[marke]))
            lauf += zeichen * ZEICHEN[marke]
        innen_unsicher = stueck.art != "text" or not _buchstabe(stueck.quelle[0])
        if (nach_schliessen is None and isinstance(self.zuletzt, _Text)
                and self.ausgabe and self.ausgabe[-1] is self.zuletzt
                and _buchstabe(self.zuletzt.text[-1]) and (innen_unsicher or zeichen == "_")):
            self.zuletzt.ent_rechts = True
        self.ausgabe.append(lauf)


def _reichweite(rest: list[_Stueck], marke: str) -> int:
    """How many further runs carry ``marke`` (whitespace does not end it)."""
    laenge = 0
    for stueck in rest:
        if stueck.art == "leer":
            continue
        if marke not in stueck.marken:
            break
        laenge += 1
    return laenge


def escape(text: str, tabelle: bool, anfang: bool) -> str:
    """Text as Markdown that prints it literally and that Jinja leaves alone."""
    text = _IMMER.sub(r"\\\1", text)
    text = re.sub(r"(?<=\{)([%#])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    if tabelle:
        text = text.replace("|", "\\|")
    if anfang:
        text = re.sub(r"\A(\s*)([#>+=-]|\d+(?=[.)]))", _zeilenanfang, text)
    return text.replace("\n", " ")


def _zeilenanfang(treffer: re.Match) -> str:
    zeichen = treffer.group(2)
    if zeichen.isdigit():
        return treffer.group(1) + zeichen + "\\"  # 1\. is no list
    return treffer.group(1) + "\\" + zeichen
