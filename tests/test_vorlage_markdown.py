"""The letter body's Markdown: with each inline text parsed once per process, the blocks are
those of markdown-it's full parse of the body."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefe.modell import Absatz, Liste, Tabelle, Textteil
from briefe.vorlage import markdown

WURZEL = Path(__file__).resolve().parent.parent
VORLAGEN = sorted([*(WURZEL / "vorlagen").rglob("*.md"), *(WURZEL / "benchmarks").glob("*.md")])

FAELLE = [
    "Ihr Beitrag beträgt **48,00 €** und ist am *15.02.2027* fällig.",
    "Zeile eins  \nZeile zwei\\\nZeile drei\nweiter",
    "\\*kein Stern\\* und `code *x*` und ***beides***",
    "- eins\n- **zwei** drei\n\n  zweiter Absatz\n- vier\n\n1. a\n2. b",
    "| Posten | Betrag |\n|:--|--:|\n| Beitrag **2027** | 48,00 € |\n| Spende | *12,00 €* |",
    "# Überschrift *kursiv*\n\nText mit [Verweis][1] und ![Bild](x.png).\n\n[1]: https://example.org",
    "[nicht definiert][x] und [direkt](https://example.org) und <https://example.org>",
    "**offen *gemischt** ende*",
    "```\ncode **nicht fett**\n```\n\n    eingerückt",
    "> Zitat mit **fett**\n\n---\n\nnach der Linie",
]


def _voll(quelltext: str):
    """The blocks from markdown-it's full parse (every inline text parsed in place)."""
    return markdown.bloecke_aus(markdown._MARKDOWN.parse(quelltext))


@pytest.mark.parametrize("quelltext", FAELLE)
def test_wie_volle_analyse(quelltext):
    markdown.parse.cache_clear()
    assert markdown.parse(quelltext) == _voll(quelltext)


@pytest.mark.parametrize("datei", VORLAGEN, ids=lambda p: p.name)
def test_vorlagen_wie_volle_analyse(datei):
    text = datei.read_text(encoding="utf-8")
    koerper = text.split("+++", 2)[2] if text.startswith("+++") else text
    markdown.parse.cache_clear()
    assert markdown.parse(koerper) == _voll(koerper)


def test_gemerkte_zeile_gilt_in_jedem_brief():
    """The same paragraph in a second body, next to other values: the same runs."""
    erster = markdown.parse("Fester Absatz mit **fett**.\n\nBetrag **12,00 €**.")
    zweiter = markdown.parse("Fester Absatz mit **fett**.\n\nBetrag **480,50 €**.")
    assert erster[0] == zweiter[0] == Absatz((Textteil("Fester Absatz mit "), Textteil("fett", True),
                                               Textteil(".")))
    assert zweiter[1] == Absatz((Textteil("Betrag "), Textteil("480,50 €", True), Textteil(".")))


def test_verweis_haengt_vom_ganzen_text_ab():
    """A reference defined in one body makes ``[a][1]`` a link there, not in another."""
    ohne = markdown.parse("Siehe [a][1].")  # first: its inline text is remembered
    mit = markdown.parse("Siehe [a][1].\n\n[1]: https://example.org")
    assert mit == (Absatz((Textteil("Siehe a."),)),)
    assert ohne == (Absatz((Textteil("Siehe [a][1]."),)),)


def test_liste_und_tabelle():
    bloecke = markdown.parse("- **eins**\n- zwei\n\n| A | B |\n|---|--:|\n| x | *y* |")
    assert isinstance(bloecke[0], Liste) and bloecke[0].punkte[0] == (Textteil("eins", True),)
    assert isinstance(bloecke[1], Tabelle)
    assert bloecke[1].zeilen == (((Textteil("x"),), (Textteil("y", False, True),)),)
