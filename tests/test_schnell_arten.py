"""The letter kinds of ``benchmarks/personalisiert.py``: every letter the fast path makes equals
its full render, and a letter it leaves to the full render says why."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from weasyprint.layout import inline as inline_layout

from briefe.satz.pdf import schnell, schnell_block
from briefe.satz.pdf import weasy as pdf_modul
from briefe.satz.pdf.weasy import pdf_bytes
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import VORLAGEN, empfaenger
from tests.test_schnell import gleiche_briefe
from tests.test_schnell_personalisiert import MITGLIEDER as PERSONALISIERT

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# the members of test_schnell_personalisiert, with the benchmark's field names
MITGLIEDER = [dict({k: v for k, v in m.items() if k not in ("nummer", "gruppe")},
                   mitgliedsnummer=m["nummer"], arbeitsgruppe=m["gruppe"]) for m in PERSONALISIERT]


@pytest.mark.parametrize("art", ["absatz", "fett", "tabelle", "bedingt", "lang"])
def test_briefart_wie_voller_satz(art):
    """Fast or not, each letter equals the full render; a full render names its reason."""
    schnell.leere_zwischenspeicher()
    vorlage = lade_vorlage(BENCHMARKS / f"personalisiert-{art}.md", VORLAGEN)
    briefe = [vorlage.erzeuge(empfaenger(**m)) for m in MITGLIEDER]
    for brief in briefe[:2]:  # what a run does: the first letters teach where the values are
        schnell.pdf_bytes_schnell(brief)
    for brief in briefe:
        grund = schnell.schnell_moeglich(brief)
        assert grund is None
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    if art == "bedingt":  # the conditional paragraph: present for the first member only
        assert "Auftaktsitzung" in str(briefe[0].inhalt) and "Auftaktsitzung" not in str(briefe[1].inhalt)


def _zeilen_je_seite(daten: bytes) -> list[int]:
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return [len(seite.extract_text().split("\n")) for seite in pdf.pages]


def _text(daten: bytes) -> str:
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return "\n".join(seite.extract_text() for seite in pdf.pages)


def _briefe(art: str, *gruppen: str) -> list:
    vorlage = lade_vorlage(BENCHMARKS / f"personalisiert-{art}.md", VORLAGEN)
    paare = zip(MITGLIEDER, gruppen, strict=True)
    return [vorlage.erzeuge(empfaenger(**dict(m, arbeitsgruppe=g))) for m, g in paare]


LANGE_GRUPPE = "Lebensbegleitendes Lernen und Sprachförderung im Quartier Hagen-Mitte und Haspe"


@pytest.mark.parametrize(("gruppe", "mehr"), [
    (LANGE_GRUPPE, [1]),  # the paragraph with the group grows by one line
    # so long that the letter runs onto a second page (a page break moves)
    (" ".join(["Lebensbegleitendes Lernen in Stadtteil und Quartier"] * 30), None),
])
def test_zeilenzahl_aendert_sich_voller_satz_mit_grund(gruppe, mehr):
    """A value that changes its paragraph's line count takes the full render, names the
    reason, and the letter is the full render's (``mehr``: lines per page beyond the same
    letter with the group "Ganztag"; ``None``: a second page). A second letter with those line
    counts gets a group of its own and the fast path."""
    schnell.leere_zwischenspeicher()
    for brief in _briefe("absatz", "Inklusion", "Übergänge", "Ganztag"):  # learns the paragraphs
        schnell.pdf_bytes_schnell(brief)
    dieser = _briefe("absatz", "Inklusion", "Übergänge", gruppe)[2]
    voll = pdf_bytes(dieser)
    basis = _zeilen_je_seite(pdf_bytes(_briefe("absatz", "", "", "Ganztag")[2]))
    zeilen = _zeilen_je_seite(voll)
    if mehr is None:
        assert len(basis) == 1 and len(zeilen) == 2
    else:
        assert [z - b for z, b in zip(zeilen, basis, strict=True)] == mehr
    vorher = Counter(schnell.STATISTIK)
    gleiche_briefe(voll, schnell.pdf_bytes_schnell(dieser))
    neu = Counter(schnell.STATISTIK) - vorher
    assert (neu["schnell"], neu["voll"], neu["voll: Absatz: andere Zeilenzahl"]) == (0, 1, 1)
    noch_einer = dataclasses.replace(dieser, anrede="Sehr geehrte Frau Kuhn,")
    vorher = schnell.STATISTIK["schnell"]
    gleiche_briefe(pdf_bytes(noch_einer), schnell.pdf_bytes_schnell(noch_einer))
    assert schnell.STATISTIK["schnell"] == vorher + 1


@pytest.mark.parametrize(("art", "gruppe"), [
    ("fett", "Sprachförderung"),  # bold values inside their lines, a value in a list item
    ("absatz", "Lebensbegleitendes Lernen"),  # a longer value inside a justified paragraph
])
def test_wert_mitten_im_absatz_schnell_wie_voll(art, gruppe):
    """A value inside its line moves the text after it: the paragraph is set again with
    WeasyPrint's line breaker, fast, equal to the full render."""
    schnell.leere_zwischenspeicher()
    for brief in _briefe(art, "Inklusion", "Übergänge", "Ganztag"):
        schnell.pdf_bytes_schnell(brief)
    dieser = _briefe(art, "Inklusion", "Übergänge", gruppe)[2]
    vorher = schnell.STATISTIK["schnell"]
    assert schnell.schnell_moeglich(dieser) is None
    gleiche_briefe(pdf_bytes(dieser), schnell.pdf_bytes_schnell(dieser))
    assert schnell.STATISTIK["schnell"] == vorher + 1
    assert gruppe in _text(pdf_bytes(dieser)).replace("\n", " ")


