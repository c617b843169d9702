"""The API documentation page (``/api/docs``) and its schema (``/api/openapi.json``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from briefe.dienst.seite.rahmen import seite
from briefe.dienst.zugang.anmeldung import SeitenZugang

ANTWORT_TEXTE = {"Successful Response": "Erfolg", "Validation Error": "Eingabe ungültig (Einzelheiten in "
                                                                      "`detail` und `felder`)"}


def router() -> APIRouter:
    """Both need a login (session or token)."""
    r = APIRouter()

    @r.get("/api/openapi.json", include_in_schema=False)
    def openapi(request: Request, zugang: SeitenZugang) -> JSONResponse:
        return JSONResponse(request.app.openapi())

    @r.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_doku(request: Request, zugang: SeitenZugang) -> HTMLResponse:
        return seite(request, "api.html", schema=request.app.openapi(), wege=_wege(request.app.openapi()))

    return r


def _wege(schema: dict) -> list[dict]:
    """Endpoints of the OpenAPI schema for the documentation page."""
    wege = []
    for pfad, methoden in schema.get("paths", {}).items():
        for methode, angabe in methoden.items():
            felder = []
            inhalt = angabe.get("requestBody", {}).get("content", {})
            for art, teil in inhalt.items():
                referenz = teil.get("schema", {}).get("$ref", "")
                ziel = schema.get("components", {}).get("schemas", {}).get(referenz.rsplit("/", 1)[-1], {})
                for name, eigenschaft in ziel.get("properties", {}).items():
                    felder.append({"name": name, "art": art,
                                   "beschreibung": eigenschaft.get("description", ""),
                                   "pflicht": name in ziel.get("required", []),
                                   "standard": eigenschaft.get("default")})
            wege.append({
                "methode": methode.upper(), "pfad": pfad, "titel": angabe.get("summary", ""),
                "beschreibung": angabe.get("description", ""), "felder": felder,
                "antworten": {code: ANTWORT_TEXTE.get(a.get("description", ""), a.get("description", ""))
                              for code, a in angabe.get("responses", {}).items()},
                "gruppe": (angabe.get("tags") or [""])[0],
            })
    return wege
