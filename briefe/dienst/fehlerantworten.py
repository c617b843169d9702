"""Every error as an answer in German: JSON under ``/api``, otherwise the error page."""

from __future__ import annotations

import http
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from briefe.dienst import http_texte
from briefe.dienst.fehler import AnmeldungNoetig, DienstFehler, EingabeFehler, SatzFehler
from briefe.dienst.seite.rahmen import seite

log = logging.getLogger("briefe.dienst")
HTTP_TEXTE = {
    400: "Ungültige Anfrage.", 401: "Anmeldung erforderlich.", 403: "Keine Berechtigung.",
    404: "Nicht gefunden.", 405: "Diese Methode ist hier nicht erlaubt.", 409: "Konflikt.",
    410: "Nicht mehr vorhanden.", 413: "Die Anfrage ist zu groß.", 422: "Ungültige Eingabe.",
    429: "Zu viele Anfragen.", 500: "Interner Fehler.", 503: "Dienst nicht verfügbar.",
}



def richte_ein(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    def _fehlerantwort(request: Request, status: int, meldung: str, headers: dict | None = None,
                       **extra) -> Response:
        pfad = request.url.path
        if pfad.startswith("/api/") or pfad.startswith("/laeufe/") and pfad.endswith((".png", ".pdf")):
            return JSONResponse({"detail": meldung, **extra}, status_code=status, headers=headers)
        return seite(request, "fehler.html", status=status, status_code=status, meldung=meldung)

    @app.exception_handler(DienstFehler)
    async def _dienst_fehler(request: Request, fehler: DienstFehler):
        return _fehlerantwort(request, fehler.status, fehler.meldung, fehler.headers, **fehler.extra)

    @app.exception_handler(EingabeFehler)
    async def _eingabe_fehler(request: Request, fehler: EingabeFehler):
        extra = {"probleme": fehler.probleme} if fehler.probleme else {}
        return _fehlerantwort(request, fehler.status, str(fehler), **extra)

    @app.exception_handler(SatzFehler)
    async def _satz_fehler(request: Request, fehler: SatzFehler):
        log.error("%s", fehler.meldung)
        return _fehlerantwort(request, getattr(fehler, "status", 500), fehler.meldung)

    @app.exception_handler(Exception)
    async def _unerwartet(request: Request, fehler: Exception):
        # no traceback: its frames and messages may hold member data
        log.error("Interner Fehler bei %s %s (%s)", request.method, request.url.path, type(fehler).__name__)
        return _fehlerantwort(request, 500, "Interner Fehler des Dienstes; Einzelheiten im Dienst-Log.")

    @app.exception_handler(AnmeldungNoetig)
    async def _anmelden(request: Request, _: AnmeldungNoetig):
        return RedirectResponse(f"/anmelden?weiter={request.url.path}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_fehler(request: Request, fehler: StarletteHTTPException):
        meldung = fehler.detail if isinstance(fehler.detail, str) else ""
        if not meldung or meldung == http.HTTPStatus(fehler.status_code).phrase:
            meldung = HTTP_TEXTE.get(fehler.status_code, f"Fehler {fehler.status_code}.")
        else:  # Starlette's and FastAPI's own texts are English
            meldung = http_texte.deutsch(meldung, fehler.status_code) or meldung
        return _fehlerantwort(request, fehler.status_code, meldung, getattr(fehler, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validierung(request: Request, fehler: RequestValidationError):
        felder = [_validierungsfehler(f) for f in fehler.errors()]
        meldung = "Ungültige Anfrage: " + "; ".join(
            f"„{f['feld']}“ {f['meldung']}" if f["feld"] else f["meldung"] for f in felder) + "."
        return _fehlerantwort(request, 422, meldung, felder=felder)


_VALIDIERUNG = {
    "missing": "fehlt",
    "string_type": "muss Text sein",
    "dict_type": "muss ein Objekt sein",
    "list_type": "muss eine Liste sein",
    "bool_parsing": "muss true oder false sein",
    "bool_type": "muss true oder false sein",
    "int_parsing": "muss eine ganze Zahl sein",
    "json_invalid": "ist kein gültiges JSON",
    "model_attributes_type": "muss ein JSON-Objekt sein",
    "extra_forbidden": "ist unbekannt",
}


def _validierungsfehler(fehler: dict) -> dict:
    ort = [str(teil) for teil in fehler.get("loc", ()) if teil not in ("body", "query", "path", "header")]
    art = fehler.get("type", "")
    if art == "literal_error":
        erlaubt = str(fehler.get("ctx", {}).get("expected", "")).replace(" or ", ", ")
        meldung = f"hat einen ungültigen Wert (erlaubt: {erlaubt})"
    elif art.startswith(("string_type", "int_type", "float_type")) and len(ort) >= 2:
        meldung = "muss Text oder eine Zahl sein"
        ort = ort[:2]
    else:
        meldung = _VALIDIERUNG.get(art, "ist ungültig")
    return {"feld": ".".join(ort), "meldung": meldung}
