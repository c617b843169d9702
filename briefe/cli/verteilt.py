"""``briefe arbeiter`` and the ``--verteilt`` options of ``erstellen``: runs on worker machines."""

from __future__ import annotations

from pathlib import Path

EXIT_START = 2  # as in briefe.cli.haupt, which imports this module

ARBEITER_BESCHREIBUNG = """\
Startet einen Arbeiter für verteilte Läufe (Celery): er holt Stapel von Briefen
vom Broker, erstellt sie und schreibt sie in den Ausgabeordner des Laufs, der auf
jedem Rechner unter demselben Pfad eingebunden sein muss (z. B. per NFS).

Protokolliert eine JSON-Zeile je Ereignis auf stderr, ohne personenbezogene Daten.
SIGTERM (systemctl stop) beendet ihn, nachdem der laufende Stapel fertig ist.

Rückgabewerte: 0 regulär beendet · 2 Start nicht möglich."""


def _sekunden(text: str) -> float:
    import argparse

    try:
        wert = float(text)
    except ValueError:
        wert = 0
    if wert <= 0:
        raise argparse.ArgumentTypeError(f"„{text}“: erwartet eine Zahl von Sekunden größer als 0")
    return wert


def argumente(parser) -> None:
    """``--verteilt`` and ``--zeitlimit`` for ``erstellen``."""
    parser.add_argument("--verteilt", metavar="URL",
                        help="Briefe von Arbeitern auf anderen Rechnern erstellen lassen (briefe "
                             "arbeiter), über diesen Broker, z. B. redis://rechner:6379/0")
    parser.add_argument("--zeitlimit", type=_sekunden, metavar="SEKUNDEN",
                        help="verteilter Lauf: so lange ohne fertigen Stapel, dann aufgeben und "
                             "die fehlenden Briefe als nicht erstellt melden (Standard: 900)")
    parser.add_argument("--stapel", type=int, metavar="N",
                        help="verteilter Lauf: höchstens so viele Briefe je Auftrag an einen "
                             "Arbeiter (Standard: 20)")


def arbeit(broker: str | None, zeitlimit: float | None = None, stapel: int | None = None) -> dict:
    """Keyword arguments for ``fuehre_aus``: the coordinator when a broker is given, else none.
    Checks the broker now (``BriefeFehler``, exit code 2, when it cannot be reached)."""
    if not broker:
        return {}
    from briefe.verteilt.koordinator import STAPEL, ZEITLIMIT, arbeitsweise

    return {"arbeite": arbeitsweise(broker, zeitlimit or ZEITLIMIT, max(1, stapel or STAPEL))}


def richte_ein(befehle) -> None:
    """Register ``arbeiter``."""
    arbeiter = befehle.add_parser("arbeiter", help="Arbeiter für verteilte Läufe starten (Celery)",
                                  description=ARBEITER_BESCHREIBUNG)
    arbeiter.add_argument("--broker", required=True, metavar="URL",
                          help="Broker, z. B. redis://rechner:6379/0 (derselbe wie bei --verteilt)")
    arbeiter.add_argument("--parallel", type=int, default=1, metavar="N",
                          help="Anzahl paralleler Prozesse (Standard: 1)")
    arbeiter.add_argument("--uebernahme", type=_sekunden, default=None, metavar="SEKUNDEN",
                          help="einen Stapel, dessen Arbeiter verschwunden ist, nach so vielen "
                               "Sekunden einem anderen geben (Standard: 300; länger als ein Stapel dauert)")
    arbeiter.add_argument("--ablage", type=Path, metavar="ORDNER",
                          help="Ordner für die empfangenen Vorlagen (Standard: im Cache-Ordner)")
    arbeiter.set_defaults(handler=_arbeiter)


def _arbeiter(args) -> int:
    import sys

    from briefe.fehler import BriefeFehler

    if args.parallel < 1:
        print("Fehler: --parallel muss mindestens 1 sein.", file=sys.stderr)
        return EXIT_START
    try:
        from briefe.verteilt.anwendung import UEBERNAHME, pruefe_broker
        from briefe.verteilt.arbeiter import starte

        pruefe_broker(args.broker)
    except BriefeFehler as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        return EXIT_START
    return starte(args.broker, args.parallel, args.uebernahme or UEBERNAHME, args.ablage)
