"""The shared state of one running service: stores, queue, sessions, worker pool."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.laeufe.satzprozess import Satzprozesse
from briefe.dienst.laeufe.speicher import Speicher
from briefe.dienst.laeufe.verteiler import Verteiler
from briefe.dienst.zugang.sicherheit import Fehlversuche
from briefe.dienst.zugang.sitzungen import Sitzungen


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
