"""The PDF renderer: a ``Brief`` through WeasyPrint to a DIN 5008 PDF."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from briefe import geometrie as g
from briefe.html import SCHRIFTEN, brief_html, stylesheet
from briefe.modell import Brief

# What ``--pdf`` offers, mapped to WeasyPrint's variants.
VARIANTEN = {
    "standard": None,
    "archiv": "pdf/a-3b",
    "barrierefrei": "pdf/ua-1",
}

RESSOURCEN = Path(__file__).parent / "ressourcen"


def erlaubte_wurzeln() -> tuple[Path, ...]:
    """Folders the renderer may read files from: package resources and templates."""
    wurzeln = [RESSOURCEN.resolve()]
    vorlagen = os.environ.get("BRIEFE_VORLAGEN")
    wurzeln.append(Path(vorlagen).resolve() if vorlagen else (Path.cwd() / "vorlagen").resolve())
    return tuple(wurzeln)


class Abholer(URLFetcher):
    """Fetches only local files below the allowed folders; refuses everything else."""

    def __init__(self, wurzeln: Iterable[Path]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.wurzeln = tuple(Path(w).resolve() for w in wurzeln)

    def fetch(self, url, headers=None):
        if not url.startswith("file:"):
            raise ValueError(f"Zugriff verweigert: {url}")
        from urllib.request import url2pathname

        pfad = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
        if not any(pfad.is_relative_to(w) for w in self.wurzeln):
            raise ValueError(f"Zugriff verweigert: {url}")
        return super().fetch(pfad.as_uri(), headers)


@functools.cache
def _schriften() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def _css(form_name: str) -> CSS:
    return CSS(
        string=stylesheet(g.FORMEN[form_name]),
        font_config=_schriften(),
        url_fetcher=Abholer([SCHRIFTEN]),
    )


def dokument(brief: Brief, wurzeln: Iterable[Path] | None = None):
    """The laid-out WeasyPrint document of one letter."""
    html = HTML(
        string=brief_html(brief),
        base_url=RESSOURCEN.as_uri() + "/",
        url_fetcher=Abholer(wurzeln or erlaubte_wurzeln()),
    )
    return html.render(stylesheets=[_css(brief.form.name)], font_config=_schriften())


def _optionen(variante: str | None) -> dict:
    name = VARIANTEN.get(variante or "standard", variante)
    return {"pdf_variant": name} if name else {}


def pdf_bytes(brief: Brief, variante: str | None = None) -> bytes:
    """The letter as PDF bytes."""
    return dokument(brief).write_pdf(**_optionen(variante))


def schreibe_pdf(brief: Brief, ziel: Path | str | BinaryIO, variante: str | None = None) -> None:
    """Write the letter as PDF to a path or binary stream."""
    daten = pdf_bytes(brief, variante)
    if hasattr(ziel, "write"):
        ziel.write(daten)
    else:
        Path(ziel).write_bytes(daten)
