"""Who may edit templates, and the steps the template API and page share: load a draft,
save with version check, Word import."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from fastapi import Depends, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from briefe.dienst.fehler import EingabeFehler
from briefe.dienst.vorlagen.speicher import UngueltigeVorlage, VorlagenKonflikt, VorlagenSpeicher
from briefe.dienst.vorlagen.vorschau import EntwurfsFehler, lade_entwurf

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


def mit_rolle(zugang_abhaengigkeit):
    """A route dependency: the caller through ``zugang_abhaengigkeit``, who must have the role."""
    def zugang_mit_rolle(request: Request, zugang: object = Depends(zugang_abhaengigkeit)):
        pruefe_rolle(request, zugang)
        return zugang

    return Depends(zugang_mit_rolle)


def pruefe_entwurf(request: Request, quelltext: str, name: str = "entwurf") -> None:
    """A template that would not load is not saved (422 with line or field)."""
    k = request.app.state.dienst.konfiguration
    (k.daten / "tmp").mkdir(parents=True, exist_ok=True)
    with arbeitsordner(k) as ordner:
        lade_entwurf(k, quelltext, ordner, name)


@contextmanager
def arbeitsordner(konfiguration):
    ordner = konfiguration.daten / "tmp" / secrets.token_hex(8)
    ordner.mkdir(parents=True)
    try:
        yield ordner
    finally:
        shutil.rmtree(ordner, ignore_errors=True)


def entwurfsantwort(fehler: EntwurfsFehler) -> JSONResponse:
    return JSONResponse(fehler.als_dict(), status_code=422)


def speichern(request: Request, name: str, aufruf: Callable) -> dict:
    try:
        version = aufruf()
    except VorlagenKonflikt as fehler:
        raise HTTPException(409, fehler.meldung) from None
    except UngueltigeVorlage as fehler:
        raise HTTPException(422, fehler.meldung) from None
    return {"name": name, "version": version.version, "nummer": version.nummer, "was": version.was}


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
    except EingabeFehler as fehler:  # too slow or too big: SatzFehler, HTTP 503
        raise HTTPException(422, fehler.meldung) from None
    return {"quelltext": quelltext, "nicht_uebernommen": hinweise}
