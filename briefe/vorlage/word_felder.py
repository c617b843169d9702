"""How briefe's fields and conditions look in a Word document, for export and import alike.

- A field is a ``MERGEFIELD`` named after its label (the list's column heading, the start
  value's label); the document's custom property ``briefe-felder`` maps each label back to the
  field name and format (a label used with two formats gets the format in brackets).
- An inline condition Word can express is an ``IF`` field:
  ``IF "{ MERGEFIELD Funktion }" <> "" "dann" "sonst"``.
- A block condition is briefe's marked fallback: a bookmark ``briefe_wenn_N`` around its
  paragraphs (``briefe_sonst_N`` around the "sonst" part inside it); the custom property
  ``briefe-bedingungen`` holds condition N as ``{spalte, art, wert}``. (Bookmarks, not content
  controls: LibreOffice shows the field code of fields inside a block content control.)
- An inline condition Word's IF cannot express (``enthaelt``) is a content control tagged
  ``briefe-wenn`` + JSON ``{spalte, art, wert}``, titled "nur wenn «Gremien» enthält …", its
  "sonst" part a content control tagged ``briefe-sonst`` inside it. The import reads both
  fallbacks, block and inline.
- The front matter is kept in the custom property ``briefe-kopf``.
"""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from briefe.vorlage.editor_felder import ARTEN, bedingung_quelle

WENN = "briefe-wenn"
AUSDRUCK = "briefe-ausdruck"  # + number: verbatim source in property briefe-ausdruecke
SONST = "briefe-sonst"
_NAME = re.compile(r"^((empfaenger|werte)\.[a-z_][a-z0-9_]*|anrede|datum|zeichen|betreff)$")
_FORMAT = re.compile(r"^[a-z_][a-z0-9_]*$")
_CUSTOM = "/docProps/custom.xml"
_CUSTOM_TYP = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def feld_quelle(name: str, format_: str | None) -> str | None:
    """``{{ name | format }}``; None for a name or format that is no plain field."""
    if not _NAME.match(name or "") or (format_ and not _FORMAT.match(format_)):
        return None
    return "{{ " + (f"{name} | {format_}" if format_ else name) + " }}"


def bedingung_test(spalte: str, art: str, wert: str | None) -> str | None:
    """The test of ``{% if … %}``; None if the attributes are not a condition briefe writes."""
    if not _NAME.match(spalte or "") or art not in ARTEN:
        return None
    return bedingung_quelle({"spalte": spalte, "art": art, "wert": wert})


def bedingung_titel(label: str, art: str, wert: str | None) -> str:
    """"nur wenn «Funktion» gefüllt" – the German title of a condition."""
    text = {"gefuellt": "gefüllt", "leer": "leer", "enthaelt": f"enthält „{wert}“",
            "gleich": f"gleich „{wert}“", "ungleich": f"ungleich „{wert}“"}[art]
    return f"nur wenn «{label}» {text}"


def wenn_tag(spalte: str, art: str, wert: str | None) -> str:
    """The tag of a condition's content control."""
    return WENN + json.dumps({"spalte": spalte, "art": art, "wert": wert}, ensure_ascii=False)


def test_des_tags(tag: str) -> str | None:
    """The ``{% if %}`` test of a tag ``briefe-wenn{…}``, ``SONST`` for the else part, else None."""
    if tag == SONST:
        return SONST
    if not tag.startswith(WENN):
        return None
    try:
        attrs = json.loads(tag[len(WENN):])
    except ValueError:
        return None
    if not isinstance(attrs, dict):
        return None
    return bedingung_test(str(attrs.get("spalte")), str(attrs.get("art")), attrs.get("wert"))


