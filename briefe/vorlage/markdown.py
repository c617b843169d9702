"""Letter body: Markdown (CommonMark + tables, raw HTML off) to model blocks."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefe.modell import Absatz, Block, GiroCodeStelle, Liste, Tabelle, Textteil, Zeile

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
# Only the block structure: the inline tokens' text is parsed by ``_zeile`` (remembered).
_BLOECKE = (MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
            .disable(["inline", "text_join"]))
ZEILEN_JE_PROZESS = 1024  # parsed inline texts kept

# Every ASCII punctuation character may be backslash-escaped in CommonMark.
_ZEICHEN = re.compile(r"([!-/:-@\[-`{-~])")
_STEUERZEICHEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000\ufffe\uffff]")
# A paragraph of its own where ``{{ girocode() }}`` stands; U+E000 never survives ``bereinige``,
# so member data cannot place it.
GIROCODE_MARKE = "\ue000GiroCode\ue000"


def bereinige(text: str) -> str:
    """Remove control characters; CR, CRLF, VT and FF become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    text = _STEUERZEICHEN.sub("", text)
    return text.encode("utf-8", "replace").decode("utf-8") if _hat_surrogate(text) else text


def _hat_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def woertlich(text: str) -> str:
    """Markdown source that displays ``text`` literally; line breaks stay line breaks."""
    zeilen = [z.strip() for z in bereinige(text).split("\n")]
    zeilen = [_ZEICHEN.sub(r"\\\1", z) for z in zeilen if z]
    return "\\\n".join(zeilen)


@functools.lru_cache(maxsize=64)
def parse(quelltext: str) -> tuple[Block, ...]:
    """Parse Markdown into paragraphs, lists and tables (remembered: a Serienbrief parses
    the same body for every letter; the blocks are immutable). The text of a paragraph, list
    item or cell is parsed once per process: most are the same in every letter."""
    umgebung: dict = {}
    tokens = _BLOECKE.parse(quelltext, umgebung)
    if umgebung.get("references"):  # link references: inline text depends on the whole body
        return bloecke_aus(tokens, lambda token: _inline(_MARKDOWN.parseInline(token.content, umgebung)[0]))
    return bloecke_aus(tokens, lambda token: _zeile(token.content))


@functools.lru_cache(maxsize=ZEILEN_JE_PROZESS)
def _zeile(text: str) -> Zeile:
    """The runs of one inline text, as markdown-it's full parse gives them (no references)."""
    return _inline(_MARKDOWN.parseInline(text, {})[0])


def bloecke_aus(tokens: list[Token], zeile_von: Callable[[Token], Zeile] | None = None) -> tuple[Block, ...]:
    """The blocks of markdown-it's tokens; ``zeile_von`` gives the runs of an inline token
    (default: from its parsed children)."""
    zeile_von = zeile_von or _inline
    bloecke: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type in ("paragraph_open", "heading_open"):
            zeile = zeile_von(tokens[i + 1])
            if token.type == "heading_open":
                zeile = tuple(Textteil(t.text, True, t.kursiv) for t in zeile)
            if zeile == (Textteil(GIROCODE_MARKE),):
                bloecke.append(GiroCodeStelle())
            elif zeile:
                bloecke.append(Absatz(zeile))
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ende = _schliessend(tokens, i)
            bloecke.append(_liste(tokens[i : ende + 1], zeile_von))
            i = ende + 1
        elif token.type == "table_open":
            ende = _schliessend(tokens, i)
            bloecke.append(_tabelle(tokens[i : ende + 1], zeile_von))
            i = ende + 1
        elif token.type in ("fence", "code_block"):
            bloecke.append(Absatz((Textteil(token.content.rstrip("\n")),)))
            i += 1
        else:  # blockquote_open/close, hr: their content is handled as plain blocks
            i += 1
    return tuple(bloecke)


def _schliessend(tokens: list[Token], start: int) -> int:
    """Index of the token closing the one at ``start``."""
    tiefe = 0
    for j in range(start, len(tokens)):
        tiefe += tokens[j].nesting
        if tiefe == 0:
            return j
    return len(tokens) - 1


def _liste(tokens: list[Token], zeile_von: Callable[[Token], Zeile]) -> Liste:
    """A list; nested lists are flattened into further points."""
    punkte: list[Zeile] = []
    for j, token in enumerate(tokens):
        if token.type == "list_item_open":
            zeile: list[Textteil] = []
            k = j + 1
            while k < len(tokens) and tokens[k].type not in (
                "list_item_close", "bullet_list_open", "ordered_list_open",
            ):
                if tokens[k].type == "inline":
                    if zeile:
                        zeile.append(Textteil("\n"))
                    zeile.extend(zeile_von(tokens[k]))
                k += 1
            punkte.append(_verschmelze(zeile))
    kopf = tokens[0]
    start = int(kopf.attrGet("start") or 1)
    return Liste(tuple(punkte), nummeriert=kopf.type == "ordered_list_open", start=start)


def _tabelle(tokens: list[Token], zeile_von: Callable[[Token], Zeile]) -> Tabelle:
    kopf: list[Zeile] = []
    zeilen: list[tuple[Zeile, ...]] = []
    ausrichtung: list[str] = []
    aktuell: list[Zeile] = []
    im_kopf = False
    for j, token in enumerate(tokens):
        if token.type == "thead_open":
            im_kopf = True
        elif token.type == "thead_close":
            im_kopf = False
        elif token.type == "tr_open":
            aktuell = []
        elif token.type in ("th_open", "td_open"):
            aktuell.append(zeile_von(tokens[j + 1]))
            if im_kopf:
                stil = str(token.attrGet("style") or "")
                ausrichtung.append(stil.removeprefix("text-align:").strip() or "left")
        elif token.type == "tr_close":
            if im_kopf:
                kopf = aktuell
            else:
                zeilen.append(tuple(aktuell))
    leer = not any(t.text.strip() for zelle in kopf for t in zelle)
    return Tabelle(None if leer else tuple(kopf), tuple(zeilen), tuple(ausrichtung))


def _inline(token: Token) -> Zeile:
    teile: list[Textteil] = []
    fett = kursiv = 0
    for kind in token.children or ():
        art = kind.type
        if art == "strong_open":
            fett += 1
        elif art == "strong_close":
            fett -= 1
        elif art == "em_open":
            kursiv += 1
        elif art == "em_close":
            kursiv -= 1
        elif art in ("text", "code_inline", "html_inline"):
            teile.append(Textteil(kind.content, fett > 0, kursiv > 0))
        elif art == "softbreak":
            teile.append(Textteil(" ", fett > 0, kursiv > 0))
        elif art == "hardbreak":
            teile.append(Textteil("\n", fett > 0, kursiv > 0))
        elif art == "image":
            teile.append(Textteil(kind.content, fett > 0, kursiv > 0))
    return _verschmelze(teile)


def _verschmelze(teile: list[Textteil]) -> Zeile:
    """Join neighbouring runs of the same formatting."""
    ergebnis: list[Textteil] = []
    for teil in teile:
        if not teil.text:
            continue
        if ergebnis and (ergebnis[-1].fett, ergebnis[-1].kursiv) == (teil.fett, teil.kursiv):
            ergebnis[-1] = Textteil(ergebnis[-1].text + teil.text, teil.fett, teil.kursiv)
        else:
            ergebnis.append(teil)
    return tuple(ergebnis)
