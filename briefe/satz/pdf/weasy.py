"""The PDF renderer: a ``Brief`` through WeasyPrint to a DIN 5008 PDF.

Variants: plain PDF, PDF/A-3b for the archive, tagged PDF/UA-1 for screen
readers, and PDF/A-3a with PDF/UA-1 for both. PDF/A variants lose WeasyPrint's
image interpolation (a finisher); tagged variants get one pikepdf pass
(``struktur.nachbearbeiten``).
"""

from __future__ import annotations

import functools
import multiprocessing.util
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from briefe import RESSOURCEN
from briefe import geometrie as g
from briefe.dateien import schreibe_atomar, schreibe_nach
from briefe.modell import Brief
from briefe.satz.pdf import bildspeicher, feldtypen, silbentrennung
from briefe.satz.pdf.html import SCHRIFTEN, brief_html, stylesheet

silbentrennung.richte_ein()  # before any layout: WeasyPrint caches the dictionary it loads
bildspeicher.richte_ein()
feldtypen.richte_ein()

# What ``--pdf`` offers (CLI, job files, service), mapped to WeasyPrint's variants.
# PDF/A-3 rather than -2: without attachments the files are the same, and part 3
# leaves room to attach the letter's data later; tests/test_pdf.py pins 3b.
VARIANTEN = {
    "standard": None,
    "archiv": "pdf/a-3b",
    "barrierefrei": "pdf/ua-1",
    # tagged PDF/A-3a, plus the PDF/UA-1 identification added by ``nachbearbeiten``
    "archiv-barrierefrei": "pdf/a-3a",
}

# What each variant claims, for help texts and messages.
KENNUNGEN = {
    "standard": "PDF",
    "archiv": "PDF/A-3b",
    "barrierefrei": "PDF/UA-1",
    "archiv-barrierefrei": "PDF/A-3a und PDF/UA-1",
}

# WeasyPrint variants that write a structure tree.
GETAGGT = frozenset({"pdf/ua-1", "pdf/ua-2", "pdf/a-1a", "pdf/a-2a", "pdf/a-3a"})
# Variants whose XMP gets the PDF/UA-1 identification on top of PDF/A.
MIT_PDFUA_KENNUNG = frozenset({"archiv-barrierefrei"})


def erlaubte_wurzeln() -> tuple[Path, ...]:
    """Folders the renderer may read files from: package resources and templates."""
    return _wurzeln(os.environ.get("BRIEFE_VORLAGEN"), os.getcwd())


@functools.lru_cache(maxsize=8)
def _wurzeln(vorlagen: str | None, arbeitsordner: str) -> tuple[Path, ...]:
    return (RESSOURCEN.resolve(), Path(vorlagen or Path(arbeitsordner) / "vorlagen").resolve())


class Abholer(URLFetcher):
    """Fetches only local files below the allowed folders, or the named files; refuses
    everything else."""

    def __init__(self, wurzeln: Iterable[Path], dateien: Iterable[Path] = ()) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.wurzeln = tuple(Path(w).resolve() for w in wurzeln)
        self.dateien = frozenset(Path(d).resolve() for d in dateien)

    def fetch(self, url, headers=None):
        if not url.startswith("file:"):
            raise ValueError(f"Zugriff verweigert: {url}")
        from urllib.request import url2pathname

        pfad = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
        if pfad not in self.dateien and not any(pfad.is_relative_to(w) for w in self.wurzeln):
            raise ValueError(f"Zugriff verweigert: {url}")
        return super().fetch(pfad.as_uri(), headers)


@functools.cache
def _schriften() -> FontConfiguration:
    """Fonts for every letter: only the shipped ones (``@font-face``), never the host's, so a
    letter looks the same on every machine. Fontconfig reads FONTCONFIG_FILE when the
    configuration is loaded; it points to a configuration without font folders."""
    ordner = Path(tempfile.gettempdir()) / f"briefe-fontconfig-{os.getuid()}"
    ordner.mkdir(mode=0o700, exist_ok=True)
    schreibe_atomar(ordner / "fonts.conf", (
        f"<?xml version='1.0'?><fontconfig><cachedir>{ordner}</cachedir></fontconfig>\n").encode())
    vorher = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(ordner / "fonts.conf")
    try:
        konfiguration = FontConfiguration()
        konfiguration.briefe_prozess = os.getpid()
        # at the end of this process, also of a worker process (which skips ``__del__``)
        multiprocessing.util.Finalize(None, aufraeumen, exitpriority=0)
        return konfiguration
    finally:
        if vorher is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = vorher


