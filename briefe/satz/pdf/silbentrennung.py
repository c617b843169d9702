"""German hyphenation for WeasyPrint: the Trennmuster project's patterns (dehyph-exptl, MIT)
instead of Pyphen's own German dictionary, at least two letters on each side of a split.

WeasyPrint asks Pyphen for ``lang="de"`` (``pyphen.language_fallback``, then
``pyphen.Pyphen(lang=…)``), which looks the file up in ``pyphen.LANGUAGES``; registering our
file there before the first layout makes the normal and the fast path use it.

Pyphen parses the dictionary (66,000 patterns) in Python on first use: about 1.7 s of CPU
in every run. ``vorladen`` puts the same patterns into pyphen's own cache from a JSON file
(``$BRIEFE_CACHE`` or ``~/.cache/briefe``), named by the dictionary's SHA-256 and pyphen's
version, written after a first real parse; a missing or unwritable cache only costs the parse.
The file holds each pattern's values as one short string, turned into pyphen's tuple when
a word first needs that pattern (``_Muster``): reading it takes a few hundredths of a second.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path

import pyphen

from briefe import RESSOURCEN
from briefe.dateien import schreibe_atomar

_LOG = logging.getLogger(__name__)

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


def cache_ordner() -> Path:
    ordner = os.environ.get("BRIEFE_CACHE")
    if ordner:
        return Path(ordner)
    basis = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(basis) / "briefe"


FORMAT = 2  # of the cache file


def _cache_datei(quelle: Path) -> Path:
    pruefsumme = hashlib.sha256(quelle.read_bytes()).hexdigest()[:32]
    version = getattr(pyphen, "__version__", "0")
    return cache_ordner() / f"silben-{quelle.stem}-{version}-{pruefsumme}-{FORMAT}.json"


class _Muster(dict):
    """Pyphen's patterns (pattern -> (start, values)) as the cache file holds them, each value
    ``"start:digits"``; ``get``, the only lookup pyphen makes, gives the tuple."""

    def get(self, schluessel, standard=None):
        wert = dict.get(self, schluessel)
        if wert is None:
            return standard
        if isinstance(wert, str):
            start, ziffern = wert.split(":")
            wert = (int(start), tuple(int(z) for z in ziffern))
            self[schluessel] = wert
        return wert


def _als_json(woerterbuch: pyphen.HyphDict) -> bytes | None:
    """The cache file's text; ``None`` if a value is not a single digit (not cached)."""
    muster = {}
    for schluessel, (start, werte) in woerterbuch.patterns.items():
        if not all(type(w) is int and 0 <= w <= 9 for w in werte):
            return None
        muster[schluessel] = f"{start}:{''.join(map(str, werte))}"
    return json.dumps({"muster": muster, "maxlen": woerterbuch.maxlen},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _aus_json(text: str) -> pyphen.HyphDict:
    daten = json.loads(text)
    if not isinstance(daten["muster"], dict) or not isinstance(daten["maxlen"], int):
        raise ValueError("Zwischenspeicher der Silbentrennung unlesbar")
    woerterbuch = pyphen.HyphDict.__new__(pyphen.HyphDict)
    woerterbuch.patterns = _Muster(daten["muster"])
    woerterbuch.cache = {}
    woerterbuch.maxlen = daten["maxlen"]
    return woerterbuch


@functools.cache
def vorladen(sprache: str) -> bool:
    """Put the hyphenation patterns of ``sprache`` (e.g. ``de-DE``) into pyphen's cache;
    whether they came from the file cache."""
    name = pyphen.language_fallback(sprache)
    if not name:
        return False
    quelle = pyphen.LANGUAGES[name]
    if quelle in pyphen.hdcache:
        return False
    try:
        datei: Path | None = _cache_datei(quelle)
        pyphen.hdcache[quelle] = _aus_json(datei.read_text(encoding="utf-8"))
        return True
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        datei = datei if "datei" in locals() else None
    woerterbuch = pyphen.HyphDict(quelle)
    pyphen.hdcache[quelle] = woerterbuch
    text = _als_json(woerterbuch)
    if datei is None or text is None:  # alternatives (``DataInt``) are not cached
        return False
    try:
        datei.parent.mkdir(parents=True, exist_ok=True)
        schreibe_atomar(datei, text)
    except OSError as fehler:
        _LOG.debug("Silbentrennung nicht zwischengespeichert: %s", fehler)
    return False
