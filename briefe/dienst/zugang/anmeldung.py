"""Who calls: a logged-in user (session cookie) or another system (bearer token); the
dependencies the routes declare (``ApiZugang``, ``SeitenZugang``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from briefe.dienst.fehler import AnmeldungNoetig, DienstFehler
from briefe.dienst.zugang.sicherheit import passwort_kennung, pruefe_csrf, pruefe_token


@dataclass(frozen=True)
class Zugang:
    """Who calls: a logged-in user (``sitzung``) or a bearer token (``token``)."""

    name: str
    art: str

    @property
    def besitzer(self) -> str:
        return f"{'benutzer' if self.art == 'sitzung' else 'token'}:{self.name}"


def sitzungs_zugang(request: Request) -> Zugang | None:
    sitzung = request.session
    name = sitzung.get("benutzer")
    if not name:
        return None
    benutzer = request.app.state.dienst.konfiguration.finde_benutzer(name)
    if benutzer is None or sitzung.get("pw") != passwort_kennung(benutzer.passwort):
        sitzung.clear()
        return None
    sitzungen = request.app.state.dienst.sitzungen
    if not sitzungen.gueltig(sitzung.get("sid"), name, passwort_kennung(benutzer.passwort)):
        sitzung.clear()  # logged out, ended everywhere, password changed or expired
        return None
    return Zugang(name, "sitzung")


def _bearer_zugang(request: Request) -> Zugang | None:
    kopf = request.headers.get("authorization")
    if not kopf:
        return None
    art, _, token = kopf.partition(" ")
    tokens = request.app.state.dienst.konfiguration.tokens
    name = pruefe_token(token.strip(), tokens) if art.lower() == "bearer" else None
    if name is None:
        raise DienstFehler(401, "Das Token ist ungültig.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return Zugang(name, "token")


_bearer_schema = HTTPBearer(auto_error=False, description="Token aus der Konfiguration des Dienstes")


def api_zugang(request: Request, _: Annotated[object, Depends(_bearer_schema)] = None) -> Zugang:
    """Bearer token or logged-in session; session writes need the CSRF header."""
    zugang = _bearer_zugang(request) or sitzungs_zugang(request)
    if zugang is None:
        raise DienstFehler(401, "Anmeldung erforderlich: Bearer-Token oder Sitzung fehlt.",
                           headers={"WWW-Authenticate": "Bearer"})
    if zugang.art == "sitzung" and request.method not in ("GET", "HEAD") and not pruefe_csrf(
            request.session, request.headers.get("x-csrf-token")):
        raise DienstFehler(403, "CSRF-Token fehlt oder ist falsch (Kopfzeile X-CSRF-Token).")
    return zugang


def seiten_zugang(request: Request) -> Zugang:
    """A logged-in user (or a token, for the API documentation); otherwise to the login page."""
    zugang = sitzungs_zugang(request) or _bearer_zugang(request)
    if zugang is None:
        raise AnmeldungNoetig()
    return zugang


ApiZugang = Annotated[Zugang, Depends(api_zugang)]
SeitenZugang = Annotated[Zugang, Depends(seiten_zugang)]
