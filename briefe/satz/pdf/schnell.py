"""Fast path for a Serienbrief: lay out each layout group once, then per recipient
shape and draw only the recipient's own lines.

A layout group is all letters that are equal except for the address lines,
the salutation and the text runs that hold member values (learned per family of
letters by ``gruppen.Wertstellen``: subject, paragraph, list item, table cell or
info block runs that differ between letters). A group has six address lines; a
letter with fewer uses it once the skeleton shows that its last lines can go without moving
anything (``_Gruppe.passt``).
A value in the subject or the info block must end its line and fit on one line (the
subject's value is also written into the title and the bookmarks per letter). A value run in
the body makes its whole block (paragraph, list item) one slot (``schnell_block``): per letter
the block is set again by WeasyPrint's own line breaker, from the call recorded while the
skeleton was laid out (only the lines from the first change to where the lines meet the
skeleton's again), and must keep every line's height and place, else the letter falls back
("Absatz: andere Zeilenzahl"); a second letter with the same line counts gets a group of its
own (``_variante``). A table holding values is set again per letter by WeasyPrint's table
layout, its borders and its text are two slots (``schnell_tabelle``); it must keep its place
and height ("Tabelle: andere Höhe": a group of its own as for paragraphs).

Per group (and process) we

1. lay out a skeleton letter with short marker texts in those slots, and again
   with long ones (as wide as the slot allows): if any other box moves, the
   group is not fast and every letter of it gets a full render;
2. paint the skeleton with each slot replaced by an empty box of a unique
   colour, and keep the PDF objects, pre-serialised; the colour marks where
   in the page content stream each slot is painted.

A recipient's PDF is then the skeleton plus one small content stream per slot,
spliced into the page's ``/Contents`` array exactly where the slot is painted
(same graphics state, same paint order). The recipient's lines are shaped with
WeasyPrint's own ``split_first_line`` and drawn with its own ``draw_text``, so
glyphs and positions are those of a full render. A letter falls back to the
full render whenever that cannot be shown: a line does not fit on one line or
is wider than the long marker, an address line is set smaller, its line height or
baseline differ (another font), odd characters (control, bidi, double spaces), or a
glyph whose PDF width WeasyPrint would round differently. A slot's line is shaped and drawn once
per distinct text and kept (``_Gruppe._linie``): it depends on nothing but the
slot and the text. Fonts are subset per letter when the
recipient needs glyphs the skeleton lacks, with WeasyPrint's font code (cached
by glyph set), so a letter's fonts hold exactly the glyphs of a full render.

A group costs about two full renders, so it is built when a second letter
needs it (at once when its family has value slots: such letters repeat). A value
that wraps in the letter a group would be built from fails that letter only; after
a few such letters the group counts as not fast.
Only the standard PDF variant takes this path; tagged and PDF/A variants are
always rendered in full. ``vorwaermen`` builds groups before worker processes
are forked, so they inherit them.
"""


from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from pathlib import Path
from typing import BinaryIO

from briefe.dateien import schreibe_nach
from briefe.fehler import BriefeFehler
from briefe.geometrie import ANSCHRIFT_MAX_ZEILEN
from briefe.modell import Brief
from briefe.satz.gruppen import (
    AndereZeilenzahl,
    Gruppenspeicher,
    NichtSchnell,
    Wertstellen,
    gruppenschluessel,
)
from briefe.satz.pdf import weasy as pdf_modul
from briefe.satz.pdf.schnell_block import rahme
from briefe.satz.pdf.schnell_gruppe import STATISTIK, _Gruppe
from briefe.satz.pdf.schnell_platz import _pruefe_text

# Only these variants take the fast path (untagged, no PDF/A metadata).
SCHNELLE_VARIANTEN = (None, "standard")
__all__ = ["STATISTIK", "leere_zwischenspeicher", "lerne", "pdf_bytes_schnell", "schnell_moeglich",
           "schreibe_pdf_schnell", "vorwaermen"]
_LOG = logging.getLogger(__name__)


# --- public ---------------------------------------------------------------------------------


def pdf_bytes_schnell(brief: Brief, variante: str | None = None) -> bytes:
    """The letter as PDF bytes: fast path if provably identical, else a full render."""
    if variante in SCHNELLE_VARIANTEN:
        daten, grund = _schnell(brief)
        if daten is not None:
            STATISTIK["schnell"] += 1
            return daten
    else:
        grund = "Variante"
    STATISTIK["voll"] += 1
    STATISTIK[f"voll: {grund}"] += 1
    return pdf_modul.pdf_bytes(brief, variante)