def aufraeumen() -> None:
    """Remove the temporary copies of the fonts WeasyPrint made for this process. Its font
    configuration removes them when it is freed, which never happens in a process that ends
    with ``os._exit`` (a worker process, the ``briefe`` command); a forked process leaves its
    parent's alone."""
    if _schriften.cache_info().currsize:
        konfiguration = _schriften()
        ordner = getattr(konfiguration, "_folder", None)
        if ordner and getattr(konfiguration, "briefe_prozess", None) == os.getpid():
            shutil.rmtree(ordner, ignore_errors=True)


@functools.cache
def _css(form_name: str) -> CSS:
    try:
        return CSS(
            string=stylesheet(g.FORMEN[form_name]),
            font_config=_schriften(),
            url_fetcher=Abholer([SCHRIFTEN]),
        )
    except OSError:
        # WeasyPrint copies each font into its folder first; a copy cut short (disk full, size
        # limit) would count as done on the next try, and every letter be set without fonts
        aufraeumen()
        _schriften.cache_clear()
        raise


def bilder(brief: Brief) -> tuple[Path, ...]:
    """The image files a letter shows (from its trusted sender profile and template)."""
    unterschrift = brief.unterschrift.bild if brief.unterschrift else None
    return tuple(p for p in (brief.absender.logo, unterschrift) if p)


def dokument(brief: Brief, wurzeln: Iterable[Path] | None = None):
    """The laid-out WeasyPrint document of one letter."""
    silbentrennung.vorladen(brief.sprache)
    dateien = bilder(brief)
    abholer, bildcache = _abholer(tuple(wurzeln or erlaubte_wurzeln()), dateien, _stand(dateien))
    html = HTML(string=brief_html(brief), base_url=RESSOURCEN.as_uri() + "/", url_fetcher=abholer)
    return html.render(stylesheets=[_css(brief.form.name)], font_config=_schriften(), cache=bildcache)


@functools.lru_cache(maxsize=16)
def _abholer(wurzeln: tuple[Path, ...], dateien: tuple[Path, ...], stand: tuple) -> tuple[Abholer, dict]:
    """The fetcher of letters with these roots and images, and WeasyPrint's cache of the images
    it loaded (by URL; ``stand``, the files' state, makes a changed file load again)."""
    return Abholer(wurzeln, dateien), {}


def _stand(dateien: Iterable[Path]) -> tuple:
    """Size and modification time of each file (``None`` for one that cannot be read)."""
    stand = []
    for datei in dateien:
        try:
            info = os.stat(datei)
            stand.append((info.st_size, info.st_mtime_ns, info.st_ino))
        except OSError:
            stand.append(None)
    return tuple(stand)


def weasyprint_variante(variante: str | None) -> str | None:
    """WeasyPrint's variant name for one of ``VARIANTEN`` (or a WeasyPrint name itself)."""
    if variante is None or variante in VARIANTEN:
        return VARIANTEN[variante or "standard"]
    from weasyprint.pdf import VARIANTS

    if variante in VARIANTS:
        return variante
    raise ValueError(f"Unbekannte PDF-Art „{variante}“ (möglich: {', '.join(VARIANTEN)})")


def pdf_aus_dokument(dok, variante: str | None = None) -> bytes:
    """PDF bytes of a laid-out document in one variant (what ``pdf_bytes`` does after layout).

    One document may be written in several variants, in any order.
    """
    name = weasyprint_variante(variante)
    if not name:
        return dok.write_pdf()
    abschluss = _ohne_interpolation if name.startswith("pdf/a") else None
    profile = dict(dok.color_profiles)
    try:
        daten = dok.write_pdf(pdf_variant=name, finisher=abschluss)
    finally:
        # PDF/A adds the sRGB profile to the document; a later plain write would embed it too
        dok.color_profiles.clear()
        dok.color_profiles.update(profile)
    if name in GETAGGT:
        from briefe.satz.pdf.struktur import nachbearbeiten  # pikepdf: only tagged variants need it

        daten = nachbearbeiten(daten, pdfua_kennung=variante in MIT_PDFUA_KENNUNG)
    return daten


def pdf_bytes(brief: Brief, variante: str | None = None) -> bytes:
    """The letter as PDF bytes."""
    return pdf_aus_dokument(dokument(brief), variante)


def schreibe_pdf(brief: Brief, ziel: Path | str | BinaryIO, variante: str | None = None) -> None:
    """Write the letter as PDF to a path or binary stream."""
    daten = pdf_bytes(brief, variante)
    schreibe_nach(ziel, daten)


def _ohne_interpolation(dok, pdf) -> None:
    """PDF/A forbids ``/Interpolate true`` on images (ISO 19005-2, 6.2.8); WeasyPrint sets it."""
    for objekt in pdf.objects:
        extra = getattr(objekt, "extra", None)
        if isinstance(extra, dict) and extra.get("Subtype") == "/Image" and "Interpolate" in extra:
            extra["Interpolate"] = "false"
