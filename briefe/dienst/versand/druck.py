"""The page's print step: "Drucken" after a finished run, for services with a ``[drucken]``
section (the printers come from CUPS).

Routes (included by ``app``): the printers and the progress as JSON, and starting the print in a
background thread of the service; the print journal makes a restart safe: a new start prints
only what did not print.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from briefe.dienst.laeufe.speicher import FERTIG
from briefe.dienst.versand.hintergrund import Hintergrund, lauf_und_ausgabe
from briefe.dienst.zugang.sicherheit import pruefe_csrf
from briefe.fehler import BriefeFehler
from briefe.versand.drucken import Druckwunsch

DRUCKE = Hintergrund("Druck", "druck_start", "zu_drucken", "druck_brief")


def _bericht(ergebnis) -> str:
    return (f"{ergebnis.gedruckt} gedruckt, {ergebnis.schon_gedruckt} schon früher, "
            f"{len(ergebnis.fehler)} Fehler auf {ergebnis.drucker}.")


def _ergebnis(ausgabe: Path) -> list[dict]:
    """Per letter what the print journal says (also after the service was killed mid-print)."""
    from briefe.versand.drucken import druckstand

    try:
        briefe = druckstand(ausgabe)
    except (BriefeFehler, OSError, ValueError):
        return []
    if not any(b["drucker"] for b in briefe):
        return []  # never printed
    felder = ("zeile", "zustand", "drucker", "auftrag", "zeit", "meldung")
    return [{k: b.get(k) for k in felder} for b in briefe]


def _drucker(einstellungen) -> tuple[list[dict], str]:
    """The printers clerks may choose (from CUPS), or a German reason why there are none."""
    from briefe.versand.drucken import drucker_liste, verbinde

    try:
        liste = drucker_liste(verbinde(einstellungen.server))
    except BriefeFehler as fehler:
        return [], str(fehler)
    if einstellungen.drucker:
        liste = [d for d in liste if d["name"] in einstellungen.drucker]
    return liste, "" if liste else "Der Druckserver meldet keinen der eingerichteten Drucker."


def druck_router(zugang: Callable, eigener_lauf: Callable) -> APIRouter:
    """The routes; ``zugang`` and ``eigener_lauf`` are the app's login and ownership checks."""
    router = APIRouter(include_in_schema=False)
    angemeldet = Depends(zugang)

    def _stand(lauf, ausgabe: Path, einstellungen) -> JSONResponse:
        if einstellungen is None:
            return JSONResponse({"verfuegbar": False})
        if lauf.status != FERTIG or lauf.geloescht:
            return JSONResponse({"verfuegbar": False, "meldung": "Der Lauf ist nicht fertig."}, 409)
        stand = dict(DRUCKE.stand.get(lauf.id, {"zustand": "bereit"}))
        laeuft = stand["zustand"] == "laeuft"
        # while printing the page polls: only the progress, no CUPS printer list, no letter files
        drucker, meldung = _drucker(einstellungen) if not laeuft else ([], "")
        briefe = _ergebnis(ausgabe) if not laeuft else []
        gedruckt = sum(1 for b in briefe if b["zustand"] == "gedruckt")
        if stand["zustand"] == "bereit" and briefe:  # printed before this service process started
            offen = any(b["zustand"] in ("wird gedruckt", "an den Drucker gesendet") for b in briefe)
            stand["zustand"] = "unterbrochen" if offen else "fertig"
        return JSONResponse({
            "verfuegbar": True, "drucker": drucker, "meldung": stand.get("meldung") or meldung,
            "zustand": stand["zustand"],
            "fortschritt": {"fertig": stand.get("fertig", 0), "gesamt": stand.get("gesamt", 0)},
            "briefe": briefe,
            "gedruckt": gedruckt,
            "gesamt": len(briefe),
        })

    @router.get("/laeufe/{lauf_id}/druck")
    def druck_stand(request: Request, lauf_id: str, z=angemeldet) -> JSONResponse:
        lauf, ausgabe = lauf_und_ausgabe(request, eigener_lauf, z, lauf_id)
        return _stand(lauf, ausgabe, request.app.state.dienst.konfiguration.drucken)

    @router.post("/laeufe/{lauf_id}/drucken")
    async def drucken(request: Request, lauf_id: str, z=angemeldet) -> JSONResponse:
        if not pruefe_csrf(request.session, request.headers.get("x-csrf-token")):
            return JSONResponse({"detail": "Das Formular ist abgelaufen. Bitte die Seite neu laden."}, 403)
        lauf, ausgabe = lauf_und_ausgabe(request, eigener_lauf, z, lauf_id)
        einstellungen = request.app.state.dienst.konfiguration.drucken
        if einstellungen is None:
            return JSONResponse({"detail": "In diesem Dienst ist kein Drucker eingerichtet "
                                           "(Abschnitt [drucken] der Konfiguration)."}, 409)
        if lauf.status != FERTIG or lauf.geloescht:
            return JSONResponse({"detail": "Der Lauf ist nicht fertig oder seine Dateien sind gelöscht."},
                                409)
        try:
            wunsch = _wunsch(await request.json(), einstellungen)
        except (ValueError, TypeError):
            return JSONResponse({"detail": "Die Druckangaben sind unvollständig (Drucker, Seiten, Kopien)."},
                                422)
        except BriefeFehler as fehler:
            return JSONResponse({"detail": str(fehler)}, 422)
        from briefe.versand.drucken import drucke

        DRUCKE.starte(lauf.id, lambda melde: drucke(ausgabe, wunsch, server=einstellungen.server,
                                                    melde=melde), _bericht)
        return _stand(lauf, ausgabe, einstellungen)

    return router


def _wunsch(roh: dict, einstellungen) -> Druckwunsch:
    """The clerk's choice from the page: a printer the service allows, sides, tray, copies."""
    if not isinstance(roh, dict):
        raise TypeError
    drucker = roh.get("drucker")
    if not isinstance(drucker, str) or not drucker:
        raise ValueError
    if einstellungen.drucker and drucker not in einstellungen.drucker:
        raise BriefeFehler(f"Der Drucker „{drucker}“ ist in diesem Dienst nicht freigegeben.")
    kopien = roh.get("kopien", 1)
    if not isinstance(kopien, int) or isinstance(kopien, bool) or not 1 <= kopien <= 99:
        raise BriefeFehler("Kopien: erlaubt sind 1 bis 99.")
    duplex = roh.get("duplex")
    fach = roh.get("fach") or None
    if duplex not in (True, False, None) or not (fach is None or isinstance(fach, str)):
        raise ValueError
    return Druckwunsch(drucker=drucker, duplex=duplex, fach=fach, kopien=kopien)
