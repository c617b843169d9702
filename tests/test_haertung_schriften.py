"""Fonts for every name: Arabic and Hebrew from the shipped Noto fonts, no host font ever;
a script no shipped font has is a row error, never an empty box."""

import json
import re

from briefe.cli.haupt import main
from tests.conftest import REFERENZ
from tests.pdfhilfe import zeichen

ANSCHRIFT = {"strasse": "Weg 1", "plz": "58089", "ort": "Hagen"}
ZEILEN = [
    {"vorname": "محمد", "nachname": "Aziz", **ANSCHRIFT},
    {"vorname": "שלום", "nachname": "Levi", **ANSCHRIFT},
    {"vorname": "Ελένη", "nachname": "Пушкина", **ANSCHRIFT},
    {"vorname": "明", "nachname": "Li", **ANSCHRIFT},
]
# the families of the shipped fonts (briefe.satz.pdf.html); a host font has another name
ERLAUBT = re.compile(r"^[A-Z]{6}\+(Briefschrift|BriefschriftArabisch)(-Bold|-Italic|-BoldItalic)?$")


def test_ersatzschriften_und_keine_fremden_schriften(tmp_path):
    daten = tmp_path / "liste.json"
    daten.write_text(json.dumps(ZEILEN, ensure_ascii=False), encoding="utf-8")
    ausgabe = tmp_path / "aus"
    code = main(["erstellen", str(REFERENZ), str(daten), "--ausgabe", str(ausgabe), "--format", "pdf",
                 "--jobs", "1"])
    assert code == 1
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    fehler = {e["zeile"]: e["fehler"] for e in protokoll["briefe"] if e["status"] == "fehler"}
    assert list(fehler) == [5] and "„明“ (U+660E)" in fehler[5] and "vorname" in fehler[5]
    schriften = {}
    for pdf in sorted(ausgabe.glob("*.pdf")):
        for z in zeichen(pdf):
            schriften.setdefault(z["text"], set()).add(z["font"])
            assert ERLAUBT.match(z["font"]), (pdf.name, z["text"], z["font"])
    assert all(f.endswith("+BriefschriftArabisch") for z in "محمد" for f in schriften[z])
    assert all(f.endswith("+Briefschrift") for z in "שלוםΕλένηПушкина" for f in schriften[z])
