"""The ASGI application: the API under ``/api`` and the page for office staff under ``/``,
assembled from the routers of ``api/``, ``seite/`` and ``versand/``."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from briefe import __version__
from briefe.dienst import fehlerantworten
from briefe.dienst.api import briefe as api_briefe
from briefe.dienst.api import editor as api_editor
from briefe.dienst.api import laeufe as api_laeufe
from briefe.dienst.api import vorlagen as api_vorlagen
from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.laeufe.darstellung import eigener_lauf
from briefe.dienst.seite import absenderangaben, anmelden, api_doku, bausteine, rahmen
from briefe.dienst.seite import laeufe as seite_laeufe
from briefe.dienst.seite import verlauf as seite_verlauf
from briefe.dienst.seite import vorlagen as seite_vorlagen
from briefe.dienst.versand.druck import druck_router
from briefe.dienst.versand.post import post_router
from briefe.dienst.versand.seite import versand_router
from briefe.dienst.zugang.anmeldung import api_zugang, seiten_zugang
from briefe.dienst.zugang.middleware import GroessenGrenze, Sicherheitskoepfe
from briefe.dienst.zustand import Dienst
from briefe.satz.schriften import SCHRIFTEN


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
    app.state.seiten = seiten = rahmen.seiten_vorlagen()
    app.add_middleware(SessionMiddleware, secret_key=dienst.geheimnis, session_cookie="briefe_sitzung",
                       max_age=konfiguration.sitzung, same_site="lax",
                       https_only=konfiguration.sichere_cookies)
    app.add_middleware(GroessenGrenze, grenze=konfiguration.upload_bytes + 256 * 1024,
                       upload_bytes=konfiguration.upload_bytes)
    app.add_middleware(Sicherheitskoepfe)
    app.mount("/statisch", StaticFiles(directory=str(rahmen.STATISCH)), name="statisch")
    app.mount("/schriften", StaticFiles(directory=str(SCHRIFTEN)), name="schriften")
    fehlerantworten.richte_ein(app)
    app.include_router(versand_router(seiten_zugang, eigener_lauf))
    app.include_router(druck_router(seiten_zugang, eigener_lauf))
    app.include_router(post_router(seiten_zugang, eigener_lauf))
    app.include_router(api_vorlagen.router(api_zugang))
    app.include_router(api_editor.router(api_zugang))
    app.include_router(seite_vorlagen.router(seiten_zugang, rahmen.seite))
    app.include_router(absenderangaben.router(seiten_zugang, rahmen.seite))
    app.include_router(bausteine.router(seiten_zugang, api_zugang, rahmen.seite))
    app.include_router(api_briefe.router(dienst))
    app.include_router(api_laeufe.router(dienst))
    app.include_router(api_doku.router())
    app.include_router(anmelden.router(dienst))
    app.include_router(seite_laeufe.router(dienst))
    app.include_router(seite_verlauf.router(dienst, seiten.env, rahmen.seite))
    return app
