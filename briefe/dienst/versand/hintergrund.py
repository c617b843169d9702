"""Work on a finished run in a background thread of the service (e-mail send, print), and the
last state of each: running, done, failed, with a count of letters (no names, no addresses).

A restart of the service loses only this state; the journals in the run folder make a new start
safe (it does only what is still open)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.fehler import BriefeFehler

log = logging.getLogger("briefe.dienst")
Melder = Callable[[dict], None]


def lauf_und_ausgabe(request, eigener_lauf: Callable, z, lauf_id: str) -> tuple[object, Path]:
    """The user's own run (``eigener_lauf``: 404 otherwise) and its output folder."""
    lauf = eigener_lauf(request, z, lauf_id)
    return lauf, lauf_ordner(request.app.state.dienst.konfiguration.daten, lauf.id) / "ausgabe"


class Hintergrund:
    """One kind of work (``art``: "Versand", "Druck"); ``start``/``brief`` name the events that
    give the number of letters (field ``gesamt``) and each letter done."""

    def __init__(self, art: str, start: str, gesamt: str, brief: str) -> None:
        self.art, self._start, self._gesamt, self._brief = art, start, gesamt, brief
        self.sperre = threading.Lock()
        self.stand: dict[str, dict] = {}

    def laeuft(self, lauf_id: str) -> bool:
        return self.stand.get(lauf_id, {}).get("zustand") == "laeuft"

    def starte(self, lauf_id: str, arbeit: Callable[[Melder], object],
               bericht: Callable[[object], str]) -> bool:
        """Start ``arbeit(melde)`` unless it already runs for this run; ``bericht`` is the log line
        of its result."""
        with self.sperre:
            if self.laeuft(lauf_id):
                return False
            self.stand[lauf_id] = {"zustand": "laeuft", "fertig": 0, "gesamt": 0, "meldung": ""}
        threading.Thread(target=self._arbeite, args=(lauf_id, arbeit, bericht),
                         name=f"briefe-{self.art.lower()}-{lauf_id}", daemon=True).start()
        return True

    def _arbeite(self, lauf_id: str, arbeit, bericht) -> None:
        stand = self.stand[lauf_id]

        def melde(ereignis: dict) -> None:
            if ereignis["ereignis"] == self._start:
                stand["gesamt"] = ereignis[self._gesamt]
            elif ereignis["ereignis"] == self._brief:
                stand["fertig"] += 1

        try:
            ergebnis = arbeit(melde)
        except BriefeFehler as fehler:
            stand.update(zustand="fehler", meldung=str(fehler))
            log.warning("%s %s nicht gestartet.", self.art, lauf_id)
            return
        except Exception:
            log.exception("%s %s: interner Fehler", self.art, lauf_id)
            stand.update(zustand="fehler",
                         meldung=f"Interner Fehler beim {self.art}; Einzelheiten im Dienst-Log.")
            return
        stand.update(zustand="fertig", meldung=ergebnis.abgebrochen, rueckgabewert=ergebnis.rueckgabewert)
        log.info("%s %s: %s", self.art, lauf_id, bericht(ergebnis))
