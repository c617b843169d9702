"""What a run settles before the first letter: its options, the template and list checked
against each other, the selected recipients, their file names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefe.dateien import dateiname_teil
from briefe.deutsch import anschrift as anschrift_regeln
from briefe.fehler import BriefeFehler, VorlagenFehler, ZeilenFehler
from briefe.quellen.mitglieder import (
    Empfaenger,
    Lesegrenzen,
    Mitgliederliste,
    lies_mitglieder,
    normalisiere_spalte,
    passt_filter,
)
from briefe.satz.vertrag import FORMATE
from briefe.vorlage.grenzen import ZEITGRENZE
from briefe.vorlage.vorlage import Vorlage, lade_vorlage


@dataclass(frozen=True)
class Laufoptionen:
    """Everything a run needs to know; the same for CLI, job files and the service."""

    vorlage: Path
    daten: Path
    ausgabe: Path = Path("ausgabe")
    formate: tuple[str, ...] = FORMATE
    filter: tuple[tuple[str, str], ...] = ()
    blatt: str | None = None
    sammel: bool = False
    duplex: bool = False
    zip: bool = False
    pdf_variante: str | None = None
    jobs: int = 0
    fortsetzen: bool = False
    vorlagen_ordner: Path | None = None
    zeitgrenze: float = ZEITGRENZE  # seconds per letter; 0 = none
    lesegrenzen: Lesegrenzen = Lesegrenzen()  # rows and value lengths of the list


def vorbereiten(optionen: Laufoptionen) -> tuple[Vorlage, Mitgliederliste, list[Empfaenger]]:
    """Load template and list, check they fit, select recipients. Errors here stop the run."""
    vorlage = lade_vorlage(optionen.vorlage, optionen.vorlagen_ordner)
    liste = lies_mitglieder(optionen.daten, optionen.blatt, optionen.lesegrenzen)
    vorhanden = {normal for _, normal in liste.spalten}
    fehlend = sorted(vorlage.spalten - vorhanden)
    if fehlend:
        raise VorlagenFehler(
            f"Die Vorlage verwendet die Spalte(n) {', '.join(fehlend)}, die in der "
            f"Mitgliederliste {liste.quelle.name} fehlen. Vorhandene Spalten: "
            f"{', '.join(sorted(vorhanden))}.",
            datei=str(optionen.vorlage),
        )
    unbekannte_formate = set(optionen.formate) - set(FORMATE)
    if unbekannte_formate or not optionen.formate:
        raise BriefeFehler(
            f"Unbekanntes Format {', '.join(sorted(unbekannte_formate)) or '(leer)'}; "
            f"erlaubt: {', '.join(FORMATE)}."
        )
    for spalte, _ in optionen.filter:
        if normalisiere_spalte(spalte) not in vorhanden:
            raise BriefeFehler(
                f"Filter: Spalte „{spalte}“ gibt es in der Mitgliederliste nicht. "
                f"Vorhanden: {', '.join(sorted(vorhanden))}."
            )
    ausgewaehlt = [
        e for e in liste.empfaenger
        if all(passt_filter(e, spalte, wert) for spalte, wert in optionen.filter)
    ]
    return vorlage, liste, ausgewaehlt


def basisname(nummer: int, empfaenger: Empfaenger) -> str:
    """``0001-nachname-vorname``, or the organisation when there is no person."""
    person = " ".join(t for t in (empfaenger.wert("nachname"), empfaenger.wert("vorname")) if t)
    teil = dateiname_teil(person or empfaenger.wert("organisation")) or "brief"
    return f"{nummer:04d}-{teil}"


def zeilenprobleme(liste: Mitgliederliste, empfaenger: Iterable[Empfaenger]) -> list[ZeilenFehler]:
    """Every row problem of a list, without rendering (for ``briefe pruefen``)."""
    probleme: list[ZeilenFehler] = []
    for e in empfaenger:
        lesefehler = [ZeilenFehler(m, zeile=e.zeile, spalte=s) for s, m in e.lesefehler]
        for problem in lesefehler + anschrift_regeln.pruefe(e):
            problem.datei = problem.datei or liste.quelle.name
            probleme.append(problem)
    return probleme
