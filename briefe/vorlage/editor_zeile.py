"""One line of the letter editor's inline nodes as Markdown: bold and italic as ``**``/``*``
(``__``/``_`` where ``*`` would join or close the wrong run, a letter next to a run as an
entity where CommonMark would not see the run as emphasis), so that CommonMark reads back
the same marks; typed text escaped so that it prints literally."""

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


def marken(knoten: Mapping) -> frozenset[str]:
    """Bold and italic of a node (a line break has none)."""
    if knoten.get("type") == "hardBreak":
        return frozenset()
    return frozenset(m.get("type") for m in knoten.get("marks") or []) & set(ZEICHEN)


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
        if (self.ent_rechts or text.endswith("{")) and text:  # "{" then a tag: "{{{"
            hinten, text = f"&#{ord(text[-1])};", text[:-1]
        return vorn + _escape(text, tabelle, self.anfang and not self.ent_links) + hinten


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
            if stuecke and stuecke[-1].art == "roh" and stuecke[-1].marken == marken(knoten):
                stuecke[-1].quelle += text  # neighbouring text is one text
            else:
                stuecke.append(_Stueck("roh", text, marken(knoten)))
        elif art == "hardBreak":
            stuecke.append(_Stueck("umbruch", "", frozenset()))
        else:
            stuecke.append(_Stueck("atom", atom(knoten), marken(knoten)))
    return [_Stueck("leer" if leer(lauf[0]) else "text", lauf, s.marken) if s.art == "roh" else s
            for s in stuecke for lauf in (re.findall(r"\s+|\S+", s.quelle) if s.art == "roh"
                                          else [None])]


class _Lauf(str):
    """A delimiter run (``**``, ``_`` …) in the output; ``auf``: it opens."""

    auf = False


def _lauf(text: str, auf: bool) -> _Lauf:
    lauf = _Lauf(text)
    lauf.auf = auf
    return lauf


def _art(zeichen: str) -> str:
    return "leer" if leer(zeichen) else "satz" if _satzzeichen(zeichen) else "buchstabe"


