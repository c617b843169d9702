"""Reading generated PDFs in millimetres."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

MM = 25.4 / 72


def seiten_text(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as datei:
        return [seite.extract_text() or "" for seite in datei.pages]


def zeichen(pdf: Path, seite: int = 0) -> list[dict]:
    """Every glyph of a page with x0/x1/top/bottom in mm."""
    with pdfplumber.open(pdf) as datei:
        return [
            {"text": z["text"], "x0": z["x0"] * MM, "x1": z["x1"] * MM,
             "top": z["top"] * MM, "bottom": z["bottom"] * MM, "font": z["fontname"],
             "size": z["size"]}
            for z in datei.pages[seite].chars
        ]


def zeilen(pdf: Path, seite: int = 0) -> list[dict]:
    """Text lines of a page: text, x0, top (mm)."""
    with pdfplumber.open(pdf) as datei:
        ergebnis = []
        for zeile in datei.pages[seite].extract_text_lines():
            ergebnis.append({"text": zeile["text"], "x0": zeile["x0"] * MM,
                             "top": zeile["top"] * MM, "bottom": zeile["bottom"] * MM,
                             "chars": [{"x0": c["x0"] * MM, "x1": c["x1"] * MM,
                                        "top": c["top"] * MM, "bottom": c["bottom"] * MM}
                                       for c in zeile["chars"]]})
        return ergebnis


def linien(pdf: Path, seite: int = 0) -> list[dict]:
    """Lines and thin rectangles (marks) of a page in mm."""
    with pdfplumber.open(pdf) as datei:
        s = datei.pages[seite]
        return [{"x0": o["x0"] * MM, "x1": o["x1"] * MM, "top": o["top"] * MM,
                 "bottom": o["bottom"] * MM} for o in s.lines + s.rects]


def finde_zeile(pdf: Path, anfang: str, seite: int = 0) -> dict:
    for zeile in zeilen(pdf, seite):
        if zeile["text"].startswith(anfang):
            return zeile
    raise AssertionError(f"Zeile „{anfang}“ nicht gefunden")
