"""A clerk's own sender data: saved on the page ("Meine Absenderangaben"), else from
``[[benutzer]] absender = {…}`` in the configuration."""

from __future__ import annotations

import hashlib
import json

from briefe.fehler import BriefeFehler
from briefe.vorlage.sachbearbeitung import Sachbearbeitung, sachbearbeitung_aus

ORDNER = "absenderangaben"


def datei(konfiguration, name: str):
    return konfiguration.daten / ORDNER / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.json"


def sachbearbeitung_fuer(konfiguration, zugang) -> Sachbearbeitung | None:
    """A logged-in user's sender data (saved on the page, else from the configuration)."""
    if zugang is None or zugang.art != "sitzung":
        return None
    pfad = datei(konfiguration, zugang.name)
    if pfad.is_file():
        try:
            return sachbearbeitung_aus(json.loads(pfad.read_text(encoding="utf-8")), pfad.name)
        except (BriefeFehler, ValueError, OSError):
            pass
    benutzer = konfiguration.finde_benutzer(zugang.name)
    return benutzer.absender if benutzer else None


def als_option(konfiguration, zugang) -> dict:
    """For a run's options: ``{"sachbearbeitung": {…}}`` or nothing."""
    daten = sachbearbeitung_fuer(konfiguration, zugang)
    return {"sachbearbeitung": daten.als_dict()} if daten else {}