class Zeile:
    """Writes the runs of one line; ``rand=False`` keeps whitespace at the edges.

    CommonMark opens emphasis only where the run is left-flanking and closes it only where
    it is right-flanking: a run between a letter and punctuation does neither, so such a letter
    is written as an entity (``&#98;``, see ``_entitaeten``); a closing run right before an
    opening one, or an opening run that could also close the other open mark, uses ``_``
    instead of ``*``."""

    def __init__(self, tabelle: bool, rand: bool) -> None:
        self.tabelle, self.rand = tabelle, rand
        self.ausgabe: list[str | _Text] = []
        # (mark, its delimiters, length of the run they were written in), outermost first
        self.offen: list[tuple[str, str, int]] = []
        self.inhalt_davor = False  # text or an atom since the line began

    def schreibe(self, inhalt: list, atom: Callable[[Mapping], str]) -> str:
        stuecke = _stuecke(inhalt, atom)
        schwebend: list[_Stueck] = []
        for n, stueck in enumerate(stuecke):
            if stueck.art == "leer":
                schwebend.append(stueck)
            elif stueck.art == "umbruch":
                self._schliesse(frozenset())
                self.ausgabe.append(" " if self.tabelle else "\\\n")
                self.inhalt_davor = self.tabelle
                schwebend = []
            else:
                self._inhalt(stueck, schwebend, stuecke[n + 1:])
                schwebend = []
        self._schliesse(frozenset())
        if not self.rand:
            self.ausgabe += [_Text(leerlauf.quelle, False) for leerlauf in schwebend]
        self._entitaeten()
        text = "".join(t if isinstance(t, str) else t.markdown(self.tabelle)
                       for t in self.ausgabe)
        while text.endswith("\\\n"):
            text = text[:-2]
        return text.strip(" ") if self.rand else text

    def _links(self) -> str:
        """What CommonMark sees left of the next run."""
        return self._klasse(len(self.ausgabe) - 1, hinten=True)

    def _entitaeten(self) -> None:
        """A run between a letter and punctuation neither opens nor closes: write the letter
        as an entity, until every run stands right (each pass only adds entities)."""
        geaendert = True
        while geaendert:
            geaendert = False
            for i, teil in enumerate(self.ausgabe):
                if not isinstance(teil, _Lauf):
                    continue
                links, rechts = self._klasse(i - 1, hinten=True), self._klasse(i + 1, hinten=False)
                innen, aussen = (rechts, links) if teil.auf else (links, rechts)
                if aussen == "buchstabe" and (innen != "buchstabe" or "_" in teil):
                    nachbar = self.ausgabe[i - 1 if teil.auf else i + 1]
                    assert isinstance(nachbar, _Text)  # only text is a letter
                    if teil.auf:
                        nachbar.ent_rechts = True
                    else:
                        nachbar.ent_links = True
                    geaendert = True

    def _klasse(self, i: int, hinten: bool) -> str:
        """leer, satz, buchstabe or unbekannt (an atom): the end (``hinten``) or start of
        output piece ``i`` as CommonMark sees it."""
        if i < 0 or i >= len(self.ausgabe) or self.ausgabe[i] in ("\\\n", " "):
            return "leer"
        teil = self.ausgabe[i]
        if isinstance(teil, _Text):
            einzeln = len(teil.text) == 1
            if (teil.ent_rechts or teil.ent_links and einzeln) if hinten else (
                    teil.ent_links or teil.ent_rechts and einzeln):
                return "satz"
            return _art(teil.text[-1] if hinten else teil.text[0])
        return "satz" if isinstance(teil, _Lauf) else "unbekannt"

    def _inhalt(self, stueck: _Stueck, schwebend: list[_Stueck], rest: list[_Stueck]) -> None:
        behalten = stueck.marken
        for leerlauf in schwebend:
            behalten &= leerlauf.marken
        if not self.inhalt_davor and self.rand:
            schwebend = []  # whitespace at the start of a line does not print
        self._schliesse(behalten)
        offen = {m for m, _, _ in self.offen}
        neu = sorted(sorted(stueck.marken - offen), key=lambda m: -_reichweite(rest, m))
        self.ausgabe += [_Text(leerlauf.quelle, False) for leerlauf in schwebend]
        if neu:
            self._oeffne(neu)
        text = stueck.art == "text"
        self.ausgabe.append(_Text(stueck.quelle, not self.inhalt_davor) if text else stueck.quelle)
        self.inhalt_davor = True

    def _schliesse(self, behalten: frozenset[str]) -> None:
        """Close what ``behalten`` lacks, innermost first."""
        k = next((n for n, (m, _, _) in enumerate(self.offen) if m not in behalten),
                 len(self.offen))
        if k < len(self.offen):
            self.ausgabe.append(_lauf("".join(z for _, z, _ in reversed(self.offen[k:])), False))
            del self.offen[k:]

    def _oeffne(self, neu: list[str]) -> None:
        links = self._links()
        laenge = sum(ZEICHEN[m] for m in neu)
        if self.ausgabe and isinstance(self.ausgabe[-1], _Lauf):  # after a closing run
            zeichen = "_" if self.ausgabe[-1].endswith("*") else "*"
        elif links in ("satz", "buchstabe") and any(
                z.startswith("*") and not _dreierregel(lang, laenge) for _, z, lang in self.offen):
            zeichen = "_"  # a "*" run here could also close the open mark
        else:
            zeichen = "*"
        self.offen += [(marke, zeichen * ZEICHEN[marke], laenge) for marke in neu]
        self.ausgabe.append(_lauf("".join(zeichen * ZEICHEN[m] for m in neu), True))


def _dreierregel(offen: int, neu: int) -> bool:
    """CommonMark's rule of three: a run that can open and close does not close an opening
    run when their lengths add up to a multiple of 3 (unless both are)."""
    return (offen + neu) % 3 == 0 and not (offen % 3 == 0 and neu % 3 == 0)


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


def _escape(text: str, tabelle: bool, anfang: bool) -> str:
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
