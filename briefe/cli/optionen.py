"""The run options on the command line: arguments made from the declaration in
``lauf.optionen`` (flag, help), and ``Laufoptionen`` from the parsed arguments (checked there,
so a wrong value is a run's start error with exit 2, not an argparse usage error)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from briefe.lauf.optionen import (
    BEFEHL,
    Laufoptionen,
    angaben,
    laufoptionen,
    lies_wahr,
)

ABFRAGE = ("abfrage", "abfrage_datei")  # one or the other


def optionen_argumente(parser: argparse.ArgumentParser, schluessel: Iterable[str]) -> None:
    """Add the run options ``schluessel`` (German keys) to ``parser``."""
    alle = angaben(BEFEHL)
    gruppe = None
    for s in schluessel:
        _, angabe = alle[s]
        if angabe.flagge == "":
            parser.add_argument(s, metavar=angabe.metavar, help=angabe.hilfe)
            continue
        ziel = parser
        if s in ABFRAGE:
            gruppe = gruppe or parser.add_mutually_exclusive_group()
            ziel = gruppe
        flagge = angabe.flagge or "--" + s.replace("_", "-")
        if angabe.lies is lies_wahr:
            ziel.add_argument(flagge, action="store_true", dest=s, help=angabe.hilfe)
        elif s in ("filter", "werte"):
            ziel.add_argument(flagge, action="append", default=[], dest=s,
                              metavar=angabe.metavar, help=angabe.hilfe)
        else:
            ziel.add_argument(flagge, default=None, dest=s, metavar=angabe.metavar,
                              help=angabe.hilfe)


def aus_argumenten(args: argparse.Namespace, **intern) -> Laufoptionen:
    """The options of the parsed arguments (those not given keep their declared default)."""
    eintraege = {s: getattr(args, s) for s in angaben(BEFEHL) if getattr(args, s, None) is not None}
    return laufoptionen(eintraege, BEFEHL, **intern)


def wert(args: argparse.Namespace, schluessel: str) -> object:
    """One option's value as the run will see it."""
    name, _ = angaben(BEFEHL)[schluessel]
    return getattr(aus_argumenten(args), name)
