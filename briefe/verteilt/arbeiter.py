"""``briefe arbeiter``: a Celery worker that makes the letters of chunks sent by a coordinator.

Letters are written with the same atomic writes as a local run into the run's output folder,
which every machine sees at the same path. Logs are JSON lines without personal data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

from briefe import __version__
from briefe.fehler import BriefeFehler
from briefe.lauf import prozesse
from briefe.verteilt import marken
from briefe.verteilt.anwendung import IN_ARBEIT, UEBERNAHME, WARTESCHLANGE, anwendung, ohne_kennwort
from briefe.verteilt.stapel import (
    AUFGABE,
    Abgelehnt,
    empfaenger_aus_dict,
    optionen_aus_dict,
    packe_aus,
)

log = logging.getLogger("briefe.arbeiter")

_GELADEN: dict[str, object] = {}  # what this process prepared: key, options


def ablage_standard() -> Path:
    """Where a worker keeps the template bundles it received."""
    basis = os.environ.get("XDG_CACHE_HOME") or tempfile.gettempdir()
    return Path(basis) / f"briefe-arbeiter-{os.getuid()}" / "vorlagen"


def _bereite_vor(stapel: dict, ablage: Path):
    """Load the chunk's template and renderers in this process, unless already loaded."""
    if stapel.get("version") != __version__:
        raise Abgelehnt(f"Der Arbeiter hat briefe {__version__}, der Lauf braucht "
                        f"{stapel.get('version')}; bitte dieselbe Fassung installieren.")
    schluessel = json.dumps([stapel["vorlage"]["sha256"], stapel["optionen"], stapel.get("datum"),
                             str(ablage)], sort_keys=True)
    if _GELADEN.get("schluessel") == schluessel:
        return _GELADEN["optionen"]
    vorlage, vorlagen_ordner = packe_aus(stapel["vorlage"], ablage)
    optionen = dataclasses.replace(optionen_aus_dict(stapel["optionen"]), vorlage=vorlage.pfad,
                                   vorlagen_ordner=vorlagen_ordner, jobs=1)
    prozesse._initialisiere(optionen)  # the local run's per-process set-up, reused
    if stapel.get("datum"):  # "heute" means the coordinator's day, on every machine
        kopf = dict(prozesse._VORLAGE.kopf, datum=dt.date.fromisoformat(stapel["datum"]))
        prozesse._VORLAGE = dataclasses.replace(prozesse._VORLAGE, kopf=kopf)
    _GELADEN.update(schluessel=schluessel, optionen=optionen)
    return optionen


def bearbeite_stapel(stapel: dict, ablage: Path | None = None, melde=None) -> dict:
    """Make the letters of one chunk; ``melde(n)`` after each letter. Returns
    ``{"eintraege": [...]}``, ``{"veraltet": True}`` for a chunk of an ended run, or
    ``{"abgelehnt": "…"}``; never raises."""
    beginn = time.monotonic()
    ablage = ablage or ablage_standard()
    lauf, zeilen = stapel.get("lauf", ""), stapel.get("zeilen", [])
    try:
        optionen = _bereite_vor(stapel, ablage)
        reihen = [empfaenger_aus_dict(zeile) for zeile in zeilen]
        ausgabe = Path(optionen.ausgabe)
        if not ausgabe.is_dir():
            raise Abgelehnt(f"Den Ausgabeordner {ausgabe} gibt es auf {socket.gethostname()} nicht; "
                            "ist der gemeinsame Ordner unter demselben Pfad eingebunden?")
    except Abgelehnt as fehler:
        log.warning("Stapel abgelehnt", extra={"ereignis": "abgelehnt", "lauf": lauf,
                                               "briefe": len(zeilen), "grund": str(fehler)})
        return {"abgelehnt": f"Arbeiter {socket.gethostname()}: {fehler.meldung}"}
    except BriefeFehler as fehler:
        log.warning("Stapel abgelehnt", extra={"ereignis": "abgelehnt", "lauf": lauf,
                                               "briefe": len(zeilen), "grund": type(fehler).__name__})
        return {"abgelehnt": f"Arbeiter {socket.gethostname()}: {fehler}"}
    eintraege, uebernommen, veraltet = [], 0, False
    for zeile, reihe in zip(zeilen, reihen, strict=True):
        if not marken.gehoert_zum_lauf(ausgabe, lauf):
            veraltet = True  # the coordinator ended or a newer run owns the folder
            break
        zu = marken.schluessel(stapel["vorlage"]["sha256"], stapel["optionen"], zeile)
        with marken.sperre(ausgabe, zeile["nummer"]):
            eintrag = marken.fertiger_brief(ausgabe, zeile["nummer"], zu)
            if eintrag is not None:
                uebernommen += 1
            else:
                eintrag = prozesse.mache_brief(reihe)
                if eintrag.status == "ok":
                    marken.markiere(ausgabe, eintrag, zu)
        eintraege.append(dataclasses.asdict(eintrag))
        if melde:
            melde(len(eintraege))
    ok = sum(1 for e in eintraege if e["status"] == "ok")
    log.info("Stapel fertig", extra={
        "ereignis": "veraltet" if veraltet else "stapel", "lauf": lauf, "briefe": len(eintraege),
        "ok": ok, "fehler": len(eintraege) - ok, "uebernommen": uebernommen,
        "dauer_s": round(time.monotonic() - beginn, 3)})
    return {"veraltet": True} if veraltet else {"eintraege": eintraege}


