"""German hyphenation for WeasyPrint: the Trennmuster project's patterns (dehyph-exptl, MIT)
instead of Pyphen's own German dictionary, at least two letters on each side of a split.

WeasyPrint asks Pyphen for ``lang="de"`` (``pyphen.language_fallback``, then
``pyphen.Pyphen(lang=…)``), which looks the file up in ``pyphen.LANGUAGES``; registering our
file there before the first layout makes the normal and the fast path use it.
"""

from __future__ import annotations

import pyphen

from briefe import RESSOURCEN

WOERTERBUCH = RESSOURCEN / "silbentrennung" / "hyph_de_DE.dic"
SPRACHEN = ("de", "de_DE", "de_AT")
MINDESTENS = 2  # letters before and after a split (CSS hyphenate-limit-chars)


def richte_ein() -> None:
    """Register the German patterns for every German language tag WeasyPrint may ask for."""
    for sprache in SPRACHEN:
        pyphen.LANGUAGES[sprache] = WOERTERBUCH
        pyphen.LANGUAGES_LOWERCASE[sprache.lower()] = sprache


def trenner() -> pyphen.Pyphen:
    """Pyphen with the German patterns, as the letters use them."""
    richte_ein()
    return pyphen.Pyphen(lang="de_DE", left=MINDESTENS, right=MINDESTENS)
