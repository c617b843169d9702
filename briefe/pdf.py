"""The PDF renderer: a ``Brief`` through WeasyPrint to a DIN 5008 PDF.

Variants: plain PDF, PDF/A-3b for the archive, tagged PDF/UA-1 for screen
readers, and PDF/A-3a with PDF/UA-1 for both. PDF/A variants lose WeasyPrint's
image interpolation (a finisher); tagged variants get one pikepdf pass
(``nachbearbeiten``) that finishes what WeasyPrint's structure tree leaves open:
the page-1 footer, the page number, empty elements, the PDF/UA identification.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from briefe import geometrie as g
from briefe.dateien import schreibe_nach
from briefe.html import SCHRIFTEN, brief_html, stylesheet
from briefe.modell import Brief

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

RESSOURCEN = Path(__file__).parent / "ressourcen"


def erlaubte_wurzeln() -> tuple[Path, ...]:
    """Folders the renderer may read files from: package resources and templates."""
    wurzeln = [RESSOURCEN.resolve()]
    vorlagen = os.environ.get("BRIEFE_VORLAGEN")
    wurzeln.append(Path(vorlagen).resolve() if vorlagen else (Path.cwd() / "vorlagen").resolve())
    return tuple(wurzeln)


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
    return FontConfiguration()


@functools.cache
def _css(form_name: str) -> CSS:
    return CSS(
        string=stylesheet(g.FORMEN[form_name]),
        font_config=_schriften(),
        url_fetcher=Abholer([SCHRIFTEN]),
    )


def bilder(brief: Brief) -> tuple[Path, ...]:
    """The image files a letter shows (from its trusted sender profile and template)."""
    unterschrift = brief.unterschrift.bild if brief.unterschrift else None
    return tuple(p for p in (brief.absender.logo, unterschrift) if p)


def dokument(brief: Brief, wurzeln: Iterable[Path] | None = None):
    """The laid-out WeasyPrint document of one letter."""
    html = HTML(
        string=brief_html(brief),
        base_url=RESSOURCEN.as_uri() + "/",
        url_fetcher=Abholer(wurzeln or erlaubte_wurzeln(), bilder(brief)),
    )
    return html.render(stylesheets=[_css(brief.form.name)], font_config=_schriften())


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


# --- tagged PDF: finishing the structure tree -------------------------------------------------

# Structure types that carry no meaning of their own (WeasyPrint's fallback and inline text).
_OHNE_BEDEUTUNG = frozenset({"/NonStruct", "/Span"})
# Table cells stay even when empty, so rows keep their columns.
_ZELLEN = frozenset({"/TD", "/TH"})

# PDF/UA identification plus the extension schema PDF/A-2/3 demands for the pdfuaid namespace.
PDFUA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\
<pdfuaid:part>1</pdfuaid:part></rdf:Description>\
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\
<pdfaProperty:name>part</pdfaProperty:name>\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property>\
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"""


def nachbearbeiten(daten: bytes, pdfua_kennung: bool = False) -> bytes:
    """Finish WeasyPrint's tagged PDF; with ``pdfua_kennung`` also claim PDF/UA-1 in the XMP."""
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        baum = pdf.Root.StructTreeRoot
        wurzel = baum.K[0]
        besucht: set[tuple] = set()
        ids: list = []
        _leere_entfernen(wurzel, besucht, ids)
        for angehaengt in _randinhalte_einordnen(pdf, baum, wurzel, besucht):
            _leere_entfernen(angehaengt, besucht, ids)
        _teile_verbinden(wurzel)
        _id_baum(pdf, baum, ids)
        if pdfua_kennung:
            _pdfua_kennung(pdf)
        ausgabe = io.BytesIO()
        pdf.save(ausgabe, deterministic_id=True, fix_metadata_version=False)
    return ausgabe.getvalue()


def _ist_element(objekt) -> bool:
    """A structure element (not an MCID, MCR or OBJR)."""
    return not isinstance(objekt, int) and isinstance(objekt, Dictionary) and "/S" in objekt


def _kinder(element) -> list:
    kinder = element.get("/K")
    if kinder is None:
        return []
    return list(kinder) if isinstance(kinder, Array) else [kinder]


def _elemente(element):
    """The element and all structure elements below it, depth first."""
    yield element
    for kind in _kinder(element):
        if _ist_element(kind):
            yield from _elemente(kind)