@pytest.mark.parametrize(("art", "gruppe", "satzlaeufe"), [
    ("absatz", "Inklusion", 2),  # each value once in the letter: the skeleton shows its place
    ("fett", "Inklusion", 2),  # the member number twice, in the body's flow: in the letter's order
    ("tabelle", "Inklusion", 2),  # also, once in a table cell
    # the bold group's name is in the fixed text too ("Bildungskonferenz (alle Mitglieder)"):
    # a layout with markers shows which is the value
    ("fett", "Bildungskonferenz", 3),
])
def test_werte_ohne_markenlauf_gefunden_wo_eindeutig(art, gruppe, satzlaeufe, monkeypatch):
    """A group needs one layout less (skeleton and long markers) when the skeleton shows where its
    values are; where a value also stands in the fixed text, a layout with markers finds them.
    Either way the letters are fast and equal to their full renders."""
    schnell.leere_zwischenspeicher()
    briefe = _briefe(art, "Übergänge", gruppe, "Ganztag")
    assert schnell.schnell_moeglich(briefe[0]) is None  # its group: the whole runs as middles
    laeufe = []
    original = pdf_modul.dokument
    monkeypatch.setattr(pdf_modul, "dokument", lambda brief: laeufe.append(brief) or original(brief))
    assert schnell.schnell_moeglich(briefe[1]) is None  # the group with the values as middles
    assert len(laeufe) == satzlaeufe
    monkeypatch.undo()
    for brief in briefe:
        assert schnell.schnell_moeglich(brief) is None
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))


def test_umbrueche_nach_dem_wert_gemerkt(monkeypatch):
    """The text after a value that starts a line at the same word as in an earlier letter is
    broken once per paragraph slot, not per letter: fewer calls of WeasyPrint's line breaker,
    and every letter still equals its full render."""
    vorlage = lade_vorlage(BENCHMARKS / "personalisiert-absatz.md", VORLAGEN)
    werte = [("48", "2027-01-15"), ("120,50", "2027-02-01"), ("36", "2027-03-28"), ("49", "2027-01-16"),
             ("121,50", "2027-02-02"), ("37", "2027-03-27")]
    briefe = [vorlage.erzeuge(empfaenger(**dict(MITGLIEDER[i % 3], beitrag=b, faellig=f)))
              for i, (b, f) in enumerate(werte)]
    berechnet = {}
    for je_platz in (0, schnell_block.ERSTE_ZEILEN_JE_PLATZ):
        schnell.leere_zwischenspeicher()
        monkeypatch.setattr(schnell_block, "ERSTE_ZEILEN_JE_PLATZ", je_platz)
        aufrufe: list = []
        original = inline_layout.split_first_line
        monkeypatch.setattr(inline_layout, "split_first_line",
                            lambda *a, liste=aufrufe, echt=original, **k: liste.append(a) or echt(*a, **k))
        vorher = schnell.STATISTIK["schnell"]
        schnelle = [schnell.pdf_bytes_schnell(brief) for brief in briefe]
        assert schnell.STATISTIK["schnell"] - vorher >= 4
        berechnet[je_platz] = len(aufrufe)
        monkeypatch.undo()
        for brief, daten in zip(briefe, schnelle, strict=True):
            gleiche_briefe(pdf_bytes(brief), daten)
    assert berechnet[schnell_block.ERSTE_ZEILEN_JE_PLATZ] < berechnet[0], berechnet


