"""Sender profiles (``vorlagen/absender/*.toml``) as ``Absender`` values."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from briefe.fehler import VorlagenFehler, dateifehler
from briefe.modell import Absender, InfoZeile, Unterschrift
from briefe.vorlage.meldungen import toml_fehler, unbekannter_eintrag

_SCHLUESSEL = {
    "behoerde", "dienststelle", "ruecksendeangabe", "logo", "logo_alt", "infoblock",
    "fusszeilen", "unterschrift", "basisdokument",
}
_UNTERSCHRIFT = {"name", "funktion", "bild", "bild_alt", "gez"}


def lies_toml(pfad: Path) -> dict:
    """A TOML file as dict; syntax errors become ``VorlagenFehler`` with the line."""
    try:
        text = pfad.read_bytes().decode("utf-8-sig")
        return tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as fehler:
        raise VorlagenFehler(dateifehler(fehler), datei=pfad.name) from None
    except tomllib.TOMLDecodeError as fehler:
        meldung, zeile = toml_fehler(fehler, text)
        raise VorlagenFehler(f"Fehler im TOML: {meldung}", datei=pfad.name, zeile=zeile) from None


def pruefe_schluessel(daten: dict, erlaubt: set[str], datei: str, bereich: str = "") -> None:
    """Unknown keys are typos: name them."""
    for schluessel in daten:
        if schluessel not in erlaubt:
            raise VorlagenFehler(unbekannter_eintrag(schluessel, erlaubt, bereich), datei=datei)


def _text(daten: dict, schluessel: str, datei: str) -> str:
    wert = daten.get(schluessel, "")
    if not isinstance(wert, str):
        raise VorlagenFehler(f"„{schluessel}“ muss ein Text in Anführungszeichen sein.", datei=datei)
    return wert


def _datei(ordner: Path, wert: object, schluessel: str, datei: str, wurzel: Path) -> Path | None:
    """A file named in a profile or template; it must lie inside the templates folder."""
    if not wert:
        return None
    # lexical check: no "../" out of the templates folder (symlinks inside it are the admin's choice)
    pfad = Path(os.path.normpath(ordner.absolute() / str(wert)))
    if not pfad.is_relative_to(Path(os.path.normpath(wurzel.absolute()))):
        raise VorlagenFehler(
            f"„{schluessel}“: „{wert}“ liegt außerhalb des Vorlagenordners.", datei=datei
        )
    if not pfad.is_file():
        raise VorlagenFehler(f"„{schluessel}“: Datei „{wert}“ nicht gefunden.", datei=datei)
    return pfad


BILDFORMATE = {".png", ".jpg", ".jpeg", ".gif"}


def _bild(ordner: Path, wert: object, schluessel: str, datei: str, wurzel: Path) -> Path | None:
    """An image file for PDF and DOCX alike (Word cannot embed SVG)."""
    pfad = _datei(ordner, wert, schluessel, datei, wurzel)
    if pfad and pfad.suffix.lower() not in BILDFORMATE:
        raise VorlagenFehler(
            f"„{schluessel}“: „{wert}“ muss ein PNG-, JPEG- oder GIF-Bild sein "
            "(SVG kann Word nicht einbetten).",
            datei=datei,
        )
    return pfad


def lies_unterschrift(
    daten: object, ordner: Path, datei: str, wurzel: Path | None = None
) -> Unterschrift | None:
    """The ``[unterschrift]`` table of a profile or template; images must lie below ``wurzel``
    (default: ``ordner``)."""
    if daten is None:
        return None
    if not isinstance(daten, dict):
        raise VorlagenFehler("„unterschrift“ muss eine Tabelle [unterschrift] sein.", datei=datei)
    pruefe_schluessel(daten, _UNTERSCHRIFT, datei, "unterschrift")
    return Unterschrift(
        name=_text(daten, "name", datei),
        funktion=_text(daten, "funktion", datei),
        bild=_bild(ordner, daten.get("bild"), "bild", datei, wurzel or ordner),
        bild_alt=_text(daten, "bild_alt", datei),
        gez=bool(daten.get("gez", False)),
    )


def lies_absender(pfad: Path) -> Absender:
    """Load one sender profile."""
    datei = f"Absenderprofil {pfad.name}"
    vorlagen = pfad.parent.parent  # profiles live in <vorlagen>/absender/
    daten = lies_toml(pfad)
    pruefe_schluessel(daten, _SCHLUESSEL, datei)
    if not daten.get("behoerde"):
        raise VorlagenFehler("„behoerde“ fehlt (Name der Behörde für den Briefkopf).", datei=datei)
    info = []
    for nummer, zeile in enumerate(daten.get("infoblock", []), start=1):
        if not (isinstance(zeile, list) and len(zeile) in (0, 2)):
            raise VorlagenFehler(
                f"infoblock, Eintrag {nummer}: erwartet [\"Bezeichnung\", \"Wert\"] oder [].",
                datei=datei,
            )
        info.append(InfoZeile(*map(str, zeile)) if zeile else InfoZeile(""))
    return Absender(
        kennung=pfad.stem,
        behoerde=_text(daten, "behoerde", datei),
        dienststelle=_text(daten, "dienststelle", datei),
        ruecksendeangabe=_text(daten, "ruecksendeangabe", datei),
        logo=_bild(pfad.parent, daten.get("logo"), "logo", datei, vorlagen),
        logo_alt=_text(daten, "logo_alt", datei),
        infoblock=tuple(info),
        fusszeilen=tuple(str(z) for z in daten.get("fusszeilen", [])),
        unterschrift=lies_unterschrift(daten.get("unterschrift"), pfad.parent, datei, vorlagen),
        basisdokument=_datei(pfad.parent, daten.get("basisdokument"), "basisdokument", datei, vorlagen),
    )


def finde_absender(kennung: str, vorlagen_ordner: Path) -> Absender:
    """The profile ``<vorlagen>/absender/<kennung>.toml``."""
    ordner = vorlagen_ordner / "absender"
    pfad = ordner / f"{kennung}.toml"
    if "/" in kennung or "\\" in kennung or not pfad.is_file():
        vorhanden = sorted(p.stem for p in ordner.glob("*.toml"))
        raise VorlagenFehler(
            f"Absender „{kennung}“ nicht gefunden. Vorhanden: {', '.join(vorhanden) or 'keine'}."
        )
    return lies_absender(pfad)
