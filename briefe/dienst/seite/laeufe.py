"""The start page and a run's page: check an upload, start, delete, the preview."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from briefe.dienst import datenquellen
from briefe.dienst.fehler import DienstFehler, EingabeFehler, groesse_text
from briefe.dienst.laeufe import pruefung
from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.dienst.laeufe.darstellung import eigener_lauf, links
from briefe.dienst.laeufe.eingang import filter_aus_formular, neuer_lauf, start_optionen, warteschlange_voll
from briefe.dienst.laeufe.speicher import Lauf
from briefe.dienst.laeufe.startwerte import startwerte_fuer, werte_fuer
from briefe.dienst.seite.rahmen import seite
from briefe.dienst.zugang.absenderangaben import als_option
from briefe.dienst.zugang.anmeldung import SeitenZugang, Zugang
from briefe.dienst.zugang.sicherheit import pruefe_csrf

log = logging.getLogger("briefe.dienst")


def router(dienst) -> APIRouter:
    """``/``, ``/pruefen`` and ``/laeufe/{id}`` with start, delete and preview."""
    konfiguration = dienst.konfiguration
    r = APIRouter()

    def _pruefe_formular(request: Request, csrf: str) -> None:
        if not pruefe_csrf(request.session, csrf):
            raise DienstFehler(403, "Das Formular ist abgelaufen oder ungültig. Bitte die Seite neu laden.")

    def _startseite(request: Request, zugang: Zugang, status: int = 200, **kontext) -> HTMLResponse:
        return seite(request, "start.html", status=status, vorlagen=pruefung.vorlagen(konfiguration),
                     datenquellen=datenquellen.erlaubte(konfiguration.datenquellen, zugang.name),
                     laeufe=dienst.speicher.laeufe(zugang.besitzer, 10),
                     upload_text=groesse_text(konfiguration.upload_bytes), **kontext)

    @r.get("/", include_in_schema=False, response_class=HTMLResponse)
    def startseite(request: Request, zugang: SeitenZugang) -> HTMLResponse:
        return _startseite(request, zugang)

    @r.post("/pruefen", include_in_schema=False)
    def seite_pruefen(
        request: Request, zugang: SeitenZugang,
        datei: Annotated[UploadFile | None, File()] = None,
        vorlage: Annotated[str, Form()] = "", filter: Annotated[str, Form()] = "",
        blatt: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
        datenquelle: Annotated[str, Form()] = "",
    ) -> Response:
        _pruefe_formular(request, csrf)
        try:
            lauf = neuer_lauf(dienst, zugang, datei, vorlage, filter_aus_formular([filter]),
                               blatt.strip() or None, {}, entwurf=True, datenquelle=datenquelle or None)
        except EingabeFehler as fehler:
            return _startseite(request, zugang, status=fehler.status, fehler=str(fehler),
                               gewaehlt=vorlage, filter=filter, blatt=blatt, datenquelle=datenquelle)
        return RedirectResponse(f"/laeufe/{lauf.id}", status_code=303)

    @r.get("/laeufe/{lauf_id}", include_in_schema=False, response_class=HTMLResponse)
    def lauf_seite(request: Request, lauf_id: str, zugang: SeitenZugang) -> HTMLResponse:
        lauf = eigener_lauf(request, zugang, lauf_id)
        return seite(request, "lauf.html", lauf=lauf, links=links(lauf),
                     vorschau_als_bild=bool(shutil.which("pdftoppm")),
                     startwerte=startwerte_fuer(lauf, konfiguration))

    @r.post("/laeufe/{lauf_id}/starten", include_in_schema=False)
    def lauf_starten(
        request: Request, lauf_id: str, zugang: SeitenZugang,
        formate: Annotated[list[str], Form()] = [],  # noqa: B006
        sammel: Annotated[bool, Form()] = False, duplex: Annotated[bool, Form()] = False,
        pdf: Annotated[str, Form()] = "standard", csrf: Annotated[str, Form()] = "",
        wert_name: Annotated[list[str], Form()] = [], wert: Annotated[list[str], Form()] = [],  # noqa: B006
    ) -> Response:
        _pruefe_formular(request, csrf)
        lauf = eigener_lauf(request, zugang, lauf_id)
        try:
            optionen = {**lauf.optionen, **start_optionen(formate, sammel, duplex, pdf),
                        **als_option(konfiguration, zugang),
                        "werte": werte_fuer(lauf, konfiguration, wert_name, wert)}
        except EingabeFehler as fehler:
            return seite(request, "lauf.html", status=422, lauf=lauf, links=links(lauf), fehler=str(fehler),
                         vorschau_als_bild=bool(shutil.which("pdftoppm")),
                         eingaben=dict(zip(wert_name, wert, strict=False)),
                         startwerte=startwerte_fuer(lauf, konfiguration))
        ergebnis = dienst.speicher.einreihen(lauf_id, optionen, konfiguration.warteschlange)
        if ergebnis is False:
            return seite(request, "lauf.html", status=429, lauf=lauf, links=links(lauf),
                         fehler=warteschlange_voll(konfiguration).meldung,
                         vorschau_als_bild=bool(shutil.which("pdftoppm")))
        if ergebnis:
            dienst.verteiler.wecke()
            log.info("Lauf %s gestartet (Seite).", lauf_id)
        return RedirectResponse(f"/laeufe/{lauf_id}", status_code=303)

    @r.post("/laeufe/{lauf_id}/loeschen", include_in_schema=False)
    def lauf_loeschen(request: Request, lauf_id: str, zugang: SeitenZugang,
                      csrf: Annotated[str, Form()] = "") -> Response:
        _pruefe_formular(request, csrf)
        lauf = eigener_lauf(request, zugang, lauf_id)
        dienst.speicher.markiere_loeschen(lauf_id)
        dienst.verteiler.wecke(aufraeumen=True)
        request.session["hinweis"] = (f"Der Lauf „{lauf.datei}“ wurde "
                                      f"{'abgebrochen und ' if lauf.aktiv else ''}gelöscht.")
        return RedirectResponse("/", status_code=303)

    def _vorschau_lauf(request: Request, zugang: Zugang, lauf_id: str) -> tuple[Lauf, Path]:
        lauf = eigener_lauf(request, zugang, lauf_id)
        if lauf.geloescht:
            raise DienstFehler(410, "Die Dateien dieses Laufs wurden gelöscht.")
        return lauf, lauf_ordner(konfiguration.daten, lauf.id)

    @r.get("/laeufe/{lauf_id}/vorschau.pdf", include_in_schema=False)
    def vorschau_pdf(request: Request, lauf_id: str, zugang: SeitenZugang) -> Response:
        lauf, ordner = _vorschau_lauf(request, zugang, lauf_id)
        return Response(dienst.satz.fuehre_aus("vorschau_pdf", konfiguration, ordner, lauf),
                        media_type="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="vorschau.pdf"'})

    @r.get("/laeufe/{lauf_id}/vorschau.png", include_in_schema=False)
    def vorschau_png(request: Request, lauf_id: str, zugang: SeitenZugang) -> Response:
        lauf, ordner = _vorschau_lauf(request, zugang, lauf_id)
        daten = dienst.satz.fuehre_aus("vorschau_png", konfiguration, ordner, lauf)
        if daten is None:
            raise DienstFehler(404, "Für die Bildvorschau fehlt pdftoppm (Paket poppler-utils).")
        return Response(daten, media_type="image/png")

    return r
