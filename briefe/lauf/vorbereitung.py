"""What a run settles before the first letter: its options, the template and list checked
against each other, the selected recipients, their file names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace

from briefe.dateien import dateiname_teil
from briefe.deutsch import anschrift as anschrift_regeln
from briefe.fehler import BriefeFehler, VorlagenFehler, ZeilenFehler
from briefe.lauf import quelle
from briefe.lauf.optionen import Laufoptionen
from briefe.quellen.mitglieder import (
    Empfaenger,
    Mitgliederliste,
    normalisiere_spalte,
    passt_filter,
    weitere_spalten_hinweis,
)
from briefe.satz.vertrag import FORMATE
from briefe.vorlage.grenzen import Zeitueberschreitung, zeitgrenze
from briefe.vorlage.meldungen import unbekannte_spalten
from briefe.vorlage.vorlage import Vorlage, lade_vorlage


def lade_laufvorlage(optionen: Laufoptionen) -> Vorlage:
    """The run's template with its start values checked and filled in (those only the
    database query uses left out) and the clerk's data."""
    if not quelle.abfrage_parameter(optionen):
        vorlage = lade_vorlage(optionen.vorlage, optionen.vorlagen_ordner, werte=dict(optionen.werte),
                               zahlen=optionen.zahlen)
    else:
        vorlage = lade_vorlage(optionen.vorlage, optionen.vorlagen_ordner)
        vorlage = vorlage.mit_werten(quelle.vorlagenwerte(optionen, {w.name for w in vorlage.startwerte}),
                                     optionen.zahlen)
    return vorlage.mit_sachbearbeitung(optionen.sachbearbeitung)


def vorbereiten(optionen: Laufoptionen) -> tuple[Vorlage, Mitgliederliste, list[Empfaenger]]:
    """Load template and list, check they fit, select recipients. Errors here stop the run."""
    quelle.pruefe_quelle(optionen)
    vorlage = lade_laufvorlage(optionen)
    liste = quelle.lies_quelle(optionen, vorlage)
    quelle.pruefe_schluessel(optionen, liste)
    vorhanden = {normal for _, normal in liste.spalten}
    fehlend = sorted(vorlage.pflichtspalten - vorhanden)
    if fehlend:
        meldung, zeile = unbekannte_spalten(fehlend, vorhanden, dict(vorlage.spaltenzeilen),
                                            liste.name, dict(vorlage.spaltenorte))
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
    liste = _mit_spalten_hinweis(liste, vorlage)
    ausgewaehlt = [
        e for e in liste.empfaenger
        if all(passt_filter(e, spalte, wert) for spalte, wert in optionen.filter)
    ]
    pruefe_gleiche_fehler(vorlage, ausgewaehlt)
    return vorlage, liste, ausgewaehlt


def _mit_spalten_hinweis(liste: Mitgliederliste, vorlage: Vorlage) -> Mitgliederliste:
    """The list's note on extra columns, said for this template (only columns it does not use)."""
    from briefe.lauf.spaltenpruefung import spalten_hinweis

    allgemein = weitere_spalten_hinweis(liste.weitere_spalten)
    hinweise = [h for h in liste.hinweise if h != allgemein]
    fuer_vorlage = spalten_hinweis(liste, vorlage)
    return replace(liste, hinweise=tuple(hinweise + ([fuer_vorlage] if fuer_vorlage else [])))


def spaltenhinweise(vorlage: Vorlage, liste: Mitgliederliste) -> list[str]:
    """Optional columns (only in ``{% if %}``) the list lacks: the text there never shows."""
    vorhanden = sorted({normal for _, normal in liste.spalten})
    hinweise = []
    for spalte in sorted(vorlage.spalten - vorlage.pflichtspalten - set(vorhanden)):
        aehnlich = difflib.get_close_matches(spalte, vorhanden, n=2, cutoff=0.6)
        hinweise.append(
            f"Die Spalte „{spalte}“ (Vorlage Zeile {vorlage.spaltenzeilen.get(spalte)}) gibt es in "
            f"{liste.name} nicht; der Text in ihrem {{% if %}} entfällt bei allen."
            + (f" Ähnlich: {', '.join(aehnlich)}." if aehnlich else ""))
    return hinweise


PROBE = 20  # rows tried to tell a template error from row errors
PROBE_ZEIT = 5.0  # seconds per probed row (main thread only; the service probes in a worker)


def pruefe_gleiche_fehler(vorlage: Vorlage, empfaenger: Iterable[Empfaenger]) -> None:
    """A template error that is the same for every row is one ``VorlagenFehler`` (exit 2),
    not one error per row: the first rows (up to ``PROBE``, at least two) all fail alike."""
    meldungen: list[ZeilenFehler] = []
    for e in empfaenger:
        if anschrift_regeln.pruefe(e):
            continue
        try:
            with zeitgrenze(PROBE_ZEIT):
                vorlage.erzeuge(e)
            return
        except ZeilenFehler as fehler:
            meldungen.append(fehler)
        except Zeitueberschreitung:
            return  # a slow row is the run's business (its time limit), not the probe's
        if len(meldungen) >= PROBE:
            break
    if len(meldungen) >= 2 and len({f.meldung for f in meldungen}) == 1:
        fehler = getattr(meldungen[0], "vorlagenfehler", None)
        if fehler is not None:
            punkt = "" if fehler.meldung.endswith((".", "!", "?")) else "."
            raise VorlagenFehler(f"{fehler.meldung}{punkt} Das betrifft jeden Empfänger.",
                                 datei=fehler.datei, zeile=fehler.zeile, spalte=fehler.spalte)


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
            fehler.datei = fehler.datei or liste.name
            probleme.append(fehler)
    return probleme


def basisname(nummer: int, empfaenger: Empfaenger) -> str:
    """``0001-nachname-vorname``, or the organisation when there is no person."""
    person = " ".join(t for t in (empfaenger.wert("nachname"), empfaenger.wert("vorname")) if t)
    teil = dateiname_teil(person or empfaenger.wert("organisation")) or "brief"
    return f"{nummer:04d}-{teil}"


def zeilenprobleme(liste: Mitgliederliste, empfaenger: Iterable[Empfaenger],
                   vorlage: Vorlage | None = None) -> list[ZeilenFehler]:
    """Every row problem of a list, the same checks as a run (for ``briefe pruefen``)."""
    folge = vorlage.anschrift_reihenfolge if vorlage is not None else "person"
    probleme: list[ZeilenFehler] = []
    for e in empfaenger:
        lesefehler = [ZeilenFehler(m, zeile=e.zeile, spalte=s) for s, m in e.lesefehler]
        for problem in lesefehler + anschrift_regeln.pruefe(e, folge):
            problem.datei = problem.datei or liste.name
            probleme.append(problem)
    return probleme


def zeilenhinweise(empfaenger: Iterable[Empfaenger], vorlage: Vorlage | None = None) -> list[str]:
    """Every shortening, wrapped or dropped address line of the rows that can be addressed,
    as ``Zeile 4 (Maria Meyer): …`` (shown by ``pruefen``, ``erstellen`` and the page)."""
    folge = vorlage.anschrift_reihenfolge if vorlage is not None else "person"
    hinweise = []
    for e in empfaenger:
        try:
            adresse = anschrift_regeln.anschrift(e, folge)
        except ZeilenFehler:
            continue  # reported as a row problem
        wer = anschrift_regeln.wer(e)
        ort = f"Zeile {e.zeile}" + (f" ({wer})" if wer else "")
        hinweise += [f"{ort}: {h}" for h in adresse.hinweise]
    return hinweise
