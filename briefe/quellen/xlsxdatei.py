"""XLSX member lists: takes an Excel workbook, gives a ``Mitgliederliste`` of one sheet.

The file is checked before opening (at most 200 MB uncompressed in total, at most 100:1
compression for any member larger than 1 MB, at most 10 000 members) and parsed by openpyxl
with defusedxml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from briefe.fehler import DatenFehler
from briefe.quellen.liste import Lesegrenzen, Mitgliederliste, baue_liste

XLSX_MAX_ENTPACKT = 200 * 1024 * 1024
XLSX_MAX_VERHAELTNIS = 100
XLSX_VERHAELTNIS_AB = 1024 * 1024
XLSX_MAX_EINTRAEGE = 10_000


def _pruefe_zip(pfad: Path) -> None:
    """Reject non-zip files and zip bombs before openpyxl sees the file."""
    keine_xlsx = (
        "Die Datei ist keine Excel-Arbeitsmappe (XLSX). "
        "Bitte in Excel als „Excel-Arbeitsmappe (*.xlsx)“ oder als CSV speichern."
    )
    try:
        archiv = zipfile.ZipFile(pfad)
    except (zipfile.BadZipFile, OSError):
        raise DatenFehler(keine_xlsx, datei=pfad.name) from None
    with archiv:
        eintraege = archiv.infolist()
        if len(eintraege) > XLSX_MAX_EINTRAEGE:
            raise DatenFehler(
                f"Die Excel-Datei enthält ungewöhnlich viele Teile ({len(eintraege)}) "
                "und wird nicht geöffnet.",
                datei=pfad.name,
            )
        gesamt = 0
        for eintrag in eintraege:
            gesamt += eintrag.file_size
            if gesamt > XLSX_MAX_ENTPACKT:
                raise DatenFehler(
                    "Die Excel-Datei wäre entpackt größer als "
                    f"{XLSX_MAX_ENTPACKT // 2**20} MB und wird nicht geöffnet.",
                    datei=pfad.name,
                )
            if (
                eintrag.file_size > XLSX_VERHAELTNIS_AB
                and eintrag.file_size > XLSX_MAX_VERHAELTNIS * max(eintrag.compress_size, 1)
            ):
                raise DatenFehler(
                    f"Der Teil „{eintrag.filename}“ der Excel-Datei ist auffällig stark "
                    f"gepackt (mehr als {XLSX_MAX_VERHAELTNIS}:1); die Datei wird nicht "
                    "geöffnet.",
                    datei=pfad.name,
                )
        if "[Content_Types].xml" not in archiv.namelist():
            raise DatenFehler(keine_xlsx, datei=pfad.name)


def lies_xlsx(pfad: Path, blatt: str | None, grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008
              zahlen: str | None = None) -> Mitgliederliste:
    import openpyxl  # only needed for XLSX

    _pruefe_zip(pfad)
    try:
        mappe = openpyxl.load_workbook(pfad, read_only=True, data_only=True, keep_links=False)
    except Exception as fehler:  # openpyxl raises many kinds for broken files
        raise DatenFehler(
            f"Die Excel-Datei ist beschädigt oder kein gültiges XLSX ({type(fehler).__name__}).",
            datei=pfad.name,
        ) from None
    try:
        blaetter = mappe.worksheets
        if not blaetter:
            raise DatenFehler("Die Excel-Datei enthält keine Tabellenblätter.", datei=pfad.name)
        if blatt is None:
            tabelle = blaetter[0]
        else:
            passend = [b for b in blaetter if b.title == blatt] or [
                b for b in blaetter if b.title.strip().casefold() == blatt.strip().casefold()
            ]
            if not passend:
                namen = ", ".join(f"„{b.title}“" for b in blaetter)
                raise DatenFehler(
                    f"Das Blatt „{blatt}“ gibt es nicht. Vorhandene Blätter: {namen}.",
                    datei=pfad.name,
                )
            tabelle = passend[0]
        tabelle.reset_dimensions()  # some writers store wrong dimensions
        try:
            return baue_liste(
                pfad, enumerate(tabelle.iter_rows(values_only=True), start=1), xlsx=True,
                grenzen=grenzen, zahlen=zahlen)
        except DatenFehler:
            raise
        except Exception as fehler:
            raise DatenFehler(
                f"Das Blatt „{tabelle.title}“ ist beschädigt ({type(fehler).__name__}).",
                datei=pfad.name,
            ) from None
    finally:
        mappe.close()

