"""Pages of absolutely placed text lines written as one PDF (WeasyPrint, shipped fonts only)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from briefe import geometrie as g
from briefe.dateien import schreibe_atomar

SCHRIFT = "Briefschrift"


@dataclass(frozen=True)
class Textblock:
    """Lines set from ``x``/``y`` (mm, top left), one size in pt, at most ``breite`` mm wide."""

    x: float
    y: float
    breite: float
    zeilen: tuple[str, ...]
    grad: float
    klasse: str = "anschrift"


def _block(b: Textblock) -> str:
    zeilen = "".join(f"<div>{escape(z)}</div>" for z in b.zeilen)
    return (f'<div class="{b.klasse}" style="left:{b.x:.2f}mm; top:{b.y:.2f}mm; '
            f'width:{b.breite:.2f}mm; font-size:{b.grad:.2f}pt">{zeilen}</div>')


def schreibe_seiten(seiten: list[list[Textblock]], breite: float, hoehe: float, ziel: Path,
                    titel: str) -> None:
    """One page per entry of ``seiten`` (``breite`` × ``hoehe`` mm), written atomically."""
    from weasyprint import CSS, HTML

    from briefe.satz.pdf.html import SCHRIFTEN
    from briefe.satz.pdf.weasy import Abholer, _schriften

    schriften = "".join(
        f"@font-face {{ font-family: {SCHRIFT}; font-weight: {gewicht}; "
        f"src: url({(SCHRIFTEN / datei).as_uri()}); }}\n"
        for datei, gewicht in (("LiberationSans-Regular.ttf", "normal"),
                               ("LiberationSans-Bold.ttf", "bold")))
    css = CSS(string=schriften + (
        f"@page {{ size: {breite:.2f}mm {hoehe:.2f}mm; margin: 0 }}\n"
        f"body {{ margin: 0; font-family: {SCHRIFT}; line-height: {g.ZEILENABSTAND} }}\n"
        ".seite { position: relative; width: 100%; height: 100vh; page-break-after: always;"
        " overflow: hidden }\n"
        ".seite:last-child { page-break-after: auto }\n"
        ".anschrift, .ruecksende { position: absolute; white-space: pre; overflow: hidden }\n"
        ".ruecksende div { text-decoration: underline }\n"
    ), font_config=_schriften(), url_fetcher=Abholer([SCHRIFTEN]))
    rumpf = "".join('<div class="seite">' + "".join(_block(b) for b in s) + "</div>"
                    for s in seiten) or '<div class="seite"></div>'
    html = (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{escape(titel)}'
            f"</title></head><body>{rumpf}</body></html>")
    pdf = HTML(string=html, url_fetcher=Abholer([SCHRIFTEN])).write_pdf(
        stylesheets=[css], font_config=_schriften())
    schreibe_atomar(ziel, pdf)
