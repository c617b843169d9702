"""The journal of a run: first the checksums of its inputs, then one fsynced line per
finished letter, so a killed run can go on, and only with the same inputs."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from briefe.dateien import sha256
from briefe.fehler import BriefeFehler
from briefe.lauf.protokoll import PROTOKOLL_CSV, PROTOKOLL_JSON, SAMMEL_DOCX, SAMMEL_PDF, ZIP, Eintrag
from briefe.quellen.mitglieder import Empfaenger

JOURNAL = ".briefe-journal.jsonl"
# Options that do not change a letter; every other field of Laufoptionen counts.
# A database query counts through the checksum of the rows it gave, not its text.
OHNE_EINFLUSS = frozenset({"vorlage", "daten", "ausgabe", "jobs", "fortsetzen", "vorlagen_ordner",
                           "zeitgrenze", "lesegrenzen", "abfrage", "abfrage_datei"})
_TEILE = {"vorlage_sha256": "die Vorlage (mit Absenderprofil und Bildern)",
          "quelle_sha256": "die Mitgliederliste (bei einer Datenbank: das Ergebnis der Abfrage)",
          "optionen": "die Optionen"}


class FortsetzenUnmoeglich(BriefeFehler):
    """``fortsetzen`` with inputs other than those of the interrupted run (exit code 2)."""


def eingaben(optionen, vorlage_sha256: str, quelle_sha256: str) -> dict:
    """What a run's letters depend on: checksums of template and list, and every option
    (a field of ``Laufoptionen``) that changes a letter."""
    werte = {f.name: getattr(optionen, f.name) for f in dataclasses.fields(optionen)
             if f.name not in OHNE_EINFLUSS}
    return {"vorlage_sha256": vorlage_sha256, "quelle_sha256": quelle_sha256,
            "optionen": json.loads(json.dumps(werte, default=str, sort_keys=True))}


def zeilen_schluessel(empfaenger: Empfaenger) -> str:
    """A row's identity: its number and all its values."""
    felder = sorted((str(k), str(v)) for k, v in empfaenger.felder.items())
    text = json.dumps([empfaenger.zeile, felder], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _journal_eingaben(pfad: Path) -> dict | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        erste = pfad.read_text(encoding="utf-8").splitlines()[0]
        kopf = json.loads(erste)
        if isinstance(kopf, dict) and isinstance(kopf.get("eingaben"), dict):
            return kopf["eingaben"]
    return None


def pruefe_fortsetzen(ausgabe: Path, erwartet: dict) -> None:
    """Raise ``FortsetzenUnmoeglich`` when the folder's journal was made from other inputs."""
    pfad = ausgabe / JOURNAL
    if not pfad.is_file():
        return
    frueher = _journal_eingaben(pfad)
    if frueher == erwartet:
        return
    if frueher is None:
        anders = "die Eingaben des früheren Laufs sind nicht verzeichnet"
    else:
        teile = [text for schluessel, text in _TEILE.items()
                 if frueher.get(schluessel) != erwartet[schluessel]]
        alt = frueher.get("optionen") if isinstance(frueher.get("optionen"), dict) else {}
        optionen = sorted(k for k in set(alt) | set(erwartet["optionen"])
                          if alt.get(k) != erwartet["optionen"].get(k))
        anders = "geändert: " + ", ".join(teile) + (f" ({', '.join(optionen)})" if optionen else "")
    raise FortsetzenUnmoeglich(
        f"Fortsetzen nicht möglich: der abgebrochene Lauf in {ausgabe} passt nicht zu den "
        f"jetzigen Eingaben ({anders}). Für einen neuen Lauf ohne „--fortsetzen“ starten (die "
        "früheren Briefe in diesem Ordner werden dann ersetzt) oder einen anderen Ausgabeordner wählen."
    )


def lies_journal(ausgabe: Path, empfaenger: Mapping[int, Empfaenger] | None = None) -> dict[int, Eintrag]:
    """Finished letters of an earlier run whose files are still intact and whose row (by
    ``zeilen_schluessel``) is still the same recipient at the same number."""
    pfad = ausgabe / JOURNAL
    fertig: dict[int, Eintrag] = {}
    if not pfad.is_file():
        return fertig
    for zeile in pfad.read_text(encoding="utf-8").splitlines():
        try:
            daten = json.loads(zeile)
            schluessel = daten.pop("schluessel", None)
            eintrag = Eintrag(**daten)
        except (ValueError, TypeError, AttributeError):
            continue  # the header, or a line cut off by a crash
        if empfaenger is not None:
            jetzt = empfaenger.get(eintrag.nummer)
            if jetzt is None or schluessel != zeilen_schluessel(jetzt):
                continue
        intakt = all(
            (ausgabe / datei).is_file() and sha256(ausgabe / datei) == eintrag.sha256.get(datei)
            for datei in eintrag.dateien
        )
        if eintrag.status == "ok" and intakt:
            fertig[eintrag.nummer] = eintrag
    return fertig


def entferne_alte_ergebnisse(ausgabe: Path) -> None:
    """A fresh run into a used folder: remove what the earlier run recorded."""
    alt = ausgabe / PROTOKOLL_JSON
    namen: set[str] = {JOURNAL, PROTOKOLL_JSON, PROTOKOLL_CSV, SAMMEL_PDF, SAMMEL_DOCX, ZIP}
    if alt.is_file():
        with contextlib.suppress(ValueError, AttributeError):
            for eintrag in json.loads(alt.read_text(encoding="utf-8")).get("briefe", []):
                namen.update(eintrag.get("dateien", []))
    journal = ausgabe / JOURNAL
    if journal.is_file():
        for zeile in journal.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError, AttributeError):
                namen.update(json.loads(zeile).get("dateien", []))
    for name in namen:
        if "/" not in name and "\\" not in name:
            (ausgabe / name).unlink(missing_ok=True)


SYNC_ZEILEN = 16  # journal lines written before they are synced to disk together


class Journal:
    """Appends one line per letter once its files are in place (written through to the system
    at once, so a killed run loses none) and syncs them to disk every ``SYNC_ZEILEN`` lines and
    at the end: a letter whose line a power cut took is made again when the run is resumed."""

    def __init__(self, ausgabe: Path, eingaben: dict | None = None) -> None:
        self._datei = open(ausgabe / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115
        self._ungesichert = 0
        if eingaben is not None and self._datei.tell() == 0:
            self._schreibe_zeile({"eingaben": eingaben})
            self._sichere()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_) -> None:
        try:
            self._sichere()
        finally:
            self._datei.close()

    def schreibe(self, eintrag: Eintrag, empfaenger: Empfaenger | None = None) -> None:
        daten = eintrag.als_dict()
        if empfaenger is not None:
            daten["schluessel"] = zeilen_schluessel(empfaenger)
        self._schreibe_zeile(daten)

    def _schreibe_zeile(self, daten: dict) -> None:
        self._datei.write(json.dumps(daten, ensure_ascii=False) + "\n")
        self._datei.flush()
        self._ungesichert += 1
        if self._ungesichert >= SYNC_ZEILEN:
            self._sichere()

    def _sichere(self) -> None:
        if self._ungesichert:
            os.fsync(self._datei.fileno())
            self._ungesichert = 0
