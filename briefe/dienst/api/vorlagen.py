"""The template API: read, save (with version check), history, restore, preview of a draft,
a sample list for the editor, Word import. Every route needs the role ``vorlagen``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from briefe.dienst.laeufe import pruefung
from briefe.dienst.vorlagen.speicher import UngueltigeVorlage
from briefe.dienst.vorlagen.vorschau import EntwurfsFehler, lies_liste, zerlege
from briefe.dienst.vorlagen.zugriff import (
    arbeitsordner,
    entwurfsantwort,
    importiere_word,
    mit_rolle,
    pruefe_entwurf,
    speicher,
    speichern,
    wer,
)


def router(api_zugang) -> APIRouter:
    """The routes; ``api_zugang`` is the service's authentication dependency."""

    rolle = mit_rolle(api_zugang)
    r = APIRouter(prefix="/api", tags=["Vorlagen bearbeiten"])

    @r.get("/vorlagen/{name}", summary="Quelltext und Version einer Vorlage")
    def lies(request: Request, name: str, *, zugang: object = rolle) -> dict:
        try:
            gelesen = speicher(request).lies(name)
        except UngueltigeVorlage as fehler:
            raise HTTPException(422, fehler.meldung) from None
        if gelesen is None:
            raise HTTPException(404, f"Die Vorlage „{name}“ gibt es nicht.")
        return {"name": name, "quelltext": gelesen[0], "version": gelesen[1]}

    @r.put("/vorlagen/{name}", summary="Vorlage anlegen oder ändern (409 bei veralteter Version)",
           responses={409: {"description": "Inzwischen von jemand anderem geändert"},
                      422: {"description": "Vorlage fehlerhaft (`zeile`, `feld`)"}})
    def schreibe(request: Request, name: str, *, zugang: object = rolle,
                 quelltext: Annotated[str, Form(description="Text der Vorlage (Kopfbereich und Brieftext)")],
                 version: Annotated[str, Form(description="Die gelesene Version; leer beim Anlegen")] = "",
                 ) -> Response:
        """Neue Vorlagen ohne `version`; beim Ändern die Version aus `GET /api/vorlagen/{name}`."""
        try:
            speicher(request).pfad(name)  # checks the name
            pruefe_entwurf(request, quelltext, name)
        except EntwurfsFehler as fehler:
            return entwurfsantwort(fehler)
        except UngueltigeVorlage as fehler:
            raise HTTPException(422, fehler.meldung) from None
        return JSONResponse(speichern(request, name, lambda: speicher(request).speichere(
            name, quelltext, version or None, wer(zugang))))

    @r.get("/vorlagen/{name}/versionen", summary="Versionen einer Vorlage (wer, wann, was)")
    def versionen(request: Request, name: str, *, zugang: object = rolle) -> list[dict]:
        try:
            return [v.als_dict() for v in reversed(speicher(request).versionen(name))]
        except UngueltigeVorlage as fehler:
            raise HTTPException(422, fehler.meldung) from None

    @r.get("/vorlagen/{name}/versionen/{nummer}", summary="Text und Änderung einer Version")
    def version(request: Request, name: str, nummer: int, *, zugang: object = rolle) -> dict:
        s = speicher(request)
        eintrag = next((v for v in s.versionen(name) if v.nummer == nummer), None)
        if eintrag is None:
            raise HTTPException(404, f"Die Version {nummer} der Vorlage „{name}“ gibt es nicht.")
        return {**eintrag.als_dict(mit_diff=True), "quelltext": s.version_text(name, nummer)}

    @r.post("/vorlagen/{name}/wiederherstellen", summary="Eine frühere Version wieder zur aktuellen machen")
    def wiederherstellen(request: Request, name: str, *, zugang: object = rolle,
                         nummer: Annotated[int, Form(description="Nummer der Version")],
                         version: Annotated[str, Form(description="Die gelesene aktuelle Version")] = "",
                         ) -> dict:
        s = speicher(request)
        return speichern(request, name, lambda: s.wiederherstellen(
            name, nummer, version or (s.lies(name) or ("", None))[1], wer(zugang)))

    @r.post("/entwurf/zerlegen", summary="Kopfbereich (als JSON) und Brieftext eines Vorlagentexts")
    def zerlegen(quelltext: Annotated[str, Form()], zugang: object = rolle) -> Response:
        try:
            return JSONResponse(zerlege(quelltext))
        except EntwurfsFehler as fehler:
            return entwurfsantwort(fehler)

    @r.post("/vorschau/liste", summary="Spalten und Empfänger einer Beispielliste")
    def liste(request: Request, *, zugang: object = rolle,
              liste: Annotated[UploadFile, File(description="Mitgliederliste: CSV, XLSX oder JSON")]) -> dict:
        k = request.app.state.dienst.konfiguration
        with arbeitsordner(k) as ordner:
            pfad = ordner / pruefung.sicherer_name(liste.filename)
            pruefung.speichere_upload(liste.file, pfad, k.upload_bytes)
            return lies_liste(pfad)

    @r.post("/vorschau", summary="Brief einer Zeile aus einem Vorlagentext (PDF oder PNG)",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "image/png": {}}},
                       422: {"description": "Vorlage fehlerhaft (`detail` nennt die Zeile)"}})
    def api_vorschau(
        request: Request, *, zugang: object = rolle,
        quelltext: Annotated[str, Form(description="Text der Vorlage")],
        liste: Annotated[UploadFile, File(description="Mitgliederliste: CSV, XLSX oder JSON")],
        zeile: Annotated[int | None, Form(description="Zeile wie in der Liste; leer: die erste")] = None,
        format: Annotated[Literal["pdf", "png"], Form()] = "pdf",
        seite: Annotated[int, Form(description="Seite des Bildes (nur png)")] = 1,
    ) -> Response:
        """Die Antwort nennt in `X-Seiten` die Seitenzahl des Briefs."""
        k = request.app.state.dienst.konfiguration
        with arbeitsordner(k) as ordner:
            pfad = ordner / pruefung.sicherer_name(liste.filename)
            pruefung.speichere_upload(liste.file, pfad, k.upload_bytes)
            # in a worker with the service's time and memory limits, not in this thread
            daten, seiten, fehler = request.app.state.dienst.satz.fuehre_aus(
                "entwurf_vorschau", k, quelltext, pfad, zeile, format, seite)
            if fehler is not None:
                return JSONResponse(fehler, status_code=422)
        art = "application/pdf" if format == "pdf" else "image/png"
        return Response(daten, media_type=art, headers={"X-Seiten": str(seiten)})

    @r.post("/word-import", summary="Vorlagentext aus einem Word-Dokument (DOCX)")
    def word_import(request: Request, *, zugang: object = rolle,
                    datei: Annotated[UploadFile, File(description="Word-Dokument (.docx)")],
                    name: Annotated[str, Form()] = "", absender: Annotated[str, Form()] = "") -> dict:
        """`nicht_uebernommen` listet auf Deutsch, was nicht übernommen werden konnte."""
        return importiere_word(request, datei, name, absender)

    return r
