"""The letter kinds of ``benchmarks/personalisiert.py``: every letter the fast path makes equals
its full render, and a letter it leaves to the full render says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefe.satz.pdf import schnell
from briefe.satz.pdf.weasy import pdf_bytes
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import MEYER, VORLAGEN, empfaenger
from tests.test_schnell import EMPFAENGER, gleiche_briefe

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
MITGLIEDER = [
    dict(MEYER, mitgliedsnummer="100007", beitrag="48", faellig="2027-01-15", arbeitsgruppe="Inklusion"),
    dict(EMPFAENGER["umlaute"], mitgliedsnummer="100014", beitrag="120,50", faellig="2027-02-01",
         arbeitsgruppe="Übergänge"),
    dict(EMPFAENGER["langer_name"], mitgliedsnummer="100021", beitrag="36", faellig="2027-03-28",
         arbeitsgruppe="Lebensbegleitendes Lernen"),
]


@pytest.mark.parametrize("art", ["absatz", "fett", "tabelle", "bedingt"])
def test_briefart_wie_voller_satz(art):
    """Fast or not, each letter equals the full render; a full render names its reason."""
    schnell.leere_zwischenspeicher()
    vorlage = lade_vorlage(BENCHMARKS / f"personalisiert-{art}.md", VORLAGEN)
    briefe = [vorlage.erzeuge(empfaenger(**m)) for m in MITGLIEDER]
    for brief in briefe[:2]:  # what a run does: the first letters teach where the values are
        schnell.pdf_bytes_schnell(brief)
    for brief in briefe:
        grund = schnell.schnell_moeglich(brief)
        assert grund is None or grund.strip(), art
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    if art == "bedingt":  # the conditional paragraph: present for the first member only
        assert "Auftaktsitzung" in str(briefe[0].inhalt) and "Auftaktsitzung" not in str(briefe[1].inhalt)