def test_bedingter_absatz_fehlt_schnell_wie_voll():
    """The conditional paragraph absent: the letter is one of its own group, from the fast path,
    equal to its full render."""
    schnell.leere_zwischenspeicher()
    mit, ohne, ohne_auch = _briefe("bedingt", "Inklusion", "Übergänge", "Ganztag")
    for brief in (mit, ohne):
        schnell.pdf_bytes_schnell(brief)
    assert schnell.schnell_moeglich(ohne) is None
    voll_mit, voll_ohne = pdf_bytes(mit), pdf_bytes(ohne)
    assert "gesonderte Einladung" in _text(voll_mit) and "gesonderte" not in _text(voll_ohne)
    gleiche_briefe(voll_ohne, schnell.pdf_bytes_schnell(ohne))
    gleiche_briefe(pdf_bytes(ohne_auch), schnell.pdf_bytes_schnell(ohne_auch))


@pytest.mark.parametrize(("gruppe", "grund", "zweiter_schnell"), [
    # the group's cell wraps onto a second line: the table grows, what follows moves down
    (LANGE_GRUPPE, "Tabelle: andere Höhe", True),
    # so long that the text after the table runs onto a second page (a page break moves)
    (" ".join(["Lebensbegleitendes Lernen in Stadtteil und Quartier"] * 30), "Tabelle: andere Höhe",
     True),
    # longer still: the table itself is split across the pages
    (" ".join(["Lebensbegleitendes Lernen in Stadtteil und Quartier"] * 80), "Tabelle: anderer Umbruch",
     False),
])
def test_tabelle_waechst_voller_satz_mit_grund(gruppe, grund, zweiter_schnell):
    """A value that makes its table taller takes the full render and names the reason; the letter
    is the full render's. A second letter with the same table height gets a group of its own and
    the fast path; a table split across pages never does."""
    schnell.leere_zwischenspeicher()
    for brief in _briefe("tabelle", "Inklusion", "Übergänge", "Ganztag"):
        schnell.pdf_bytes_schnell(brief)
    dieser = _briefe("tabelle", "Inklusion", "Übergänge", gruppe)[2]
    voll = pdf_bytes(dieser)
    basis = _zeilen_je_seite(pdf_bytes(_briefe("tabelle", "", "", "Ganztag")[2]))
    zeilen = _zeilen_je_seite(voll)
    assert len(zeilen) >= 1 + (len(gruppe) > 100) and zeilen[0] > basis[0]
    if not zweiter_schnell:  # page 2 goes on with the table, under its repeated header
        assert _text(voll).split("Seite 2 von 2\n", 1)[1].startswith("Angabe Wert")
    vorher = Counter(schnell.STATISTIK)
    gleiche_briefe(voll, schnell.pdf_bytes_schnell(dieser))
    neu = Counter(schnell.STATISTIK) - vorher
    assert (neu["schnell"], neu["voll"], neu[f"voll: {grund}"]) == (0, 1, 1), neu
    noch_einer = dataclasses.replace(dieser, anrede="Sehr geehrte Frau Kuhn,")
    vorher = schnell.STATISTIK["schnell"]
    gleiche_briefe(pdf_bytes(noch_einer), schnell.pdf_bytes_schnell(noch_einer))
    assert schnell.STATISTIK["schnell"] == vorher + zweiter_schnell


def test_vorwaermen_baut_die_variante_mit_anderer_zeilenzahl():
    """What a run does before it forks: letters whose paragraph is a line longer (three of the
    groups) get their own group once two of them are seen, so no worker renders them in full."""
    from briefe.lauf.prozesse import vorwaermen
    from briefe.satz.renderer import renderer

    schnell.leere_zwischenspeicher()
    vorlage = lade_vorlage(BENCHMARKS / "personalisiert-absatz.md", VORLAGEN)
    gruppen = ["Inklusion", "Übergänge", "Sprachförderung", "Ganztag", "Berufsorientierung"]
    liste = [empfaenger(**dict(m, arbeitsgruppe=g)) for m in MITGLIEDER for g in gruppen]
    assert vorwaermen(vorlage, liste, [renderer("pdf")]) >= 2
    vorher = Counter(schnell.STATISTIK)
    for gruppe in ("Lebensbegleitendes Lernen", "Elternarbeit"):  # a line longer, and not
        brief = vorlage.erzeuge(empfaenger(**dict(MITGLIEDER[0], arbeitsgruppe=gruppe)))
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    neu = Counter(schnell.STATISTIK) - vorher
    assert (neu["schnell"], neu["voll"]) == (2, 0), neu


