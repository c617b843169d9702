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
    Mitgliederliste,
    lies_mitglieder,
    normalisiere_spalte,
    passt_filter,
)
from briefe.satz.vertrag import FORMATE
from briefe.vorlage.meldungen import unbekannte_spalten
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
    werte: tuple[tuple[str, str], ...] = ()  # start values as entered: (name, text)


def lade_laufvorlage(optionen: Laufoptionen) -> Vorlage:
    """The run's template with its start values checked and filled in."""
    return lade_vorlage(optionen.vorlage, optionen.vorlagen_ordner, werte=dict(optionen.werte))


def vorbereiten(optionen: Laufoptionen) -> tuple[Vorlage, Mitgliederliste, list[Empfaenger]]:
    """Load template and list, check they fit, select recipients. Errors here stop the run."""
    vorlage = lade_laufvorlage(optionen)
    liste = lies_mitglieder(optionen.daten, optionen.blatt)
    vorhanden = {normal for _, normal in liste.spalten}
    fehlend = sorted(vorlage.pflichtspalten - vorhanden)
    if fehlend:
        meldung, zeile = unbekannte_spalten(fehlend, vorhanden, dict(vorlage.spaltenzeilen),
                                            liste.quelle.name)
        raise VorlagenFehler(meldung, datei=vorlage.anzeige, zeile=zeile)
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
    pruefe_gleiche_fehler(vorlage, ausgewaehlt)
    return vorlage, liste, ausgewaehlt


PROBE = 20  # rows tried to tell a template error from row errors


def pruefe_gleiche_fehler(vorlage: Vorlage, empfaenger: Iterable[Empfaenger]) -> None:
    """A template error that is the same for every row is one ``VorlagenFehler`` (exit 2),
    not one error per row: the first rows (up to ``PROBE``, at least two) all fail alike."""
    meldungen: list[ZeilenFehler] = []
    for e in empfaenger:
        if anschrift_regeln.pruefe(e):
            continue
        try:
            vorlage.erzeuge(e)
            return
        except ZeilenFehler as fehler:
            meldungen.append(fehler)
        if len(meldungen) >= PROBE:
            break
    if len(meldungen) >= 2 and len({f.meldung for f in meldungen}) == 1:
        fehler = getattr(meldungen[0], "vorlagenfehler", None)
        if fehler is not None:
            raise VorlagenFehler(f"{fehler.meldung} Das betrifft jeden Empfänger.",
                                 datei=fehler.datei, zeile=fehler.zeile)


def textprobleme(vorlage: Vorlage, liste: Mitgliederliste,
                 empfaenger: Iterable[Empfaenger]) -> list[ZeilenFehler]:
    """Every row whose letter text fails in the template, found by making each letter's text
    (not its layout) as ``erstellen`` would; rows with address problems are left to
    ``zeilenprobleme`` (``erstellen`` stops there too)."""
    probleme: list[ZeilenFehler] = []
    for e in empfaenger:
        if anschrift_regeln.pruefe(e):
            continue
        try:
            vorlage.erzeuge(e)
        except ZeilenFehler as fehler:
            fehler.datei = fehler.datei or liste.quelle.name
            probleme.append(fehler)
    return probleme


def basisname(nummer: int, empfaenger: Empfaenger) -> str:
    """``0001-nachname-vorname``, or the organisation when there is no person."""
    person = " ".join(t for t in (empfaenger.wert("nachname"), empfaenger.wert("vorname")) if t)
    teil = dateiname_teil(person or empfaenger.wert("organisation")) or "brief"
    return f"{nummer:04d}-{teil}"


def zeilenprobleme(liste: Mitgliederliste, empfaenger: Iterable[Empfaenger]) -> list[ZeilenFehler]:
    """Every row problem of a list, without rendering (for ``briefe pruefen``)."""
    probleme: list[ZeilenFehler] = []
    for e in empfaenger:
        for problem in anschrift_regeln.pruefe(e):
            problem.datei = problem.datei or liste.quelle.name
            probleme.append(problem)
    return probleme
