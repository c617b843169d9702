"""The JSON routes of runs: check a list, start a run, its state, cancel, result files."""

from __future__ import annotations

import secrets
import shutil
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from briefe.dienst.api.briefe import PdfArt
from briefe.dienst.laeufe import pruefung, verlauf
from briefe.dienst.laeufe.darstellung import eigener_lauf, ergebnisdatei, lauf_json
from briefe.dienst.laeufe.eingang import (
    PRUEF_ZEIT,
    filter_aus_formular,
    formularwerte,
    neuer_lauf,
    start_optionen,
)
from briefe.dienst.laeufe.startwerte import pruefe_werte
from briefe.dienst.zugang.anmeldung import ApiZugang
from briefe.lauf.protokoll import PROTOKOLL_CSV, PROTOKOLL_JSON, SAMMEL_DOCX, SAMMEL_PDF, ZIP


def router(dienst) -> APIRouter:
    """``/api/pruefen``, ``/api/serienbriefe`` and ``/api/laeufe/…``."""
    konfiguration = dienst.konfiguration
    r = APIRouter()

    @r.post("/api/pruefen", tags=["Serienbriefe"], summary="Mitgliederliste prüfen, nichts erstellen")
    def api_pruefen(
        zugang: ApiZugang,
        datei: Annotated[UploadFile, File(description="Mitgliederliste: CSV, XLSX oder JSON")],
        vorlage: Annotated[str, Form(description="Name der Vorlage")],
        filter: Annotated[list[str], Form(description="SPALTE=WERT, mehrfach möglich")] = [],  # noqa: B006
        blatt: Annotated[str | None, Form(description="Tabellenblatt einer XLSX-Datei")] = None,
        zahlen: Annotated[str | None, Form(description="„1.234“ lesen als punkt (1,234) oder deutsch "
                                                       "(1.234,00); Standard: nach der Spalte")] = None,
    ) -> dict:
        """Liest die Liste wie ein Lauf und meldet erkannte Spalten und jedes Zeilenproblem
        (Zeile wie in Excel, Spalte, Meldung)."""
        pfad = pruefung.vorlage_pfad(konfiguration, vorlage)
        name = pruefung.sicherer_name(datei.filename)
        arbeit = konfiguration.daten / "tmp" / secrets.token_hex(8)
        try:
            pruefung.speichere_upload(datei.file, arbeit / name, konfiguration.upload_bytes)
            art = formularwerte(zahlen=zahlen)["zahlen"]
            return dienst.satz.fuehre_aus("pruefe_liste", konfiguration, pfad, arbeit / name,
                                          filter_aus_formular(filter), blatt, art, zeit=PRUEF_ZEIT)
        finally:
            shutil.rmtree(arbeit, ignore_errors=True)

    @r.post("/api/serienbriefe", tags=["Serienbriefe"], status_code=202,
              summary="Serienbrief-Lauf starten (Antwort 202 mit Lauf-ID)",
              responses={413: {"description": "Datei zu groß"},
                         422: {"description": "Datei nicht lesbar, zu viele Zeilen, Vorlage oder "
                                              "Option falsch"},
                         429: {"description": "Warteschlange voll"}})
    def api_serienbrief(
        request: Request,
        zugang: ApiZugang,
        datei: Annotated[UploadFile, File(description="Mitgliederliste: CSV, XLSX oder JSON")],
        vorlage: Annotated[str, Form(description="Name der Vorlage")],
        formate: Annotated[list[str], Form(description="pdf, docx oder pdf,docx")] = ["pdf", "docx"],  # noqa: B006
        filter: Annotated[list[str], Form(description="SPALTE=WERT, mehrfach möglich")] = [],  # noqa: B006
        blatt: Annotated[str | None, Form(description="Tabellenblatt einer XLSX-Datei")] = None,
        sammel: Annotated[bool, Form(description="zusätzlich Sammeldateien mit allen Briefen")] = True,
        duplex: Annotated[bool, Form(description="im Sammel-PDF beginnt jeder Brief vorn")] = False,
        pdf: Annotated[PdfArt, Form()] = "standard",
        wert: Annotated[list[str], Form(description="Wert beim Start NAME=WERT, mehrfach möglich")] = [],  # noqa: B006
        zahlen: Annotated[str | None, Form(description="„1.234“ lesen als punkt (1,234) oder deutsch "
                                                       "(1.234,00); Standard: nach der Spalte")] = None,
    ) -> JSONResponse:
        """Die Liste wird sofort gelesen und geprüft (Fehler: 413/422); die Briefe entstehen danach
        in einem Arbeitsprozess. Den Stand zeigt `GET /api/laeufe/{id}`."""
        eingaben = dict(formularwerte(werte=wert)["werte"])
        art = formularwerte(zahlen=zahlen)["zahlen"]
        werte = pruefe_werte(pruefung.vorlage_pfad(konfiguration, vorlage), konfiguration.vorlagen, eingaben,
                             art)
        lauf = neuer_lauf(dienst, zugang, datei, vorlage, filter_aus_formular(filter), blatt,
                           {**start_optionen(formate, sammel, duplex, pdf), "werte": werte, "zahlen": art},
                           entwurf=False)
        return JSONResponse(lauf_json(lauf), status_code=202, headers={"Location": f"/api/laeufe/{lauf.id}"})

    @r.get("/api/laeufe", tags=["Serienbriefe"], summary="Die letzten eigenen Läufe")
    def api_laeufe(zugang: ApiZugang) -> list[dict]:
        return [lauf_json(lauf) for lauf in dienst.speicher.laeufe(zugang.besitzer, 50)]

    @r.get("/api/laeufe/{lauf_id}", tags=["Serienbriefe"], summary="Stand eines Laufs")
    def api_lauf(request: Request, lauf_id: str, zugang: ApiZugang) -> dict:
        """Status (`entwurf`, `wartet`, `laeuft`, `fertig`, `fehlgeschlagen`, `abgebrochen`),
        Fortschritt (fertige Briefe von allen), Zähler und `zeilenfehler` (Zeile, Spalte, Meldung)."""
        return lauf_json(eigener_lauf(request, zugang, lauf_id))

    @r.delete("/api/laeufe/{lauf_id}", tags=["Serienbriefe"], summary="Lauf abbrechen und Dateien löschen")
    def api_lauf_loeschen(request: Request, lauf_id: str, zugang: ApiZugang) -> dict:
        eigener_lauf(request, zugang, lauf_id)
        dienst.speicher.markiere_loeschen(lauf_id)
        dienst.verteiler.wecke(aufraeumen=True)
        return lauf_json(dienst.speicher.lauf(lauf_id))

    def _datei_route(name: str, art: str, pfad: str, zusammenfassung: str) -> None:
        @r.get(f"/api/laeufe/{{lauf_id}}/{pfad}", tags=["Serienbriefe"], summary=zusammenfassung,
                 response_class=FileResponse, responses={200: {"content": {art: {}}}})
        def ergebnis(request: Request, lauf_id: str, zugang: ApiZugang) -> FileResponse:
            lauf = eigener_lauf(request, zugang, lauf_id)
            return FileResponse(ergebnisdatei(request, lauf, name), media_type=art, filename=name)

        ergebnis.__name__ = f"ergebnis_{pfad.replace('.', '_')}"

    _datei_route(ZIP, "application/zip", "ergebnis", "Alle Dateien des Laufs als ZIP")
    _datei_route(SAMMEL_PDF, "application/pdf", SAMMEL_PDF, "Alle Briefe in einem PDF (zum Drucken)")
    _datei_route(SAMMEL_DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 SAMMEL_DOCX, "Alle Briefe in einem DOCX")
    _datei_route(PROTOKOLL_JSON, "application/json", PROTOKOLL_JSON, "Protokoll (JSON)")
    _datei_route(PROTOKOLL_CSV, "text/csv", PROTOKOLL_CSV, "Protokoll (CSV für Excel)")

    @r.get("/api/laeufe/{lauf_id}/dateien/{name}", tags=["Serienbriefe"],
           summary="Ein einzelner Brief (PDF oder DOCX) eines fertigen Laufs",
           response_class=FileResponse,
           responses={200: {"content": {a: {} for a in verlauf.ARTEN.values()}},
                      404: {"description": "Keine Datei dieses Laufs (Name wie im Protokoll)"}})
    def datei_api(request: Request, lauf_id: str, name: str, zugang: ApiZugang) -> FileResponse:
        """`name` wie in `protokoll.json` unter `briefe[].dateien`, z. B. `0001-becker-martin.pdf`."""
        return verlauf.briefdatei(konfiguration, eigener_lauf(request, zugang, lauf_id), name)

    return r
