"""A run as the API and the page show it: status texts, times, links, the JSON body; a
user's own run (404 for any other) and its result files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi import Request

from briefe.dienst.fehler import DienstFehler
from briefe.dienst.laeufe import verlauf
from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.dienst.laeufe.speicher import ENTWURF, FERTIG, LAEUFT, WARTET, Lauf
from briefe.lauf.protokoll import SAMMEL_DOCX, SAMMEL_PDF

LAUF_ID = re.compile(r"[0-9a-f]{16}")
STATUS_TEXT = {
    ENTWURF: "geprüft, noch nicht gestartet",
    WARTET: "wartet auf einen freien Arbeitsprozess",
    LAEUFT: "läuft",
    FERTIG: "fertig",
    "fehlgeschlagen": "fehlgeschlagen",
    "abgebrochen": "abgebrochen",
}

def zeit(zeitpunkt: float | None) -> str | None:
    if zeitpunkt is None:
        return None
    return dt.datetime.fromtimestamp(zeitpunkt).astimezone().isoformat(timespec="seconds")


def zeit_lesbar(zeitpunkt: float | None) -> str:
    if zeitpunkt is None:
        return "–"
    return dt.datetime.fromtimestamp(zeitpunkt).strftime("%d.%m.%Y, %H:%M Uhr")


def eigener_lauf(request: Request, zugang, lauf_id: str) -> Lauf:
    lauf = request.app.state.dienst.speicher.lauf(lauf_id) if LAUF_ID.fullmatch(lauf_id) else None
    if lauf is None or lauf.besitzer != zugang.besitzer:
        raise DienstFehler(404, "Diesen Lauf gibt es nicht.")
    return lauf


def ergebnisdatei(request: Request, lauf: Lauf, name: str) -> Path:
    if lauf.geloescht:
        raise DienstFehler(410, "Die Dateien dieses Laufs wurden gelöscht (Aufbewahrungsfrist abgelaufen "
                                "oder vom Benutzer gelöscht).")
    if lauf.status != FERTIG:
        text = STATUS_TEXT.get(lauf.status, lauf.status)
        raise DienstFehler(409, f"Der Lauf ist nicht fertig (Status: {text}).")
    pfad = lauf_ordner(request.app.state.dienst.konfiguration.daten, lauf.id) / "ausgabe" / name
    if not pfad.is_file():
        raise DienstFehler(404, f"Diesen Lauf gibt es ohne {name} (Option oder Format nicht gewählt).")
    return pfad


def links(lauf: Lauf) -> dict:
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
        "erstellt": zeit(lauf.erstellt),
        "begonnen": zeit(lauf.begonnen),
        "beendet": zeit(lauf.beendet),
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
        "links": links(lauf),
    }
