"""Limits for semi-trusted templates: sizes of numbers, texts and lists made by a
template, the length of its output, no files pulled in, and a time limit per letter.

Each limit hit is a ``GrenzeUeberschritten`` (a ``ValueError``, so the template's
usual row-error path names the template line) or a ``Zeitueberschreitung``.
"""

from __future__ import annotations

import contextlib
import math
import re
import signal
import threading
from collections.abc import Iterator

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from briefe.fehler import VorlagenFehler

MAX_ZAHL_BITS = 4096  # a number a template computes: about 1 200 decimal digits
MAX_GROESSE = 100_000  # characters of a text, items of a list a template builds
MAX_AUSGABE = 1_000_000  # characters one template part may produce for one letter
ZEITGRENZE = 60.0  # seconds per letter (template and renderer), see Laufoptionen.zeitgrenze
_BREITE = re.compile(r"\d{6,}")  # a field width like %0999999d or {:>999999}


class GrenzeUeberschritten(ValueError):
    """A template computed something too large."""


class Zeitueberschreitung(BaseException):  # noqa: N818 - not an Exception: nothing may swallow it
    """A letter took longer than its time limit."""


def _groesse(wert: object) -> int | None:
    return len(wert) if isinstance(wert, str | bytes | list | tuple) else None


def _pruefe_format(text: object) -> None:
    if isinstance(text, str) and _BREITE.search(text):
        raise GrenzeUeberschritten("Formatangabe mit zu großer Breite.")


def _pruefe_argumente(args: tuple, kwargs: dict) -> None:
    for wert in (*args, *kwargs.values()):
        if isinstance(wert, int) and not isinstance(wert, bool) and abs(wert) > MAX_GROESSE:
            raise GrenzeUeberschritten(f"Zahl {wert:.3g} als Angabe zu groß (höchstens {MAX_GROESSE}).")


def pruefe_rechnung(operator: str, links: object, rechts: object) -> None:
    """Refuse ``**`` and ``*`` (and ``%`` formatting) whose result would be huge."""
    if operator == "**" and isinstance(links, int) and isinstance(rechts, int) and rechts > 0:
        bits = rechts * math.log2(abs(links)) if abs(links) > 1 else 0
        if bits > MAX_ZAHL_BITS:
            raise GrenzeUeberschritten("Das Ergebnis der Potenz wäre zu groß.")
    if operator == "*":
        for folge, anzahl in ((links, rechts), (rechts, links)):
            laenge = _groesse(folge)
            if laenge is not None and isinstance(anzahl, int) and laenge * anzahl > MAX_GROESSE:
                raise GrenzeUeberschritten(f"Text oder Liste wäre zu lang (höchstens {MAX_GROESSE}).")
        if isinstance(links, int) and isinstance(rechts, int) and (
                links.bit_length() + rechts.bit_length() > MAX_ZAHL_BITS):
            raise GrenzeUeberschritten("Das Ergebnis der Multiplikation wäre zu groß.")
    if operator == "%":
        _pruefe_format(links)


class BegrenzteUmgebung(SandboxedEnvironment):
    """Jinja's sandbox with size limits on operators, calls and filters."""

    intercepted_binops = frozenset({"**", "*", "%"})

    def call_binop(self, context, operator, left, right):
        pruefe_rechnung(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - as in Jinja
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str | bytes):
            if name in _STR_BREITE:
                _pruefe_argumente(args, kwargs)
            elif name in ("format", "format_map"):
                _pruefe_format(__obj.__self__)
        return super().call(__context, __obj, *args, **kwargs)

    def begrenze_filter(self) -> None:
        """Wrap the filters that make their output as large as a number argument."""
        for name in ("center", "indent", "slice", "format"):
            if name in self.filters:
                self.filters[name] = _begrenzter_filter(self.filters[name])


_STR_BREITE = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def _begrenzter_filter(funktion):
    start = 2 if hasattr(funktion, "jinja_pass_arg") else 1  # skip the context and the value

    def begrenzt(*args, **kwargs):
        if getattr(funktion, "__name__", "") == "do_format":
            _pruefe_format(args[start - 1] if len(args) >= start else None)
        else:
            _pruefe_argumente(args[start:], kwargs)
        return funktion(*args, **kwargs)

    for merkmal in ("jinja_pass_arg", "__name__", "__doc__"):
        if hasattr(funktion, merkmal):
            setattr(begrenzt, merkmal, getattr(funktion, merkmal))
    return begrenzt


_EINBINDEN = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
_NAMEN = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
          nodes.Extends: "extends"}


def pruefe_einbinden(ast: nodes.Template, datei: str) -> None:
    """Templates are single files: ``{% include %}``, ``{% import %}``, ``{% extends %}`` are refused."""
    for knoten in ast.find_all(_EINBINDEN):
        raise VorlagenFehler(
            f"„{{% {_NAMEN[type(knoten)]} %}}“ ist nicht erlaubt: Vorlagen können keine anderen "
            "Dateien einbinden. Bitte den Text direkt in diese Vorlage schreiben.",
            datei=datei, zeile=knoten.lineno,
        )


def begrenzt_zusammenfuegen(teile: Iterator[str]) -> str:
    """Join a template's output, refusing more than ``MAX_AUSGABE`` characters."""
    gesamt, stuecke = 0, []
    for teil in teile:
        gesamt += len(teil)
        if gesamt > MAX_AUSGABE:
            raise GrenzeUeberschritten(
                f"Die Vorlage erzeugt zu viel Text (mehr als {MAX_AUSGABE:,} Zeichen).".replace(",", "."))
        stuecke.append(teil)
    return "".join(stuecke)


@contextlib.contextmanager
def zeitgrenze(sekunden: float | None) -> Iterator[None]:
    """Raise ``Zeitueberschreitung`` in this (main) thread after ``sekunden``; a no-op
    without a limit or outside the main thread."""
    if not sekunden or sekunden <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def abgelaufen(_signum, _rahmen):
        raise Zeitueberschreitung(sekunden)

    vorher = signal.signal(signal.SIGALRM, abgelaufen)
    signal.setitimer(signal.ITIMER_REAL, sekunden)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, vorher)
