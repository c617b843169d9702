"""The ASGI application: the API under ``/api`` and the page for office staff under ``/``."""

from __future__ import annotations

import datetime as dt
import http
import logging
import os
import re
import secrets
import shutil
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from briefe import __version__
from briefe.dienst import (
    absenderangaben,
    datenquellen,
    http_texte,
    pruefung,
    verlauf,
    vorlagen_api,
    vorlagen_seite,
)
from briefe.dienst.arbeiter import lauf_ordner
from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.middleware import GroessenGrenze, Sicherheitskoepfe
from briefe.dienst.pruefung import EingabeFehler
from briefe.dienst.satzprozess import Satzprozesse
from briefe.dienst.sicherheit import (
    Fehlversuche,
    csrf_token,
    passwort_kennung,
    pruefe_csrf,
    pruefe_ohne_benutzer,
    pruefe_passwort,
    pruefe_token,
)
from briefe.dienst.sitzungen import Sitzungen
from briefe.dienst.speicher import (
    ENTWURF,
    FERTIG,
    LAEUFT,
    WARTET,
    Lauf,
    Speicher,
)
from briefe.dienst.versand_seite import versand_router
from briefe.dienst.verteiler import Verteiler
from briefe.fehler import BriefeFehler
from briefe.lauf.protokoll import PROTOKOLL_CSV, PROTOKOLL_JSON, SAMMEL_DOCX, SAMMEL_PDF, ZIP

log = logging.getLogger("briefe.dienst")
PRUEF_ZEIT = 120.0  # seconds to read and check an uploaded list (in a worker process)
PdfArt = Literal[pruefung.PDF_VARIANTEN]  # the keys of briefe.satz.pdf.weasy.VARIANTEN
HIER = Path(__file__).parent
LAUF_ID = re.compile(r"[0-9a-f]{16}")
STATUS_TEXT = {
    ENTWURF: "geprüft, noch nicht gestartet",
    WARTET: "wartet auf einen freien Arbeitsprozess",
    LAEUFT: "läuft",
    FERTIG: "fertig",
    "fehlgeschlagen": "fehlgeschlagen",
    "abgebrochen": "abgebrochen",
}
# Columns the address and salutation are made from (shown on the check page).
ANSCHRIFT_SPALTEN = frozenset({"anrede", "titel", "vorname", "nachname", "funktion", "organisation", "zusatz",
                               "strasse", "hausnummer", "postfach", "plz", "ort", "land"})
ANTWORT_TEXTE = {"Successful Response": "Erfolg", "Validation Error": "Eingabe ungültig (Einzelheiten in "
                                                                      "`detail` und `felder`)"}
HTTP_TEXTE = {
    400: "Ungültige Anfrage.", 401: "Anmeldung erforderlich.", 403: "Keine Berechtigung.",
    404: "Nicht gefunden.", 405: "Diese Methode ist hier nicht erlaubt.", 409: "Konflikt.",
    410: "Nicht mehr vorhanden.", 413: "Die Anfrage ist zu groß.", 422: "Ungültige Eingabe.",
    429: "Zu viele Anfragen.", 500: "Interner Fehler.", 503: "Dienst nicht verfügbar.",
}


class DienstFehler(Exception):
    """An HTTP error with a German message; ``extra`` goes into the JSON body."""

    def __init__(self, status: int, meldung: str, headers: dict | None = None, **extra) -> None:
        super().__init__(meldung)
        self.status = status
        self.meldung = meldung
        self.headers = headers
        self.extra = extra


class AnmeldungNoetig(Exception):
    """A page needs a login: redirect there."""


@dataclass(frozen=True)
class Zugang:
    """Who calls: a logged-in user (``sitzung``) or a bearer token (``token``)."""

    name: str
    art: str

    @property
    def besitzer(self) -> str:
        return f"{'benutzer' if self.art == 'sitzung' else 'token'}:{self.name}"


class Dienst:
    """Shared state of one application."""

    def __init__(self, konfiguration: Konfiguration) -> None:
        self.konfiguration = konfiguration
        konfiguration.daten.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.speicher = Speicher(konfiguration.datenbank)
        self.verteiler = Verteiler(konfiguration, self.speicher)
        self.fehlversuche = Fehlversuche()
        self.geheimnis = konfiguration.geheimnis or _geheimnis_aus_datei(konfiguration.daten / "geheimnis")
        self.sitzungen = Sitzungen(konfiguration.datenbank, konfiguration.sitzung)
        self.satz = Satzprozesse(konfiguration.satz_prozesse, konfiguration.satz_sekunden,
                                 konfiguration.satz_speicher_mb * 1024 * 1024)


