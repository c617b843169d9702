import os
from pathlib import Path
from types import MappingProxyType

import pytest

WURZEL = Path(__file__).resolve().parent.parent
VORLAGEN = WURZEL / "vorlagen"
REFERENZ = VORLAGEN / "bildungsnetzwerk-2011.md"
# The 2011 letter every template must be able to express (copy of shared/seeds/003_…).
SEED = WURZEL / "tests" / "daten" / "referenzbrief-2011.txt"

# The renderer may read files below the templates folder of this checkout.
os.environ.setdefault("BRIEFE_VORLAGEN", str(VORLAGEN))


def empfaenger(zeile: int = 2, **felder):
    from briefe.quellen.mitglieder import Empfaenger

    return Empfaenger(zeile=zeile, felder=MappingProxyType(dict(felder)))


MEYER = dict(anrede="Frau", titel="Dr.", vorname="Maria", nachname="Meyer",
             organisation="Gesamtschule Eilpe", strasse="Wehringhauser Str. 38", plz="58089",
             ort="Hagen")


@pytest.fixture(scope="session")
def referenz():
    from briefe.vorlage.vorlage import lade_vorlage

    return lade_vorlage(REFERENZ)


@pytest.fixture(scope="session")
def referenz_pdf(referenz, tmp_path_factory):
    """The reference letter to Frau Dr. Meyer, as PDF (Form B)."""
    from briefe.satz.pdf.weasy import schreibe_pdf

    pfad = tmp_path_factory.mktemp("referenz") / "referenz.pdf"
    schreibe_pdf(referenz.erzeuge(empfaenger(**MEYER)), pfad)
    return pfad


def pytest_terminal_summary(terminalreporter):
    """At the end of the run: which tests were skipped and why (e.g. Chromium or redis-server
    missing), so a green run without browser or worker tests does not look complete."""
    gruende: dict[str, set[str]] = {}
    for bericht in terminalreporter.stats.get("skipped", []):
        if getattr(bericht, "wasxfail", None) is not None:
            continue
        datei, _, grund = (bericht.longrepr if isinstance(bericht.longrepr, tuple)
                           else (bericht.nodeid, 0, str(bericht.longrepr)))
        gruende.setdefault(grund.removeprefix("Skipped: "), set()).add(Path(datei).name)
    if not gruende:
        return
    terminalreporter.section("Übersprungene Tests: diese Teile wurden NICHT geprüft")
    for grund, dateien in sorted(gruende.items()):
        terminalreporter.write_line(f"{grund} – {', '.join(sorted(dateien))}")
    terminalreporter.write_line("Systempakete der Tests: sudo apt-get install $(cat .ci/debian-pakete)")
