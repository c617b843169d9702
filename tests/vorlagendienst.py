"""A real service for the template tests: its own copy of the templates folder, a user and a
token with the role ``vorlagen`` and a user and a token without it."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefe.dienst.zugang.sicherheit import passwort_hash, token_hash
from tests.test_dienst_api import BENUTZER, PASSWORT, WURZEL, Dienst

REDAKTION = "redaktion"
REDAKTIONS_TOKEN = "redaktions-token-0123456789abcdefgh"


class VorlagenDienst(Dienst):
    def __init__(self, ordner: Path) -> None:
        super().__init__(ordner)
        self.vorlagen = ordner / "vorlagen"
        shutil.copytree(WURZEL / "vorlagen", self.vorlagen)
        hash_ = passwort_hash(PASSWORT)
        zeilen = ["[dienst]", f'daten = "{self.daten}"', f'vorlagen = "{self.vorlagen}"',
                  "[[benutzer]]", f'name = "{REDAKTION}"', f'passwort = "{hash_}"', 'rollen = ["vorlagen"]',
                  "[[benutzer]]", f'name = "{BENUTZER}"', f'passwort = "{hash_}"',
                  "[[token]]", 'name = "redaktionssystem"', f'hash = "{token_hash(REDAKTIONS_TOKEN)}"',
                  'rollen = ["vorlagen"]']
        self.konfiguration.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
