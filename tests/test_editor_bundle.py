"""The committed bundle of the letter editor is what its sources and lock file build
(``cd werkzeuge/editor && npm ci && npm run build``)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_dienst_api import WURZEL

QUELLE = WURZEL / "werkzeuge" / "editor"
BUNDLE = WURZEL / "briefe" / "dienst" / "seite" / "statisch" / "brief_editor.js"


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm fehlt")
def test_bundle_entspricht_den_quellen(tmp_path):
    ziel = tmp_path / "werkzeuge" / "editor"
    shutil.copytree(QUELLE, ziel, ignore=shutil.ignore_patterns("node_modules", "meta.json"))
    (tmp_path / "briefe" / "dienst" / "seite" / "statisch").mkdir(parents=True)
    for befehl in (["npm", "ci", "--no-audit", "--no-fund"], ["npm", "run", "build"]):
        subprocess.run(befehl, cwd=ziel, check=True, capture_output=True, timeout=300)
    gebaut = tmp_path / "briefe" / "dienst" / "seite" / "statisch" / "brief_editor.js"
    hinweis = "Bundle neu bauen: cd werkzeuge/editor && npm ci && npm run build"
    assert gebaut.read_bytes() == BUNDLE.read_bytes(), hinweis
    assert b"BriefEditor" in gebaut.read_bytes()
    lizenzen = gebaut.with_name("brief_editor.LIZENZEN.txt").read_text(encoding="utf-8")
    assert lizenzen == BUNDLE.with_name("brief_editor.LIZENZEN.txt").read_text(encoding="utf-8"), hinweis
    for paket in ("@tiptap/core 3.31.3 (MIT)", "prosemirror-view", "prosemirror-tables"):
        assert paket in lizenzen
