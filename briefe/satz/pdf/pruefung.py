"""Checking a PDF: what it claims (PDF/A, PDF/UA) and what can be verified here.

This is a set of concrete checks on the file, not a full ISO 19005 / ISO 14289
validator (veraPDF is one); ``NICHT_GEPRUEFT`` says what stays open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from defusedxml import ElementTree
from pikepdf import Array, Dictionary, Name

from briefe.fehler import BriefeFehler

NICHT_GEPRUEFT = (
    "Nicht geprüft: die vollständige Konformität nach ISO 19005 (PDF/A) und ISO 14289 "
    "(PDF/UA) – dafür einen Validator wie veraPDF verwenden; Farben und Kontraste; ob "
    "Alternativtexte das Bild treffend beschreiben; ob die Lesereihenfolge über die oben "
    "gezeigten ersten Elemente hinaus sinnvoll ist; ob Überschriften, Listen und Tabellen "
    "inhaltlich richtig gewählt sind; Schriftprogramme und Farbräume im Einzelnen."
)

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}

# Actions that reach outside the file.
_EXTERNE_AKTIONEN = {"/URI": "URI-Link", "/GoToR": "Verweis auf andere Datei (GoToR)",
                     "/GoToE": "Verweis in eingebettete Datei (GoToE)", "/Launch": "Programmstart (Launch)",
                     "/ImportData": "Datenimport (ImportData)", "/SubmitForm": "Formularversand (SubmitForm)"}
_TEXTBEFEHLE = frozenset({"Tj", "TJ", "'", '"'})
_MALBEFEHLE = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "INLINE IMAGE"}) \
    | _TEXTBEFEHLE

# Standard structure types (ISO 32000-1, 14.8.4) and the nesting rules checked here.
_STANDARDTYPEN = frozenset({
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody",
    "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure",
    "Formula", "Form",
})
_ERLAUBTE_KINDER = {
    "L": {"LI", "L", "Caption"},
    "LI": {"Lbl", "LBody"},
    "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
    "THead": {"TR"}, "TBody": {"TR"}, "TFoot": {"TR"},
    "TR": {"TH", "TD"},
}
_ERLAUBTE_ELTERN = {"LI": {"L"}, "TR": {"Table", "THead", "TBody", "TFoot"}, "TH": {"TR"}, "TD": {"TR"},
                    "Lbl": {"LI"}, "LBody": {"LI"}}
# Units shown in the reading order, with their German names.
_LESEEINHEITEN = {"P": "Absatz", "H": "Überschrift", "Figure": "Abbildung", "Table": "Tabelle",
                  "L": "Liste", "Caption": "Beschriftung", "BlockQuote": "Zitat", "Formula": "Formel",
                  "Note": "Anmerkung", "TOC": "Inhaltsverzeichnis"} | {
                      f"H{n}": f"Überschrift {n}" for n in range(1, 7)}


class PdfNichtLesbar(BriefeFehler):
    """The file is not a PDF that can be opened."""


@dataclass(frozen=True)
class Pruefpunkt:
    """One check: what was checked (German), whether it holds, what was found."""

    text: str
    ok: bool
    befund: str = ""


@dataclass
class Bericht:
    """The result of ``pruefe``: claims, checks and the beginning of the reading order."""

    datei: Path
    version: str
    seiten: int
    pdfa: str | None  # e.g. "3B"
    pdfua: str | None  # e.g. "1"
    punkte: list[Pruefpunkt] = field(default_factory=list)
    lesereihenfolge: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.punkte)

    @property
    def fehlschlaege(self) -> list[Pruefpunkt]:
        return [p for p in self.punkte if not p.ok]


def pruefe(pfad: Path | str) -> Bericht:
    """Check a PDF file; raises ``PdfNichtLesbar`` if it cannot be opened."""
    pfad = Path(pfad)
    try:
        pdf = pikepdf.open(pfad)
    except pikepdf.PasswordError as fehler:
        raise PdfNichtLesbar("Die Datei ist mit einem Passwort verschlüsselt.", datei=str(pfad)) from fehler
    except FileNotFoundError as fehler:
        raise PdfNichtLesbar("Die Datei gibt es nicht.", datei=str(pfad)) from fehler
    except (pikepdf.PdfError, OSError) as fehler:
        raise PdfNichtLesbar(f"Kein lesbares PDF ({fehler}).", datei=str(pfad)) from fehler
    with pdf:
        try:
            return _Pruefung(pdf, pfad).bericht()
        except pikepdf.PdfError as fehler:
            raise PdfNichtLesbar(f"Das PDF ist beschädigt ({fehler}).", datei=str(pfad)) from fehler


def als_text(bericht: Bericht) -> str:
    """The report as the lines the command prints (German)."""
    anspruch = [f"PDF/A-{bericht.pdfa}"] if bericht.pdfa else []
    anspruch += [f"PDF/UA-{bericht.pdfua}"] if bericht.pdfua else []
    zeilen = [
        f"Prüfung von {bericht.datei.name} (PDF {bericht.version}, {bericht.seiten} Seite(n))",
        "Die Datei beansprucht: " + (" und ".join(anspruch) if anspruch
                                      else "weder PDF/A noch PDF/UA (nur allgemeine Prüfungen)"),
    ]
    for punkt in bericht.punkte:
        zeile = f"{'✓' if punkt.ok else '✗'} {punkt.text}"
        zeilen.append(f"{zeile}: {punkt.befund}" if punkt.befund else zeile)
    if bericht.lesereihenfolge:
        zeilen.append("Lesereihenfolge (Anfang, bitte selbst beurteilen):")
        zeilen += [f"  {nummer}. {eintrag}" for nummer, eintrag in enumerate(bericht.lesereihenfolge, 1)]
    fehler = bericht.fehlschlaege
    if fehler:
        zeilen.append(f"Ergebnis: {len(fehler)} von {len(bericht.punkte)} Prüfungen nicht bestanden – "
                      + "; ".join(p.text for p in fehler) + ".")
    else:
        zeilen.append(f"Ergebnis: alle {len(bericht.punkte)} Prüfungen bestanden.")
    zeilen.append(NICHT_GEPRUEFT)
    return "\n".join(zeilen)


# --- reading the file ---------------------------------------------------------------------------


def _direkte_objekte(objekt, tiefe: int = 0) -> Iterator:
    """An object and every direct object inside it (indirect ones are visited on their own)."""
    yield objekt
    if tiefe > 50:
        return
    if isinstance(objekt, (Dictionary, pikepdf.Stream)):
        werte = objekt.values()
    elif isinstance(objekt, Array):
        werte = list(objekt)
    else:
        return
    for wert in werte:
        if isinstance(wert, (Dictionary, pikepdf.Stream, Array)) and not wert.is_indirect:
            yield from _direkte_objekte(wert, tiefe + 1)


def _xmp_werte(xmp: bytes) -> dict[str, list[str]]:
    """XMP properties as ``{"prefix:name": [values]}`` (attributes and simple elements)."""
    wurzel = ElementTree.fromstring(xmp)
    kurz = {uri: praefix for praefix, uri in _NS.items()}

    def name(qname: str) -> str:
        uri, _, lokal = qname[1:].partition("}") if qname.startswith("{") else ("", "", qname)
        return f"{kurz.get(uri, uri)}:{lokal}"

    werte: dict[str, list[str]] = {}
    for beschreibung in wurzel.iter(f"{{{_NS['rdf']}}}Description"):
        for schluessel, wert in beschreibung.attrib.items():
            if not schluessel.startswith(f"{{{_NS['rdf']}}}"):
                werte.setdefault(name(schluessel), []).append(wert)
        for kind in beschreibung:
            eintraege = [li.text or "" for li in kind.iter(f"{{{_NS['rdf']}}}li")]
            if not eintraege and len(kind) == 0:
                eintraege = [kind.text or ""]
            werte.setdefault(name(kind.tag), []).extend(eintraege)
    # namespaces described by PDF/A extension schemas (nested deeper than the loop above)
    werte["pdfaSchema:namespaceURI"] = [
        (e.text or "").strip() for e in wurzel.iter(f"{{{_NS['pdfaSchema']}}}namespaceURI")]
    return werte


def _datum(text: str) -> tuple | None:
    """A PDF date (``D:2011…``) or XMP date (``2011-08-25T…``) as comparable tuple."""
    ziffern = re.match(r"(?:D:)?(\d{4})-?(\d{2})?-?(\d{2})?T?(\d{2})?:?(\d{2})?:?(\d{2})?", text.strip())
    if not ziffern:
        return None
    return tuple(int(z or 0) for z in ziffern.groups())


class _Schriftdecoder:
    """Text of a font's codes via its ToUnicode CMap (enough to show the reading order)."""

    def __init__(self, schrift) -> None:
        self.laenge, self.tabelle = 1, {}
        cmap = schrift.get("/ToUnicode") if schrift is not None else None
        if isinstance(cmap, pikepdf.Stream):
            self._lies(cmap.read_bytes().decode("latin-1"))
        elif schrift is not None and schrift.get("/Subtype") == Name.Type0:
            self.laenge = 2

    def _lies(self, text: str) -> None:
        bereich = re.search(r"begincodespacerange\s*<([0-9A-Fa-f]+)>", text)
        self.laenge = len(bereich.group(1)) // 2 if bereich else 2
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for quelle, ziel in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                self.tabelle[int(quelle, 16)] = _utf16(ziel)
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for von, bis, ziel in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
                von, bis = int(von, 16), int(bis, 16)
                if ziel.startswith("["):
                    for nummer, teil in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", ziel)):
                        self.tabelle[von + nummer] = _utf16(teil)
                else:
                    basis = _utf16(ziel[1:-1])
                    for nummer in range(min(bis - von + 1, 65536) if basis else 0):
                        self.tabelle[von + nummer] = basis[:-1] + chr(ord(basis[-1]) + nummer)

    def text(self, daten: bytes) -> str:
        if not self.tabelle:
            return daten.decode("latin-1") if self.laenge == 1 else ""
        return "".join(self.tabelle.get(int.from_bytes(daten[i:i + self.laenge], "big"), "")
                       for i in range(0, len(daten), self.laenge))


