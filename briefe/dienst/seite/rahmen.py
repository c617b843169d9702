"""The frame every page is drawn in: the page templates (``html/``), their helpers, and
``seite(request, name, …)`` with the user, CSRF token and role filled in."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from briefe.dienst.laeufe.darstellung import STATUS_TEXT, zeit_lesbar
from briefe.dienst.vorlagen.zugriff import ROLLE
from briefe.dienst.zugang.anmeldung import sitzungs_zugang
from briefe.dienst.zugang.sicherheit import csrf_token
from briefe.geometrie import ETIKETTENBOEGEN, UMSCHLAEGE

HIER = Path(__file__).parent
STATISCH = HIER / "statisch"
# Columns the address and salutation are made from (shown on the check page).
ANSCHRIFT_SPALTEN = frozenset({"anrede", "titel", "vorname", "nachname", "funktion", "organisation", "zusatz",
                               "strasse", "hausnummer", "postfach", "plz", "ort", "land"})


def seiten_vorlagen() -> Jinja2Templates:
    """The page templates with the helpers they use."""
    seiten = Jinja2Templates(directory=str(HIER / "html"))
    seiten.env.globals["zeit"] = zeit_lesbar
    seiten.env.globals["status_text"] = STATUS_TEXT
    seiten.env.globals["anschrift_spalten"] = ANSCHRIFT_SPALTEN
    seiten.env.globals["umschlaege"] = UMSCHLAEGE  # the envelopes and label sheets after a run
    seiten.env.globals["etikettenboegen"] = ETIKETTENBOEGEN
    seiten.env.filters["code"] = _code
    return seiten


def seite(request: Request, name: str, status: int = 200, **kontext) -> HTMLResponse:
    """Page ``name`` for this request (``status`` as HTTP status)."""
    konfiguration = request.app.state.dienst.konfiguration
    zugang = sitzungs_zugang(request)
    kontext.setdefault("hinweis", request.session.pop("hinweis", None))
    return request.app.state.seiten.TemplateResponse(request, name, {
        "benutzer": zugang.name if zugang else None, "csrf": csrf_token(request.session),
        "darf_vorlagen": bool(zugang and konfiguration.hat_rolle(zugang.art, zugang.name, ROLLE)),
        "aufbewahrung_text": _dauer(konfiguration.aufbewahrung), **kontext}, status_code=status)


def _code(text: str) -> Markup:
    """Escape a documentation text and show `backticks` as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _dauer(sekunden: float) -> str:
    if sekunden >= 2 * 86400 and sekunden % 86400 == 0:
        return f"{sekunden / 86400:g} Tagen"
    if sekunden >= 3600:
        return f"{sekunden / 3600:g} Stunden".replace(".", ",").replace("1 Stunden", "1 Stunde")
    return f"{max(sekunden / 60, 1):g} Minuten".replace(".", ",")
