"""Text blocks (Textbausteine, ``vorlagen/bausteine/NAME.md``): paragraphs written once and
used by many templates with ``{{ baustein("NAME") }}``; Markdown with fields like a body,
optional TOML front matter (``beschreibung``, ``stand``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import nodes

from briefe.fehler import VorlagenFehler, dateifehler
from briefe.vorlage.meldungen import toml_fehler, unbekannter_eintrag

ORDNER = "bausteine"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_SCHLUESSEL = {"beschreibung", "stand"}
TRENNER = "+++"


@dataclass(frozen=True)
class Baustein:
    """One text block as read from its file."""

    name: str
    pfad: Path
    text: str  # the body, front matter blanked so its lines are the file's
    beschreibung: str = ""
    stand: dt.date | None = None
    pruefsumme: str = ""  # SHA-256 of the file

    @property
    def anzeige(self) -> str:
        return f"Textbaustein „{self.name}“"

    def als_dict(self) -> dict:
        """For the page's editor and ``briefe bausteine``."""
        return {"name": self.name, "beschreibung": self.beschreibung,
                "stand": self.stand.isoformat() if self.stand else "",
                "text": self.text.strip(), "pruefsumme": self.pruefsumme}


def gueltiger_name(name: str) -> bool:
    """Whether ``name`` can name a block file."""
    return bool(_NAME.fullmatch(name))


def lies_baustein(vorlagen_ordner: Path, name: str) -> Baustein:
    """The block ``NAME``; a missing one is an error naming it (and what exists)."""
    if not gueltiger_name(name):
        raise VorlagenFehler(f"Textbaustein „{name}“: Namen bestehen aus Kleinbuchstaben, Ziffern, "
                             "„-“ und „_“.")
    pfad = Path(vorlagen_ordner) / ORDNER / f"{name}.md"
    if not pfad.is_file():
        vorhanden = [b.stem for b in finde_bausteine(vorlagen_ordner)]
        raise VorlagenFehler(f"Textbaustein „{name}“ nicht gefunden (erwartet in {ORDNER}/{name}.md). "
                             f"Vorhanden: {', '.join(vorhanden) or 'keine'}.")
    try:
        daten = pfad.read_bytes()
        text = daten.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as fehler:
        raise VorlagenFehler(f"Textbaustein nicht lesbar: {dateifehler(fehler)}",
                             datei=f"Textbaustein „{name}“") from None
    return baustein_aus_text(name, text, pfad, hashlib.sha256(daten).hexdigest())


def baustein_aus_text(name: str, text: str, pfad: Path, pruefsumme: str = "") -> Baustein:
    """The block ``name`` with the file text ``text`` (front matter optional)."""
    kopf, koerper = _teile(text.replace("\r\n", "\n").replace("\r", "\n"), name)
    return Baustein(name=name, pfad=pfad, text=koerper,
                    beschreibung=str(kopf.get("beschreibung", "")), stand=kopf.get("stand"),
                    pruefsumme=pruefsumme)


def _teile(text: str, name: str) -> tuple[dict, str]:
    datei = f"Textbaustein „{name}“"
    zeilen = text.splitlines(keepends=True)
    if not zeilen or zeilen[0].strip() != TRENNER:
        return {}, text
    ende = next((n for n, z in enumerate(zeilen[1:], start=1) if z.strip() == TRENNER), None)
    if ende is None:
        raise VorlagenFehler(f"Der Kopfbereich wird nicht mit einer Zeile „{TRENNER}“ geschlossen.",
                             datei=datei, zeile=len(zeilen))
    kopf_text = "".join(zeilen[1:ende])
    try:
        kopf = tomllib.loads(kopf_text)
    except tomllib.TOMLDecodeError as fehler:
        meldung, zeile = toml_fehler(fehler, kopf_text, 2, ende)
        raise VorlagenFehler(f"Fehler im Kopfbereich: {meldung}", datei=datei, zeile=zeile) from None
    for schluessel in kopf:
        if schluessel not in _SCHLUESSEL:
            raise VorlagenFehler(unbekannter_eintrag(schluessel, _SCHLUESSEL, ort=" im Kopfbereich"),
                                 datei=datei)
    if "stand" in kopf and not isinstance(kopf["stand"], dt.date):
        raise VorlagenFehler("„stand“ muss ein Datum wie 2026-12-01 (ohne Anführungszeichen) sein.",
                             datei=datei)
    return kopf, "\n" * (ende + 1) + "".join(zeilen[ende + 1:])


def finde_bausteine(vorlagen_ordner: Path) -> list[Path]:
    """All text block files of a templates folder."""
    return sorted(p for p in (Path(vorlagen_ordner) / ORDNER).glob("*.md") if p.is_file())


def lies_alle(vorlagen_ordner: Path) -> list[Baustein | VorlagenFehler]:
    """Every block of the folder by name, or the error that keeps it from loading."""
    ergebnis: list[Baustein | VorlagenFehler] = []
    for pfad in finde_bausteine(vorlagen_ordner):
        try:
            ergebnis.append(lies_baustein(vorlagen_ordner, pfad.stem))
        except VorlagenFehler as fehler:
            ergebnis.append(fehler)
    return ergebnis


def alle_bausteine(vorlagen_ordner: Path) -> list[Baustein]:
    """Every readable block, by name (for lists; broken ones are left out)."""
    return [b for b in lies_alle(vorlagen_ordner) if isinstance(b, Baustein)]


def aufrufe(ast: nodes.Template, datei: str, funktion: str = "baustein") -> list[tuple[str, int]]:
    """``(name, line)`` of every ``baustein("NAME")``, the name written as text; for
    ``girocode()`` (no argument) the name is empty."""
    gefunden = []
    for aufruf in ast.find_all(nodes.Call):
        if isinstance(aufruf.node, nodes.Name) and aufruf.node.name == funktion:
            argumente = aufruf.args
            if funktion == "girocode":
                if argumente or aufruf.kwargs:
                    raise VorlagenFehler("girocode() steht ohne Angaben in den Klammern; die Daten "
                                         "kommen aus [zahlung].", datei=datei, zeile=aufruf.lineno)
                gefunden.append(("", aufruf.lineno))
                continue
            if (len(argumente) != 1 or aufruf.kwargs or not isinstance(argumente[0], nodes.Const)
                    or not isinstance(argumente[0].value, str)):
                raise VorlagenFehler(f'{funktion}(…) erwartet genau einen Namen in Anführungszeichen, '
                                     f'z. B. {{{{ {funktion}("datenschutz") }}}}.',
                                     datei=datei, zeile=aufruf.lineno)
            gefunden.append((argumente[0].value, aufruf.lineno))
    return gefunden
