"""A worker process: makes the letters of one run (``python -m briefe.dienst.laeufe.arbeiter``).

It dies with the service (``PR_SET_PDEATHSIG``), holds a lock on its run folder
so two processes never write the same run, and records progress in SQLite.
A continued run (after a restart) takes finished letters from the journal.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from briefe.dienst.laeufe.speicher import FEHLGESCHLAGEN, FERTIG, LAEUFT, Lauf, Speicher

MARKE = "briefe.dienst.laeufe.arbeiter"  # in every worker's command line (found after a crash)
SPERRE = ".lauf.sperre"
FORTSCHRITT_ALLE = 0.3  # seconds between progress writes


def lauf_ordner(daten: Path, lauf_id: str) -> Path:
    return Path(daten) / "laeufe" / lauf_id


def _mit_eltern_sterben(eltern: int | None) -> None:
    """Linux: get SIGKILL when the parent dies (also for processes this one forks)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return

    def setzen() -> None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG

    setzen()
    os.register_at_fork(after_in_child=setzen)
    if eltern and os.getppid() != eltern:  # parent already gone before prctl
        os._exit(1)


@contextlib.contextmanager
def sperre(ordner: Path, warten: float = 60.0) -> Iterator[None]:
    """An exclusive lock on the run folder; raises TimeoutError after ``warten`` seconds."""
    ordner.mkdir(parents=True, exist_ok=True)
    with open(ordner / SPERRE, "a") as datei:
        frist = time.monotonic() + warten
        while True:
            try:
                fcntl.flock(datei.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > frist:
                    raise TimeoutError from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(datei.fileno(), fcntl.LOCK_UN)


class Fortschritt:
    """The ``melde`` callback of ``fuehre_aus``: counters into the database, throttled."""

    def __init__(self, speicher: Speicher, lauf_id: str) -> None:
        self.speicher = speicher
        self.lauf_id = lauf_id
        self.werte = {"gesamt": 0, "fertig": 0, "ok": 0, "fehler": 0}
        self.zuletzt = 0.0

    def __call__(self, ereignis: dict) -> None:
        art = ereignis.get("ereignis")
        if art == "start":
            self.werte.update(gesamt=ereignis["gesamt"], fertig=0, ok=0, fehler=0)
            self._schreibe(True)
        elif art == "brief":
            self.werte["fertig"] += 1
            self.werte["ok" if ereignis.get("status") == "ok" else "fehler"] += 1
            self._schreibe(False)
        elif art == "schritt":
            self._schritt(ereignis)

    def _schritt(self, ereignis: dict) -> None:
        """A step after the letters (combined files, ZIP): written at its start and end."""
        vorher = self.werte.get("schritt") or {"erledigt": []}
        erledigt = list(vorher["erledigt"])
        if vorher.get("name") and vorher["name"] != ereignis["schritt"] and vorher["name"] not in erledigt:
            erledigt.append(vorher["name"])
        self.werte["schritt"] = {"name": ereignis["schritt"], "fertig": ereignis["fertig"],
                                 "gesamt": ereignis["gesamt"], "erledigt": erledigt}
        self._schreibe(ereignis["fertig"] in (0, ereignis["gesamt"]))

    def _schreibe(self, sofort: bool) -> None:
        jetzt = time.monotonic()
        brief_ende = self.werte["fertig"] == self.werte["gesamt"] and "schritt" not in self.werte
        if sofort or jetzt - self.zuletzt >= FORTSCHRITT_ALLE or brief_ende:
            self.zuletzt = jetzt
            self.speicher.fortschritt(self.lauf_id, **self.werte)


def laufoptionen(lauf: Lauf, ordner: Path, jobs: int):
    """The run's options: those the form set (as declared in ``lauf.optionen``) and the
    service's own (folders, workers, limits)."""
    from briefe.dienst.laeufe.pruefung import lesegrenzen
    from briefe.lauf.optionen import DIENST, angaben, laufoptionen
    from briefe.vorlage.sachbearbeitung import Sachbearbeitung

    o = lauf.optionen
    gewaehlt = {s: o[s] for s in angaben(DIENST) if o.get(s) is not None and s != "vorlage"}
    return laufoptionen(
        {"sammel": True, **gewaehlt}, DIENST,
        vorlage=Path(o["vorlage_pfad"]), daten=ordner / "eingabe" / lauf.eingabe, ausgabe=ordner / "ausgabe",
        zip=True, jobs=jobs, fortsetzen=bool(lauf.fortsetzen), vorlagen_ordner=Path(o["vorlagen_ordner"]),
        lesegrenzen=lesegrenzen(),
        sachbearbeitung=Sachbearbeitung(**o["sachbearbeitung"]) if o.get("sachbearbeitung") else None,
    )


def arbeite(daten: Path, lauf_id: str, jobs: int = 1, verteilt: str | None = None) -> int:
    """Make the run's letters; the final state goes to the database. Returns an exit code."""
    speicher = Speicher(Path(daten) / "dienst.sqlite3")
    lauf = speicher.lauf(lauf_id)
    if lauf is None or lauf.status != LAEUFT:
        return 0
    ordner = lauf_ordner(daten, lauf_id)
    try:
        with sperre(ordner):
            from briefe.fehler import BriefeFehler
            from briefe.lauf.lauf import fuehre_aus

            try:
                fortschritt = Fortschritt(speicher, lauf_id)
                weise = {}
                if verteilt:  # workers on other machines (configuration key ``verteilt``)
                    from briefe.verteilt.koordinator import arbeitsweise

                    weise = {"arbeite": arbeitsweise(verteilt)}
                protokoll = fuehre_aus(laufoptionen(lauf, ordner, jobs), fortschritt,
                                       f"den Dienst (Lauf {lauf_id})", **weise)
            except BriefeFehler as fehler:
                speicher.beende(lauf_id, FEHLGESCHLAGEN, meldung=f"Der Lauf ist fehlgeschlagen: {fehler}")
                return 2
    except TimeoutError:
        speicher.beende(lauf_id, FEHLGESCHLAGEN,
                        meldung="Der Ordner des Laufs ist von einem anderen Prozess belegt.")
        return 3
    except Exception as fehler:
        # no traceback: its frames and messages may hold member data
        print(f"Lauf {lauf_id}: interner Fehler im Arbeitsprozess ({type(fehler).__name__}).",
              file=sys.stderr)
        speicher.beende(lauf_id, FEHLGESCHLAGEN,
                        meldung="Interner Fehler im Arbeitsprozess; Einzelheiten im Dienst-Log.")
        return 3
    zeilenfehler = [
        {"zeile": e.zeile, "spalte": p.get("spalte", ""), "meldung": p.get("meldung", "")}
        for e in protokoll.briefe if e.status != "ok"
        for p in (e.probleme or [{"spalte": "", "meldung": e.fehler}])
    ]
    schritt = fortschritt.werte.get("schritt") or {}
    if schritt.get("name"):  # the last step is done as well
        schritt = {**schritt, "fertig": schritt["gesamt"],
                   "erledigt": [*schritt["erledigt"], schritt["name"]]}
    speicher.beende(
        lauf_id, FERTIG, schritt=schritt,
        gesamt=protokoll.ausgewaehlt, fertig=len(protokoll.briefe), ok=protokoll.ok,
        fehler=protokoll.fehler, zeilenfehler=zeilenfehler, sammeldateien=protokoll.sammeldateien,
        fortgesetzt=protokoll.fortgesetzt,
        meldung=(f"{protokoll.fortgesetzt} Briefe aus dem unterbrochenen Lauf übernommen."
                 if protokoll.fortgesetzt else ""),
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=MARKE, description="Arbeitsprozess eines Laufs (intern).")
    parser.add_argument("--daten", type=Path, required=True)
    parser.add_argument("--lauf", required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--eltern", type=int, default=None)
    parser.add_argument("--verteilt", default=None)
    args = parser.parse_args(argv)
    _mit_eltern_sterben(args.eltern)
    return arbeite(args.daten, args.lauf, args.jobs, args.verteilt)


if __name__ == "__main__":
    sys.exit(main())
