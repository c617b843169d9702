"""Checks that speak the list's language: a column missing from the whole list is one
message (not one per row), and the hint on columns a template could use but does not."""

from __future__ import annotations

from dataclasses import dataclass, field

from briefe.fehler import ZeilenFehler
from briefe.quellen.mitglieder import Mitgliederliste
from briefe.vorlage.vorlage import Vorlage

# Column of a row problem → (columns of which one must exist, how the office calls it).
ADRESS_SPALTEN = {
    "nachname": (("nachname", "organisation"), "Name", " (oder eine Spalte Einrichtung)"),
    "strasse": (("strasse", "postfach"), "Straße", " (oder eine Spalte Postfach)"),
    "plz": (("plz",), "PLZ", ""),
    "ort": (("ort",), "Ort", ""),
}


@dataclass
class Pruefbericht:
    """Row problems, with those of a column missing from the whole list said once."""

    spaltenfehler: list[str] = field(default_factory=list)
    probleme: list[ZeilenFehler] = field(default_factory=list)
    fehlerhafte_zeilen: int = 0

    @property
    def anzahl(self) -> int:
        return len(self.spaltenfehler) + len(self.probleme)


def fehlende_spalten(liste: Mitgliederliste) -> dict[str, str]:
    """Address columns no header of the list provides: problem column → German message."""
    vorhanden = {name for kopf, name in liste.spalten if kopf}
    return {
        spalte: f"Die Spalte {anzeige} fehlt in der Liste{zusatz}."
        for spalte, (eine_von, anzeige, zusatz) in ADRESS_SPALTEN.items()
        if not vorhanden & set(eine_von)
    }


def fasse_zusammen(liste: Mitgliederliste, probleme: list[ZeilenFehler]) -> Pruefbericht:
    """Collapse the row problems a missing column causes into one message per column."""
    fehlend = fehlende_spalten(liste)
    betroffen: dict[str, set[int]] = {}
    rest = []
    for problem in probleme:
        if problem.spalte in fehlend:
            betroffen.setdefault(problem.spalte, set()).add(problem.zeile)
        else:
            rest.append(problem)
    spaltenfehler = []
    for spalte, zeilen in betroffen.items():
        anzahl = len(zeilen)
        folge = (f" Deshalb erhält keine der {anzahl} ausgewählten Zeilen einen Brief." if anzahl > 1
                 else " Deshalb erhält die Zeile keinen Brief.")
        spaltenfehler.append(fehlend[spalte] + folge)
    return Pruefbericht(spaltenfehler, rest, len({p.zeile for p in probleme}))


def spalten_hinweis(liste: Mitgliederliste, vorlage: Vorlage) -> str | None:
    """Name the list's extra columns this template does not use, as a template writes them;
    None when there are none (then the hint would not help)."""
    ungenutzt = [f"„{kopf}“ als empfaenger.{name}" for kopf, name in liste.weitere_spalten
                 if name not in vorlage.spalten]
    if not ungenutzt:
        return None
    return ("Weitere Spalten für die Vorlage (diese Vorlage verwendet sie nicht): "
            + ", ".join(ungenutzt) + ".")