def _schnell(brief: Brief, erzwingen: bool = False) -> tuple[bytes | None, str]:
    """The fast path's PDF, or ``None`` and why not. A fault in the fast path costs speed,
    never a letter: the full render follows."""
    try:
        with _SPERRE:
            gruppe = _gruppe(brief, erzwingen)
            try:
                return gruppe.brief(brief), ""
            except AndereZeilenzahl as grund:
                if gruppe.letzte_variante is not None:  # letters of one variant often follow
                    with contextlib.suppress(AndereZeilenzahl):
                        return gruppe.letzte_variante.brief(brief), ""
                gruppe.letzte_variante = _variante(brief, gruppe, grund, erzwingen)
                return gruppe.letzte_variante.brief(brief), ""
    except NichtSchnell as grund:
        return None, str(grund)
    except Exception as fehler:
        if not isinstance(fehler, BriefeFehler):  # else the full render reports it
            _LOG.warning("Schnellpfad: interner Fehler (%s)", type(fehler).__name__)
        return None, f"Fehler ({type(fehler).__name__})"


def schreibe_pdf_schnell(brief: Brief, ziel: Path | str | BinaryIO, variante: str | None = None) -> None:
    """Like ``briefe.satz.pdf.weasy.schreibe_pdf``, through the fast path where it applies."""
    daten = pdf_bytes_schnell(brief, variante)
    schreibe_nach(ziel, daten)


def schnell_moeglich(brief: Brief) -> str | None:
    """``None`` if ``brief`` can take the fast path (its group is built now if need be), else
    the reason (for tests and benchmarks)."""
    daten, grund = _schnell(brief, erzwingen=True)
    return None if daten is not None else grund


def leere_zwischenspeicher() -> None:
    """Forget all layout groups (and learned value slots) of this process."""
    _GRUPPEN.leeren()
    _WERTE.leeren()
    _RAHMEN.clear()


# --- layout groups --------------------------------------------------------------------------

_GRUPPEN = Gruppenspeicher(lambda brief: _Gruppe(brief), "PDF")
_WERTE = Wertstellen()
_RAHMEN: dict = {}  # group key without frames -> value run -> (text before, text after)
RAHMEN_JE_PROZESS = 16
PROBEN_JE_GRUPPE = 12  # letters ``vorwaermen`` lays out per group to find its layout variants
_SPERRE = threading.RLock()  # groups and WeasyPrint's objects are not shared between threads


def _variante(brief: Brief, gruppe: _Gruppe, grund: AndereZeilenzahl, erzwingen: bool) -> _Gruppe:
    """The group of the letters whose paragraphs have the line counts of ``brief``'s, not the
    skeleton's: built when a second such letter needs it (the first is rendered in full and
    counted with ``grund``)."""
    try:
        return _gruppe(brief, erzwingen, variante=("Zeilen", gruppe.zeilenzahlen(brief)))
    except NichtSchnell:
        raise grund from None


def _gruppe(brief: Brief, erzwingen: bool = False, variante: tuple = ()) -> _Gruppe:
    """The layout group of ``brief`` (built when a second letter needs it, or at once with
    ``erzwingen``; a few per process); ``variante``: its paragraphs' line counts where they
    differ from the first group's."""
    stellen, voll, basis, rahmen = _familie(brief)
    erzwingen = erzwingen or (bool(stellen) and not variante)
    zeilen = len(brief.anschrift)
    zusatz = (_wurzeln(), tuple(sorted(rahmen.items(), key=repr)), variante)
    if zeilen < ANSCHRIFT_MAX_ZEILEN:
        with contextlib.suppress(NichtSchnell):
            gruppe = _GRUPPEN.hole((basis, *zusatz), voll, erzwingen,
                                   bauen=lambda b: _Gruppe(b, stellen, rahmen))
            if gruppe.passt(zeilen):
                return gruppe
    schluessel = (gruppenschluessel(brief, stellen) if voll is not brief else basis, *zusatz)
    return _GRUPPEN.hole(schluessel, brief, erzwingen, bauen=lambda b: _Gruppe(b, stellen, rahmen))


