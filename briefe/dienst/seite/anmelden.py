"""Log in and out (one device or all), with CSRF check and a lock after failed attempts."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from briefe.dienst.seite.rahmen import seite
from briefe.dienst.zugang.anmeldung import SeitenZugang, sitzungs_zugang
from briefe.dienst.zugang.sicherheit import (
    passwort_kennung,
    pruefe_csrf,
    pruefe_ohne_benutzer,
    pruefe_passwort,
)

log = logging.getLogger("briefe.dienst")


def router(dienst) -> APIRouter:
    """``/anmelden``, ``/abmelden``, ``/abmelden-ueberall``."""
    konfiguration = dienst.konfiguration
    r = APIRouter()

    @r.get("/anmelden", include_in_schema=False, response_class=HTMLResponse)
    def anmelden_seite(request: Request, weiter: str = "/") -> HTMLResponse:
        if sitzungs_zugang(request):
            return RedirectResponse(_sicheres_ziel(weiter), status_code=303)
        return seite(request, "anmelden.html", weiter=_sicheres_ziel(weiter))

    @r.post("/anmelden", include_in_schema=False)
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

    @r.post("/abmelden", include_in_schema=False)
    def abmelden(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        if pruefe_csrf(request.session, csrf):
            dienst.sitzungen.beende(request.session.get("sid"))
            request.session.clear()
        return RedirectResponse("/anmelden", status_code=303)

    @r.post("/abmelden-ueberall", include_in_schema=False)
    def abmelden_ueberall(request: Request, zugang: SeitenZugang,
                          csrf: Annotated[str, Form()] = "") -> Response:
        """End every session of this user, on every device."""
        if pruefe_csrf(request.session, csrf) and zugang.art == "sitzung":
            anzahl = dienst.sitzungen.beende_alle(zugang.name)
            log.info("Alle Sitzungen eines Benutzers beendet (%d).", anzahl)
            request.session.clear()
        return RedirectResponse("/anmelden", status_code=303)

    return r


def _sicheres_ziel(weiter: str) -> str:
    """Only paths of this site (no ``//host`` or schemes) after the login."""
    if not weiter.startswith("/") or weiter.startswith("//") or "\\" in weiter:
        return "/"
    return weiter
