"""The page's send step: "Per E-Mail versenden" after a finished run.

Routes (included by ``app``): the plan and progress as JSON, starting the send (in a
background thread of the service; the send journal makes a restart safe: a new start
sends only what is still open), and the print file for the post letters.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse

from briefe.dienst.laeufe.speicher import FERTIG
from briefe.dienst.versand.hintergrund import Hintergrund, lauf_und_ausgabe
from briefe.dienst.zugang.sicherheit import pruefe_csrf
from briefe.fehler import BriefeFehler
from briefe.versand.post import POSTDATEI

log = logging.getLogger("briefe.dienst")
KEIN_SERVER = ("Für den Versand per E-Mail ist im Dienst kein Mailserver eingerichtet "
               "(Abschnitt [versand] der Konfiguration, siehe README).")


VERSAENDE = Hintergrund("Versand", "versand_start", "zu_senden", "versand_brief")


def _bericht(ergebnis) -> str:
    return (f"{ergebnis.gesendet} gesendet, {len(ergebnis.fehler)} Fehler, {len(ergebnis.unklar)} unklar, "
            f"{ergebnis.post} per Post.")


def _ergebnis(ausgabe: Path) -> list[dict]:
    try:
        daten = json.loads((ausgabe / "versand.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [{k: b.get(k, "") for k in ("zeile", "kanal", "zustand", "antwort", "anhang", "hinweis")}
            for b in daten.get("briefe", []) if b.get("kanal")]


def versand_router(zugang: Callable, eigener_lauf: Callable) -> APIRouter:
    """The routes; ``zugang`` and ``eigener_lauf`` are the app's login and ownership checks."""
    router = APIRouter(include_in_schema=False)
    angemeldet = Depends(zugang)

    def _stand(request: Request, lauf, ausgabe: Path) -> JSONResponse:
        from briefe.versand.versand import plane

        if lauf.status != FERTIG or lauf.geloescht:
            return JSONResponse({"verfuegbar": False, "meldung": "Der Lauf ist nicht fertig."}, 409)
        einstellungen = request.app.state.dienst.konfiguration.versand
        try:
            plan = plane(ausgabe)
        except BriefeFehler as fehler:
            return JSONResponse({"verfuegbar": False, "meldung": str(fehler)})
        stand = dict(VERSAENDE.stand.get(lauf.id, {"zustand": "bereit"}))
        briefe = _ergebnis(ausgabe)
        if stand["zustand"] == "bereit" and briefe:
            stand["zustand"] = "fertig"
        return JSONResponse({
            "verfuegbar": einstellungen is not None, "meldung": stand.get("meldung") or (
                "" if einstellungen else KEIN_SERVER),
            "email": len(plan.per_email), "post": len(plan.per_post), "ohne_brief": len(plan.ohne_brief),
            "zustand": stand["zustand"], "fortschritt": {"fertig": stand.get("fertig", 0),
                                                         "gesamt": stand.get("gesamt", 0)},
            "gesendet": sum(1 for b in briefe if b["zustand"] == "gesendet"),
            "briefe": briefe if stand["zustand"] != "laeuft" else [],
            "postdatei": (f"/laeufe/{lauf.id}/{POSTDATEI}" if (ausgabe / POSTDATEI).is_file()
                          and stand["zustand"] != "laeuft" else None),
        })

    @router.get("/laeufe/{lauf_id}/versand")
    def versand_stand(request: Request, lauf_id: str, z=angemeldet) -> JSONResponse:
        lauf, ausgabe = lauf_und_ausgabe(request, eigener_lauf, z, lauf_id)
        return _stand(request, lauf, ausgabe)

    @router.post("/laeufe/{lauf_id}/versenden")
    def versenden(request: Request, lauf_id: str, z=angemeldet) -> JSONResponse:
        if not pruefe_csrf(request.session, request.headers.get("x-csrf-token")):
            return JSONResponse({"detail": "Das Formular ist abgelaufen. Bitte die Seite neu laden."}, 403)
        lauf, ausgabe = lauf_und_ausgabe(request, eigener_lauf, z, lauf_id)
        einstellungen = request.app.state.dienst.konfiguration.versand
        if einstellungen is None:
            return JSONResponse({"detail": KEIN_SERVER}, 409)
        if lauf.status != FERTIG or lauf.geloescht:
            return JSONResponse({"detail": "Der Lauf ist nicht fertig oder seine Dateien sind gelöscht."},
                                409)
        from briefe.versand.versand import versende

        if VERSAENDE.starte(lauf.id, lambda melde: versende(ausgabe, einstellungen, melde=melde), _bericht):
            log.info("Versand %s gestartet (Seite).", lauf.id)
        return _stand(request, lauf, ausgabe)

    @router.get(f"/laeufe/{{lauf_id}}/{POSTDATEI}")
    def postdatei(request: Request, lauf_id: str, z=angemeldet) -> FileResponse:
        _, ausgabe = lauf_und_ausgabe(request, eigener_lauf, z, lauf_id)
        pfad = ausgabe / POSTDATEI
        if not pfad.is_file():
            return JSONResponse({"detail": "Für diesen Lauf gibt es keine Briefe für den Postversand."}, 404)
        return FileResponse(pfad, media_type="application/pdf", filename=POSTDATEI)

    return router
