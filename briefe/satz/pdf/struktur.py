"""Tagged variants (PDF/UA, PDF/A-"a"): what WeasyPrint's structure tree leaves open.

One pikepdf pass: the page-1 footer and the page number read last or as
artifacts, empty elements dropped, table header IDs, the PDF/UA identification.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

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
