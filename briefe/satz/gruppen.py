"""Layout groups, shared by the fast paths of PDF and DOCX.

A layout group is all letters that are equal but for the recipient's own slots
(address lines, salutation, and the text runs that hold member values). A fast path
lays out a group once and then fills in each recipient; whatever it cannot prove identical
is rendered in full.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Callable

from briefe.fehler import BriefeFehler
from briefe.modell import Brief

GRUPPEN_JE_PROZESS = 8
_LOG = logging.getLogger(__name__)


class NichtSchnell(Exception):
    """This letter (or group) cannot take the fast path; the reason is the message."""


class NurDieserBrief(NichtSchnell):
    """A group could not be built from this letter, but may be from another one."""


GESEHEN_JE_PROZESS = 4096
VERSUCHE_JE_GRUPPE = 3  # letters a group is tried with before it counts as not fast


class AndereZeilenzahl(NichtSchnell):
    """A letter's paragraph (or table) has other line counts than its group's skeleton: a layout
    variant of its own."""


def _zweites_mal(gesehen: OrderedDict, schluessel) -> bool:
    """Whether ``schluessel`` was seen before (and note it)."""
    kennung = hash(schluessel)
    if kennung in gesehen:
        return True
    gesehen[kennung] = None
    while len(gesehen) > GESEHEN_JE_PROZESS:
        gesehen.popitem(last=False)
    return False


class Gruppenspeicher:
    """The layout groups of one renderer in this process: a group is built when a second
    letter needs it, a few are kept, and one that could not be built is remembered as such."""

    def __init__(self, bauen: Callable[[Brief], object], name: str) -> None:
        self.bauen = bauen
        self.name = name
        self.gruppen: OrderedDict[object, object] = OrderedDict()
        self.gesehen: OrderedDict[int, None] = OrderedDict()  # hashes of keys seen once
        self.versuche: dict[int, int] = {}  # hash of key -> failed tries with ``NurDieserBrief``

    def __len__(self) -> int:
        return len(self.gruppen)

    def leeren(self) -> None:
        self.gruppen.clear()
        self.gesehen.clear()
        self.versuche.clear()

    def hole(self, schluessel, brief: Brief, erzwingen: bool = False,
             bauen: Callable[[Brief], object] | None = None):
        """The group for ``schluessel`` (built by ``bauen`` if given); ``NichtSchnell`` when
        there is none (yet)."""
        try:
            gruppe = self.gruppen.get(schluessel)
        except TypeError:  # a field that cannot be a dictionary key
            raise NichtSchnell("Brief nicht vergleichbar") from None
        if gruppe is None and not _zweites_mal(self.gesehen, schluessel) and not erzwingen:
            raise NichtSchnell("erster Brief seiner Gruppe")  # a group costs two full renders
        if gruppe is None:
            try:
                gruppe = (bauen or self.bauen)(brief)
            except NurDieserBrief as grund:
                versuche = self.versuche[hash(schluessel)] = self.versuche.get(hash(schluessel), 0) + 1
                if versuche < VERSUCHE_JE_GRUPPE:
                    raise NichtSchnell(str(grund)) from None
                gruppe = NichtSchnell(str(grund))
            except NichtSchnell as grund:
                gruppe = grund
            except Exception as fehler:
                if isinstance(fehler, BriefeFehler):
                    raise  # the full render reports it
                _LOG.warning("Schnellpfad %s: Gruppe nicht aufgebaut (%s)", self.name,
                             type(fehler).__name__)  # no traceback: it may quote member data
                gruppe = NichtSchnell(f"interner Fehler ({type(fehler).__name__})")  # not tried again
            self.gruppen[schluessel] = gruppe
            while len(self.gruppen) > GRUPPEN_JE_PROZESS:
                self.gruppen.popitem(last=False)
        else:
            self.gruppen.move_to_end(schluessel)
        if isinstance(gruppe, NichtSchnell):
            raise NichtSchnell(f"Gruppe: {gruppe}")
        return gruppe


def marke(feld: str, nummer: int) -> str:
    """A short marker text for one slot; letters only, unlikely in any template."""
    return f"Qz{'AB'[feld == 'anrede']}{chr(ord('a') + nummer)}xV"


# --- member values in the body ----------------------------------------------------------------
#
# A template may put member values anywhere (subject, a paragraph, a list item, a table cell,
# the info block). The fast paths learn, per family of letters with the same structure, which
# text runs differ between letters ("Wertstellen"); those runs become slots like the address
# lines, every other text is part of the group key.

STELLEN_JE_FAMILIE = 64  # more varying runs than this: the family is not fast (a free text per member)
FAMILIEN_JE_PROZESS = 8

Stelle = tuple  # a path into a Brief: ("betreff",), ("inhalt", block, ..., run), ("info", row)


def textstellen(brief: Brief) -> dict[Stelle, str]:
    """Every text run of ``brief`` that may hold a member value, by its path."""
    from briefe.modell import Absatz, Liste, Tabelle

    stellen: dict[Stelle, str] = {("betreff",): brief.betreff}
    for b, block in enumerate(brief.inhalt):
        if isinstance(block, Absatz):
            zeilen = {(): block.teile}
        elif isinstance(block, Liste):
            zeilen = {(j,): p for j, p in enumerate(block.punkte)}
        elif isinstance(block, Tabelle):
            zeilen = {("kopf", k): z for k, z in enumerate(block.kopf or ())}
            zeilen.update({(r, c): z for r, reihe in enumerate(block.zeilen) for c, z in enumerate(reihe)})
        else:
            continue
        for pfad, zeile in zeilen.items():
            for i, teil in enumerate(zeile):
                stellen[("inhalt", b, *pfad, i)] = teil.text
    for i, zeile in enumerate(brief.infoblock):
        stellen[("info", i)] = zeile.wert
    return stellen


def _ersetze_zeile(zeile, pfad_texte: dict[int, str]):
    return tuple(dataclasses.replace(t, text=pfad_texte[i]) if i in pfad_texte else t
                 for i, t in enumerate(zeile))


def mit_stellen(brief: Brief, texte: dict[Stelle, str]) -> Brief:
    """``brief`` with the runs at the given paths replaced."""
    from briefe.modell import Absatz, Liste, Tabelle

    if not texte:
        return brief
    aenderung: dict = {}
    if ("betreff",) in texte:
        aenderung["betreff"] = texte[("betreff",)]
    info = {s[1]: t for s, t in texte.items() if s[0] == "info"}
    if info:
        aenderung["infoblock"] = tuple(dataclasses.replace(z, wert=info[i]) if i in info else z
                                       for i, z in enumerate(brief.infoblock))
    je_block: dict[int, dict[tuple, str]] = {}
    for stelle, text in texte.items():
        if stelle[0] == "inhalt":
            je_block.setdefault(stelle[1], {})[stelle[2:]] = text
    if je_block:
        inhalt = list(brief.inhalt)
        for b, pfade in je_block.items():
            block = inhalt[b]
            if isinstance(block, Absatz):
                inhalt[b] = dataclasses.replace(
                    block, teile=_ersetze_zeile(block.teile, {p[0]: t for p, t in pfade.items()}))
            elif isinstance(block, Liste):
                inhalt[b] = dataclasses.replace(block, punkte=tuple(
                    _ersetze_zeile(p, {q[1]: t for q, t in pfade.items() if q[0] == j})
                    for j, p in enumerate(block.punkte)))
            elif isinstance(block, Tabelle):
                kopf = block.kopf and tuple(
                    _ersetze_zeile(z, {q[2]: t for q, t in pfade.items() if q[:2] == ("kopf", k)})
                    for k, z in enumerate(block.kopf))
                zeilen = tuple(tuple(
                    _ersetze_zeile(z, {q[2]: t for q, t in pfade.items() if q[:2] == (r, c)})
                    for c, z in enumerate(reihe)) for r, reihe in enumerate(block.zeilen))
                inhalt[b] = dataclasses.replace(block, kopf=kopf, zeilen=zeilen)
        aenderung["inhalt"] = tuple(inhalt)
    return dataclasses.replace(brief, **aenderung)


@dataclasses.dataclass
class _Familie:
    referenz: dict
    stellen: frozenset = frozenset()


class Wertstellen:
    """Learns, per family (letters equal but for their texts and the number of address
    lines), which runs hold member values.

    The first letter of a family is the reference; each later one adds the runs where it
    differs from it. Letters of a uniform body never get any. Once a family has value
    slots, its letters are known to repeat: their groups are built at their first letter."""

    def __init__(self) -> None:
        self.familien: OrderedDict = OrderedDict()
        self.referenz: dict[Stelle, str] = {}  # the texts of the last letter's family's first letter

    def leeren(self) -> None:
        self.familien.clear()
        self.referenz = {}

    def gelernt(self) -> dict[int, frozenset]:
        """The value slots learned per family (to see whether a letter taught anything)."""
        return {id(f): f.stellen for f in self.familien.values()}

    def stellen(self, brief: Brief) -> tuple[frozenset, dict[Stelle, str]]:
        """The value slots of ``brief``'s family (as learned so far) and all its texts."""
        texte = textstellen(brief)
        leer = dict.fromkeys(texte, "")
        try:
            schluessel = mit_stellen(dataclasses.replace(brief, anschrift=(), anrede=""), leer)
            familie = self.familien.get(schluessel)
        except TypeError:
            raise NichtSchnell("Brief nicht vergleichbar") from None
        if familie is None:
            self.familien[schluessel] = _Familie(texte)
            self.referenz = texte
            while len(self.familien) > FAMILIEN_JE_PROZESS:
                self.familien.popitem(last=False)
            return frozenset(), texte
        self.familien.move_to_end(schluessel)
        self.referenz = familie.referenz
        anders = {s for s, t in texte.items() if familie.referenz[s] != t}
        if not anders <= familie.stellen:
            neu = familie.stellen | anders
            if len(neu) > STELLEN_JE_FAMILIE:
                raise NichtSchnell("zu viele wechselnde Texte")
            familie.stellen = frozenset(neu)
        return familie.stellen, texte


def gruppenschluessel(brief: Brief, stellen: frozenset) -> tuple:
    """What all letters of one layout group share: everything but address, salutation and
    the value slots."""
    return (dataclasses.replace(mit_stellen(brief, dict.fromkeys(stellen, "")),
                                anschrift=("",) * len(brief.anschrift), anrede=""),
            tuple(sorted(stellen, key=repr)))


def wertmarke(nummer: int) -> str:
    """A short marker text for value slot ``nummer``; letters only."""
    return f"QzW{chr(ord('a') + nummer // 26)}{chr(ord('a') + nummer % 26)}xV"