def _utf16(hexwert: str) -> str:
    try:
        return bytes.fromhex(hexwert).decode("utf-16-be")
    except ValueError:
        return ""


@dataclass
class _Seiteninhalt:
    """What one page's content stream says about marked content."""

    texte: dict[int, str] = field(default_factory=dict)  # MCID → text
    mcids: set[int] = field(default_factory=set)
    unausgezeichnet: int = 0  # painting operators outside tagged content and artifacts
    bilder_ohne_auszeichnung: int = 0
    bilder: list[int | None] = field(default_factory=list)  # MCID of each image (None: artifact)


class _Pruefung:
    def __init__(self, pdf: pikepdf.Pdf, pfad: Path) -> None:
        self.pdf, self.pfad = pdf, pfad
        self.xmp: dict[str, list[str]] | None = None
        self.xmp_fehler = ""
        metadaten = pdf.Root.get("/Metadata")
        if isinstance(metadaten, pikepdf.Stream):
            try:
                self.xmp = _xmp_werte(metadaten.read_bytes())
            except Exception as fehler:  # any XML error: report, don't crash
                self.xmp_fehler = f"XMP nicht lesbar ({type(fehler).__name__})"
        teil = self._kennung("pdfaid:part")
        self.pdfa = teil + self._kennung("pdfaid:conformance").upper() if teil else None
        self.pdfua = self._kennung("pdfuaid:part") or None
        baum = pdf.Root.get("/StructTreeRoot")
        self.baum = baum if isinstance(baum, Dictionary) else None
        self.rollen = (self.baum or Dictionary()).get("/RoleMap", Dictionary())
        self.objekte = [o for indirekt in pdf.objects for o in _direkte_objekte(indirekt)]
        self._seiten: dict[tuple, _Seiteninhalt] = {}

    def _kennung(self, name: str) -> str:
        return (self.xmp or {}).get(name, [""])[0].strip()

    def bericht(self) -> Bericht:
        bericht = Bericht(self.pfad, str(self.pdf.pdf_version), len(self.pdf.pages), self.pdfa, self.pdfua)
        bericht.punkte += self._allgemein()
        if self.pdfa:
            bericht.punkte += self._pdfa()
        getaggt = bool(self.pdfua) or (self.pdfa or "").endswith("A")
        if getaggt:
            bericht.punkte += self._struktur()
            bericht.lesereihenfolge = self._lesereihenfolge()
        if self.pdfua:
            bericht.punkte += self._pdfua()
        return bericht

    # general -----------------------------------------------------------------------------------

    def _allgemein(self) -> list[Pruefpunkt]:
        punkte = [Pruefpunkt("Nicht verschlüsselt", not self.pdf.is_encrypted,
                             "" if not self.pdf.is_encrypted else "die Datei ist verschlüsselt")]
        fehlend, anzahl = self._schriften_ohne_einbettung()
        punkte.append(Pruefpunkt("Alle Schriften eingebettet", not fehlend,
                                 f"nicht eingebettet: {', '.join(sorted(fehlend))}" if fehlend
                                 else f"{anzahl} Schrift(en)"))
        extern, javascript, anhaenge = set(), set(), set()
        for objekt in self.objekte:
            if not isinstance(objekt, (Dictionary, pikepdf.Stream)):
                continue
            art = str(objekt.get("/S", ""))
            if art in _EXTERNE_AKTIONEN:
                extern.add(_EXTERNE_AKTIONEN[art])
            if isinstance(objekt, pikepdf.Stream) and "/F" in objekt:
                extern.add("Datenstrom aus externer Datei")
            if art == "/JavaScript" or "/JS" in objekt:
                javascript.add("JavaScript-Aktion")
            if objekt.get("/Type") == Name.Filespec and "/EF" in objekt:
                anhaenge.add(str(objekt.get("/UF", objekt.get("/F", "ohne Namen"))))
            if objekt.get("/Subtype") == Name.FileAttachment:
                anhaenge.add("Dateianhang-Anmerkung")
        namen = self.pdf.Root.get("/Names", Dictionary())
        if "/JavaScript" in namen:
            javascript.add("JavaScript im Namensverzeichnis")
        if "/EmbeddedFiles" in namen:
            anhaenge.add("EmbeddedFiles im Namensverzeichnis")
        punkte.append(Pruefpunkt("Keine externen Verweise (URI-, GoToR-, Launch-Aktionen)", not extern,
                                 "gefunden: " + ", ".join(sorted(extern)) if extern else ""))
        punkte.append(Pruefpunkt("Kein JavaScript", not javascript,
                                 "gefunden: " + ", ".join(sorted(javascript)) if javascript else ""))
        punkte.append(Pruefpunkt("Keine Dateianhänge", not anhaenge,
                                 "gefunden: " + ", ".join(sorted(anhaenge)) if anhaenge else ""))
        return punkte

    def _schriften_ohne_einbettung(self) -> tuple[set[str], int]:
        fehlend, anzahl = set(), 0
        for objekt in self.objekte:
            if not isinstance(objekt, Dictionary) or objekt.get("/Type") != Name.Font:
                continue
            art = objekt.get("/Subtype")
            if art in (Name.Type0, Name.Type3):
                anzahl += art == Name.Type3
                continue  # Type0: its descendant font is checked; Type3: glyphs are in the file
            anzahl += 1
            beschreibung = objekt.get("/FontDescriptor", Dictionary())
            if not any(k in beschreibung for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                fehlend.add(str(objekt.get("/BaseFont", "ohne Namen")).lstrip("/"))
        return fehlend, anzahl

    # PDF/A -------------------------------------------------------------------------------------

    def _pdfa(self) -> list[Pruefpunkt]:
        teil = self.pdfa[:-1] if self.pdfa[-1:].isalpha() else self.pdfa
        stufe = self.pdfa[len(teil):]
        erlaubt = {"1": {"A", "B"}, "2": {"A", "B", "U"}, "3": {"A", "B", "U"}, "4": {"", "E", "F"}}
        punkte = [Pruefpunkt("PDF/A: Kennung (Teil und Stufe) gültig", stufe in erlaubt.get(teil, set()),
                             f"PDF/A-{self.pdfa}")]
        absichten = [a for a in self.pdf.Root.get("/OutputIntents", Array())
                     if isinstance(a, Dictionary) and a.get("/S") == Name.GTS_PDFA1]
        profil = next((a for a in absichten if isinstance(a.get("/DestOutputProfile"), pikepdf.Stream)), None)
        punkte.append(Pruefpunkt(
            "PDF/A: Ausgabebedingung (OutputIntent) mit ICC-Profil", profil is not None,
            str(profil.get("/OutputConditionIdentifier", "")) if profil is not None
            else "keine Ausgabebedingung GTS_PDFA1 mit Profil"))
        hoechste = {"1": "1.4", "2": "1.7", "3": "1.7", "4": "2.0"}.get(teil, "2.0")
        version = str(self.pdf.pdf_version)
        passend = tuple(map(int, version.split("."))) <= tuple(map(int, hoechste.split(".")))
        punkte.append(Pruefpunkt(f"PDF/A: PDF-Version passt zu PDF/A-{teil}", passend,
                                 f"PDF {version}" + ("" if passend else f", erlaubt bis {hoechste}")))
        verboten = self._pdfa_verboten()
        punkte.append(Pruefpunkt(
            "PDF/A: keine verbotenen Elemente (Interpolate, LZW, PostScript, Transferfunktion)",
            not verboten, "gefunden: " + ", ".join(sorted(verboten)) if verboten else ""))
        abweichungen = self._info_gegen_xmp()
        punkte.append(Pruefpunkt("PDF/A: XMP-Metadaten lesbar und gleich dem Info-Verzeichnis",
                                 not abweichungen, "; ".join(abweichungen)))
        if self.pdfua and teil in ("2", "3"):
            schemas = (self.xmp or {}).get("pdfaSchema:namespaceURI", [])
            beschrieben = _NS["pdfuaid"] in schemas
            punkte.append(Pruefpunkt("PDF/A: PDF/UA-Kennung im XMP durch Erweiterungsschema beschrieben",
                                     beschrieben,
                                     "" if beschrieben else "kein pdfaExtension-Schema für pdfuaid"))
        return punkte

    def _pdfa_verboten(self) -> set[str]:
        """A few PDF/A prohibitions that are easy to see in the objects (ISO 19005-2, 6.2)."""
        gefunden = set()
        for objekt in self.objekte:
            if not isinstance(objekt, (Dictionary, pikepdf.Stream)):
                continue
            if objekt.get("/Interpolate") is True:
                gefunden.add("Bild mit Interpolate true")
            filter_ = objekt.get("/Filter") if isinstance(objekt, pikepdf.Stream) else None
            filter_ = list(filter_) if isinstance(filter_, Array) else [filter_]
            if Name.LZWDecode in filter_:
                gefunden.add("LZW-Kompression")
            if objekt.get("/Subtype") == Name.PS or objekt.get("/Subtype2") == Name.PS:
                gefunden.add("PostScript-XObject")
            if objekt.get("/Type") == Name.ExtGState and "/TR" in objekt:
                gefunden.add("Transferfunktion (TR)")
        return gefunden

    def _info_gegen_xmp(self) -> list[str]:
        if self.xmp is None:
            return [self.xmp_fehler or "keine XMP-Metadaten"]
        info = self.pdf.docinfo if "/Info" in self.pdf.trailer else Dictionary()
        paare = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
                 "/Keywords": "pdf:Keywords", "/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer",
                 "/CreationDate": "xmp:CreateDate", "/ModDate": "xmp:ModifyDate"}
        abweichungen = []
        for schluessel, eigenschaft in paare.items():
            if schluessel not in info:
                continue
            wert = str(info[schluessel])
            xmp = self.xmp.get(eigenschaft)
            if xmp is None:
                abweichungen.append(f"{schluessel[1:]} fehlt im XMP ({eigenschaft})")
            elif "Date" in schluessel:
                if _datum(wert) != _datum(xmp[0]):
                    abweichungen.append(f"{schluessel[1:]} „{wert}“ ≠ XMP „{xmp[0]}“")
            elif wert not in (xmp[0], ", ".join(xmp)):
                abweichungen.append(f"{schluessel[1:]} „{wert}“ ≠ XMP „{', '.join(xmp)}“")
        return abweichungen

    # structure (tagged PDF) --------------------------------------------------------------------

    def _typ(self, element) -> str:
        """The standard type of an element, through the RoleMap."""
        typ = str(element.get("/S", "/"))[1:]
        for _ in range(10):
            if typ in _STANDARDTYPEN or f"/{typ}" not in self.rollen:
                break
            typ = str(self.rollen[f"/{typ}"])[1:]
        return typ

    def _elemente(self) -> list[tuple[object, object]]:
        """(element, parent) in reading order, depth first."""
        ergebnis, gesehen = [], set()

        def besuche(element, eltern):
            if element.objgen in gesehen and element.is_indirect:
                return
            gesehen.add(element.objgen)
            ergebnis.append((element, eltern))
            for kind in _kinder(element):
                if _ist_element(kind):
                    besuche(kind, element)

        if self.baum is not None:
            for kind in _kinder(self.baum):
                if _ist_element(kind):
                    besuche(kind, None)
        return ergebnis

    def _seite(self, seite) -> _Seiteninhalt:
        schluessel = seite.obj.objgen
        if schluessel in self._seiten:
            return self._seiten[schluessel]
        inhalt = _Seiteninhalt()
        schriften = seite.resources.get("/Font", Dictionary())
        xobjekte = seite.resources.get("/XObject", Dictionary())
        decoder, stapel = None, []  # stack of (MCID or None, is artifact)
        for befehl in pikepdf.parse_content_stream(seite):
            op = str(befehl.operator)
            if op in ("BMC", "BDC"):
                operanden = befehl.operands
                eigen = operanden[1] if len(operanden) > 1 and isinstance(operanden[1], Dictionary) else {}
                mcid = int(eigen["/MCID"]) if "/MCID" in eigen else None
                if mcid is not None:
                    inhalt.mcids.add(mcid)
                stapel.append((mcid, operanden[0] == Name.Artifact))
            elif op == "EMC":
                if stapel:
                    stapel.pop()
            elif op == "Tf":
                name = befehl.operands[0]
                decoder = _Schriftdecoder(schriften.get(name) if name in schriften else None)
            if op not in _MALBEFEHLE:
                continue
            mcid = next((m for m, _ in reversed(stapel) if m is not None), None)
            artefakt = any(a for _, a in stapel)
            if mcid is None and not artefakt:
                inhalt.unausgezeichnet += 1
            if op == "Do":
                name = befehl.operands[0]
                xobjekt = xobjekte.get(name) if name in xobjekte else None
                if xobjekt is not None and xobjekt.get("/Subtype") == Name.Image:
                    inhalt.bilder.append(None if artefakt else mcid)
                    inhalt.bilder_ohne_auszeichnung += mcid is None and not artefakt
            if op in _TEXTBEFEHLE and mcid is not None and decoder is not None:
                teile = befehl.operands[-1]
                teile = list(teile) if isinstance(teile, Array) else [teile]
                text = "".join(decoder.text(bytes(t)) for t in teile if isinstance(t, pikepdf.String))
                inhalt.texte[mcid] = inhalt.texte.get(mcid, "") + text
        self._seiten[schluessel] = inhalt
        return inhalt

    def _seiten_nach_objekt(self) -> dict[tuple, object]:
        return {seite.obj.objgen: seite for seite in self.pdf.pages}

    def _inhalte(self, element) -> Iterator[tuple[tuple, int]]:
        """(page objgen, MCID) of all marked content below an element, in order."""
        seite = element.get("/Pg")
        for kind in _kinder(element):
            if isinstance(kind, int):
                if seite is not None:
                    yield seite.objgen, int(kind)
            elif isinstance(kind, Dictionary) and kind.get("/Type") == Name.MCR:
                ziel = kind.get("/Pg", seite)
                if ziel is not None and "/MCID" in kind:
                    yield ziel.objgen, int(kind.MCID)
            elif _ist_element(kind):
                yield from self._inhalte(kind)

    def _text(self, element) -> str:
        seiten = self._seiten_nach_objekt()
        teile = []
        for seite, mcid in self._inhalte(element):
            if seite in seiten:
                teile.append(self._seite(seiten[seite]).texte.get(mcid, ""))
        text = ""
        for teil in teile:
            # pieces are text runs or lines: a space only where a line ended between two words
            if text and teil and not (text[-1].isspace() or teil[0].isspace() or teil[0] in ".,;:!?)"):
                text += " "
            text += teil
        return re.sub(r"\s+", " ", text).strip()

    def _struktur(self) -> list[Pruefpunkt]:
        elemente = self._elemente()
        punkte = [Pruefpunkt("Struktur: Strukturbaum vorhanden", bool(elemente),
                             f"{len(elemente)} Elemente" if elemente else "kein StructTreeRoot")]
        markiert = self.pdf.Root.get("/MarkInfo", Dictionary()).get("/Marked", False)
        punkte.append(Pruefpunkt("Struktur: MarkInfo/Marked ist true", bool(markiert)))
        sprache = str(self.pdf.Root.get("/Lang", "")).strip()
        punkte.append(Pruefpunkt("Struktur: Dokumentsprache gesetzt (/Lang)", bool(sprache),
                                 sprache or "keine Sprache"))
        punkte.append(self._auszeichnung(elemente))
        punkte.append(self._abbildungen(elemente))
        punkte.append(self._verschachtelung(elemente))
        tabellen = [e for e, _ in elemente if self._typ(e) == "Table"]
        ohne_kopf = [t for t in tabellen if not any(self._typ(k) == "TH" for k in _alle(t))]
        punkte.append(Pruefpunkt("Struktur: Tabellen haben Kopfzellen (TH)", not ohne_kopf,
                                 f"{len(tabellen)} Tabelle(n)" + (f", {len(ohne_kopf)} ohne TH" if ohne_kopf
                                                                  else "")))
        return punkte

    def _auszeichnung(self, elemente) -> Pruefpunkt:
        """All painted content is tagged or an artifact, and every MCID is in the tree."""
        text = "Struktur: aller Inhalt ausgezeichnet (im Strukturbaum oder Artefakt)"
        seiten = self._seiten_nach_objekt()
        im_baum = set()
        for element, _ in elemente:
            for seite, mcid in self._inhalte(element):
                im_baum.add((seite, mcid))
        ohne, verwaist = 0, 0
        for schluessel, seite in seiten.items():
            inhalt = self._seite(seite)
            ohne += inhalt.unausgezeichnet
            verwaist += len({(schluessel, m) for m in inhalt.mcids} - im_baum)
        befunde = []
        if ohne:
            befunde.append(f"{ohne} Zeichenbefehl(e) weder ausgezeichnet noch Artefakt")
        if verwaist:
            befunde.append(f"{verwaist} ausgezeichnete(r) Inhalt(e) nicht im Strukturbaum")
        return Pruefpunkt(text, not befunde, "; ".join(befunde))

    def _abbildungen(self, elemente) -> Pruefpunkt:
        text = "Struktur: jede Abbildung mit Alternativtext oder als Artefakt"
        figuren = [e for e, _ in elemente if self._typ(e) == "Figure"]
        ohne_alt = [e for e in figuren if not _alternativtext(e)]
        # raster images in the content: their MCID must belong to a Figure with alt text
        mit_alt = set()
        for figur in figuren:
            if _alternativtext(figur):
                mit_alt |= set(self._inhalte(figur))
        bilder_ohne = 0
        for schluessel, seite in self._seiten_nach_objekt().items():
            inhalt = self._seite(seite)
            bilder_ohne += sum(1 for m in inhalt.bilder if m is not None and (schluessel, m) not in mit_alt)
            bilder_ohne += inhalt.bilder_ohne_auszeichnung
        befunde = []
        if ohne_alt:
            befunde.append(f"{len(ohne_alt)} Abbildung(en) ohne Alternativtext")
        if bilder_ohne:
            befunde.append(f"{bilder_ohne} Bild(er) weder Abbildung mit Alternativtext noch Artefakt")
        if not befunde:
            alt = ", ".join(f"„{_alternativtext(e)}“" for e in figuren)
            return Pruefpunkt(text, True, f"{len(figuren)} Abbildung(en){': ' + alt if alt else ''}")
        return Pruefpunkt(text, False, "; ".join(befunde))

    def _verschachtelung(self, elemente) -> Pruefpunkt:
        text = "Struktur: Listen (L/LI/Lbl/LBody) und Tabellen (Table/TR/TH/TD) richtig verschachtelt"
        fehler = []
        for element, eltern in elemente:
            typ = self._typ(element)
            if typ not in _STANDARDTYPEN:
                fehler.append(f"Typ {typ} ohne RoleMap-Eintrag")
                continue
            if typ in _ERLAUBTE_KINDER:
                for kind in _kinder(element):
                    if _ist_element(kind) and self._typ(kind) not in _ERLAUBTE_KINDER[typ]:
                        fehler.append(f"{self._typ(kind)} in {typ}")
            if typ in _ERLAUBTE_ELTERN and (eltern is None or self._typ(eltern) not in _ERLAUBTE_ELTERN[typ]):
                fehler.append(f"{typ} außerhalb von {'/'.join(sorted(_ERLAUBTE_ELTERN[typ]))}")
        anzahl = {t: sum(1 for e, _ in elemente if self._typ(e) == t) for t in ("L", "Table")}
        befund = f"{anzahl['L']} Liste(n), {anzahl['Table']} Tabelle(n)"
        if fehler:
            befund = ", ".join(sorted(set(fehler))[:5])
        return Pruefpunkt(text, not fehler, befund)

    def _lesereihenfolge(self, hoechstens: int = 16) -> list[str]:
        eintraege, nach_h1 = [], None

        def besuche(element) -> bool:
            nonlocal nach_h1
            typ = self._typ(element)
            if typ in _LESEEINHEITEN:
                if typ == "Figure":
                    text = _alternativtext(element) or "(ohne Alternativtext)"
                else:
                    text = self._text(element)
                if len(text) > 70:
                    text = text[:69] + "…"
                eintraege.append(f"{_LESEEINHEITEN[typ]}: „{text}“")
                if typ in ("H1", "H") and nach_h1 is None:
                    nach_h1 = len(eintraege)
                return len(eintraege) >= hoechstens or (nach_h1 is not None and len(eintraege) >= nach_h1 + 3)
            return any(besuche(k) for k in _kinder(element) if _ist_element(k))

        if self.baum is not None:
            for kind in _kinder(self.baum):
                if _ist_element(kind) and besuche(kind):
                    break
        return eintraege

    # PDF/UA ------------------------------------------------------------------------------------

    def _pdfua(self) -> list[Pruefpunkt]:
        titel = (self.xmp or {}).get("dc:title", [""])[0].strip()
        punkte = [Pruefpunkt("PDF/UA: Titel in den Metadaten (dc:title)", bool(titel), titel or "kein Titel")]
        anzeigen = self.pdf.Root.get("/ViewerPreferences", Dictionary()).get("/DisplayDocTitle", False)
        punkte.append(Pruefpunkt("PDF/UA: Titelleiste zeigt den Titel (DisplayDocTitle)", bool(anzeigen)))
        ebenen = [int(self._typ(e)[1]) for e, _ in self._elemente() if re.fullmatch(r"H[1-6]", self._typ(e))]
        fehler = []
        if ebenen and ebenen[0] != 1:
            fehler.append(f"erste Überschrift ist H{ebenen[0]}")
        fehler += [f"H{b} folgt auf H{a}" for a, b in zip(ebenen, ebenen[1:], strict=False) if b > a + 1]
        punkte.append(Pruefpunkt("PDF/UA: Überschriften beginnen mit H1 und überspringen keine Ebene",
                                 not fehler, "; ".join(fehler[:3]) if fehler
                                 else f"{len(ebenen)} Überschrift(en)"))
        return punkte


def _ist_element(objekt) -> bool:
    return isinstance(objekt, Dictionary) and "/S" in objekt and objekt.get("/Type", Name.StructElem) \
        == Name.StructElem


def _kinder(element) -> list:
    kinder = element.get("/K")
    if kinder is None:
        return []
    return list(kinder) if isinstance(kinder, Array) else [kinder]


def _alternativtext(element) -> str:
    return str(element.get("/Alt", element.get("/ActualText", ""))).strip()


def _alle(element) -> Iterator:
    for kind in _kinder(element):
        if _ist_element(kind):
            yield kind
            yield from _alle(kind)