def _randinhalte_einordnen(pdf, baum, wurzel, erreichbar: set[tuple]) -> list:
    """Place content WeasyPrint tagged but left out of the tree (page margin boxes).

    A subtree with real structure (the running footer: paragraphs) is read last and
    returned; generated text without structure (``Seite 2 von 3``) becomes a
    pagination artifact.
    """
    verwaiste = {}
    eintraege = baum.ParentTree.Nums
    for i in range(0, len(eintraege), 2):
        referenzen = eintraege[i + 1]
        if not isinstance(referenzen, Array):
            continue  # an annotation's own entry
        for element in referenzen:
            if not _ist_element(element) or element.objgen in erreichbar:
                continue
            while "/P" in element and _ist_element(element.P) and element.P.objgen != wurzel.objgen:
                element = element.P
            verwaiste.setdefault(element.objgen, element)
    angehaengt, artefakte = [], {}
    for element in verwaiste.values():
        if any(e.S not in _OHNE_BEDEUTUNG for e in _elemente(element)):
            element.P = wurzel
            wurzel.K.append(element)
            angehaengt.append(element)
            continue
        for teil in _elemente(element):
            for kind in _kinder(teil):
                if isinstance(kind, int):
                    artefakte.setdefault(teil.Pg.objgen, set()).add(kind)
    if artefakte:
        _als_artefakt(pdf, baum, artefakte)
    return angehaengt


def _als_artefakt(pdf, baum, artefakte: dict[tuple, set[int]]) -> None:
    """Turn marked content (page, MCIDs) into pagination artifacts."""
    eintraege = baum.ParentTree.Nums
    for seite in pdf.pages:
        mcids = artefakte.get(seite.obj.objgen)
        if not mcids:
            continue
        befehle = []
        for befehl in pikepdf.parse_content_stream(seite):
            operanden = befehl.operands
            if (str(befehl.operator) == "BDC" and len(operanden) == 2
                    and isinstance(operanden[1], Dictionary)
                    and int(operanden[1].get("/MCID", -1)) in mcids):
                befehl = pikepdf.ContentStreamInstruction(
                    [Name.Artifact, Dictionary(Type=Name.Pagination)], pikepdf.Operator("BDC"))
            befehle.append(befehl)
        seite.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(befehle))
        schluessel = int(seite.obj.StructParents)
        for i in range(0, len(eintraege), 2):
            if int(eintraege[i]) == schluessel:
                referenzen = eintraege[i + 1]
                for mcid in mcids:
                    referenzen[mcid] = None


def _leere_entfernen(element, besucht: set[tuple], ids: list) -> bool:
    """Drop structure elements without content (marks, spacers, line breaks); True if content.

    Notes every element visited in ``besucht`` and every kept element with an ID in ``ids``.
    """
    besucht.add(element.objgen)
    kinder = _kinder(element)
    behalten, inhalt = [], False
    for kind in kinder:
        if isinstance(kind, int) or not _ist_element(kind):
            behalten.append(kind)  # marked content, MCR or OBJR
            inhalt = True
            continue
        kind_inhalt = _leere_entfernen(kind, besucht, ids)
        if kind_inhalt or kind.S in _ZELLEN:
            behalten.append(kind)
            if "/ID" in kind:
                ids.append(kind)
        inhalt = inhalt or kind_inhalt
    if len(behalten) != len(kinder):
        element.K = Array(behalten)
    return inhalt


def _teile_verbinden(wurzel) -> None:
    """Join the page-wise pieces of ``<main>`` (one Part per page) into one Part."""
    kinder = _kinder(wurzel)
    ergebnis = []
    for kind in kinder:
        vorher = ergebnis[-1] if ergebnis else None
        if (vorher is not None and _ist_element(kind) and _ist_element(vorher)
                and kind.S == vorher.S == Name.Part
                and all(_ist_element(k) for k in _kinder(kind))):
            for enkel in _kinder(kind):
                enkel.P = vorher
                vorher.K.append(enkel)
            continue
        ergebnis.append(kind)
    wurzel.K = Array(ergebnis)


def _id_baum(pdf, baum, ids: list) -> None:
    """The IDTree the PDF spec requires when elements carry IDs (WeasyPrint's header cells)."""
    namen = sorted(((bytes(e.ID), e) for e in ids), key=lambda paar: paar[0])
    if namen:
        eintraege = []
        for schluessel, element in namen:
            eintraege += [pikepdf.String(schluessel), element]
        baum.IDTree = pdf.make_indirect(Dictionary(Names=Array(eintraege)))


def _pdfua_kennung(pdf) -> None:
    """Add the PDF/UA-1 identification (with its PDF/A extension schema) to the XMP."""
    metadaten = pdf.Root.Metadata
    xmp = metadaten.read_bytes()
    if b"</rdf:RDF>" not in xmp:
        raise ValueError("XMP-Metadaten ohne rdf:RDF")
    metadaten.write(xmp.replace(b"</rdf:RDF>", PDFUA_XMP + b"</rdf:RDF>", 1))
