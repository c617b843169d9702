"""The template API: read, save (with version check), history, restore, preview of a draft,
a sample list for the editor, Word import. Every route needs the role ``vorlagen``."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from briefe.dienst import pruefung
from briefe.dienst.vorlagen_speicher import UngueltigeVorlage, VorlagenKonflikt, VorlagenSpeicher
from briefe.dienst.vorlagen_vorschau import EntwurfsFehler, lade_entwurf, lies_liste, zerlege

ROLLE = "vorlagen"
KEIN_RECHT = ("Keine Berechtigung: Vorlagen bearbeiten dürfen nur Benutzer mit der Rolle „vorlagen“ "
              "(Konfiguration des Dienstes, rollen = [\"vorlagen\"]).")
DOCX_BYTES = 20 * 1024 * 1024


def speicher(request: Request) -> VorlagenSpeicher:
    return VorlagenSpeicher(request.app.state.dienst.konfiguration.vorlagen)


def wer(zugang) -> str:
    return zugang.name if zugang.art == "sitzung" else f"Token {zugang.name}"


def pruefe_rolle(request: Request, zugang) -> None:
    if not request.app.state.dienst.konfiguration.hat_rolle(zugang.art, zugang.name, ROLLE):
        raise HTTPException(403, KEIN_RECHT)


def pruefe_entwurf(request: Request, quelltext: str, name: str = "entwurf") -> None:
    """A template that would not load is not saved (422 with line or field)."""
    k = request.app.state.dienst.konfiguration
    (k.daten / "tmp").mkdir(parents=True, exist_ok=True)
    with _arbeitsordner(k) as ordner:
        lade_entwurf(k, quelltext, ordner, name)


@contextmanager
def _arbeitsordner(konfiguration):
    ordner = konfiguration.daten / "tmp" / secrets.token_hex(8)
    ordner.mkdir(parents=True)
    try:
        yield ordner
    finally:
        shutil.rmtree(ordner, ignore_errors=True)


def _entwurfsantwort(fehler: EntwurfsFehler) -> JSONResponse:
    return JSONResponse(fehler.als_dict(), status_code=422)


def _speichern(request: Request, name: str, aufruf: Callable) -> dict:
    try:
        version = aufruf()
    except VorlagenKonflikt as fehler:
        raise HTTPException(409, fehler.meldung) from None
    except UngueltigeVorlage as fehler:
        raise HTTPException(422, fehler.meldung) from None
    return {"name": name, "version": version.version, "nummer": version.nummer, "was": version.was}


def router(api_zugang) -> APIRouter:
    """The routes; ``api_zugang`` is the service's authentication dependency."""

    def zugang_mit_rolle(request: Request, zugang: object = Depends(api_zugang)):
        pruefe_rolle(request, zugang)
        return zugang

    rolle = Depends(zugang_mit_rolle)
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
            return _entwurfsantwort(fehler)
        except UngueltigeVorlage as fehler:
            raise HTTPException(422, fehler.meldung) from None
        return JSONResponse(_speichern(request, name, lambda: speicher(request).speichere(
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
        return _speichern(request, name, lambda: s.wiederherstellen(
            name, nummer, version or (s.lies(name) or ("", None))[1], wer(zugang)))

    @r.post("/entwurf/zerlegen", summary="Kopfbereich (als JSON) und Brieftext eines Vorlagentexts")
    def zerlegen(quelltext: Annotated[str, Form()], zugang: object = rolle) -> Response:
        try:
            return JSONResponse(zerlege(quelltext))
        except EntwurfsFehler as fehler:
            return _entwurfsantwort(fehler)

    @r.post("/vorschau/liste", summary="Spalten und Empfänger einer Beispielliste")
    def liste(request: Request, *, zugang: object = rolle,
              liste: Annotated[UploadFile, File(description="Mitgliederliste: CSV, XLSX oder JSON")]) -> dict:
        k = request.app.state.dienst.konfiguration
        with _arbeitsordner(k) as ordner:
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
        with _arbeitsordner(k) as ordner:
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


def importiere_word(request: Request, datei: UploadFile, name: str, absender: str) -> dict:
    """Word document → template text and the German list of what was not carried over."""
    try:
        import briefe.vorlage.word_import  # noqa: F401 - python-docx installed?
    except ImportError:
        raise HTTPException(503, "Die Übernahme aus Word ist hier nicht verfügbar.") from None
    if not (datei.filename or "").lower().endswith(".docx"):
        raise HTTPException(422, "Bitte ein Word-Dokument im Format .docx wählen (ältere .doc-Dateien "
                                 "zuerst in Word als .docx speichern).")
    daten = datei.file.read(DOCX_BYTES + 1)
    if len(daten) > DOCX_BYTES:
        raise HTTPException(413, f"Das Word-Dokument ist zu groß (höchstens {DOCX_BYTES >> 20} MB).")
    try:  # in a worker with the preview's time and memory limit, not in this thread
        quelltext, hinweise = request.app.state.dienst.satz.fuehre_aus(
            "word_import", daten, name or Path(datei.filename).stem, absender or None)
    except pruefung.EingabeFehler as fehler:  # too slow or too big: SatzFehler, HTTP 503
        raise HTTPException(422, fehler.meldung) from None
    return {"quelltext": quelltext, "nicht_uebernommen": hinweise}
