"""The JSON routes for one letter, the template list and the service's health."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from briefe import __version__
from briefe.dienst.laeufe import pruefung
from briefe.dienst.zugang.anmeldung import ApiZugang

PdfArt = Literal[pruefung.PDF_VARIANTEN]  # the keys of briefe.satz.pdf.weasy.VARIANTEN


class BriefAnfrage(BaseModel):
    """One letter: template, recipient fields (column names as in a member list), format."""

    vorlage: str = Field(description="Name der Vorlage (ohne .md), siehe GET /api/vorlagen",
                         examples=["bildungsnetzwerk-2011"])
    empfaenger: dict[str, str | int | float | None] = Field(
        description="Felder des Empfängers mit den Spaltennamen einer Mitgliederliste",
        examples=[{"anrede": "Frau", "titel": "Dr.", "vorname": "Maria", "nachname": "Meyer",
                   "organisation": "Gesamtschule Eilpe", "strasse": "Wehringhauser Str. 38",
                   "plz": "58089", "ort": "Hagen"}])
    format: Literal["pdf", "docx"] = "pdf"
    pdf: PdfArt = "standard"


def router(dienst) -> APIRouter:
    """``GET /api/gesundheit``, ``GET /api/vorlagen``, ``POST /api/briefe``."""
    konfiguration = dienst.konfiguration
    r = APIRouter()

    @r.get("/api/gesundheit", tags=["Dienst"], summary="Gesundheit (ohne Anmeldung)")
    def gesundheit(request: Request) -> JSONResponse:
        """Ob der Dienst und seine Datenbank antworten; für Überwachung und Lastverteiler."""
        gesund = dienst.speicher.gesund()
        inhalt = {"status": "ok" if gesund else "fehler", "version": __version__}
        return JSONResponse(inhalt, status_code=200 if gesund else 503)

    @r.get("/api/vorlagen", tags=["Vorlagen"], summary="Vorlagen mit Variablen und Absender")
    def api_vorlagen(zugang: ApiZugang) -> list[dict]:
        """Alle Vorlagen des Vorlagenordners. `spalten` sind die Spalten, die eine Mitgliederliste
        für diese Vorlage braucht; eine fehlerhafte Vorlage erscheint mit `fehler`."""
        return pruefung.vorlagen(konfiguration)

    @r.post("/api/briefe", tags=["Briefe"], summary="Ein Brief als PDF oder DOCX",
              response_class=Response,
              responses={200: {"content": {"application/pdf": {}, "application/vnd.openxmlformats-"
                                           "officedocument.wordprocessingml.document": {}},
                               "description": "Der Brief"},
                         422: {"description": "Vorlage unbekannt oder Angaben unvollständig "
                                              "(`probleme` nennt Feld und Fehler)"}})
    def api_brief(anfrage: BriefAnfrage, zugang: ApiZugang) -> Response:
        """Erstellt einen Brief sofort (im Aufruf). Die Felder heißen wie die Spalten einer
        Mitgliederliste (`anrede`, `titel`, `vorname`, `nachname`, `organisation`, `strasse`,
        `plz`, `ort`, …; Schreibweisen wie „Straße“ oder „PLZ“ werden erkannt)."""
        daten, name = dienst.satz.fuehre_aus("einzelbrief", konfiguration, anfrage.vorlage,
                                             dict(anfrage.empfaenger), anfrage.format, anfrage.pdf)
        art = ("application/pdf" if anfrage.format == "pdf" else
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return Response(daten, media_type=art,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return r
