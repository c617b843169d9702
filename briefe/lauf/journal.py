"""The journal of a run: one fsynced line per finished letter, so a killed run can go on."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from briefe.dateien import sha256
from briefe.lauf.protokoll import PROTOKOLL_CSV, PROTOKOLL_JSON, SAMMEL_DOCX, SAMMEL_PDF, ZIP, Eintrag

JOURNAL = ".briefe-journal.jsonl"


def lies_journal(ausgabe: Path) -> dict[int, Eintrag]:
    """Finished letters of an earlier run whose files are still intact."""
    pfad = ausgabe / JOURNAL
    fertig: dict[int, Eintrag] = {}
    if not pfad.is_file():
        return fertig
    for zeile in pfad.read_text(encoding="utf-8").splitlines():
        try:
            eintrag = Eintrag(**json.loads(zeile))
        except (ValueError, TypeError):
            continue  # a line cut off by a crash
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


class Journal:
    """Appends one line per letter and syncs it to disk before the letter counts as made."""

    def __init__(self, ausgabe: Path) -> None:
        self._datei = open(ausgabe / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_) -> None:
        self._datei.close()

    def schreibe(self, eintrag: Eintrag) -> None:
        self._datei.write(json.dumps(asdict(eintrag), ensure_ascii=False) + "\n")
        self._datei.flush()
        os.fsync(self._datei.fileno())
