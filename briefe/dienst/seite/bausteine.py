"""Text blocks in the service: the list the template editor inserts from (``GET /api/bausteine``)
and the page "Baustein bearbeiten" (role ``vorlagen``); a change counts from the next run on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from briefe.dateien import schreibe_atomar
from briefe.dienst.vorlagen.zugriff import mit_rolle
from briefe.dienst.zugang.sicherheit import pruefe_csrf
from briefe.fehler import VorlagenFehler
from briefe.vorlage.bausteine import ORDNER, alle_bausteine, baustein_aus_text, gueltiger_name
from briefe.vorlage.vorlage import pruefe_baustein

TEXT_ZEICHEN = 100_000


def router(seiten_zugang, api_zugang, seite) -> APIRouter:
    """The block list (API) and the block's page."""
    r = APIRouter()

    rolle = mit_rolle(seiten_zugang)

    def datei(request: Request, name: str) -> Path:
        if not gueltiger_name(name):
            raise HTTPException(404, f"Einen Textbaustein „{name[:64]}“ gibt es nicht.")
        pfad = request.app.state.dienst.konfiguration.vorlagen / ORDNER / f"{name}.md"
        if not pfad.is_file():
            raise HTTPException(404, f"Einen Textbaustein „{name}“ gibt es nicht.")
        return pfad

    @r.get("/api/bausteine", summary="Textbausteine für Vorlagen", tags=["Vorlagen"])
    def bausteine(request: Request, zugang: object = Depends(api_zugang)) -> list[dict]:
        """Name, Beschreibung, Stand und Text jedes Bausteins; in einer Vorlage fügt
        `{{ baustein("NAME") }}` ihn ein."""
        return [b.als_dict() for b in alle_bausteine(request.app.state.dienst.konfiguration.vorlagen)]

    @r.get("/bausteine/{name}", include_in_schema=False, response_class=HTMLResponse)
    def zeigen(request: Request, name: str, zugang: object = rolle) -> HTMLResponse:
        text = datei(request, name).read_text(encoding="utf-8-sig")
        return seite(request, "baustein.html", baustein=name, text=text)

    @r.post("/bausteine/{name}", include_in_schema=False)
    def speichern(request: Request, name: str, zugang: object = rolle,
                  text: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "") -> Response:
        if not pruefe_csrf(request.session, csrf):
            raise HTTPException(403, "Das Formular ist abgelaufen oder ungültig. Bitte die Seite neu laden.")
        pfad = datei(request, name)
        text = text.replace("\r\n", "\n")
        try:
            if len(text) > TEXT_ZEICHEN:
                raise VorlagenFehler(f"Der Text ist länger als {TEXT_ZEICHEN:,} Zeichen.".replace(",", "."))
            pruefe_baustein(baustein_aus_text(name, text, pfad))
        except VorlagenFehler as fehler:
            return seite(request, "baustein.html", status=422, baustein=name, text=text,
                         fehler=str(fehler))
        schreibe_atomar(pfad, text.encode("utf-8"))
        request.session["hinweis"] = (f"Textbaustein „{name}“ gespeichert; jede Vorlage, die ihn "
                                      "verwendet, druckt ab dem nächsten Lauf den neuen Text.")
        return RedirectResponse(f"/bausteine/{name}", status_code=303)

    return r
