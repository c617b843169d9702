"""The coordinator: sends a run's letters in chunks to the workers and yields their entries.

It takes the place of ``lauf.prozesse.arbeite`` (``fuehre_aus(…, arbeite=…)``): the run
around it still reads the list, writes journal, protocol, combined files and ZIP. Only
entries travel back through the result backend; the letters themselves are on the shared
output folder.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import math
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from briefe import __version__
from briefe.dateien import raeume_reste_auf, schreibe_atomar
from briefe.lauf.optionen import Laufoptionen
from briefe.lauf.protokoll import Eintrag
from briefe.quellen.mitglieder import Empfaenger
from briefe.verteilt import marken
from briefe.verteilt.anwendung import IN_ARBEIT, anwendung, pruefe_broker
from briefe.verteilt.stapel import (
    AUFGABE,
    eintrag_aus_dict,
    empfaenger_als_dict,
    optionen_als_dict,
    packe_vorlage,
)
from briefe.vorlage.vorlage import Vorlage

log = logging.getLogger("briefe.verteilt")

ZEITLIMIT = 900.0  # seconds without any letter made before the run gives up
STAPEL = 20  # letters per chunk at most
IM_FLUG = 16  # chunks sent and not yet finished at most
ABFRAGE = 0.1  # seconds between looks at the results
READY_STATES = frozenset({"SUCCESS", "FAILURE", "REVOKED"})  # as celery.states


def arbeitsweise(broker: str, zeitlimit: float = ZEITLIMIT, stapel: int = STAPEL,
                 im_flug: int = IM_FLUG) -> Callable[..., Iterator[Eintrag]]:
    """``arbeite`` for ``fuehre_aus``, bound to a broker; checks the broker now (before any
    folder is touched) and raises a German ``BriefeFehler`` when it cannot be reached."""
    pruefe_broker(broker)
    return functools.partial(arbeite, broker, zeitlimit, stapel, im_flug)


def _fehler(nummer: int, empfaenger: Empfaenger, meldung: str) -> Eintrag:
    return Eintrag(zeile=empfaenger.zeile, nummer=nummer, status="fehler", fehler=meldung,
                   probleme=[{"spalte": "", "meldung": meldung}])


def _groesse(anzahl: int, hoechstens: int, im_flug: int) -> int:
    """Chunk size: at most ``hoechstens``, small enough that every worker gets a share."""
    return max(1, min(hoechstens, math.ceil(anzahl / im_flug)))


def arbeite(broker: str, zeitlimit: float, stapel: int, im_flug: int, optionen: Laufoptionen,
            vorlage: Vorlage, auftraege: list[tuple[int, Empfaenger]], jobs: int) -> Iterator[Eintrag]:
    """Make the letters on the workers; entries come in the order chunks finish. When no worker
    made a letter for ``zeitlimit`` seconds, the letters not made become ``fehler``."""
    pruefe_broker(broker)
    ausgabe = Path(optionen.ausgabe)
    ordner = marken.ordner(ausgabe)
    if not optionen.fortsetzen:
        shutil.rmtree(ordner, ignore_errors=True)
    ordner.mkdir(parents=True, exist_ok=True)
    raeume_reste_auf(ordner)
    lauf = secrets.token_hex(8)
    schreibe_atomar(ordner / marken.LAUF, lauf.encode("ascii"))
    app = anwendung(broker)
    kopf = {"version": __version__, "lauf": lauf, "optionen": optionen_als_dict(optionen),
            "vorlage": packe_vorlage(vorlage, optionen.vorlagen_ordner),
            "datum": vorlage.datum().isoformat()}
    groesse = _groesse(len(auftraege), stapel, im_flug)
    wartend = collections.deque(auftraege[i:i + groesse] for i in range(0, len(auftraege), groesse))
    offen: dict[str, tuple[object, list]] = {}
    stand: dict[str, object] = {}  # last progress seen per chunk
    fortschritt = time.monotonic()
    vollstaendig = False
    try:
        while wartend or offen:
            try:
                while wartend and len(offen) < im_flug:
                    teil = wartend[0]
                    ergebnis = app.send_task(AUFGABE, args=[dict(kopf, zeilen=[
                        empfaenger_als_dict(n, e) for n, e in teil])])
                    wartend.popleft()
                    offen[ergebnis.id] = (ergebnis, teil)
                fertig = []
                for kennung in offen:
                    meta = app.backend.get_task_meta(kennung)
                    if meta.get("status") in READY_STATES:
                        fertig.append(kennung)
                    elif meta.get("status") == IN_ARBEIT and meta.get("result") != stand.get(kennung):
                        stand[kennung] = meta.get("result")  # a letter was made: a sign of life
                        fortschritt = time.monotonic()
            except Exception as fehler:  # noqa: BLE001 - broker gone for a moment: wait, then give up
                log.warning("Broker nicht erreichbar: %s", type(fehler).__name__)
                fertig = []
            for kennung in fertig:
                ergebnis, teil = offen.pop(kennung)
                stand.pop(kennung, None)
                yield from _eintraege(ergebnis, teil)
                with contextlib.suppress(Exception):
                    ergebnis.forget()
                fortschritt = time.monotonic()
            if not fertig:
                if time.monotonic() - fortschritt > zeitlimit:
                    break
                time.sleep(ABFRAGE)
        else:
            vollstaendig = True
    finally:
        (ordner / marken.LAUF).unlink(missing_ok=True)  # late chunks of this run are skipped
        raeume_reste_auf(ausgabe)  # what a killed worker was writing
        raeume_reste_auf(ordner)
    if vollstaendig:
        shutil.rmtree(ordner, ignore_errors=True)
        return
    meldung = (f"Nicht erstellt: Kein Arbeiter hat in {zeitlimit:g} Sekunden einen Brief "
               "erstellt (Zeitlimit). Laufen die Arbeiter (briefe arbeiter)? "
               "Mit --fortsetzen nachholen.")
    with contextlib.suppress(Exception):
        app.control.revoke(list(offen))
    for _, teil in list(offen.values()) + list(wartend):
        for nummer, empfaenger in teil:
            yield _fehler(nummer, empfaenger, meldung)


def _eintraege(ergebnis, teil: list[tuple[int, Empfaenger]]) -> Iterator[Eintrag]:
    try:
        daten = ergebnis.get(timeout=30, propagate=True)
    except Exception as fehler:  # noqa: BLE001 - the task itself failed on the worker
        daten = {"abgelehnt": f"Interner Fehler auf dem Arbeiter ({type(fehler).__name__})."}
    if "eintraege" in daten and len(daten["eintraege"]) == len(teil):
        for roh in daten["eintraege"]:
            yield eintrag_aus_dict(roh)
        return
    meldung = daten.get("abgelehnt") or "Der Stapel wurde nicht vollständig bearbeitet."
    for nummer, empfaenger in teil:
        yield _fehler(nummer, empfaenger, f"Nicht erstellt: {meldung}")
