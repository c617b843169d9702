"""The sample list that belongs to each template in ``vorlagen/``."""

from briefe.quellen.mitglieder import lies_mitglieder
from tests.conftest import WURZEL

LISTEN = {"beitragsbescheid": "beitraege.csv"}


def beispielliste(pfad, tmp_path):
    """The sample list of a template (for the database one: the contribution list with the
    database's columns, conditions once true and once false)."""
    if pfad.stem != "beitragsbescheid-datenbank":
        return lies_mitglieder(WURZEL / "daten" / LISTEN.get(pfad.stem, "mitglieder.csv"))
    zeilen = (WURZEL / "daten" / "beitraege.csv").read_text(encoding="utf-8").splitlines()
    zeilen[0] = zeilen[0].replace("Mitgliedsnummer", "Mitgliedsnr") + ";Eintritt;Gremien"
    zeilen[1:] = [z + (";01.03.2019;Lenkungskreis" if i % 2 else ";;")
                  for i, z in enumerate(zeilen[1:])]
    datei = tmp_path / "liste.csv"
    datei.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return lies_mitglieder(datei)
