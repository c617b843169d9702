"""The pages of the run history: the list, single letters, the preview per recipient and
the sample member list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from briefe.dienst.fehler import DienstFehler
from briefe.dienst.laeufe import pruefung, verlauf
from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.dienst.laeufe.darstellung import eigener_lauf
from briefe.dienst.laeufe.speicher import Lauf
from briefe.dienst.zugang.anmeldung import SeitenZugang

BEISPIEL = Path(__file__).resolve().parents[3] / "daten" / "mitglieder.xlsx"
VERLAUF_ANZAHL = 100


def router(dienst, seiten_env, seite: Callable) -> APIRouter:
    """The history page, single letters, the preview per recipient, the sample list; and the
    helpers the page parts use."""
    konfiguration, speicher = dienst.konfiguration, dienst.speicher
    seiten_env.globals["verlauf_zeile"] = verlauf.verlauf_zeile
    seiten_env.globals["briefliste"] = lambda lauf: verlauf.briefliste(konfiguration, lauf)
    seiten_env.globals["vorschau_auswahl"] = lambda lauf, nr: verlauf.vorschau_auswahl(
        konfiguration, lauf, nr)
    seiten_env.globals["schritt_json"] = verlauf.schritt_json
    seiten_env.globals["beispiel_liste"] = BEISPIEL.is_file()
    router = APIRouter()

    @router.get("/laeufe", include_in_schema=False, response_class=HTMLResponse)
    def verlauf_seite(request: Request, zugang: SeitenZugang) -> HTMLResponse:
        return seite(request, "verlauf.html", laeufe=speicher.laeufe(zugang.besitzer, VERLAUF_ANZAHL))

    @router.get("/laeufe/{lauf_id}/dateien/{name}", include_in_schema=False)
    def datei_seite(request: Request, lauf_id: str, name: str, zugang: SeitenZugang) -> FileResponse:
        return verlauf.briefdatei(konfiguration, eigener_lauf(request, zugang, lauf_id), name)

    def _vorschau(request: Request, zugang, lauf_id: str) -> tuple[Lauf, Path]:
        lauf = eigener_lauf(request, zugang, lauf_id)
        if lauf.geloescht:
            raise DienstFehler(410, "Die Dateien dieses Laufs wurden gelöscht.")
        return lauf, lauf_ordner(konfiguration.daten, lauf.id)

    @router.get("/laeufe/{lauf_id}/vorschau/{nummer}.pdf", include_in_schema=False)
    def vorschau_pdf(request: Request, lauf_id: str, nummer: int, zugang: SeitenZugang) -> Response:
        lauf, ordner = _vorschau(request, zugang, lauf_id)
        return Response(pruefung.vorschau_pdf(konfiguration, ordner, lauf, nummer),
                        media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="vorschau-{nummer}.pdf"'})

    @router.get("/laeufe/{lauf_id}/vorschau/{nummer}.png", include_in_schema=False)
    def vorschau_png(request: Request, lauf_id: str, nummer: int, zugang: SeitenZugang) -> Response:
        lauf, ordner = _vorschau(request, zugang, lauf_id)
        daten = pruefung.vorschau_png(konfiguration, ordner, lauf, nummer=nummer)
        if daten is None:
            raise DienstFehler(404, "Für die Bildvorschau fehlt pdftoppm (Paket poppler-utils).")
        return Response(daten, media_type="image/png")

    @router.get("/beispiel/mitglieder.xlsx", include_in_schema=False)
    def beispiel(zugang: SeitenZugang) -> FileResponse:
        if not BEISPIEL.is_file():
            raise DienstFehler(404, "Die Beispielliste liegt dieser Installation nicht bei.")
        return FileResponse(BEISPIEL, filename="mitglieder.xlsx", media_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))

    return router
