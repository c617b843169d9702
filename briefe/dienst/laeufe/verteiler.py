"""The dispatcher: hands waiting runs to worker processes, enforces the time limit,
continues interrupted runs after a restart and deletes old results."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.laeufe.arbeiter import MARKE, lauf_ordner
from briefe.dienst.laeufe.speicher import ABGEBROCHEN, FEHLGESCHLAGEN, LAEUFT, Lauf, Speicher

log = logging.getLogger("briefe.dienst")
AUFRAEUMEN_ALLE = 30.0  # seconds


def _minuten(sekunden: float) -> str:
    return f"{sekunden / 60:g}".replace(".", ",")


def beende_reste(daten: Path) -> int:
    """Kill worker processes of this data folder left over from a killed service (Linux /proc)."""
    eigene = str(Path(daten).resolve())
    anzahl = 0
    for eintrag in Path("/proc").glob("[0-9]*"):
        try:
            teile = (eintrag / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if MARKE in teile and "--daten" in teile:
            index = teile.index("--daten")
            if index + 1 < len(teile) and teile[index + 1] == eigene:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(eintrag.name), signal.SIGKILL)
                    anzahl += 1
    return anzahl


class Verteiler:
    """One thread in the service process; the letters are made in worker processes."""

    def __init__(self, konfiguration: Konfiguration, speicher: Speicher) -> None:
        self.konfiguration = konfiguration
        self.speicher = speicher
        self._laufend: dict[str, tuple[subprocess.Popen, float]] = {}
        self._stopp = threading.Event()
        self._wecker = threading.Event()
        self._faden: threading.Thread | None = None
        self._aufgeraeumt = 0.0
        self._bitte_aufraeumen = False

    def starte(self) -> None:
        reste = beende_reste(self.konfiguration.daten)
        if reste:
            log.warning("%d übrig gebliebene Arbeitsprozesse beendet.", reste)
        weiter, aufgegeben = self.speicher.nach_neustart(self.konfiguration.max_neustarts)
        if weiter:
            log.warning("%d unterbrochene Läufe werden fortgesetzt: %s", len(weiter), ", ".join(weiter))
        if aufgegeben:
            log.error("%d Läufe nach zu vielen Neustarts aufgegeben: %s", len(aufgegeben),
                      ", ".join(aufgegeben))
        self._faden = threading.Thread(target=self._schleife, name="briefe-verteiler", daemon=True)
        self._faden.start()

    def wecke(self, aufraeumen: bool = False) -> None:
        """Look at the queue now (a run was queued); ``aufraeumen``: a run was deleted."""
        self._bitte_aufraeumen = self._bitte_aufraeumen or aufraeumen
        self._wecker.set()

    def stoppe(self) -> None:
        """Stop handing out runs and end the workers; their runs continue after the next start."""
        self._stopp.set()
        self._wecker.set()
        if self._faden:
            self._faden.join(timeout=30)
        for prozess, _ in self._laufend.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(prozess.pid, signal.SIGTERM)
        for prozess, _ in self._laufend.values():
            try:
                prozess.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._toete(prozess)
        self._laufend.clear()

    @property
    def laufend(self) -> int:
        return len(self._laufend)

    def _schleife(self) -> None:
        while not self._stopp.is_set():
            try:
                self._runde()
            except Exception as fehler:  # the dispatcher must survive anything
                log.error("Fehler im Verteiler (%s)", type(fehler).__name__)  # no traceback: member data
            self._wecker.wait(0.5)
            self._wecker.clear()

    def _runde(self) -> None:
        jetzt = time.monotonic()
        for lauf_id, (prozess, beginn) in list(self._laufend.items()):
            lauf = self.speicher.lauf(lauf_id)
            code = prozess.poll()
            if code is not None:
                del self._laufend[lauf_id]
                if lauf is not None and lauf.status == LAEUFT and not self._stopp.is_set():
                    self.speicher.beende(lauf_id, FEHLGESCHLAGEN, meldung=(
                        f"Der Arbeitsprozess wurde unerwartet beendet (Rückgabewert {code})."))
                    log.error("Lauf %s: Arbeitsprozess unerwartet beendet (%s).", lauf_id, code)
                else:
                    log.info("Lauf %s beendet: %s.", lauf_id, lauf.status if lauf else "?")
            elif lauf is None or lauf.status == ABGEBROCHEN:
                self._toete(prozess)
                del self._laufend[lauf_id]
                log.info("Lauf %s abgebrochen.", lauf_id)
            elif lauf.status == LAEUFT and jetzt - beginn > self.konfiguration.zeitlimit:
                self._toete(prozess)
                del self._laufend[lauf_id]
                self.speicher.beende(lauf_id, ABGEBROCHEN, meldung=(
                    f"Das Zeitlimit von {_minuten(self.konfiguration.zeitlimit)} Minuten wurde "
                    "überschritten; der Lauf wurde abgebrochen."))
                log.warning("Lauf %s: Zeitlimit überschritten.", lauf_id)
        while not self._stopp.is_set() and len(self._laufend) < self.konfiguration.arbeiter:
            lauf = self.speicher.beanspruche()
            if lauf is None:
                break
            self._starte_prozess(lauf)
        abstand = min(AUFRAEUMEN_ALLE, max(1.0, self.konfiguration.aufbewahrung / 4))
        if jetzt - self._aufgeraeumt > abstand or self._bitte_aufraeumen:
            self._aufgeraeumt = jetzt
            self._bitte_aufraeumen = False
            self.raeume_auf()

    def _starte_prozess(self, lauf: Lauf) -> None:
        ordner = lauf_ordner(self.konfiguration.daten, lauf.id)
        ordner.mkdir(parents=True, exist_ok=True)
        umgebung = dict(os.environ, BRIEFE_VORLAGEN=str(self.konfiguration.vorlagen))
        befehl = [sys.executable, "-m", MARKE, "--daten", str(self.konfiguration.daten),
                  "--lauf", lauf.id, "--jobs", str(self.konfiguration.jobs_je_lauf),
                  "--eltern", str(os.getpid())]
        if self.konfiguration.verteilt:
            befehl += ["--verteilt", self.konfiguration.verteilt]
        with open(ordner / "arbeiter.log", "ab") as protokoll:
            prozess = subprocess.Popen(befehl, stdin=subprocess.DEVNULL, stdout=protokoll,
                                       stderr=subprocess.STDOUT, env=umgebung, start_new_session=True)
        self._laufend[lauf.id] = (prozess, time.monotonic())
        log.info("Lauf %s gestartet (Prozess %d%s).", lauf.id, prozess.pid,
                 ", fortgesetzt" if lauf.fortsetzen else "")

    @staticmethod
    def _toete(prozess: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(prozess.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            prozess.wait(timeout=10)

    def raeume_auf(self) -> int:
        """Delete the files of runs past the retention time or marked for deletion."""
        grenze = time.time() - self.konfiguration.aufbewahrung
        anzahl = 0
        for lauf_id in self.speicher.zu_loeschen(grenze):
            if lauf_id in self._laufend:
                continue
            shutil.rmtree(lauf_ordner(self.konfiguration.daten, lauf_id), ignore_errors=True)
            self.speicher.markiere_geloescht(lauf_id)
            anzahl += 1
        return anzahl
