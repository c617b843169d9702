"""The page's envelopes and labels after a finished run: ``umschlaege.pdf`` and ``etiketten.pdf``
for exactly the letters the run made, made when asked for and downloaded."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse

from briefe.dienst.laeufe.speicher import FERTIG
from briefe.dienst.versand.hintergrund import lauf_und_ausgabe
from briefe.fehler import BriefeFehler


def post_router(zugang: Callable, eigener_lauf: Callable) -> APIRouter:
    """The routes; ``zugang`` and ``eigener_lauf`` are the app's login and ownership checks."""
    router = APIRouter(include_in_schema=False)
    angemeldet = Depends(zugang)

    def _liefere(request: Request, lauf_id: str, z, erstelle) -> FileResponse | JSONResponse:
        lauf, ausgabe = lauf_und_ausgabe(request, eigener_lauf, z, lauf_id)
        if lauf.status != FERTIG or lauf.geloescht:
            return JSONResponse({"detail": "Der Lauf ist nicht fertig oder seine Dateien sind gelöscht."},
                                409)
        try:
            ergebnis = erstelle(ausgabe)
        except BriefeFehler as fehler:
            return JSONResponse({"detail": str(fehler)}, 422)
        return FileResponse(ergebnis.datei, media_type="application/pdf", filename=ergebnis.datei.name)

    @router.get("/laeufe/{lauf_id}/umschlaege.pdf")
    def umschlaege(request: Request, lauf_id: str, format: str = "DL", z=angemeldet):
        from briefe.versand.umschlaege import umschlaege_des_laufs

        return _liefere(request, lauf_id, z, lambda ausgabe: umschlaege_des_laufs(ausgabe, format))

    @router.get("/laeufe/{lauf_id}/etiketten.pdf")
    def etiketten(request: Request, lauf_id: str, bogen: str = "L7163", start: int = 1, z=angemeldet):
        from briefe.versand.umschlaege import etiketten_des_laufs

        if bogen.endswith(".toml"):  # no file paths from the page
            return JSONResponse({"detail": "Bitte einen Bogen aus der Liste wählen."}, 422)
        return _liefere(request, lauf_id, z, lambda ausgabe: etiketten_des_laufs(ausgabe, bogen, start))

    return router
