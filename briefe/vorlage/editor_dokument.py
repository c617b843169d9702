"""A template body (Markdown + Jinja) as the letter editor's document (Tiptap/ProseMirror JSON)
and back, lossless for everything the editor shows.

Nodes: Tiptap's ``doc, paragraph, heading(level), bulletList, orderedList(start), listItem,
table, tableRow, tableHeader, tableCell, hardBreak, text`` (marks ``bold``, ``italic``); and

- ``feld`` (inline atom) ``{ausdruck, name, format, label}``: ``{{ name | format }}``; the source
  is written from ``name`` and ``format``, ``ausdruck`` and ``label`` are for showing.
- ``bedingung`` (block) ``{spalte, art, wert}`` with ``bedingungDann`` and optional
  ``bedingungSonst`` (each ``block+``): ``{% if … %}`` on lines of their own around whole blocks.
- ``bedingungInline`` (inline atom) ``{spalte, art, wert, dann, sonst}``: a condition inside a
  paragraph; ``dann``/``sonst`` hold the inline nodes (JSON lists, ``sonst`` may be null).
- ``ausdruck`` (inline atom) and ``ausdruckBlock`` (block atom) ``{quelltext}``: what the editor
  cannot show (loops, ``set``, custom expressions, ``baustein("…")``), kept byte for byte.

A table whose first row is made of ``tableHeader`` cells has a header row; table cells hold
one line (further paragraphs and line breaks in a cell become spaces). A field bold or italic
on its own is written as ``{% if x %}**{{ x }}**{% endif %}`` (an empty value would print
``****``) and read back as the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefe.vorlage import editor_felder as felder
from briefe.vorlage.editor_schreiben import aus_dokument  # noqa: F401 - the other direction
from briefe.vorlage.vorlage import MARKDOWN_UMGEBUNG

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_MARKE = 0xF0000  # placeholder of tag n: chr(_MARKE + n), a private-use character
_PLATZHALTER = re.compile("([\U000f0000-\U000ffffd])")
VERSCHACHTELT = 8  # deeper conditions stay Ausdruck chips (``editor_pruefung.TIEFE``)
_OEFFNER = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans"}
_SCHLIESSER = {"end" + w for w in _OEFFNER}


class _Teil:
    """A piece of the body: text, or one Jinja tag with the whitespace Jinja strips around it."""

    __slots__ = ("art", "roh", "inneres", "wort", "zeilenweise")

    def __init__(self, art: str, roh: str, inneres: str = "") -> None:
        self.art, self.roh, self.inneres = art, roh, inneres.strip()
        self.wort = self.inneres.split(None, 1)[0] if art == "anweisung" and self.inneres else ""
        self.zeilenweise = False

    @property
    def tiefe(self) -> int:
        if self.wort == "set" and "=" not in self.inneres:
            return 1
        if self.wort == "endset":
            return -1
        return 1 if self.wort in _OEFFNER else -1 if self.wort in _SCHLIESSER else 0


# ---------------------------------------------------------------- template -> document


def zu_dokument(koerper: str, beschriftungen: Mapping[str, str] | None = None) -> dict:
    """The editor document of a template body; ``beschriftungen``: field name -> label."""
    try:
        teile = _teile(koerper)
    except Exception:  # noqa: BLE001 - not lexable: the whole body stays as it is
        teile = None
    if teile is None:
        return {"type": "doc", "content": [_ausdruck_block(koerper)]}
    inhalt = _Leser(teile, beschriftungen or {}).bloecke(0, len(teile))
    return {"type": "doc", "content": inhalt or [{"type": "paragraph"}]}


def _teile(quelle: str) -> list[_Teil] | None:
    """Split into text and tags; None if the pieces do not give the source back."""
    teile: list[_Teil] = []
    pos = 0
    offen: _Teil | None = None
    vorrat = ""  # whitespace Jinja dropped before a tag (lstrip_blocks, ``{%-``)
    for _, art, wert in MARKDOWN_UMGEBUNG.lexer.tokeniter(quelle, "<editor>"):
        if not quelle.startswith(wert, pos):
            sprung = quelle.find(wert, pos) if wert else pos
            if sprung < 0 or quelle[pos:sprung].strip():
                return None
            vorrat, pos = vorrat + quelle[pos:sprung], sprung
        pos += len(wert)
        if art == "data" and offen is None:
            teile.append(_Teil("text", vorrat + wert) if not vorrat else _Teil("text", wert))
            if vorrat:
                teile[-1].roh = vorrat + wert
            vorrat = ""
        elif art in ("variable_begin", "block_begin", "comment_begin", "raw_begin"):
            art_name = {"variable_begin": "ausgabe", "block_begin": "anweisung"}.get(art, "roh")
            offen = _Teil(art_name, vorrat + wert)
            vorrat = ""
        elif offen is not None:
            offen.roh += wert
            if art in ("variable_end", "block_end", "comment_end", "raw_end"):
                anfang = 3 if offen.roh.lstrip(" \t")[2:3] in "-+" else 2
                kern = offen.roh.lstrip(" \t")[anfang:].rstrip()
                kern = kern[:-3] if kern[-3:-2] in "-+" else kern[:-2]
                teile.append(_Teil(offen.art, offen.roh, kern if offen.art != "roh" else ""))
                offen = None
    if pos < len(quelle):
        rest = quelle[pos:]
        if rest.strip():
            return None
        if teile:
            teile[-1].roh += rest
        else:
            teile.append(_Teil("text", rest))
    if "".join(t.roh for t in teile) != quelle or offen is not None:
        return None
    _markiere_zeilen(teile)
    return teile


def _markiere_zeilen(teile: list[_Teil]) -> None:
    """A statement or comment on lines of its own leaves nothing in the letter."""
    davor = "\n"
    for teil in teile:
        if teil.art in ("anweisung", "roh") and (davor.endswith("\n")) and (
                teil.roh.endswith("\n") or teil is teile[-1]):
            teil.zeilenweise = True
        davor = teil.roh or davor


def _ausdruck_block(quelltext: str) -> dict:
    return {"type": "ausdruckBlock", "attrs": {"quelltext": quelltext}}


def _leer_davor(text: str) -> bool:
    return not text.strip() or re.search(r"\n[ \t]*\n[ \t]*\Z", text) is not None


def _leer_danach(text: str) -> bool:
    return not text.strip() or re.match(r"[ \t]*\n", text) is not None


class _Leser:
    """Reads the pieces of one level into blocks."""

    def __init__(self, teile: list[_Teil], beschriftungen: Mapping[str, str]) -> None:
        self.teile, self.beschriftungen = teile, beschriftungen
        self.tiefe = 0  # conditions around the blocks being read

    def _ende(self, start: int, bis: int) -> tuple[int, list[int]] | None:
        """Index of the tag closing ``start`` and the ``else``/``elif`` at its level."""
        tiefe, mitte = 0, []
        for j in range(start, bis):
            teil = self.teile[j]
            if teil.art != "anweisung":
                continue
            tiefe += teil.tiefe
            if tiefe == 1 and teil.wort in ("else", "elif") and j > start:
                mitte.append(j)
            if tiefe == 0:
                return j, mitte
        return None

    def bloecke(self, von: int, bis: int) -> list[dict]:
        ergebnis: list[dict] = []
        puffer: list[_Teil] = []
        i = von
        while i < bis:
            teil = self.teile[i]
            if teil.zeilenweise and (teil.tiefe == 1 or teil.art == "roh" or teil.tiefe == 0
                                     and teil.wort not in ("else", "elif")):
                gefunden = self._ende(i, bis) if teil.tiefe == 1 else (i, [])
                if gefunden:
                    j, mitte = gefunden
                    danach = self.teile[j + 1].roh if j + 1 < bis else ""
                    davor = "".join(t.roh for t in puffer)
                    sauber = (self.teile[j].zeilenweise
                              and all(self.teile[m].zeilenweise for m in mitte)
                              and (_leer_davor(davor) if puffer else True)
                              and (j + 1 >= bis or self.teile[j + 1].art == "text"
                                   and _leer_danach(danach)))
                    if sauber:
                        ergebnis += self._markdown(puffer)
                        puffer = []
                        ergebnis.append(self._konstrukt(i, j, mitte))
                        i = j + 1
                        continue
            puffer.append(teil)
            i += 1
        ergebnis += self._markdown(puffer)
        return ergebnis

    def _konstrukt(self, i: int, j: int, mitte: list[int]) -> dict:
        teil = self.teile[i]
        if teil.wort == "if" and len(mitte) <= 1 and all(self.teile[m].inneres == "else"
                                                         for m in mitte):
            attrs = felder.als_bedingung(teil.inneres[2:])
            if attrs is not None and self.tiefe < VERSCHACHTELT:
                self.tiefe += 1
                grenze = mitte[0] if mitte else j
                dann = self.bloecke(i + 1, grenze) or [{"type": "paragraph"}]
                inhalt = [{"type": "bedingungDann", "content": dann}]
                if mitte:
                    sonst = self.bloecke(grenze + 1, j) or [{"type": "paragraph"}]
                    inhalt.append({"type": "bedingungSonst", "content": sonst})
                self.tiefe -= 1
                return {"type": "bedingung", "attrs": attrs, "content": inhalt}
        return _ausdruck_block("".join(t.roh for t in self.teile[i:j + 1]))

    def _markdown(self, puffer: list[_Teil]) -> list[dict]:
        if not "".join(t.roh for t in puffer).strip():
            return []
        if any(t.zeilenweise for t in puffer):
            return [b for gruppe in _gruppen(puffer) for b in self._gruppe(gruppe)]
        return self._markdown_bloecke(puffer)

    def _gruppe(self, gruppe: list[_Teil]) -> list[dict]:
        if any(t.zeilenweise for t in gruppe):
            return [_ausdruck_block("".join(t.roh for t in gruppe).strip("\n"))]
        return self._markdown_bloecke(gruppe)

    def _markdown_bloecke(self, puffer: list[_Teil]) -> list[dict]:
        tags: dict[str, _Teil] = {}
        stuecke = []
        for teil in puffer:
            if teil.art == "text":
                stuecke.append(teil.roh)
            else:
                zeichen = chr(_MARKE + len(tags))
                tags[zeichen] = teil
                stuecke.append(zeichen)
        quelle = "".join(stuecke)
        return _Bloecke(_MARKDOWN.parse(quelle), tags, quelle, self.beschriftungen).alle()


def _gruppen(puffer: list[_Teil]) -> list[list[_Teil]]:
    """Split at blank lines outside of tags and open blocks."""
    gruppen: list[list[_Teil]] = [[]]
    tiefe = 0
    for teil in puffer:
        if teil.art == "text" and tiefe == 0:
            stuecke = re.split(r"(\n[ \t]*\n)", teil.roh)
            for k, stueck in enumerate(stuecke):
                if k % 2:
                    gruppen.append([])
                elif stueck:
                    gruppen[-1].append(_Teil("text", stueck))
            continue
        if teil.art == "anweisung":
            tiefe = max(0, tiefe + teil.tiefe)
        gruppen[-1].append(teil)
    return [g for g in gruppen if "".join(t.roh for t in g).strip()]


class _Bloecke:
    """markdown-it tokens (tags as placeholders) to editor blocks."""

    def __init__(self, tokens: list[Token], tags: dict[str, _Teil], quelle: str,
                 beschriftungen: Mapping[str, str]) -> None:
        self.tokens, self.tags, self.beschriftungen = tokens, tags, beschriftungen
        self.zeilen = quelle.split("\n")
        self.tiefe = 0  # inline conditions around the elements being read

    def alle(self) -> list[dict]:
        return self._folge(0, len(self.tokens))

    def _folge(self, von: int, bis: int) -> list[dict]:
        ergebnis = []
        i = von
        while i < bis:
            token = self.tokens[i]
            ende = _schliessend(self.tokens, i)
            if token.type in ("paragraph_open", "heading_open"):
                inline = self._inline(self.tokens[i + 1].children or [])
                if token.type == "heading_open":
                    ergebnis.append({"type": "heading", "attrs": {"level": int(token.tag[1])},
                                     "content": inline} if inline else
                                    {"type": "heading", "attrs": {"level": int(token.tag[1])}})
                elif len(inline) == 1 and inline[0]["type"] == "ausdruck":
                    ergebnis.append(_ausdruck_block(inline[0]["attrs"]["quelltext"]))
                else:
                    ergebnis.append({"type": "paragraph", "content": inline} if inline
                                    else {"type": "paragraph"})
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                ergebnis.append(self._liste(i, ende))
            elif token.type == "table_open":
                ergebnis.append(self._tabelle(i, ende))
            elif token.nesting >= 0 and token.map:
                start, stop = token.map
                roh = "\n".join(self.zeilen[start:stop]).strip("\n")
                ergebnis.append(_ausdruck_block(self._zurueck(roh)))
            i = ende + 1
        return ergebnis

    def _zurueck(self, text: str) -> str:
        return _PLATZHALTER.sub(lambda m: self.tags[m.group(1)].roh, text)

    def _liste(self, i: int, ende: int) -> dict:
        token = self.tokens[i]
        punkte = []
        k = i + 1
        while k < ende:
            schluss = _schliessend(self.tokens, k)
            if self.tokens[k].type == "list_item_open":
                inhalt = self._folge(k + 1, schluss) or [{"type": "paragraph"}]
                punkte.append({"type": "listItem", "content": inhalt})
            k = schluss + 1
        if token.type == "ordered_list_open":
            return {"type": "orderedList", "attrs": {"start": int(token.attrGet("start") or 1)},
                    "content": punkte}
        return {"type": "bulletList", "content": punkte}

    def _tabelle(self, i: int, ende: int) -> dict:
        zeilen, kopf, ausrichtung = [], True, []
        for k in range(i, ende):
            token = self.tokens[k]
            if token.type == "tbody_open":
                kopf = False
            elif token.type == "tr_open":
                zeilen.append({"type": "tableRow", "content": []})
            elif token.type in ("th_open", "td_open"):
                inline = self._inline(self.tokens[k + 1].children or [])
                absatz = {"type": "paragraph", "content": inline} if inline else {"type": "paragraph"}
                art = "tableHeader" if kopf else "tableCell"
                zeilen[-1]["content"].append({"type": art, "content": [absatz]})
                if kopf:
                    stil = str(token.attrGet("style") or "")
                    ausrichtung.append(stil.removeprefix("text-align:").strip() or "left")
        if zeilen and not any(z.get("content") for c in zeilen[0]["content"]
                              for z in c["content"]):
            zeilen = zeilen[1:]  # an empty header row: a table without header
            for zeile in zeilen:
                for zelle in zeile["content"]:
                    zelle["type"] = "tableCell"
        attrs = {"ausrichtung": ausrichtung} if any(a != "left" for a in ausrichtung) else {}
        tabelle = {"type": "table", "content": zeilen}
        if attrs:
            tabelle["attrs"] = attrs
        return tabelle

    def _inline(self, kinder: list[Token]) -> list[dict]:
        elemente: list[dict] = []
        marken: list[str] = []
        for kind in kinder:
            art = kind.type
            if art in ("strong_open", "em_open"):
                marken.append("bold" if art == "strong_open" else "italic")
            elif art in ("strong_close", "em_close"):
                name = "bold" if art == "strong_close" else "italic"
                if name in marken:
                    marken.reverse()
                    marken.remove(name)
                    marken.reverse()
            elif art in ("text", "code_inline", "html_inline", "image"):
                for stueck in _PLATZHALTER.split(kind.content):
                    if not stueck:
                        continue
                    if stueck in self.tags:
                        elemente.append({"tag": self.tags[stueck], "marken": list(marken)})
                    else:
                        elemente.append(_text(stueck, marken))
            elif art == "softbreak":
                elemente.append(_text(" ", marken))
            elif art == "hardbreak":
                elemente.append({"type": "hardBreak"})
        return _verschmelze(self._gruppiere(elemente))

    def _gruppiere(self, elemente: list[dict]) -> list[dict]:
        """Tags to fields, inline conditions and expressions."""
        ergebnis: list[dict] = []
        i = 0
        while i < len(elemente):
            element = elemente[i]
            teil = element.get("tag")
            if teil is None:
                ergebnis.append(element)
                i += 1
                continue
            if teil.wort == "if":
                bedingung = self._inline_bedingung(elemente, i)
                if bedingung:
                    knoten, i = bedingung
                    ergebnis.append(knoten)
                    continue
            ergebnis.append(self._tag(teil, element["marken"]))
            i += 1
        return ergebnis

    def _inline_bedingung(self, elemente: list[dict], start: int) -> tuple[dict, int] | None:
        tiefe, sonst = 0, None
        for j in range(start, len(elemente)):
            teil = elemente[j].get("tag")
            if teil is None or teil.art != "anweisung":
                continue
            tiefe += teil.tiefe
            if tiefe == 1 and teil.wort in ("else", "elif"):
                if teil.inneres != "else" or sonst is not None:
                    return None
                sonst = j
            if tiefe == 0:
                kopf, schluss = elemente[start]["tag"], teil
                attrs = felder.als_bedingung(kopf.inneres[2:])
                tags = [kopf, schluss] + ([elemente[sonst]["tag"]] if sonst is not None else [])
                if (attrs is None or not all(map(_schlicht, tags))
                        or self.tiefe >= VERSCHACHTELT):
                    return None
                self.tiefe += 1
                grenze = sonst if sonst is not None else j
                dann = _verschmelze(self._gruppiere(elemente[start + 1:grenze]))
                anders = (_verschmelze(self._gruppiere(elemente[sonst + 1:j]))
                          if sonst is not None else None)
                self.tiefe -= 1
                if _geschuetztes_feld(attrs, dann, anders):
                    return dann[0], j + 1  # written so by ``aus_dokument``: the field itself
                return {"type": "bedingungInline",
                        "attrs": {**attrs, "dann": dann, "sonst": anders}}, j + 1
        return None

    def _tag(self, teil: _Teil, marken: list[str]) -> dict:
        if teil.art == "ausgabe" and _schlicht(teil):
            attrs = felder.als_feld(teil.inneres, self.beschriftungen)
            if attrs is not None:
                knoten = {"type": "feld", "attrs": attrs}
                if marken:
                    knoten["marks"] = [{"type": m} for m in dict.fromkeys(marken)]
                return knoten
        return {"type": "ausdruck", "attrs": {"quelltext": teil.roh}}


def _geschuetztes_feld(attrs: dict, dann: list[dict], sonst: list[dict] | None) -> bool:
    """``{% if x %}**{{ x }}**{% endif %}``: a bold or italic field guarded against ``****``."""
    return (attrs["art"] == "gefuellt" and sonst is None and len(dann) == 1
            and dann[0]["type"] == "feld" and bool(dann[0].get("marks"))
            and dann[0]["attrs"]["name"] == attrs["spalte"])


def _schlicht(teil: _Teil) -> bool:
    """A tag without whitespace control and spaces around it; a newline after a statement
    (which Jinja drops, as the placeholder does) is allowed."""
    roh = teil.roh.removesuffix("\n") if teil.art == "anweisung" else teil.roh
    return roh == roh.strip() and roh[2:3] not in "-+" and roh[-3:-2] not in "-+"


def _text(text: str, marken: list[str]) -> dict:
    knoten: dict = {"type": "text", "text": text}
    if marken:
        knoten["marks"] = [{"type": m} for m in sorted(set(marken))]
    return knoten


def _verschmelze(elemente: list[dict]) -> list[dict]:
    ergebnis: list[dict] = []
    for element in elemente:
        if (element["type"] == "text" and ergebnis and ergebnis[-1]["type"] == "text"
                and ergebnis[-1].get("marks") == element.get("marks")):
            ergebnis[-1] = {**ergebnis[-1], "text": ergebnis[-1]["text"] + element["text"]}
        else:
            ergebnis.append(element)
    return ergebnis


def _schliessend(tokens: list[Token], start: int) -> int:
    tiefe = 0
    for j in range(start, len(tokens)):
        tiefe += tokens[j].nesting
        if tiefe <= 0:
            return j
    return len(tokens) - 1
