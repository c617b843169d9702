"""The letter editor's conversions: a template body as the editor's document and back.
Every route needs the role ``vorlagen``."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import JSONResponse

from briefe.dienst.vorlagen.zugriff import mit_rolle
from briefe.fehler import VorlagenFehler
from briefe.vorlage.editor_dokument import aus_dokument, zu_dokument


def _json(text: str, was: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can read
        raise HTTPException(422, f"{was} ist kein gültiges JSON.") from None


def router(api_zugang) -> APIRouter:
    """The routes; ``api_zugang`` is the service's authentication dependency."""

    rolle = mit_rolle(api_zugang)
    r = APIRouter(prefix="/api/editor", tags=["Vorlagen bearbeiten"])

    @r.post("/dokument", summary="Brieftext als Editor-Dokument (Tiptap-JSON)")
    def dokument(*, zugang: object = rolle,
                 koerper: Annotated[str, Form(description="Brieftext der Vorlage (ohne Kopfbereich)")] = "",
                 beschriftungen: Annotated[str, Form(description="JSON: Feldname → Beschriftung")] = "{}",
                 ) -> dict:
        namen = _json(beschriftungen, "„beschriftungen“")
        if not isinstance(namen, dict):
            raise HTTPException(422, "„beschriftungen“ muss eine Zuordnung Feldname → Beschriftung sein.")
        koerper = koerper.replace("\r\n", "\n")  # a form sends line breaks as CRLF
        return {"dokument": zu_dokument(koerper, {str(k): str(v) for k, v in namen.items()})}

    @r.post("/quelltext", summary="Editor-Dokument als Brieftext der Vorlage",
            responses={422: {"description": "Dokument nicht als Vorlage darstellbar"}})
    def quelltext(*, zugang: object = rolle,
                  dokument: Annotated[str, Form(description="Das Editor-Dokument (Tiptap-JSON)")],
                  ):
        try:
            return {"koerper": aus_dokument(_json(dokument, "Das Dokument"))}
        except VorlagenFehler as fehler:
            return JSONResponse({"detail": str(fehler)}, status_code=422)  # with the place

    return r
