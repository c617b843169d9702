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
