"""ASGI middleware: a request size limit (before any parsing) and security headers."""

from __future__ import annotations

import json

from briefe.dienst.fehler import groesse_text

LEEREN_BIS = 64 * 1024 * 1024  # read (and drop) a too large body up to this, for a clean answer


class _ZuGross(Exception):
    pass


class GroessenGrenze:
    """Answer 413 (German) when a request body exceeds ``grenze`` bytes, counted while it arrives."""

    def __init__(self, app, grenze: int, upload_bytes: int) -> None:
        self.app = app
        self.grenze = grenze
        self.upload_bytes = upload_bytes

    async def _antwort(self, scope, send) -> None:
        meldung = f"Die Datei ist zu groß: erlaubt sind höchstens {groesse_text(self.upload_bytes)}."
        if scope["path"].startswith("/api/"):
            inhalt = json.dumps({"detail": meldung}, ensure_ascii=False).encode("utf-8")
            art = b"application/json"
        else:
            inhalt = (f'<!doctype html><html lang="de"><meta charset="utf-8"><title>Datei zu groß</title>'
                      f'<link rel="stylesheet" href="/statisch/stil.css"><main id="inhalt">'
                      f'<h1>Datei zu groß</h1><p role="alert">{meldung}</p>'
                      f'<p><a href="/">Zurück zur Startseite</a></p></main></html>').encode()
            art = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", art), (b"content-length", str(len(inhalt)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": inhalt})

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        laenge = dict(scope["headers"]).get(b"content-length", b"")
        if laenge.isdigit() and int(laenge) > self.grenze:
            if int(laenge) <= LEEREN_BIS:
                mehr = True
                while mehr:
                    nachricht = await receive()
                    mehr = nachricht.get("more_body", False) and nachricht["type"] == "http.request"
            await self._antwort(scope, send)
            return
        gelesen = 0
        ueberschritten = False
        begonnen = False

        async def empfange():
            nonlocal gelesen, ueberschritten
            nachricht = await receive()
            if nachricht["type"] == "http.request":
                gelesen += len(nachricht.get("body", b""))
                if gelesen > self.grenze:
                    ueberschritten = True
                    raise _ZuGross()
            return nachricht

        async def sende(nachricht):
            nonlocal begonnen
            if ueberschritten:
                return  # the application's own answer to the broken body is replaced
            if nachricht["type"] == "http.response.start":
                begonnen = True
            await send(nachricht)

        try:
            await self.app(scope, empfange, sende)
        except Exception:
            if not ueberschritten:
                raise
        if ueberschritten and not begonnen:
            await self._antwort(scope, send)


SICHERHEIT = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"frame-src 'self'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


class Sicherheitskoepfe:
    """Security headers on every answer; personal data is never cached (except static files)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        statisch = scope["path"].startswith("/statisch/")

        async def sende(nachricht):
            if nachricht["type"] == "http.response.start":
                koepfe = [k for k in nachricht.get("headers", []) if k[0].lower() != b"cache-control"
                          or statisch]
                koepfe += SICHERHEIT
                if not statisch:
                    koepfe.append((b"cache-control", b"no-store"))
                nachricht = {**nachricht, "headers": koepfe}
            await send(nachricht)

        await self.app(scope, receive, sende)
