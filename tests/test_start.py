"""What a PDF run loads at start: not the libraries of features it does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent


def _nach_dem_import(code: str) -> dict:
    programm = ("import gc, json, sys\n"
                "import briefe.lauf.lauf, briefe.satz.pdf.schnell, briefe.satz.pdf.renderer\n"
                f"{code}\n")
    umgebung = {**os.environ, "PYTHONPATH": str(WURZEL)}
    aus = subprocess.run([sys.executable, "-c", programm], capture_output=True, text=True, check=True,
                         env=umgebung, cwd=WURZEL)
    return json.loads(aus.stdout)


def test_pdf_lauf_ohne_iban_und_girocode_bibliotheken():
    geladen = _nach_dem_import('print(json.dumps({m: m in sys.modules for m in ("schwifty", "segno")}))')
    assert geladen == {"schwifty": False, "segno": False}


def test_iban_laedt_schwifty_bei_bedarf():
    from briefe.deutsch.konto import iban

    assert iban("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00"


def test_speicherbereinigung_seltener():
    schwelle = _nach_dem_import("print(json.dumps(gc.get_threshold()))")
    assert schwelle[0] >= 10_000 and schwelle[1:] == [10, 10]