# --- the worker process -----------------------------------------------------------------


class JsonFormat(logging.Formatter):
    """One JSON line per record: time, level, source, message and the named extra fields."""

    FELDER = ("ereignis", "lauf", "briefe", "ok", "fehler", "uebernommen", "dauer_s", "grund",
              "broker", "parallel")

    def format(self, record: logging.LogRecord) -> str:
        zeile = {"zeit": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(
                     timespec="milliseconds"),
                 "stufe": record.levelname, "quelle": record.name, "meldung": record.getMessage(),
                 "prozess": record.process}
        zeile.update({f: getattr(record, f) for f in self.FELDER if hasattr(record, f)})
        if record.exc_info:
            zeile["ausnahme"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
        return json.dumps(zeile, ensure_ascii=False)


def richte_log_ein(**_) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormat())
    wurzel = logging.getLogger()
    wurzel.handlers[:] = [handler]
    wurzel.setLevel(logging.INFO)
    # Celery's per-task lines carry the return value (file names are personal data)
    logging.getLogger("celery.app.trace").setLevel(logging.ERROR)
    for laut in ("weasyprint", "fontTools"):
        logging.getLogger(laut).setLevel(logging.WARNING)


def starte(broker: str, parallel: int = 1, uebernahme: float = UEBERNAHME,
           ablage: Path | None = None) -> int:
    """Run a worker until SIGTERM/SIGINT (warm shutdown: the current chunk is finished)."""
    from celery import signals

    ablage = (ablage or ablage_standard()).resolve()
    ablage.mkdir(parents=True, exist_ok=True)
    signals.setup_logging.connect(richte_log_ein, weak=False)
    signals.worker_ready.connect(
        lambda **_: log.info("Arbeiter bereit", extra={"ereignis": "bereit"}), weak=False)
    logging.captureWarnings(True)
    richte_log_ein()
    from briefe.satz.pdf import weasy  # load fonts and WeasyPrint before the first chunk

    weasy._schriften()
    app = anwendung(broker, uebernahme)

    @app.task(name=AUFGABE, bind=True, acks_late=True, reject_on_worker_lost=True)
    def stapel(aufgabe, daten: dict) -> dict:
        def melde(fertig: int) -> None:  # a sign of life for the coordinator's time limit
            with contextlib.suppress(Exception):
                aufgabe.update_state(state=IN_ARBEIT, meta={"fertig": fertig})

        return bearbeite_stapel(daten, ablage, melde)

    log.info("Arbeiter startet", extra={"ereignis": "start", "broker": ohne_kennwort(broker),
                                         "parallel": parallel})
    arbeiter = app.Worker(
        hostname=f"briefe-{os.getpid()}@{socket.gethostname()}", queues=[WARTESCHLANGE],
        pool_cls="solo" if parallel <= 1 else "prefork", concurrency=max(1, parallel),
        loglevel="INFO", quiet=True, without_gossip=True, without_mingle=True, optimization="fair",
    )
    arbeiter.start()
    log.info("Arbeiter beendet", extra={"ereignis": "ende"})
    return arbeiter.exitcode or 0
