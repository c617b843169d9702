"""A run's member source, file or database: takes the run options, gives the member list,
the checksum a continued run compares and the source as the protocol names it.

A database's start values (``--wert``, ``[werte]``) bind the query's ``:name`` parameters; a
value the template declares too is bound as the template parsed it (a date as date)."""

from __future__ import annotations

from pathlib import Path

from briefe.dateien import sha256
from briefe.fehler import BriefeFehler, DatenbankFehler
from briefe.quellen.datenbank import ist_datenbank, lies_datenbank, ohne_passwort, parameter_namen
from briefe.quellen.liste import Mitgliederliste
from briefe.quellen.mitglieder import lies_mitglieder
from briefe.quellen.spalten import normalisiere_spalte
from briefe.vorlage.startwerte import als_protokolltext


def abfrage_text(optionen) -> str | None:
    """The query of a database source (``abfrage``, else the file ``abfrage_datei``)."""
    if optionen.abfrage:
        return optionen.abfrage
    if optionen.abfrage_datei is None:
        return None
    try:
        return Path(optionen.abfrage_datei).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as fehler:
        grund = getattr(fehler, "strerror", None) or "nicht in UTF-8"
        raise DatenbankFehler(f"Die Abfragedatei ist nicht lesbar ({grund}).",
                              datei=str(optionen.abfrage_datei)) from None


def pruefe_quelle(optionen) -> None:
    """A database needs a query and a file none (German, exit 2)."""
    datenbank = ist_datenbank(optionen.daten)
    if datenbank and not (optionen.abfrage or optionen.abfrage_datei):
        raise DatenbankFehler("Für eine Datenbank fehlt die Abfrage: --abfrage \"SELECT …\" oder "
                              "--abfrage-datei DATEI.sql (im Auftrag: abfrage = \"\"\"…\"\"\").",
                              datei=ohne_passwort(str(optionen.daten)))
    if not datenbank and (optionen.abfrage or optionen.abfrage_datei):
        raise DatenbankFehler("Eine Abfrage gilt nur für eine Datenbank (z. B. postgresql://… oder "
                              "sqlite:///mitglieder.db), nicht für eine Datei.", datei=str(optionen.daten))


def abfrage_parameter(optionen) -> set[str]:
    """The names of the run's start values that the query binds."""
    if not ist_datenbank(optionen.daten):
        return set()
    text = abfrage_text(optionen)
    return set(parameter_namen(text)) if text else set()


def vorlagenwerte(optionen, erklaert: set[str]) -> dict[str, str]:
    """The start values for the template: all but those only the query uses."""
    nur_abfrage = abfrage_parameter(optionen) - erklaert
    return {name: wert for name, wert in optionen.werte if name not in nur_abfrage}


def parameterwerte(optionen, vorlage) -> dict[str, object]:
    """The values bound to the query's parameters (as the template parsed them, if it asks
    for them too)."""
    namen = abfrage_parameter(optionen)
    werte: dict[str, object] = {n: w for n, w in optionen.werte if n in namen}
    werte.update({n: w for n, w in (vorlage.werte or {}).items() if n in werte})
    return werte


def lies_quelle(optionen, vorlage) -> Mitgliederliste:
    """The run's member list, from its file or its database query."""
    pruefe_quelle(optionen)
    if not ist_datenbank(optionen.daten):
        return lies_mitglieder(optionen.daten, optionen.blatt, optionen.lesegrenzen, optionen.zahlen)
    return lies_datenbank(str(optionen.daten), abfrage_text(optionen) or "",
                          parameterwerte(optionen, vorlage), grenzen=optionen.lesegrenzen,
                          zahlen=optionen.zahlen)


def pruefe_schluessel(optionen, liste: Mitgliederliste) -> None:
    """``--schluessel`` must name a column of the list (file or database)."""
    if optionen.schluessel and normalisiere_spalte(optionen.schluessel) not in {
            n for _, n in liste.spalten}:
        raise BriefeFehler(f"Schlüssel: Spalte „{optionen.schluessel}“ gibt es in {liste.name} nicht. "
                           f"Vorhanden: {', '.join(t for t, _ in liste.spalten)}.")


def quelle_pruefsumme(optionen, liste: Mitgliederliste | None = None) -> str:
    """The file's checksum, or that of the rows a database query gave."""
    if ist_datenbank(optionen.daten):
        return liste.pruefsumme if liste is not None else ""
    return sha256(Path(optionen.daten))


def protokollangaben(optionen, vorlage) -> dict:
    """The source as the protocol records it: the file path, or the address without password
    with the query and its parameters (so ``briefe versenden`` can read the same rows again)."""
    if not ist_datenbank(optionen.daten):
        return {"quelle": str(optionen.daten)}
    return {"quelle": ohne_passwort(str(optionen.daten)), "abfrage": abfrage_text(optionen),
            "abfrage_werte": {n: als_protokolltext(w) for n, w in parameterwerte(optionen, vorlage).items()}}