def test_vorwaermen_lernt_erst_die_wertstellen_und_baut_dann_eine_gruppe():
    """The second member shares amount and due date with the first, the third has another
    amount, the fourth another month: the slots and the fixed text around them grow with
    each of them. A run learns them from its first letters before it builds anything, so it
    builds one group, not one per letter that shows more, and every letter is fast."""
    from briefe.lauf.prozesse import vorwaermen
    from briefe.satz.pdf.schnell_gruppe import _Gruppe
    from briefe.satz.renderer import renderer

    schnell.leere_zwischenspeicher()
    vorlage = lade_vorlage(BENCHMARKS / "personalisiert-absatz.md", VORLAGEN)
    werte = [("48", "2027-01-15"), ("48", "2027-01-15"), ("120,50", "2027-01-20"),
             ("36", "2027-03-02"), ("60", "2027-02-11"), ("24", "2027-01-28")]
    liste = [empfaenger(**dict(MITGLIEDER[i % 3], mitgliedsnummer=str(100007 + 7 * i), beitrag=b,
                                faellig=f, arbeitsgruppe="Inklusion"))
             for i, (b, f) in enumerate(werte)]
    vorwaermen(vorlage, liste, [renderer("pdf")])
    gebaut = [g for g in schnell._GRUPPEN.gruppen.values() if isinstance(g, _Gruppe)]
    assert len(gebaut) == 1
    vorher = Counter(schnell.STATISTIK)
    for e in liste:
        brief = vorlage.erzeuge(e)
        gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    neu = Counter(schnell.STATISTIK) - vorher
    assert (neu["schnell"], neu["voll"]) == (len(liste), 0), neu
    assert [g for g in schnell._GRUPPEN.gruppen.values() if isinstance(g, _Gruppe)] == gebaut


def _zwei_seiten_schnell_wie_voll(pfad: Path) -> list:
    """The letters of the template ``pfad`` to ``MITGLIEDER``, learned as a run does: each
    takes the fast path, has two pages and equals its full render."""
    schnell.leere_zwischenspeicher()
    vorlage = lade_vorlage(pfad, VORLAGEN)
    briefe = [vorlage.erzeuge(empfaenger(**m)) for m in MITGLIEDER]
    for brief in briefe:
        schnell.lerne(brief)
    for brief in briefe:
        assert schnell.schnell_moeglich(brief) is None
        daten = schnell.pdf_bytes_schnell(brief)
        assert len(_zeilen_je_seite(daten)) == 2
        gleiche_briefe(pdf_bytes(brief), daten)
    return briefe


def test_viele_wertstellen_zwei_seiten_schnell_wie_voll():
    """The kind "lang": the working group in twenty paragraphs onto a second page, plus
    amount, due date and subject, so more than sixteen runs vary. Every letter takes the fast
    path and equals its full render, on both pages."""
    briefe = _zwei_seiten_schnell_wie_voll(BENCHMARKS / "personalisiert-lang.md")
    stellen, _ = schnell._WERTE.stellen(briefe[0])
    assert len(stellen) > 16


def test_zustand_nach_den_plaetzen_wie_im_vollen_satz(tmp_path):
    """Page 1's body is value paragraphs only, then the address field is painted: the fill
    colour its rules see is the one the paragraphs' text leaves, as in the full render (the
    slots' operators are not wrapped in q/Q)."""
    kopf = (BENCHMARKS / "personalisiert-absatz.md").read_text(encoding="utf-8").split("+++")[1]
    absaetze = "\n\n".join(
        f"Punkt {i}: Für die Arbeitsgruppe *{{{{ empfaenger.arbeitsgruppe }}}}* gelten die Beschlüsse "
        "des Lenkungskreises in der jeweils gültigen Fassung; sie liegen im Bildungsbüro aus."
        for i in range(1, 21))
    pfad = tmp_path / "viele.md"
    pfad.write_text(f"+++{kopf}+++\nIhr Jahresbeitrag beträgt **{{{{ empfaenger.beitrag | betrag }}}}**, "
                    "fällig am {{ empfaenger.faellig | datum }}.\n\n" + absaetze + "\n", encoding="utf-8")
    _zwei_seiten_schnell_wie_voll(pfad)
