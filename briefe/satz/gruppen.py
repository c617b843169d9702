"""Layout groups, shared by the fast paths of PDF and DOCX.

A layout group is all letters that are equal but for the recipient's own slots
(address lines, salutation). A fast path lays out a group once and then fills
in each recipient; whatever it cannot prove identical is rendered in full.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from briefe.fehler import BriefeFehler
from briefe.modell import Brief

GRUPPEN_JE_PROZESS = 8
_LOG = logging.getLogger(__name__)


class NichtSchnell(Exception):
    """This letter (or group) cannot take the fast path; the reason is the message."""


GESEHEN_JE_PROZESS = 4096


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

    def __len__(self) -> int:
        return len(self.gruppen)

    def leeren(self) -> None:
        self.gruppen.clear()
        self.gesehen.clear()

    def hole(self, schluessel, brief: Brief, erzwingen: bool = False):
        """The group for ``schluessel``; ``NichtSchnell`` when there is none (yet)."""
        try:
            gruppe = self.gruppen.get(schluessel)
        except TypeError:  # a field that cannot be a dictionary key
            raise NichtSchnell("Brief nicht vergleichbar") from None
        if gruppe is None and not _zweites_mal(self.gesehen, schluessel) and not erzwingen:
            raise NichtSchnell("erster Brief seiner Gruppe")  # a group costs two full renders
        if gruppe is None:
            try:
                gruppe = self.bauen(brief)
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
