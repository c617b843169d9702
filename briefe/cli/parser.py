"""argparse speaking German: its built-in messages translated."""

from __future__ import annotations

import argparse

_TEXTE = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "show program's version number and exit": "Versionsnummer zeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ungültige Wahl: %(value)r (möglich: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "Angabe %(argument_name)s: %(message)s",
    "expected one argument": "erwartet einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s":
        "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "subcommands": "Befehle",
}


def _uebersetze(text: str) -> str:
    return _TEXTE.get(text, text)


def _ngettext(einzahl: str, mehrzahl: str, anzahl: int) -> str:
    if einzahl == "expected %s argument":
        return "erwartet %s Wert" if anzahl == 1 else "erwartet %s Werte"
    return einzahl if anzahl == 1 else mehrzahl


argparse._ = _uebersetze  # argparse looks its messages up through this name
argparse.ngettext = _ngettext


class Parser(argparse.ArgumentParser):
    """An ArgumentParser with German help and the error exit code 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
