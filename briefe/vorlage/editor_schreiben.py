"""An editor document (Tiptap/ProseMirror JSON, schema in ``editor_dokument``) written back as a
template body; ``editor_pruefung`` first gives a German error, naming the place, for anything
the editor may not produce. One line of inline nodes is written by ``editor_zeile``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from briefe.fehler import VorlagenFehler
from briefe.vorlage import editor_felder as felder
from briefe.vorlage.editor_pruefung import pruefe
from briefe.vorlage.editor_zeile import Zeile
from briefe.vorlage.editor_zeile import marken as marken_von


def aus_dokument(dokument: Mapping) -> str:
    """The template body of an editor document; a German error naming the place for what the
    editor may not produce."""
    pruefe(dokument)
    try:
        text = _bloecke(dokument.get("content") or [])
    except (AttributeError, TypeError, ValueError, KeyError, RecursionError):  # pragma: no cover
        raise VorlagenFehler("Das Dokument des Editors ist ungültig (ein Element hat nicht die "
                             "erwartete Form).", datei="Editor-Dokument") from None
    return text + "\n" if text else ""


def _bloecke(bloecke: list) -> str:
    teile = [_block(b) for b in bloecke]
    return "\n\n".join(_trenne(t) for t in teile if t).rstrip("\n")


_TAGZEILE = re.compile(r"(?:\A|\n)[ \t]*\{[%#][^{}\n]*[%#]\}\Z")


def _trenne(text: str) -> str:
    """A block ending in a tag after text: Jinja drops the newline after it, so add one
    (a tag on a line of its own leaves no line in the letter and needs none)."""
    return text + "\n" if re.search(r"[%#]\}\Z", text) and not _TAGZEILE.search(text) else text


def _block(block: Mapping) -> str | None:
    art = block.get("type")
    inhalt = block.get("content") or []
    if art == "paragraph":
        return _zeile(inhalt)
    if art == "heading":
        stufe = (block.get("attrs") or {}).get("level") or 1
        zeile = _zeile(_ohne_umbruch(inhalt)) if inhalt else ""
        zeile = re.sub(r"(?<=[ \t])#+\Z", lambda t: "\\" + t.group(), zeile)  # no closing ##
        return "#" * stufe + " " + zeile if zeile else ""
    if art in ("bulletList", "orderedList"):
        return _liste(block)
    if art == "table":
        return _tabelle(block)
    if art == "ausdruckBlock":
        return (block.get("attrs") or {}).get("quelltext", "").strip("\n")
    if art == "bedingung":
        attrs = block.get("attrs") or {}
        dann = next((k for k in inhalt if k.get("type") == "bedingungDann"), {})
        sonst = next((k for k in inhalt if k.get("type") == "bedingungSonst"), None)
        text = "{% if " + felder.bedingung_quelle(attrs) + " %}\n"
        text += _trenne(_bloecke(dann.get("content") or [])) + "\n"
        if sonst is not None:
            text += "{% else %}\n" + _trenne(_bloecke(sonst.get("content") or [])) + "\n"
        return text + "{% endif %}"
    if art in ("bedingungDann", "bedingungSonst", "listItem"):
        return _bloecke(inhalt)
    raise ValueError(art)  # pruefe() lets no other block through


def _liste(block: Mapping) -> str:
    nummeriert = block.get("type") == "orderedList"
    start = (block.get("attrs") or {}).get("start", 1) if nummeriert else 1
    start = 1 if start is None else start
    punkte = [p for p in block.get("content") or [] if p.get("type") == "listItem"]
    locker = any(len(p.get("content") or []) > 1 and any(
        k.get("type") not in ("bulletList", "orderedList") for k in (p.get("content") or [])[1:])
        for p in punkte)
    zeilen = []
    for n, punkt in enumerate(punkte):
        marke = f"{start + n}. " if nummeriert else "- "
        einzug = " " * len(marke)
        teile = []
        for kind in punkt.get("content") or [{"type": "paragraph"}]:
            teil = _block(kind) or ""
            teile.append(teil)
        text = ("\n\n" if locker else "\n").join(teile)
        zeilen_ = text.split("\n")
        text = "\n".join(einzug + z if z and k and not _tag_nach_umbruch(zeilen_[k - 1], z) else z
                         for k, z in enumerate(zeilen_))
        zeilen.append(marke + text if text.strip() else marke.rstrip())
    return ("\n\n" if locker else "\n").join(zeilen)


def _tag_nach_umbruch(davor: str, zeile: str) -> bool:
    """A tag starting a line after a line break: Jinja drops the indent before it (lstrip_blocks),
    so the line continues the paragraph without one."""
    return davor.endswith("\\") and zeile.startswith(("{%", "{#"))


def _tabelle(block: Mapping) -> str:
    zeilen = [z for z in block.get("content") or [] if z.get("type") == "tableRow"]
    if not zeilen:
        return ""
    breite = max(len(z.get("content") or []) for z in zeilen) or 1
    ausrichtung = list((block.get("attrs") or {}).get("ausrichtung") or [])
    kopf = zeilen[0].get("content") and all(
        c.get("type") == "tableHeader" for c in zeilen[0]["content"])

    def zeile(zellen: list) -> str:
        texte = [_zelle(c) for c in zellen] + [""] * (breite - len(zellen))
        return "| " + " | ".join(texte) + " |"

    linie = []
    for n in range(breite):
        a = ausrichtung[n] if n < len(ausrichtung) else "left"
        linie.append({"center": ":---:", "right": "---:"}.get(a, "---"))
    kopfzeile = zeile(zeilen[0]["content"]) if kopf else "|" + "  |" * breite
    rumpf = zeilen[1:] if kopf else zeilen
    return "\n".join([kopfzeile, "| " + " | ".join(linie) + " |",
                      *(zeile(z.get("content") or []) for z in rumpf)])


def _zelle(zelle: Mapping) -> str:
    teile = []
    for absatz in zelle.get("content") or []:
        teile.append(_zeile(_ohne_umbruch(absatz.get("content") or []), tabelle=True))
    return " ".join(t for t in teile if t).replace("\n", " ")


def _ohne_umbruch(inhalt: list) -> list:
    """A heading or table cell is one line: a line break becomes a space."""
    return [{"type": "text", "text": " "} if k.get("type") == "hardBreak" else k for k in inhalt]


def _zeile(inhalt: list, tabelle: bool = False, rand: bool = True) -> str:
    """Inline nodes as one Markdown line (hard breaks give further lines); ``rand=False``
    keeps spaces at the edges (the parts of an inline condition)."""
    if rand:
        inhalt = _leere_felder_geschuetzt(inhalt)
    return Zeile(tabelle, rand).schreibe(inhalt, lambda knoten: _atom(knoten, tabelle))


def _leere_felder_geschuetzt(inhalt: list) -> list:
    """A field bold or italic on its own is written inside ``{% if name %}``: an empty value
    would leave ``****`` in the letter. ``zu_dokument`` reads it back as the field."""
    ergebnis = list(inhalt)
    for n, knoten in enumerate(inhalt):
        marken = marken_von(knoten)
        if knoten.get("type") != "feld" or not marken:
            continue
        nachbarn = [_nachbar(inhalt[n - 1::-1] if n else []), _nachbar(inhalt[n + 1:])]
        if not any(marken & marken_von(k) for k in nachbarn if k is not None):
            name = knoten["attrs"]["name"]
            ergebnis[n] = {"type": "bedingungInline", "attrs": {
                "spalte": name, "art": "gefuellt", "wert": None, "dann": [knoten], "sonst": None}}
    return ergebnis


def _nachbar(knoten_liste: list) -> Mapping | None:
    """The first node that is not whitespace."""
    return next((k for k in knoten_liste if k.get("type") != "text"
                 or str(k.get("text", "")).strip()), None)


def _atom(knoten: Mapping, tabelle: bool) -> str:
    art = knoten.get("type")
    attrs = knoten.get("attrs") or {}
    if art == "feld":
        return felder.feld_quelle(attrs)
    if art == "ausdruck":
        return attrs.get("quelltext", "")
    if art == "bedingungInline":
        text = "{% if " + felder.bedingung_quelle(attrs) + " %}"
        text += _zeile(attrs.get("dann") or [], tabelle, rand=False)
        if attrs.get("sonst") is not None:
            text += "{% else %}" + _zeile(attrs.get("sonst") or [], tabelle, rand=False)
        return text + "{% endif %}"
    raise ValueError(art)  # pruefe() lets no other element through
