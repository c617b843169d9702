"""Member lists (Mitgliederlisten) as offices export them: takes a CSV, XLSX or JSON file,
gives one ``Mitgliederliste`` of immutable ``Empfaenger``.

This module picks the reader by the file's kind and keeps the package's public names in
one place; the readers are ``csvdatei``, ``xlsxdatei`` and ``jsondatei``, the cleaning of
values ``werte``, the header matching ``spalten`` and the building of members ``liste``.

Limits: CSV and JSON files up to 100 MB; XLSX files see ``xlsxdatei``.
"""

from __future__ import annotations

import io
from pathlib import Path

from briefe.fehler import DatenFehler
from briefe.quellen.csvdatei import lies_csv
from briefe.quellen.jsondatei import lies_json
from briefe.quellen.liste import (
    MAX_ZEILEN,
    Empfaenger,
    Feldwert,
    Lesegrenzen,
    Mitgliederliste,
    gremien,
    passt_filter,
)
from briefe.quellen.spalten import (
    ALIASE,
    BEKANNTE_SPALTEN,
    normalisiere_spalte,
    weitere_spalten_hinweis,
)
from briefe.quellen.werte import als_text, bereinige, ist_inland, schluessel
from briefe.quellen.xlsxdatei import lies_xlsx

__all__ = [
    "ALIASE", "BEKANNTE_SPALTEN", "MAX_DATEIGROESSE", "MAX_ZEILEN", "Empfaenger", "Feldwert",
    "Lesegrenzen", "Mitgliederliste", "als_text", "bereinige", "gremien", "ist_inland",
    "lies_mitglieder", "normalisiere_spalte", "passt_filter", "schluessel",
    "weitere_spalten_hinweis",
]

MAX_DATEIGROESSE = 100 * 1024 * 1024


def lies_mitglieder(pfad: Path | str, blatt: str | None = None,
                    grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008 - frozen
                    zahlen: str | None = None) -> Mitgliederliste:
    """Read a member list; raises ``DatenFehler`` when it cannot be read at all.
    ``zahlen`` (``punkt``/``deutsch``) says how ``1.234`` is read, else each column does
    (``deutsch.zahlen``)."""
    pfad = Path(pfad)
    datei = pfad.name
    try:
        with pfad.open("rb") as f:
            kopf = f.read(8)
            f.seek(0, io.SEEK_END)
            groesse = f.tell()
    except FileNotFoundError:
        raise DatenFehler("Die Datei gibt es nicht.", datei=str(pfad)) from None
    except IsADirectoryError:
        raise DatenFehler("Das ist ein Ordner, keine Datei.", datei=str(pfad)) from None
    except PermissionError:
        raise DatenFehler("Keine Berechtigung, die Datei zu lesen.", datei=str(pfad)) from None
    except OSError as fehler:
        raise DatenFehler(
            f"Die Datei kann nicht geöffnet werden ({fehler.strerror}).", datei=str(pfad)
        ) from None
    if groesse == 0:
        raise DatenFehler("Die Datei ist leer.", datei=datei)

    endung = pfad.suffix.lower()
    if kopf.startswith(b"\xd0\xcf\x11\xe0"):
        raise DatenFehler(
            "Die Datei ist eine alte Excel-Datei (.xls) oder mit Kennwort geschützt. "
            "Bitte in Excel ohne Kennwort als „Excel-Arbeitsmappe (*.xlsx)“ "
            "oder als „CSV UTF-8“ speichern.",
            datei=datei,
        )
    if endung in (".xlsx", ".xlsm") or kopf.startswith(b"PK\x03\x04"):
        return lies_xlsx(pfad, blatt, grenzen, zahlen)
    if endung in (".ods", ".numbers"):
        raise DatenFehler(
            f"Das Format „{endung}“ wird nicht gelesen. Bitte als XLSX oder CSV speichern.",
            datei=datei,
        )
    if groesse > MAX_DATEIGROESSE:
        raise DatenFehler(
            f"Die Datei ist zu groß ({groesse // 2**20} MB, höchstens "
            f"{MAX_DATEIGROESSE // 2**20} MB).",
            datei=datei,
        )
    daten = pfad.read_bytes()
    if endung == ".json" or (
        endung not in (".csv", ".txt", ".tsv") and daten.lstrip()[:1] in (b"[", b"{")
    ):
        return lies_json(pfad, daten, grenzen, zahlen)
    return lies_csv(pfad, daten, grenzen, zahlen)
