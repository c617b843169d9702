"""Single letters and previews in worker processes with a time and memory limit.

A request never renders in the server process: it hands the work to one of a few
pre-started processes (``spawn``, so nothing of the server's threads is inherited)
and waits at most ``zeit`` seconds; a worker that takes longer is killed and replaced.
Each worker limits its address space (``RLIMIT_AS``), so a memory bomb ends in that
worker as a German error, not in the server.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import queue
import threading

from briefe.dienst.fehler import EingabeFehler, SatzFehler

log = logging.getLogger("briefe.dienst")
# task → the module of ``briefe.dienst`` that has a function of that name
AUFGABEN = {"einzelbrief": "laeufe.pruefung", "vorschau_pdf": "laeufe.pruefung",
            "vorschau_png": "laeufe.pruefung", "pruefe_liste": "laeufe.pruefung",
            "entwurf_vorschau": "vorlagen.vorschau", "word_import": "vorlagen.vorschau"}
START_SEKUNDEN = 120.0  # a worker's start (imports, fonts) is not counted against a request


class SatzZeit(SatzFehler):
    """A letter or preview took longer than the limit (HTTP 503)."""

    status = 503


def _arbeiter(verbindung, speicher: int) -> None:
    """The worker's loop: receive (task, args), answer (art, value)."""
    import resource
    import signal

    # No PR_SET_PDEATHSIG: it fires when the starting *thread* ends. A worker ends when the
    # server's end of the pipe closes (recv raises EOFError), also after a SIGKILL of the server.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if speicher:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (speicher, speicher))

    for modul in set(AUFGABEN.values()):  # imported before the first request
        importlib.import_module(f"briefe.dienst.{modul}")
    with contextlib.suppress(Exception):  # fonts and layout engine ready before the first request
        import weasyprint

        weasyprint.HTML(string="<p>briefe</p>").write_pdf()
    verbindung.send(("bereit", ""))

    while True:
        try:
            aufgabe, args = verbindung.recv()
        except (EOFError, OSError):
            return
        try:
            modul = importlib.import_module(f"briefe.dienst.{AUFGABEN[aufgabe]}")
            antwort = ("ok", getattr(modul, aufgabe)(*args))
        except EingabeFehler as fehler:
            antwort = ("eingabe", (str(fehler), fehler.probleme, fehler.status))
        except SatzFehler as fehler:
            antwort = ("satz", fehler.meldung)
        except MemoryError:
            antwort = ("speicher", "")
        except Exception as fehler:  # noqa: BLE001 - reported by class only (no member data)
            antwort = ("intern", type(fehler).__name__)
        try:
            verbindung.send(antwort)
        except (OSError, ValueError):
            return


class _Prozess:
    def __init__(self, kontext, speicher: int) -> None:
        self.verbindung, kind = kontext.Pipe()
        self.prozess = kontext.Process(target=_arbeiter, args=(kind, speicher), daemon=True,
                                       name="briefe-satz")
        self.prozess.start()
        kind.close()

    def beende(self) -> None:
        with contextlib.suppress(Exception):
            self.prozess.kill()
            self.prozess.join(5)
        with contextlib.suppress(Exception):
            self.verbindung.close()


class Satzprozesse:
    """``anzahl`` worker processes; ``zeit`` seconds per task; ``speicher`` bytes per worker."""

    def __init__(self, anzahl: int = 2, zeit: float = 30.0, speicher: int = 2 << 30) -> None:
        self.anzahl, self.zeit, self.speicher = max(1, anzahl), zeit, speicher
        self._kontext = multiprocessing.get_context("spawn")
        self._frei: queue.Queue[_Prozess] = queue.Queue()
        self._alle: set[_Prozess] = set()
        self._schutz = threading.Lock()
        self._gestartet = False

    def starte(self) -> None:
        with self._schutz:
            if self._gestartet:
                return
            self._gestartet = True
        for _ in range(self.anzahl):
            threading.Thread(target=self._neu, daemon=True, name="briefe-satz-start").start()

    def stoppe(self) -> None:
        with self._schutz:
            for prozess in list(self._alle):
                prozess.beende()
            self._alle.clear()
            self._gestartet = False

    def _neu(self) -> None:
        """Start a worker; it takes tasks once it has loaded the renderer."""
        prozess = _Prozess(self._kontext, self.speicher)
        with self._schutz:
            self._alle.add(prozess)
        try:
            bereit = prozess.verbindung.poll(START_SEKUNDEN) and prozess.verbindung.recv()[0] == "bereit"
        except (EOFError, OSError):
            bereit = False
        if not bereit:
            log.error("Arbeitsprozess für Briefe startet nicht.")
            prozess.beende()
            with self._schutz:
                self._alle.discard(prozess)
            return
        self._frei.put(prozess)

    def _verwirf(self, prozess: _Prozess) -> None:
        prozess.beende()
        with self._schutz:
            self._alle.discard(prozess)
        threading.Thread(target=self._neu, daemon=True).start()

    def fuehre_aus(self, aufgabe: str, *args, zeit: float | None = None):
        """Run ``briefe.dienst.<AUFGABEN[aufgabe]>.<aufgabe>(*args)`` in a worker; its errors come back
        as ``EingabeFehler``/``SatzFehler``."""
        assert aufgabe in AUFGABEN
        self.starte()  # once; an app without lifespan (tests) starts its workers here
        try:
            prozess = self._frei.get(timeout=max(self.zeit, 60.0))
        except queue.Empty:
            raise SatzZeit("Alle Arbeitsprozesse für Briefe und Vorschauen sind belegt. Bitte in "
                           "einer Minute erneut versuchen.") from None
        try:
            prozess.verbindung.send((aufgabe, args))
            grenze = zeit or self.zeit
            if not prozess.verbindung.poll(grenze):
                log.warning("%s: Zeitgrenze von %g s überschritten, Arbeitsprozess beendet.", aufgabe,
                            grenze)
                self._verwirf(prozess)
                prozess = None
                raise SatzZeit(f"Der Brief braucht länger als {grenze:g} Sekunden und wurde abgebrochen "
                               "(Zeitgrenze; Vorlage oder sehr lange Werte prüfen).")
            art, wert = prozess.verbindung.recv()
        except (EOFError, OSError):
            log.error("%s: Arbeitsprozess unerwartet beendet.", aufgabe)
            if prozess is not None:
                self._verwirf(prozess)
                prozess = None
            raise SatzFehler("Der Brief konnte nicht erstellt werden (Arbeitsprozess beendet, "
                             "z. B. Speichergrenze erreicht).") from None
        finally:
            if prozess is not None:
                if prozess.prozess.is_alive():
                    self._frei.put(prozess)
                else:
                    self._verwirf(prozess)
        if art == "ok":
            return wert
        if art == "eingabe":
            meldung, probleme, status = wert
            fehler = EingabeFehler(meldung, probleme)
            fehler.status = status
            raise fehler
        if art == "satz":
            raise SatzFehler(wert)
        if art == "speicher":
            raise SatzFehler("Der Brief braucht mehr Speicher als erlaubt und wurde nicht erstellt.")
        log.error("%s: interner Fehler (%s).", aufgabe, wert)
        raise SatzFehler(f"Interner Fehler beim Erstellen ({wert}); Einzelheiten im Dienst-Log.")
