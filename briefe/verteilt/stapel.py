"""What travels in a task: a chunk of rows, the run options and the template bundle, as JSON.

The bundle holds the template and every file it uses (sender profile, images, base
document) with their paths relative to a common folder, so a worker rebuilds the same
template and proves it by the template checksum.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from briefe.fehler import BriefeFehler
from briefe.lauf.optionen import Laufoptionen
from briefe.lauf.protokoll import Eintrag
from briefe.quellen.mitglieder import Empfaenger
from briefe.vorlage.vorlage import Vorlage, lade_vorlage

AUFGABE = "briefe.verteilt.stapel"


class Abgelehnt(BriefeFehler):
    """A worker refuses a chunk (other template or program version, folder not visible)."""


# --- run options ------------------------------------------------------------------------


def optionen_als_dict(optionen: Laufoptionen) -> dict:
    """Every field of the options, JSON-ready (fields added later travel along)."""
    return {name: _json(wert) for name, wert in dataclasses.asdict(optionen).items()}


def _json(wert):
    if isinstance(wert, Path):
        return str(wert)
    if isinstance(wert, list | tuple):
        return [_json(w) for w in wert]
    if isinstance(wert, Mapping):
        return {k: _json(w) for k, w in wert.items()}
    return wert


def optionen_aus_dict(daten: dict) -> Laufoptionen:
    """The options back from JSON; a field this program does not know refuses the chunk."""
    felder = {f.name: f for f in dataclasses.fields(Laufoptionen)}
    unbekannt = sorted(set(daten) - set(felder))
    if unbekannt:
        raise Abgelehnt(f"Diese briefe-Fassung kennt die Lauf-Option(en) {', '.join(unbekannt)} "
                        "nicht; bitte briefe auf dem Arbeiter aktualisieren.")
    werte = {}
    for name, wert in daten.items():
        typ = str(felder[name].type)
        if wert is not None and "Path" in typ:
            wert = Path(wert)
        elif isinstance(wert, list):
            wert = _tupel(wert)
        werte[name] = wert
    return Laufoptionen(**werte)


def _tupel(wert):
    return tuple(_tupel(w) for w in wert) if isinstance(wert, list) else wert


# --- rows and results -------------------------------------------------------------------


def empfaenger_als_dict(nummer: int, empfaenger: Empfaenger) -> dict:
    """A row with every field of ``Empfaenger`` (fields added later travel along)."""
    return {"nummer": nummer, "empfaenger": {f.name: _json(getattr(empfaenger, f.name))
                                             for f in dataclasses.fields(Empfaenger)}}


def empfaenger_aus_dict(daten: dict) -> tuple[int, Empfaenger]:
    felder = {f.name for f in dataclasses.fields(Empfaenger)}
    unbekannt = sorted(set(daten["empfaenger"]) - felder)
    if unbekannt:
        raise Abgelehnt(f"Diese briefe-Fassung kennt die Empfänger-Angabe(n) {', '.join(unbekannt)} "
                        "nicht; bitte briefe auf dem Arbeiter aktualisieren.")
    return daten["nummer"], Empfaenger(**daten["empfaenger"])


def eintrag_aus_dict(daten: dict) -> Eintrag:
    return Eintrag(**daten)


# --- template bundle --------------------------------------------------------------------


def packe_vorlage(vorlage: Vorlage, vorlagen_ordner: Path | None) -> dict:
    """The template with its files; checks the files still give the loaded template's checksum."""
    dateien = [Path(os.path.abspath(d)) for d in vorlage.dateien]
    ordner = Path(os.path.abspath(vorlagen_ordner)) if vorlagen_ordner else None
    wurzel = Path(os.path.commonpath([d.parent for d in dateien] + ([ordner] if ordner else [])))
    inhalt = {d: d.read_bytes() if d.is_file() or d != Path(os.path.abspath(vorlage.pfad))
              else vorlage.quelltext.encode("utf-8") for d in dateien}  # a template given as text
    summe = hashlib.sha256()
    for datei in dateien:  # the same sum as Vorlage.pruefsumme, over the bytes sent
        summe.update(datei.name.encode() + b"\0" + inhalt[datei] + b"\0")
    pruefsumme = summe.hexdigest()
    if pruefsumme != vorlage.pruefsumme():
        raise BriefeFehler("Die Vorlage oder eine ihrer Dateien wurde während des Starts geändert; "
                           "bitte den Lauf neu starten.", datei=str(vorlage.pfad))
    return {
        "sha256": pruefsumme,
        "herkunft": {"vorlage": str(dateien[0]), "ordner": str(ordner) if ordner else None},
        "vorlage": str(dateien[0].relative_to(wurzel)),
        "ordner": str(ordner.relative_to(wurzel)) if ordner else None,
        "dateien": {str(d.relative_to(wurzel)): base64.b64encode(b).decode("ascii")
                    for d, b in inhalt.items()},
    }


def packe_aus(buendel: dict, ablage: Path) -> tuple[Vorlage, Path | None]:
    """The template of a bundle and its templates folder: the worker's own copy at the same path
    when it has the bundle's checksum (then letters are byte for byte those of a local run),
    else rebuilt below ``ablage/<checksum>/``. Refuses a bundle whose files do not give the
    checksum it names."""
    pruefsumme = str(buendel["sha256"])
    herkunft = buendel.get("herkunft") or {}
    with contextlib.suppress(BriefeFehler, OSError, KeyError, TypeError):
        ordner = Path(herkunft["ordner"]) if herkunft.get("ordner") else None
        vorlage = lade_vorlage(Path(herkunft["vorlage"]), ordner)
        if vorlage.pruefsumme() == pruefsumme:
            return vorlage, ordner
    if not pruefsumme.isalnum():
        raise Abgelehnt("Ungültige Prüfsumme der Vorlage.")
    ziel = ablage / pruefsumme
    if not ziel.is_dir():
        ablage.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{pruefsumme[:12]}.", dir=ablage))
        try:
            for name, daten in buendel["dateien"].items():
                pfad = Path(os.path.normpath(temp / name))
                if not pfad.is_relative_to(temp):
                    raise Abgelehnt(f"Ungültiger Dateiname im Vorlagenpaket: {name}")
                pfad.parent.mkdir(parents=True, exist_ok=True)
                pfad.write_bytes(base64.b64decode(daten))
            try:
                temp.rename(ziel)
            except OSError:  # another process of this worker was faster
                if not ziel.is_dir():
                    raise
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    ordner = ziel / buendel["ordner"] if buendel.get("ordner") is not None else None
    vorlage = lade_vorlage(ziel / buendel["vorlage"], ordner)
    if vorlage.pruefsumme() != pruefsumme:
        raise Abgelehnt(f"Die Vorlage auf diesem Arbeiter ergibt eine andere Prüfsumme "
                        f"({vorlage.pruefsumme()[:12]} statt {pruefsumme[:12]}).")
    return vorlage, ordner
