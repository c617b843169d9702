"""An editor document (Tiptap/ProseMirror JSON, schema in ``editor_dokument``) written back as a
template body; a German error for any node, field or condition the editor may not produce."""

from __future__ import annotations

import re
from collections.abc import Mapping

from briefe.fehler import VorlagenFehler
from briefe.vorlage import editor_felder as felder
from briefe.vorlage.editor_zeile import Zeile

_NAME = re.compile(r"(empfaenger|werte)\.[a-z_][a-z0-9_]*|anrede|datum|zeichen|betreff")
_FORMAT = re.compile(r"[a-z_][a-z0-9_]*")


def aus_dokument(dokument: Mapping) -> str:
    """The template body of an editor document; a German error for what is not allowed."""
    if not isinstance(dokument, Mapping) or dokument.get("type") != "doc":
        raise VorlagenFehler("Das Dokument des Editors ist ungültig (kein „doc“).")
    try:
        text = _bloecke(dokument.get("content") or [])
    except (AttributeError, TypeError, ValueError, KeyError):  # a node of the wrong shape
        raise VorlagenFehler("Das Dokument des Editors ist ungültig (ein Element hat nicht die "
                             "erwartete Form).") from None
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
        stufe = min(6, max(1, int((block.get("attrs") or {}).get("level", 1))))
        zeile = _zeile(_ohne_umbruch(inhalt)) if inhalt else ""
        zeile = re.sub(r"(?<=[ \t])#+\Z", lambda t: "\\" + t.group(), zeile)  # no closing ##
        return "#" * stufe + " " + zeile if zeile else ""
    if art in ("bulletList", "orderedList"):
        return _liste(block)
    if art == "table":
        return _tabelle(block)
    if art == "ausdruckBlock":
        return str((block.get("attrs") or {}).get("quelltext", "")).strip("\n")
    if art == "bedingung":
        attrs = block.get("attrs") or {}
        _pruefe_bedingung(attrs)
        dann = next((k for k in inhalt if k.get("type") == "bedingungDann"), {})
        sonst = next((k for k in inhalt if k.get("type") == "bedingungSonst"), None)
        text = "{% if " + felder.bedingung_quelle(attrs) + " %}\n"
        text += _trenne(_bloecke(dann.get("content") or [])) + "\n"
        if sonst is not None:
            text += "{% else %}\n" + _trenne(_bloecke(sonst.get("content") or [])) + "\n"
        return text + "{% endif %}"
    if art in ("bedingungDann", "bedingungSonst", "listItem"):
        return _bloecke(inhalt)
    raise VorlagenFehler(f"Das Dokument des Editors enthält einen unbekannten Block „{art}“.")


def _liste(block: Mapping) -> str:
    nummeriert = block.get("type") == "orderedList"
    start = int((block.get("attrs") or {}).get("start") or 1) if nummeriert else 1
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
        text = "\n".join(einzug + z if z and k else z for k, z in enumerate(text.split("\n")))
        zeilen.append(marke + text if text.strip() else marke.rstrip())
    return ("\n\n" if locker else "\n").join(zeilen)


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
    return Zeile(tabelle, rand).schreibe(inhalt, lambda knoten: _atom(knoten, tabelle))


def _atom(knoten: Mapping, tabelle: bool) -> str:
    art = knoten.get("type")
    attrs = knoten.get("attrs") or {}
    if art == "feld":
        _pruefe_name(attrs.get("name"))
        if attrs.get("format") and not _FORMAT.fullmatch(str(attrs["format"])):
            raise VorlagenFehler(f"Das Format „{attrs['format']}“ eines Feldes ist ungültig.")
        return felder.feld_quelle(attrs)
    if art == "ausdruck":
        return str(attrs.get("quelltext", ""))
    if art == "bedingungInline":
        _pruefe_bedingung(attrs)
        text = "{% if " + felder.bedingung_quelle(attrs) + " %}"
        text += _zeile(attrs.get("dann") or [], tabelle, rand=False)
        if attrs.get("sonst") is not None:
            text += "{% else %}" + _zeile(attrs.get("sonst") or [], tabelle, rand=False)
        return text + "{% endif %}"
    raise VorlagenFehler(f"Das Dokument des Editors enthält ein unbekanntes Element „{art}“.")


def _pruefe_bedingung(attrs: Mapping) -> None:
    _pruefe_name(attrs.get("spalte"))
    art = attrs.get("art", "gefuellt")
    if art not in felder.ARTEN:
        raise VorlagenFehler(f"Die Art „{art}“ einer Bedingung ist unbekannt; erlaubt sind "
                             + ", ".join(felder.ARTEN) + ".")


def _pruefe_name(name: object) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise VorlagenFehler(f"Das Feld „{name}“ ist ungültig; erlaubt sind Spalten der Liste "
                             "(empfaenger.…), Werte (werte.…), anrede, datum, zeichen, betreff.")