def _familie(brief: Brief) -> tuple[frozenset, Brief, tuple, dict]:
    """``brief``'s value slots (learned so far), the letter its group is built from (every
    address line, where one group serves all lengths), the group key without frames, and the
    frames; ``NichtSchnell`` if it cannot take the fast path."""
    if any(brief.anschrift_schriftgrade):
        raise NichtSchnell("Anschrift kleiner gesetzt")  # another line size: full render
    if brief.zahlung:  # its code differs per letter: the full render
        raise NichtSchnell("GiroCode")
    _pruefe_text(brief.anrede, "Anrede")
    for zeile in brief.anschrift:
        _pruefe_text(zeile, "Anschrift")
    if not brief.anschrift:
        raise NichtSchnell("keine Anschrift")
    stellen, texte = _WERTE.stellen(brief)
    for stelle in stellen:
        # a run in the body: its ends belong to its frame (``schnell_block.mitte``)
        _pruefe_text(texte[stelle], "Wert", raender=stelle[0] != "inhalt")
    voll = brief
    if len(brief.anschrift) < ANSCHRIFT_MAX_ZEILEN:
        voll = dataclasses.replace(brief, anschrift=("",) * ANSCHRIFT_MAX_ZEILEN)
    basis = gruppenschluessel(voll, stellen)
    return stellen, voll, basis, _rahmen(basis, stellen, texte)


def _rahmen(schluessel: tuple, stellen: frozenset, texte: dict) -> dict:
    """The fixed text around the middle of each value run in the body, common to the letters
    of its group (``schluessel``) seen so far (it only shrinks, a few times: each time a new
    group)."""
    innen = [s for s in stellen if s[0] == "inhalt"]
    if not innen:
        return {}
    bisher = _RAHMEN.pop(schluessel, {})
    referenz = _WERTE.referenz  # the family's first letter: where this one differs from it
    rahmen = {s: rahme(bisher.get(s) or (referenz[s], referenz[s]), texte[s]) for s in innen}
    _RAHMEN[schluessel] = rahmen
    while len(_RAHMEN) > RAHMEN_JE_PROZESS:
        _RAHMEN.pop(next(iter(_RAHMEN)))
    return rahmen


def _wurzeln() -> tuple:
    wurzeln = getattr(pdf_modul, "erlaubte_wurzeln", None)
    return tuple(wurzeln()) if wurzeln else ()


def lerne(brief: Brief, variante: str | None = None) -> bool:
    """Learn from ``brief`` where its family's letters hold member values and the fixed text
    around them, building no group; whether anything changed. ``vorwaermen`` after this for
    the same letters builds one group per family, not one each time a later letter shows
    another value slot or a shorter frame (learning twice over the letters gives the frames
    for the final slots)."""
    if variante not in SCHNELLE_VARIANTEN:
        return False
    with _SPERRE:
        vorher = _gelernt()
        with contextlib.suppress(NichtSchnell):
            _familie(brief)
        return _gelernt() != vorher


def _gelernt() -> tuple:
    """What ``lerne`` learned: value slots per family, frames per group key."""
    return _WERTE.gelernt(), {hash(k): r for k, r in _RAHMEN.items()}


def vorwaermen(brief: Brief, variante: str | None = None) -> bool:
    """Build the layout group of ``brief`` in this process (for the line counts of its
    paragraphs and tables once a second letter has them); whether anything new was built.

    Called before worker processes are forked, they start with the groups (and
    WeasyPrint's fonts, stylesheet and hyphenation) instead of each building them again.
    """
    if variante not in SCHNELLE_VARIANTEN:
        return False
    with _SPERRE:
        vorher = _vorbereitet()
        with contextlib.suppress(NichtSchnell):
            gruppe = _gruppe(brief)
            if gruppe.proben < PROBEN_JE_GRUPPE:  # a layout variant: built when seen twice
                gruppe.proben += 1
                zahlen = gruppe.zeilenzahlen(brief)
                if zahlen != gruppe.eigene_zeilenzahlen():
                    gruppe = _gruppe(brief, variante=("Zeilen", zahlen))
            if not gruppe.geuebt:  # one letter, so the code it runs is loaded before the fork
                gruppe.geuebt = True
                gruppe.brief(brief)
        return _vorbereitet() > vorher


def _vorbereitet() -> int:
    """Groups of this process and address-line counts proven for them."""
    return sum(1 + len(g._passt) if isinstance(g, _Gruppe) else 1 for g in _GRUPPEN.gruppen.values())
