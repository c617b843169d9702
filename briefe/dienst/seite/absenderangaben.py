"""The clerk's own sender data in the service ("Meine Absenderangaben"): from ``[[benutzer]]``
``absender = {…}`` in the configuration, or as the user saved it on the page (that wins)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from briefe.dateien import schreibe_atomar
from briefe.dienst.zugang.absenderangaben import datei, sachbearbeitung_fuer
from briefe.dienst.zugang.sicherheit import pruefe_csrf
from briefe.fehler import BriefeFehler
from briefe.vorlage.sachbearbeitung import SCHLUESSEL, sachbearbeitung_aus


def router(seiten_zugang, seite) -> APIRouter:
    """The page "Meine Absenderangaben"."""
    r = APIRouter()

    @r.get("/absenderangaben", include_in_schema=False, response_class=HTMLResponse)
    def zeigen(request: Request, zugang: object = Depends(seiten_zugang)) -> HTMLResponse:
        k = request.app.state.dienst.konfiguration
        daten = sachbearbeitung_fuer(k, zugang)
        return seite(request, "absenderangaben.html", werte=daten.als_dict() if daten else {})

    @r.post("/absenderangaben", include_in_schema=False)
    def speichern(request: Request, zugang: object = Depends(seiten_zugang),
                  name: Annotated[str, Form()] = "", zimmer: Annotated[str, Form()] = "",
                  telefon: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "",
                  csrf: Annotated[str, Form()] = "") -> Response:
        if not pruefe_csrf(request.session, csrf):
            raise HTTPException(403, "Das Formular ist abgelaufen oder ungültig. Bitte die Seite neu laden.")
        k = request.app.state.dienst.konfiguration
        eingaben = {"name": name[:200], "zimmer": zimmer[:50], "telefon": telefon[:50],
                    "email": email[:200]}
        try:
            daten = sachbearbeitung_aus({s: w for s, w in eingaben.items() if s in SCHLUESSEL},
                                        "Absenderangaben")
        except BriefeFehler as fehler:
            return seite(request, "absenderangaben.html", status=422, werte=eingaben,
                         fehler=fehler.meldung)
        pfad = datei(k, zugang.name)
        pfad.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        schreibe_atomar(pfad, json.dumps(daten.als_dict(), ensure_ascii=False).encode("utf-8"))
        request.session["hinweis"] = ("Ihre Absenderangaben sind gespeichert; Briefe, die Sie ab "
                                      "jetzt starten, nennen sie im Informationsblock.")
        return RedirectResponse("/absenderangaben", status_code=303)

    return r
