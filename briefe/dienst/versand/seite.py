"""The page's send step: "Per E-Mail versenden" after a finished run.

Routes (included by ``app``): the plan and progress as JSON, starting the send (in a
background thread of the service; the send journal makes a restart safe: a new start
sends only what is still open), and the print file for the post letters.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse

from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.dienst.laeufe.speicher import FERTIG
from briefe.dienst.zugang.sicherheit import pruefe_csrf
from briefe.fehler import BriefeFehler
from briefe.versand.post import POSTDATEI

log = logging.getLogger("briefe.dienst")
KEIN_SERVER = ("Für den Versand per E-Mail ist im Dienst kein Mailserver eingerichtet "
               "(Abschnitt [versand] der Konfiguration, siehe README).")


class _Versaende:
    """The sends running in this process and the last state of each (no addresses, no names)."""

    def __init__(self) -> None:
        self.sperre = threading.Lock()
        self.stand: dict[str, dict] = {}

    def laeuft(self, lauf_id: str) -> bool:
        return self.stand.get(lauf_id, {}).get("zustand") == "laeuft"

    def starte(self, lauf_id: str, ausgabe: Path, einstellungen) -> bool:
        with self.sperre:
            if self.laeuft(lauf_id):
                return False
            self.stand[lauf_id] = {"zustand": "laeuft", "fertig": 0, "gesamt": 0, "meldung": ""}
        threading.Thread(target=self._sende, args=(lauf_id, ausgabe, einstellungen),
                         name=f"briefe-versand-{lauf_id}", daemon=True).start()
        return True

    def _sende(self, lauf_id: str, ausgabe: Path, einstellungen) -> None:
        from briefe.versand.versand import versende

        stand = self.stand[lauf_id]

        def melde(ereignis: dict) -> None:
            if ereignis["ereignis"] == "versand_start":
                stand["gesamt"] = ereignis["zu_senden"]
            elif ereignis["ereignis"] == "versand_brief":
                stand["fertig"] += 1

        try:
            ergebnis = versende(ausgabe, einstellungen, melde=melde)
        except BriefeFehler as fehler:
            stand.update(zustand="fehler", meldung=str(fehler))
            log.warning("Versand %s nicht gestartet.", lauf_id)
            return
        except Exception:
            log.exception("Versand %s: interner Fehler", lauf_id)
            stand.update(zustand="fehler",
                         meldung="Interner Fehler beim Versand; Einzelheiten im Dienst-Log.")
            return
        stand.update(zustand="fertig", meldung=ergebnis.abgebrochen, rueckgabewert=ergebnis.rueckgabewert)
        log.info("Versand %s: %d gesendet, %d Fehler, %d unklar, %d per Post.", lauf_id, ergebnis.gesendet,
                 len(ergebnis.fehler), len(ergebnis.unklar), ergebnis.post)


VERSAENDE = _Versaende()


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

    def _fertiger_lauf(request: Request, lauf_id: str, z) -> tuple[object, Path]:
        lauf = eigener_lauf(request, z, lauf_id)
        return lauf, lauf_ordner(request.app.state.dienst.konfiguration.daten, lauf.id) / "ausgabe"

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
        lauf, ausgabe = _fertiger_lauf(request, lauf_id, z)
        return _stand(request, lauf, ausgabe)

    @router.post("/laeufe/{lauf_id}/versenden")
    def versenden(request: Request, lauf_id: str, z=angemeldet) -> JSONResponse:
        if not pruefe_csrf(request.session, request.headers.get("x-csrf-token")):
            return JSONResponse({"detail": "Das Formular ist abgelaufen. Bitte die Seite neu laden."}, 403)
        lauf, ausgabe = _fertiger_lauf(request, lauf_id, z)
        einstellungen = request.app.state.dienst.konfiguration.versand
        if einstellungen is None:
            return JSONResponse({"detail": KEIN_SERVER}, 409)
        if lauf.status != FERTIG or lauf.geloescht:
            return JSONResponse({"detail": "Der Lauf ist nicht fertig oder seine Dateien sind gelöscht."},
                                409)
        if VERSAENDE.starte(lauf.id, ausgabe, einstellungen):
            log.info("Versand %s gestartet (Seite).", lauf.id)
        return _stand(request, lauf, ausgabe)

    @router.get(f"/laeufe/{{lauf_id}}/{POSTDATEI}")
    def postdatei(request: Request, lauf_id: str, z=angemeldet) -> FileResponse:
        _, ausgabe = _fertiger_lauf(request, lauf_id, z)
        pfad = ausgabe / POSTDATEI
        if not pfad.is_file():
            return JSONResponse({"detail": "Für diesen Lauf gibt es keine Briefe für den Postversand."}, 404)
        return FileResponse(pfad, media_type="application/pdf", filename=POSTDATEI)

    return router