class Textmarken:
    """briefe's condition bookmarks while importing: a start gives ``{% if … %}`` or
    ``{% else %}``, the end of a condition ``{% endif %}``; other bookmarks give nothing."""

    def __init__(self, bedingungen: object) -> None:
        self.bedingungen = bedingungen if isinstance(bedingungen, list) else []
        self.namen: dict[str | None, str] = {}
        self.gueltig: set[str] = set()

    def anfang(self, name: str, kennung: str | None) -> str | None:
        self.namen[kennung] = name
        treffer = re.fullmatch(r"briefe_(wenn|sonst)_(\d+)", name)
        if not treffer:
            return None
        if treffer[1] == "sonst":
            return "{% else %}" if f"briefe_wenn_{treffer[2]}" in self.gueltig else None
        nummer = int(treffer[2])
        attrs = self.bedingungen[nummer] if nummer < len(self.bedingungen) else None
        test = bedingung_test(str(attrs.get("spalte")), str(attrs.get("art")),
                              attrs.get("wert")) if isinstance(attrs, dict) else None
        if not test:
            return None
        self.gueltig.add(name)
        return f"{{% if {test} %}}"

    def ende(self, kennung: str | None) -> str | None:
        name = self.namen.get(kennung, "")
        return "{% endif %}" if name.startswith("briefe_wenn_") and name in self.gueltig else None


# --- IF fields --------------------------------------------------------------------------

_IF_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_OPERATOREN = {"=": "gleich", "<>": "ungleich"}


def lies_if(code: str, felder: dict[str, str]) -> tuple[str, str, str] | None:
    """(test, then, else) of ``IF "\x00n\x00" <> "" "dann" "sonst"``, where ``\x00n\x00``
    stands for nested field n (its template source in ``felder``); None if briefe cannot
    read it as a condition on one field."""
    teile = [(t[1] if t[1] is not None else t[2]) for t in _IF_TOKEN.finditer(code)]
    if len(teile) < 4 or teile[0].upper() != "IF" or teile[2] not in _OPERATOREN:
        return None
    treffer = re.fullmatch(r"\x00(\d+)\x00", teile[1].strip())
    quelle = felder.get(treffer[1]) if treffer else None
    name = re.fullmatch(r"\{\{ ([a-z_.]+)(?: \| [a-z_]+)? \}\}", quelle or "")
    if not name:
        return None
    wert = teile[3]
    art = _OPERATOREN[teile[2]]
    if wert == "":
        art = "gefuellt" if art == "ungleich" else "leer"
    test = bedingung_test(name[1], art, wert)
    dann = teile[4] if len(teile) > 4 else ""
    sonst = teile[5] if len(teile) > 5 else ""
    return (test, dann, sonst) if test else None


# --- custom properties ------------------------------------------------------------------


def schreibe_eigenschaften(dok, werte: dict[str, str]) -> None:
    """Store ``werte`` as the document's custom properties (docProps/custom.xml)."""
    eintraege = "".join(
        f'<property fmtid="{_FMTID}" pid="{nummer}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(wert)}</vt:lpwstr></property>"
        for nummer, (name, wert) in enumerate(werte.items(), start=2))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<Properties xmlns="{_NS_CUSTOM}" xmlns:vt="{_NS_VT}">{eintraege}</Properties>')
    paket = dok.part.package
    teil = Part(PackURI(_CUSTOM), _CUSTOM_TYP, xml.encode("utf-8"), paket)
    paket.relate_to(teil, RT.CUSTOM_PROPERTIES)


def lies_eigenschaften(dok) -> dict[str, str]:
    """The document's custom properties (name → text); empty if there are none."""
    from lxml import etree

    for teil in dok.part.package.iter_parts():
        if str(teil.partname) == _CUSTOM:
            try:
                wurzel = etree.fromstring(teil.blob, etree.XMLParser(resolve_entities=False,
                                                                     no_network=True))
            except etree.XMLSyntaxError:
                return {}
            return {e.get("name"): "".join(e.itertext())
                    for e in wurzel.iter(f"{{{_NS_CUSTOM}}}property") if e.get("name")}
    return {}