def _geheimnis_aus_datei(pfad: Path) -> str:
    """The session key, made once and kept (mode 0600) so logins survive a restart."""
    if not pfad.is_file():
        griff = os.open(pfad, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(griff, "w") as datei:
            datei.write(secrets.token_urlsafe(48))
    return pfad.read_text().strip()


# --- helpers ---------------------------------------------------------------------------


def _dienst(request: Request) -> Dienst:
    return request.app.state.dienst


def _ist_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _zeit(zeitpunkt: float | None) -> str | None:
    if zeitpunkt is None:
        return None
    return dt.datetime.fromtimestamp(zeitpunkt).astimezone().isoformat(timespec="seconds")


def _zeit_lesbar(zeitpunkt: float | None) -> str:
    if zeitpunkt is None:
        return "–"
    return dt.datetime.fromtimestamp(zeitpunkt).strftime("%d.%m.%Y, %H:%M Uhr")


def _sitzungs_zugang(request: Request) -> Zugang | None:
    sitzung = request.session
    name = sitzung.get("benutzer")
    if not name:
        return None
    benutzer = _dienst(request).konfiguration.finde_benutzer(name)
    if benutzer is None or sitzung.get("pw") != passwort_kennung(benutzer.passwort):
        sitzung.clear()
        return None
    if not _dienst(request).sitzungen.gueltig(sitzung.get("sid"), name, passwort_kennung(benutzer.passwort)):
        sitzung.clear()  # logged out, ended everywhere, password changed or expired
        return None
    return Zugang(name, "sitzung")


def _bearer_zugang(request: Request) -> Zugang | None:
    kopf = request.headers.get("authorization")
    if not kopf:
        return None
    art, _, token = kopf.partition(" ")
    tokens = _dienst(request).konfiguration.tokens
    name = pruefe_token(token.strip(), tokens) if art.lower() == "bearer" else None
    if name is None:
        raise DienstFehler(401, "Das Token ist ungültig.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return Zugang(name, "token")


_bearer_schema = HTTPBearer(auto_error=False, description="Token aus der Konfiguration des Dienstes")


def api_zugang(request: Request, _: Annotated[object, Depends(_bearer_schema)] = None) -> Zugang:
    """Bearer token or logged-in session; session writes need the CSRF header."""
    zugang = _bearer_zugang(request) or _sitzungs_zugang(request)
    if zugang is None:
        raise DienstFehler(401, "Anmeldung erforderlich: Bearer-Token oder Sitzung fehlt.",
                           headers={"WWW-Authenticate": "Bearer"})
    if zugang.art == "sitzung" and request.method not in ("GET", "HEAD") and not pruefe_csrf(
            request.session, request.headers.get("x-csrf-token")):
        raise DienstFehler(403, "CSRF-Token fehlt oder ist falsch (Kopfzeile X-CSRF-Token).")
    return zugang


def seiten_zugang(request: Request) -> Zugang:
    """A logged-in user (or a token, for the API documentation); otherwise to the login page."""
    zugang = _sitzungs_zugang(request) or _bearer_zugang(request)
    if zugang is None:
        raise AnmeldungNoetig()
    return zugang


ApiZugang = Annotated[Zugang, Depends(api_zugang)]
SeitenZugang = Annotated[Zugang, Depends(seiten_zugang)]


def _eigener_lauf(request: Request, zugang: Zugang, lauf_id: str) -> Lauf:
    lauf = _dienst(request).speicher.lauf(lauf_id) if LAUF_ID.fullmatch(lauf_id) else None
    if lauf is None or lauf.besitzer != zugang.besitzer:
        raise DienstFehler(404, "Diesen Lauf gibt es nicht.")
    return lauf


def _ergebnisdatei(request: Request, lauf: Lauf, name: str) -> Path:
    if lauf.geloescht:
        raise DienstFehler(410, "Die Dateien dieses Laufs wurden gelöscht (Aufbewahrungsfrist abgelaufen "
                                "oder vom Benutzer gelöscht).")
    if lauf.status != FERTIG:
        text = STATUS_TEXT.get(lauf.status, lauf.status)
        raise DienstFehler(409, f"Der Lauf ist nicht fertig (Status: {text}).")
    pfad = lauf_ordner(_dienst(request).konfiguration.daten, lauf.id) / "ausgabe" / name
    if not pfad.is_file():
        raise DienstFehler(404, f"Diesen Lauf gibt es ohne {name} (Option oder Format nicht gewählt).")
    return pfad


def _links(lauf: Lauf) -> dict:
    basis = f"/api/laeufe/{lauf.id}"
    links = {"status": basis, "seite": f"/laeufe/{lauf.id}"}
    if lauf.status == FERTIG and not lauf.geloescht:
        links.update(ergebnis=f"{basis}/ergebnis", protokoll_json=f"{basis}/protokoll.json",
                     protokoll_csv=f"{basis}/protokoll.csv")
        if SAMMEL_PDF in lauf.sammeldateien:
            links["serienbrief_pdf"] = f"{basis}/serienbrief.pdf"
        if SAMMEL_DOCX in lauf.sammeldateien:
            links["serienbrief_docx"] = f"{basis}/serienbrief.docx"
    return links


def lauf_json(lauf: Lauf) -> dict:
    o = lauf.optionen
    return {
        "id": lauf.id,
        "status": lauf.status,
        "status_text": STATUS_TEXT.get(lauf.status, lauf.status),
        "vorlage": lauf.vorlage,
        "datei": lauf.datei,
        "erstellt": _zeit(lauf.erstellt),
        "begonnen": _zeit(lauf.begonnen),
        "beendet": _zeit(lauf.beendet),
        "fortschritt": {"fertig": lauf.fertig, "gesamt": lauf.gesamt},
        "ok": lauf.ok,
        "fehler": lauf.fehler,
        "zeilenfehler": lauf.zeilenfehler,
        "meldung": lauf.meldung,
        "fortgesetzt": lauf.fortgesetzt,
        "geloescht": bool(lauf.geloescht),
        "optionen": {k: o.get(k) for k in ("formate", "filter", "blatt", "sammel", "duplex", "pdf")},
        "pruefung": lauf.pruefung,
        "schritt": verlauf.schritt_json(lauf.schritt),
        "links": _links(lauf),
    }


# --- runs ------------------------------------------------------------------------------


def _warteschlange_voll(konfiguration: Konfiguration) -> DienstFehler:
    return DienstFehler(
        429, f"Die Warteschlange ist voll (höchstens {konfiguration.warteschlange} wartende Läufe). "
             "Bitte in einigen Minuten erneut versuchen.", headers={"Retry-After": "60"})


def _neuer_lauf(dienst: Dienst, zugang: Zugang, upload: UploadFile | None, vorlage: str,
                filter: list[list[str]], blatt: str | None, optionen: dict, entwurf: bool,
                datenquelle: str | None = None) -> Lauf:
    """Store and check an upload (or a configured data source's rows); a draft (page) or a
    queued run (API)."""
    k = dienst.konfiguration
    if not entwurf and dienst.speicher.zaehle(WARTET) >= k.warteschlange:
        raise _warteschlange_voll(k)
    pfad = pruefung.vorlage_pfad(k, vorlage)
    quelle = None
    if datenquelle:
        try:
            quelle = datenquellen.waehle(k.datenquellen, zugang.name, datenquelle)
        except BriefeFehler as fehler:
            raise EingabeFehler(fehler.meldung) from None
        name, anzeige = pruefung.sicherer_name(f"{quelle.name}.json"), datenquellen.anzeige(quelle)
    elif upload is None or not upload.filename:
        raise EingabeFehler("Bitte eine Mitgliederliste (CSV, XLSX oder JSON) auswählen.")
    else:
        name = pruefung.sicherer_name(upload.filename)
        anzeige = pruefung.bereinige_anzeige(Path(upload.filename.replace("\\", "/")).name)[:200]
    lauf_id = secrets.token_hex(8)
    ordner = lauf_ordner(k.daten, lauf_id)
    try:
        if quelle is not None:
            try:
                datenquellen.schreibe_abzug(quelle, ordner / "eingabe" / name, k.max_zeilen)
            except BriefeFehler as fehler:
                raise EingabeFehler(str(fehler)) from None
        else:
            pruefung.speichere_upload(upload.file, ordner / "eingabe" / name, k.upload_bytes)
        # in a worker: checking renders sample letters (semi-trusted templates)
        ergebnis = dienst.satz.fuehre_aus("pruefe_liste", k, pfad, ordner / "eingabe" / name, filter, blatt,
                                          zeit=PRUEF_ZEIT)
        lauf = Lauf(
            id=lauf_id, besitzer=zugang.besitzer, status=ENTWURF if entwurf else WARTET,
            erstellt=time.time(), vorlage=vorlage, datei=anzeige, eingabe=name, pruefung=ergebnis,
            gesamt=ergebnis["ausgewaehlt"],
            optionen={**optionen, **absenderangaben.als_option(k, zugang), "filter": filter,
                      "blatt": blatt or None, "vorlage_pfad": str(pfad),
                      "vorlagen_ordner": str(k.vorlagen)},
        )
        if not dienst.speicher.lege_an(lauf, None if entwurf else k.warteschlange):
            raise _warteschlange_voll(k)
    except BaseException:
        shutil.rmtree(ordner, ignore_errors=True)
        raise
    if not entwurf:
        dienst.verteiler.wecke()
        log.info("Lauf %s angenommen (%s, %d Empfänger).", lauf_id, vorlage, lauf.gesamt)
    return lauf


def _start_optionen(formate: list[str], sammel: bool, duplex: bool, pdf: str) -> dict:
    if pdf not in pruefung.PDF_VARIANTEN:
        raise EingabeFehler(f"Unbekannte PDF-Art „{pdf}“; erlaubt: {', '.join(pruefung.PDF_VARIANTEN)}.")
    return {"formate": pruefung.formate_aus_text(formate), "sammel": sammel, "duplex": duplex, "pdf": pdf}


# --- API models ------------------------------------------------------------------------


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


# --- the application ----------------------------------------------------------------------


def erstelle_app(konfiguration: Konfiguration) -> FastAPI:
    """Build the service for one configuration (the worker thread starts with the app)."""
    dienst = Dienst(konfiguration)
    os.environ["BRIEFE_VORLAGEN"] = str(konfiguration.vorlagen)

    @asynccontextmanager
    async def lebensdauer(app: FastAPI):
        dienst.verteiler.starte()
        dienst.satz.starte()
        yield
        dienst.satz.stoppe()
        dienst.verteiler.stoppe()

    app = FastAPI(
        title="briefe – Serienbrief-Dienst",
        version=__version__,
        description="Geschäftsbriefe nach DIN 5008 aus Vorlagen und Mitgliederlisten, als PDF und DOCX. "
                    "Jeder Aufruf außer /api/gesundheit braucht ein Bearer-Token "
                    "(Kopfzeile `Authorization: Bearer …`) oder eine angemeldete Sitzung.",
        docs_url=None, redoc_url=None, openapi_url=None, lifespan=lebensdauer,
    )
    app.state.dienst = dienst
    seiten = Jinja2Templates(directory=str(HIER / "seiten"))
    seiten.env.globals["zeit"] = _zeit_lesbar
    seiten.env.globals["status_text"] = STATUS_TEXT
    seiten.env.globals["anschrift_spalten"] = ANSCHRIFT_SPALTEN
    seiten.env.filters["code"] = _code

    app.add_middleware(SessionMiddleware, secret_key=dienst.geheimnis, session_cookie="briefe_sitzung",
                       max_age=konfiguration.sitzung, same_site="lax",
                       https_only=konfiguration.sichere_cookies)
    app.add_middleware(GroessenGrenze, grenze=konfiguration.upload_bytes + 256 * 1024,
                       upload_bytes=konfiguration.upload_bytes)
    app.add_middleware(Sicherheitskoepfe)
    app.mount("/statisch", StaticFiles(directory=str(HIER / "statisch")), name="statisch")
    app.include_router(versand_router(seiten_zugang, _eigener_lauf))

    def seite(request: Request, name: str, status: int = 200, **kontext) -> HTMLResponse:
        zugang = _sitzungs_zugang(request)
        kontext.setdefault("hinweis", request.session.pop("hinweis", None))
        return seiten.TemplateResponse(request, name, {
            "benutzer": zugang.name if zugang else None, "csrf": csrf_token(request.session),
            "darf_vorlagen": bool(zugang and konfiguration.hat_rolle(zugang.art, zugang.name,
                                                                     vorlagen_api.ROLLE)),
            "aufbewahrung_text": _dauer(konfiguration.aufbewahrung), **kontext}, status_code=status)

    app.include_router(vorlagen_api.router(api_zugang))
    app.include_router(vorlagen_seite.router(seiten_zugang, seite))
    app.include_router(absenderangaben.router(seiten_zugang, api_zugang, seite))

    # --- error handlers ---

    def _fehlerantwort(request: Request, status: int, meldung: str, headers: dict | None = None,
                       **extra) -> Response:
        if _ist_api(request) or request.url.path.startswith("/laeufe/") and request.url.path.endswith(
                (".png", ".pdf")):
            return JSONResponse({"detail": meldung, **extra}, status_code=status, headers=headers)
        return seite(request, "fehler.html", status=status, status_code=status, meldung=meldung)

    @app.exception_handler(DienstFehler)
    async def _dienst_fehler(request: Request, fehler: DienstFehler):
        return _fehlerantwort(request, fehler.status, fehler.meldung, fehler.headers, **fehler.extra)

    @app.exception_handler(EingabeFehler)
    async def _eingabe_fehler(request: Request, fehler: EingabeFehler):
        extra = {"probleme": fehler.probleme} if fehler.probleme else {}
        return _fehlerantwort(request, fehler.status, str(fehler), **extra)

    @app.exception_handler(pruefung.SatzFehler)
    async def _satz_fehler(request: Request, fehler: pruefung.SatzFehler):
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

    # --- API ---

    @app.get("/api/gesundheit", tags=["Dienst"], summary="Gesundheit (ohne Anmeldung)")
    def gesundheit(request: Request) -> JSONResponse:
        """Ob der Dienst und seine Datenbank antworten; für Überwachung und Lastverteiler."""
        gesund = dienst.speicher.gesund()
        inhalt = {"status": "ok" if gesund else "fehler", "version": __version__}
        return JSONResponse(inhalt, status_code=200 if gesund else 503)

    @app.get("/api/vorlagen", tags=["Vorlagen"], summary="Vorlagen mit Variablen und Absender")
    def api_vorlagen(zugang: ApiZugang) -> list[dict]:
        """Alle Vorlagen des Vorlagenordners. `spalten` sind die Spalten, die eine Mitgliederliste
        für diese Vorlage braucht; eine fehlerhafte Vorlage erscheint mit `fehler`."""
        return pruefung.vorlagen(konfiguration)

    @app.post("/api/briefe", tags=["Briefe"], summary="Ein Brief als PDF oder DOCX",
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

    @app.post("/api/pruefen", tags=["Serienbriefe"], summary="Mitgliederliste prüfen, nichts erstellen")
    def api_pruefen(
        zugang: ApiZugang,
        datei: Annotated[UploadFile, File(description="Mitgliederliste: CSV, XLSX oder JSON")],
        vorlage: Annotated[str, Form(description="Name der Vorlage")],
        filter: Annotated[list[str], Form(description="SPALTE=WERT, mehrfach möglich")] = [],  # noqa: B006
        blatt: Annotated[str | None, Form(description="Tabellenblatt einer XLSX-Datei")] = None,
    ) -> dict:
        """Liest die Liste wie ein Lauf und meldet erkannte Spalten und jedes Zeilenproblem
        (Zeile wie in Excel, Spalte, Meldung)."""
        pfad = pruefung.vorlage_pfad(konfiguration, vorlage)
        name = pruefung.sicherer_name(datei.filename)
        arbeit = konfiguration.daten / "tmp" / secrets.token_hex(8)
        try:
            pruefung.speichere_upload(datei.file, arbeit / name, konfiguration.upload_bytes)
            return dienst.satz.fuehre_aus("pruefe_liste", konfiguration, pfad, arbeit / name,
                                          pruefung.filter_aus_text(filter), blatt, zeit=PRUEF_ZEIT)
        finally:
            shutil.rmtree(arbeit, ignore_errors=True)

    @app.post("/api/serienbriefe", tags=["Serienbriefe"], status_code=202,
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
    ) -> JSONResponse:
        """Die Liste wird sofort gelesen und geprüft (Fehler: 413/422); die Briefe entstehen danach
        in einem Arbeitsprozess. Den Stand zeigt `GET /api/laeufe/{id}`."""
        werte = vorlagen_seite.pruefe_werte(pruefung.vorlage_pfad(konfiguration, vorlage),
                                            konfiguration.vorlagen, dict(w.partition("=")[::2] for w in wert))
        lauf = _neuer_lauf(dienst, zugang, datei, vorlage, pruefung.filter_aus_text(filter), blatt,
                           {**_start_optionen(formate, sammel, duplex, pdf), "werte": werte}, entwurf=False)
        return JSONResponse(lauf_json(lauf), status_code=202, headers={"Location": f"/api/laeufe/{lauf.id}"})

    @app.get("/api/laeufe", tags=["Serienbriefe"], summary="Die letzten eigenen Läufe")
    def api_laeufe(zugang: ApiZugang) -> list[dict]:
        return [lauf_json(lauf) for lauf in dienst.speicher.laeufe(zugang.besitzer, 50)]

    @app.get("/api/laeufe/{lauf_id}", tags=["Serienbriefe"], summary="Stand eines Laufs")
    def api_lauf(request: Request, lauf_id: str, zugang: ApiZugang) -> dict:
        """Status (`entwurf`, `wartet`, `laeuft`, `fertig`, `fehlgeschlagen`, `abgebrochen`),
        Fortschritt (fertige Briefe von allen), Zähler und `zeilenfehler` (Zeile, Spalte, Meldung)."""
        return lauf_json(_eigener_lauf(request, zugang, lauf_id))

    @app.delete("/api/laeufe/{lauf_id}", tags=["Serienbriefe"], summary="Lauf abbrechen und Dateien löschen")
    def api_lauf_loeschen(request: Request, lauf_id: str, zugang: ApiZugang) -> dict:
        _eigener_lauf(request, zugang, lauf_id)
        dienst.speicher.markiere_loeschen(lauf_id)
        dienst.verteiler.wecke(aufraeumen=True)
        return lauf_json(dienst.speicher.lauf(lauf_id))

    def _datei_route(name: str, art: str, pfad: str, zusammenfassung: str) -> None:
        @app.get(f"/api/laeufe/{{lauf_id}}/{pfad}", tags=["Serienbriefe"], summary=zusammenfassung,
                 response_class=FileResponse, responses={200: {"content": {art: {}}}})
        def ergebnis(request: Request, lauf_id: str, zugang: ApiZugang) -> FileResponse:
            lauf = _eigener_lauf(request, zugang, lauf_id)
            return FileResponse(_ergebnisdatei(request, lauf, name), media_type=art, filename=name)

        ergebnis.__name__ = f"ergebnis_{pfad.replace('.', '_')}"

    _datei_route(ZIP, "application/zip", "ergebnis", "Alle Dateien des Laufs als ZIP")
    _datei_route(SAMMEL_PDF, "application/pdf", SAMMEL_PDF, "Alle Briefe in einem PDF (zum Drucken)")
    _datei_route(SAMMEL_DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 SAMMEL_DOCX, "Alle Briefe in einem DOCX")
    _datei_route(PROTOKOLL_JSON, "application/json", PROTOKOLL_JSON, "Protokoll (JSON)")
    _datei_route(PROTOKOLL_CSV, "text/csv", PROTOKOLL_CSV, "Protokoll (CSV für Excel)")

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(zugang: SeitenZugang) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_doku(request: Request, zugang: SeitenZugang) -> HTMLResponse:
        return seite(request, "api.html", schema=app.openapi(), wege=_wege(app.openapi()))

    # --- the page ---

    @app.get("/anmelden", include_in_schema=False, response_class=HTMLResponse)
    def anmelden_seite(request: Request, weiter: str = "/") -> HTMLResponse:
        if _sitzungs_zugang(request):
            return RedirectResponse(_sicheres_ziel(weiter), status_code=303)
        return seite(request, "anmelden.html", weiter=_sicheres_ziel(weiter))

    @app.post("/anmelden", include_in_schema=False)
    def anmelden(request: Request, benutzer: Annotated[str, Form()] = "",
                 passwort: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
                 weiter: Annotated[str, Form()] = "/") -> Response:
        ziel = _sicheres_ziel(weiter)
        if not pruefe_csrf(request.session, csrf):
            return seite(request, "anmelden.html", status=403, weiter=ziel, benutzername=benutzer,
                         fehler="Das Formular ist abgelaufen. Bitte noch einmal anmelden.")
        adresse = request.client.host if request.client else "?"
        # Per address and name: behind a proxy all clients share one address.
        schluessel = f"{adresse}|{benutzer.strip().casefold()}"
        if dienst.fehlversuche.gesperrt(schluessel):
            return seite(request, "anmelden.html", status=429, weiter=ziel, benutzername=benutzer,
                         fehler="Zu viele Fehlversuche. Bitte in einigen Minuten erneut versuchen.")
        eintrag = konfiguration.finde_benutzer(benutzer.strip())
        richtig = (pruefe_passwort(passwort, eintrag.passwort) if eintrag
                   else pruefe_ohne_benutzer(passwort))
        if not richtig:
            dienst.fehlversuche.merke(schluessel)
            log.warning("Anmeldung fehlgeschlagen (Adresse %s).", adresse)
            return seite(request, "anmelden.html", status=401, weiter=ziel, benutzername=benutzer,
                         fehler="Benutzername oder Passwort ist falsch.")
        dienst.fehlversuche.vergiss(schluessel)
        request.session.clear()
        request.session.update(benutzer=eintrag.name, pw=passwort_kennung(eintrag.passwort),
                               csrf=secrets.token_urlsafe(24))
        request.session["sid"] = dienst.sitzungen.neu(eintrag.name, passwort_kennung(eintrag.passwort))
        return RedirectResponse(ziel, status_code=303)

    @app.post("/abmelden", include_in_schema=False)
    def abmelden(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        if pruefe_csrf(request.session, csrf):
            dienst.sitzungen.beende(request.session.get("sid"))
            request.session.clear()
        return RedirectResponse("/anmelden", status_code=303)

    @app.post("/abmelden-ueberall", include_in_schema=False)
    def abmelden_ueberall(request: Request, zugang: SeitenZugang,
                          csrf: Annotated[str, Form()] = "") -> Response:
        """End every session of this user, on every device."""
        if pruefe_csrf(request.session, csrf) and zugang.art == "sitzung":
            anzahl = dienst.sitzungen.beende_alle(zugang.name)
            log.info("Alle Sitzungen eines Benutzers beendet (%d).", anzahl)
            request.session.clear()
        return RedirectResponse("/anmelden", status_code=303)

    def _pruefe_formular(request: Request, csrf: str) -> None:
        if not pruefe_csrf(request.session, csrf):
            raise DienstFehler(403, "Das Formular ist abgelaufen oder ungültig. Bitte die Seite neu laden.")

    def _startseite(request: Request, zugang: Zugang, status: int = 200, **kontext) -> HTMLResponse:
        return seite(request, "start.html", status=status, vorlagen=pruefung.vorlagen(konfiguration),
                     datenquellen=datenquellen.erlaubte(konfiguration.datenquellen, zugang.name),
                     laeufe=dienst.speicher.laeufe(zugang.besitzer, 10),
                     upload_text=pruefung.groesse_text(konfiguration.upload_bytes), **kontext)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def startseite(request: Request, zugang: SeitenZugang) -> HTMLResponse:
        return _startseite(request, zugang)

    @app.post("/pruefen", include_in_schema=False)
    def seite_pruefen(
        request: Request, zugang: SeitenZugang,
        datei: Annotated[UploadFile | None, File()] = None,
        vorlage: Annotated[str, Form()] = "", filter: Annotated[str, Form()] = "",
        blatt: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
        datenquelle: Annotated[str, Form()] = "",
    ) -> Response:
        _pruefe_formular(request, csrf)
        try:
            lauf = _neuer_lauf(dienst, zugang, datei, vorlage, pruefung.filter_aus_text([filter]),
                               blatt.strip() or None, {}, entwurf=True, datenquelle=datenquelle or None)
        except EingabeFehler as fehler:
            return _startseite(request, zugang, status=fehler.status, fehler=str(fehler),
                               gewaehlt=vorlage, filter=filter, blatt=blatt, datenquelle=datenquelle)
        return RedirectResponse(f"/laeufe/{lauf.id}", status_code=303)

    @app.get("/laeufe/{lauf_id}", include_in_schema=False, response_class=HTMLResponse)
    def lauf_seite(request: Request, lauf_id: str, zugang: SeitenZugang) -> HTMLResponse:
        lauf = _eigener_lauf(request, zugang, lauf_id)
        return seite(request, "lauf.html", lauf=lauf, links=_links(lauf),
                     vorschau_als_bild=bool(shutil.which("pdftoppm")),
                     startwerte=vorlagen_seite.startwerte_fuer(lauf, konfiguration))

    @app.post("/laeufe/{lauf_id}/starten", include_in_schema=False)
    def lauf_starten(
        request: Request, lauf_id: str, zugang: SeitenZugang,
        formate: Annotated[list[str], Form()] = [],  # noqa: B006
        sammel: Annotated[bool, Form()] = False, duplex: Annotated[bool, Form()] = False,
        pdf: Annotated[str, Form()] = "standard", csrf: Annotated[str, Form()] = "",
        wert_name: Annotated[list[str], Form()] = [], wert: Annotated[list[str], Form()] = [],  # noqa: B006
    ) -> Response:
        _pruefe_formular(request, csrf)
        lauf = _eigener_lauf(request, zugang, lauf_id)
        try:
            optionen = {**lauf.optionen, **_start_optionen(formate, sammel, duplex, pdf),
                        **absenderangaben.als_option(konfiguration, zugang),
                        "werte": vorlagen_seite.werte_fuer(lauf, konfiguration, wert_name, wert)}
        except EingabeFehler as fehler:
            return seite(request, "lauf.html", status=422, lauf=lauf, links=_links(lauf), fehler=str(fehler),
                         vorschau_als_bild=bool(shutil.which("pdftoppm")),
                         eingaben=dict(zip(wert_name, wert, strict=False)),
                         startwerte=vorlagen_seite.startwerte_fuer(lauf, konfiguration))
        ergebnis = dienst.speicher.einreihen(lauf_id, optionen, konfiguration.warteschlange)
        if ergebnis is False:
            return seite(request, "lauf.html", status=429, lauf=lauf, links=_links(lauf),
                         fehler=_warteschlange_voll(konfiguration).meldung,
                         vorschau_als_bild=bool(shutil.which("pdftoppm")))
        if ergebnis:
            dienst.verteiler.wecke()
            log.info("Lauf %s gestartet (Seite).", lauf_id)
        return RedirectResponse(f"/laeufe/{lauf_id}", status_code=303)

    @app.post("/laeufe/{lauf_id}/loeschen", include_in_schema=False)
    def lauf_loeschen(request: Request, lauf_id: str, zugang: SeitenZugang,
                      csrf: Annotated[str, Form()] = "") -> Response:
        _pruefe_formular(request, csrf)
        lauf = _eigener_lauf(request, zugang, lauf_id)
        dienst.speicher.markiere_loeschen(lauf_id)
        dienst.verteiler.wecke(aufraeumen=True)
        request.session["hinweis"] = (f"Der Lauf „{lauf.datei}“ wurde "
                                      f"{'abgebrochen und ' if lauf.aktiv else ''}gelöscht.")
        return RedirectResponse("/", status_code=303)

    def _vorschau_lauf(request: Request, zugang: Zugang, lauf_id: str) -> tuple[Lauf, Path]:
        lauf = _eigener_lauf(request, zugang, lauf_id)
        if lauf.geloescht:
            raise DienstFehler(410, "Die Dateien dieses Laufs wurden gelöscht.")
        return lauf, lauf_ordner(konfiguration.daten, lauf.id)

    @app.get("/laeufe/{lauf_id}/vorschau.pdf", include_in_schema=False)
    def vorschau_pdf(request: Request, lauf_id: str, zugang: SeitenZugang) -> Response:
        lauf, ordner = _vorschau_lauf(request, zugang, lauf_id)
        return Response(dienst.satz.fuehre_aus("vorschau_pdf", konfiguration, ordner, lauf),
                        media_type="application/pdf",
                        headers={"Content-Disposition": 'inline; filename="vorschau.pdf"'})

    @app.get("/laeufe/{lauf_id}/vorschau.png", include_in_schema=False)
    def vorschau_png(request: Request, lauf_id: str, zugang: SeitenZugang) -> Response:
        lauf, ordner = _vorschau_lauf(request, zugang, lauf_id)
        daten = dienst.satz.fuehre_aus("vorschau_png", konfiguration, ordner, lauf)
        if daten is None:
            raise DienstFehler(404, "Für die Bildvorschau fehlt pdftoppm (Paket poppler-utils).")
        return Response(daten, media_type="image/png")

    verlauf.richte_ein(app, seiten.env, seite=seite, seiten_zugang=seiten_zugang, api_zugang=api_zugang,
                       eigener_lauf=_eigener_lauf, fehler=DienstFehler, konfiguration=konfiguration,
                       speicher=dienst.speicher)
    return app


def _code(text: str) -> Markup:
    """Escape a documentation text and show `backticks` as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _dauer(sekunden: float) -> str:
    if sekunden >= 2 * 86400 and sekunden % 86400 == 0:
        return f"{sekunden / 86400:g} Tagen"
    if sekunden >= 3600:
        return f"{sekunden / 3600:g} Stunden".replace(".", ",").replace("1 Stunden", "1 Stunde")
    return f"{max(sekunden / 60, 1):g} Minuten".replace(".", ",")


def _sicheres_ziel(weiter: str) -> str:
    """Only paths of this site (no ``//host`` or schemes) after the login."""
    if not weiter.startswith("/") or weiter.startswith("//") or "\\" in weiter:
        return "/"
    return weiter


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


def _wege(schema: dict) -> list[dict]:
    """Endpoints of the OpenAPI schema for the documentation page."""
    wege = []
    for pfad, methoden in schema.get("paths", {}).items():
        for methode, angabe in methoden.items():
            felder = []
            inhalt = angabe.get("requestBody", {}).get("content", {})
            for art, teil in inhalt.items():
                referenz = teil.get("schema", {}).get("$ref", "")
                ziel = schema.get("components", {}).get("schemas", {}).get(referenz.rsplit("/", 1)[-1], {})
                for name, eigenschaft in ziel.get("properties", {}).items():
                    felder.append({"name": name, "art": art,
                                   "beschreibung": eigenschaft.get("description", ""),
                                   "pflicht": name in ziel.get("required", []),
                                   "standard": eigenschaft.get("default")})
            wege.append({
                "methode": methode.upper(), "pfad": pfad, "titel": angabe.get("summary", ""),
                "beschreibung": angabe.get("description", ""), "felder": felder,
                "antworten": {code: ANTWORT_TEXTE.get(a.get("description", ""), a.get("description", ""))
                              for code, a in angabe.get("responses", {}).items()},
                "gruppe": (angabe.get("tags") or [""])[0],
            })
    return wege
