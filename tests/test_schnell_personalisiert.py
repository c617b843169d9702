"""The PDF fast path on letters whose body holds member values (member number in the
subject, amount and date in a paragraph, the group in a list item, a table cell): each
letter is the same as its full render, and whatever cannot be shown so is rendered in full."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from pathlib import Path

import pdfplumber
import pyphen
import pytest

from briefe.geometrie import FORM_A
from briefe.satz.docx import schnell as schnell_docx
from briefe.satz.pdf import schnell, silbentrennung
from briefe.satz.pdf import weasy as pdf_modul
from briefe.satz.pdf.weasy import pdf_bytes
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import MEYER, VORLAGEN, empfaenger
from tests.test_schnell import EMPFAENGER, _docx_teile, gleiche_briefe

KOPF = """+++
betreff = "Beitragsbescheid 2027, Mitgliedsnummer {{ empfaenger.nummer }}"
absender = "stadt-hagen-lenkungskreis"
zeichen = "43-BB"
datum = 2026-12-01
+++
"""
BESCHEID = KOPF + """für das Jahr 2027 setzen wir Ihren Mitgliedsbeitrag wie folgt fest.

Ihr Beitrag beträgt {{ empfaenger.beitrag | betrag }} und ist am {{ empfaenger.faellig | datum }} fällig.

Ihre Mitgliedsnummer: **{{ empfaenger.nummer }}**

- Bildungskonferenz (alle Mitglieder)
- Arbeitsgruppe {{ empfaenger.gruppe }}

Bei Fragen erreichen Sie uns telefonisch unter 02331/207-2800.
"""
TABELLE = KOPF + """Wir setzen fest:

| Posten | Betrag |
|--------|-------:|
| Jahresbeitrag {{ empfaenger.gruppe }} | {{ empfaenger.beitrag | betrag }} |
| Verwaltungspauschale | 2,00 € |
"""
FUELL = ("Dieser Absatz steht in jedem Brief gleich und füllt die Seite, damit der Absatz mit "
         "den Werten nahe am Seitenende steht.")
# the value paragraph is the last one on page 1: three lines more move the closing to page 2
SEITENENDE = KOPF + "\n\n".join([FUELL] * 8) + (
    "\n\nIhr Beitrag ist am {{ empfaenger.faellig | datum }} fällig. {{ empfaenger.gruppe }}\n")
LANG = ("Bitte beachten Sie die geänderte Bankverbindung des Bildungsbüros, die wir Ihnen mit "
        "diesem Schreiben mitteilen, und ändern Sie einen Dauerauftrag rechtzeitig.")

MITGLIEDER = [
    dict(MEYER, nummer="100007", beitrag="48", faellig="2027-01-15", gruppe="Inklusion"),
    dict(EMPFAENGER["umlaute"], nummer="100014", beitrag="120,50", faellig="2027-02-01",
         gruppe="Übergänge"),
    dict(EMPFAENGER["langer_name"], nummer="100021", beitrag="36", faellig="2027-03-28",
         gruppe="Sprachförderung"),
]


def _vorlage(tmp_path_factory, text: str):
    pfad = tmp_path_factory.mktemp("vorlage") / "bescheid.md"
    pfad.write_text(text, encoding="utf-8")
    return lade_vorlage(pfad, VORLAGEN)


@pytest.fixture(scope="module")
def bescheid(tmp_path_factory):
    return _vorlage(tmp_path_factory, BESCHEID)


ZWEI_BETRAEGE = KOPF + """Ihr Beitrag: **{{ empfaenger.beitrag | betrag }}**

Offen aus dem Vorjahr: **{{ empfaenger.rest | betrag }}**
"""


def _briefe(vorlage, **aenderung):
    """Letters that teach the fast path: all values differ, two address shapes."""
    dritter = dict(MITGLIEDER[0], nummer="100035", beitrag="60", faellig="2027-01-31", gruppe="Ganztag")
    return [vorlage.erzeuge(empfaenger(**{**m, **aenderung})) for m in [*MITGLIEDER[:2], dritter]]


def _lernen(briefe) -> None:
    """What a run does: the first letters teach the fast path where the values are."""
    for brief in briefe:
        schnell.pdf_bytes_schnell(brief)


def _vergleiche(brief, schnell_erwartet: bool) -> str | None:
    grund = schnell.schnell_moeglich(brief)
    assert (grund is None) == schnell_erwartet, grund
    gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    return grund


def _text(daten: bytes) -> str:
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return "\n".join(seite.extract_text() for seite in pdf.pages)


def test_werte_wie_voller_satz(bescheid):
    schnell.leere_zwischenspeicher()
    _lernen(_briefe(bescheid))
    vorher = schnell.STATISTIK["schnell"]
    brief = bescheid.erzeuge(empfaenger(**MITGLIEDER[2]))
    _vergleiche(brief, True)
    assert schnell.STATISTIK["schnell"] == vorher + 1
    text = _text(schnell.pdf_bytes_schnell(brief))
    for wert in ("Mitgliedsnummer 100021", "36,00\xa0€", "28.03.2027", "Arbeitsgruppe Sprachförderung",
                 "Ihre Mitgliedsnummer: 100021"):
        assert wert.replace("\xa0", " ") in text.replace("\xa0", " ")
    # one layout group serves letters with any number of address lines
    assert sum(not isinstance(g, Exception) for g in schnell._GRUPPEN.gruppen.values()) >= 1


def test_gesetzte_zeilen_wiederverwendet(bescheid):
    """Lines drawn for an earlier letter (the same person, a group) are taken as drawn; the
    letter is still the same as its full render, its fonts with its own glyphs."""
    schnell.leere_zwischenspeicher()
    _lernen(_briefe(bescheid))
    schnell.pdf_bytes_schnell(bescheid.erzeuge(empfaenger(**MITGLIEDER[1])))
    vorher = Counter(schnell.STATISTIK)
    zweiter = bescheid.erzeuge(empfaenger(**{**MITGLIEDER[1], "nummer": "100042", "beitrag": "24",
                                             "gruppe": "Łódź"}))
    daten = schnell.pdf_bytes_schnell(zweiter)
    neu = Counter(schnell.STATISTIK) - vorher
    assert neu["schnell"] == 1
    assert neu["Zeilen wiederverwendet"] >= len(zweiter.anschrift) + 1  # address and salutation
    assert neu["Zeilen gesetzt"] >= 2  # member number, amount, group
    gleiche_briefe(pdf_bytes(zweiter), daten)


def test_form_a(bescheid):
    briefe = [dataclasses.replace(b, form=FORM_A) for b in _briefe(bescheid)]
    _lernen(briefe)
    brief = dataclasses.replace(bescheid.erzeuge(empfaenger(**MITGLIEDER[2])), form=FORM_A)
    _vergleiche(brief, True)


def test_glyphen_die_der_vorlage_fehlen(bescheid):
    """The font is subset again with the value's glyphs, as the full render does."""
    _lernen(_briefe(bescheid))
    brief = bescheid.erzeuge(empfaenger(**{**MITGLIEDER[2], "gruppe": "Łódź-Żoliborz Ğ"}))
    _vergleiche(brief, True)


def test_zeichen_ohne_glyphe_faellt_zurueck(bescheid):
    _lernen(_briefe(bescheid))
    brief = bescheid.erzeuge(empfaenger(**{**MITGLIEDER[2], "gruppe": "学习小组"}))
    assert "Zeichen" in _vergleiche(brief, False) or "Schrift" in schnell.schnell_moeglich(brief)


@pytest.mark.parametrize("feld, wert, grund", [
    ("gruppe", "Lebensbegleitendes Lernen und Übergänge zwischen Schule, Ausbildung, Studium und Beruf",
     "Absatz: andere Zeilenzahl"),
    # in the subject too long for its line, in the paragraph a run too long to break: the
    # paragraphs are laid out first
    ("nummer", "1000070000100007000010000700001000070000100007000010000700001000070000",
     "Absatz: langes Wort"),
])
def test_wert_aendert_zeilenzahl_faellt_zurueck(bescheid, feld, wert, grund):
    """A value that makes its list item (subject) wrap onto one more line: full render, and the
    statistics name the reason."""
    schnell.leere_zwischenspeicher()
    _lernen(_briefe(bescheid))
    brief = bescheid.erzeuge(empfaenger(**{**MITGLIEDER[0], "nummer": "100028", feld: wert}))
    vorher = schnell.STATISTIK[f"voll: {grund}"]
    gleiche_briefe(pdf_bytes(brief), schnell.pdf_bytes_schnell(brief))
    assert schnell.STATISTIK[f"voll: {grund}"] == vorher + 1


def test_langer_wert_der_passt(bescheid):
    """Long, but still one line: fast, and the line ends where the full render ends it."""
    _lernen(_briefe(bescheid))
    brief = bescheid.erzeuge(empfaenger(**{**MITGLIEDER[2], "gruppe": "Lebensbegleitendes Lernen "
                                           "in der Bildungsregion Hagen (Teilkonferenz)"}))
    _vergleiche(brief, True)


def test_wert_schiebt_absatz_auf_naechste_seite(tmp_path_factory):
    vorlage = _vorlage(tmp_path_factory, SEITENENDE)
    _lernen(_briefe(vorlage))
    kurz = vorlage.erzeuge(empfaenger(**{**MITGLIEDER[2], "gruppe": "Danke."}))
    lang = vorlage.erzeuge(empfaenger(**{**MITGLIEDER[2], "gruppe": LANG}))
    assert _vergleiche(kurz, True) is None
    assert len(pdfplumber.open(io.BytesIO(pdf_bytes(kurz))).pages) == 1
    # the first letter whose paragraph moves the page break: full render, and it says why
    vorher = schnell.STATISTIK["voll: Absatz: andere Zeilenzahl"]
    daten = schnell.pdf_bytes_schnell(lang)
    assert schnell.STATISTIK["voll: Absatz: andere Zeilenzahl"] == vorher + 1
    assert len(pdfplumber.open(io.BytesIO(daten)).pages) == 2
    gleiche_briefe(pdf_bytes(lang), daten)


def test_mehrseitig_mit_werten(bescheid):
    """Values on page 1 of a letter of two pages (the footer counts pages)."""
    briefe = [dataclasses.replace(b, inhalt=b.inhalt + b.inhalt[-1:] * 40) for b in _briefe(bescheid)]
    _lernen(briefe)
    brief = bescheid.erzeuge(empfaenger(**MITGLIEDER[2]))
    brief = dataclasses.replace(brief, inhalt=brief.inhalt + brief.inhalt[-1:] * 40)
    assert len(pdfplumber.open(io.BytesIO(pdf_bytes(brief))).pages) >= 2
    _vergleiche(brief, True)


def test_tabelle_mit_werten(tmp_path_factory):
    """Column widths follow the values: the table is laid out again per letter, fast, with the
    full render's column widths, borders and right-aligned amounts."""
    vorlage = _vorlage(tmp_path_factory, TABELLE)
    _lernen(_briefe(vorlage))
    for mitglied in MITGLIEDER:
        assert _vergleiche(vorlage.erzeuge(empfaenger(**mitglied)), True) is None


@pytest.mark.parametrize("text", [
    "Sie zahlen **{{ empfaenger.beitrag | betrag }}** bis zum {{ empfaenger.faellig | datum }}.",
    "Sie zahlen *{{ empfaenger.beitrag | betrag }}* bis zum ***{{ empfaenger.faellig | datum }}***, "
    "die Gruppe *{{ empfaenger.gruppe }}* ebenso.",
])
def test_wert_mitten_in_der_zeile(tmp_path_factory, text):
    """A bold or italic value followed by more text on its line: the paragraph is set again,
    fast, and the text after the value moves as in the full render."""
    vorlage = _vorlage(tmp_path_factory, KOPF + text + "\n")
    _lernen(_briefe(vorlage))
    for mitglied in MITGLIEDER:
        _vergleiche(vorlage.erzeuge(empfaenger(**mitglied)), True)


def test_silbentrennung_aus_dem_zwischenspeicher(tmp_path, monkeypatch):
    """The cached patterns are pyphen's own."""
    monkeypatch.setenv("BRIEFE_CACHE", str(tmp_path))
    quelle = pyphen.LANGUAGES[pyphen.language_fallback("de-DE")]
    monkeypatch.setitem(pyphen.hdcache, quelle, None)
    del pyphen.hdcache[quelle]
    silbentrennung.vorladen.cache_clear()
    assert silbentrennung.vorladen("de-DE") is False  # parsed, then written
    geparst = pyphen.hdcache.pop(quelle)
    assert list(Path(tmp_path).glob("silben-*.json"))
    silbentrennung.vorladen.cache_clear()
    assert silbentrennung.vorladen("de-DE") is True
    geladen = pyphen.hdcache[quelle]
    assert len(geladen.patterns) == len(geparst.patterns) and geladen.maxlen == geparst.maxlen
    assert {k: geladen.patterns.get(k) for k in geparst.patterns} == geparst.patterns
    assert geladen.patterns.get("gibt es nicht") is None
    for wort in ("Bildungsbüros", "Übergangsmanagement", "Sprachförderung", "Lenkungskreis"):
        assert geladen.positions(wort) == geparst.positions(wort)


def test_docx_mit_werten_wie_voller_satz(bescheid):
    """The DOCX fast path fills in the values too (document and properties), byte for byte."""
    from briefe.satz.docx.dokument import schreibe_docx

    for brief in _briefe(bescheid):
        schnell_docx.docx_bytes_schnell(brief)
    for mitglied in (MITGLIEDER[2], {**MITGLIEDER[0], "nummer": "1&<2>", "gruppe": "Łódź \"Süd\""}):
        brief = bescheid.erzeuge(empfaenger(**mitglied))
        voll = io.BytesIO()
        schreibe_docx(brief, voll)
        vorher = schnell_docx.STATISTIK["schnell"]
        assert _docx_teile(schnell_docx.docx_bytes_schnell(brief)) == _docx_teile(voll.getvalue())
        assert schnell_docx.STATISTIK["schnell"] == vorher + 1


TABELLEN = {
    # several values per row, text around a value in its cell, a total row in bold
    "drei_spalten": """Ihre Beiträge:

| Posten | Zeitraum | Betrag |
|:-------|:--------:|-------:|
| Grundbeitrag {{ empfaenger.gruppe }} | bis {{ empfaenger.faellig|datum }} | {{ empfaenger.beitrag|betrag }}
| Verwaltung | 2027 | 2,00 € |
| **Summe** | | **{{ empfaenger.beitrag | betrag }}** |

Bitte überweisen Sie den Betrag bis zum {{ empfaenger.faellig | datum }}.
""",
    # no header, the table between two paragraphs, a value cell that is the only text of its row
    "ohne_kopf": """Vorab:

| | |
|---|---|
| Nummer | {{ empfaenger.nummer }} |
| Gruppe | {{ empfaenger.gruppe }} |

Ihr Beitrag: {{ empfaenger.beitrag | betrag }}.
""",
}


@pytest.mark.parametrize("art", sorted(TABELLEN))
def test_andere_tabellen_mit_werten(tmp_path_factory, art):
    """Other tables with values (several per row, text around them, bold, no header): laid out
    again per letter, fast, equal to the full render."""
    vorlage = _vorlage(tmp_path_factory, KOPF + TABELLEN[art])
    _lernen(_briefe(vorlage))
    for mitglied in MITGLIEDER:
        assert _vergleiche(vorlage.erzeuge(empfaenger(**mitglied)), True) is None


def test_gleiche_werte_zweier_felder_in_der_reihenfolge_des_briefs(tmp_path_factory, monkeypatch):
    """The group is built from a letter whose two amounts are equal (the skeleton shows one text
    in two places, without a layout with markers): the places are taken in the letter's order,
    so a letter whose amounts differ puts each where it belongs, equal to its full render."""
    vorlage = _vorlage(tmp_path_factory, ZWEI_BETRAEGE)
    schnell.leere_zwischenspeicher()
    gleich, auch_gleich, anders = (vorlage.erzeuge(empfaenger(**dict(m, beitrag=b, rest=r))) for m, b, r in (
        (MITGLIEDER[0], "25", "25"), (MITGLIEDER[1], "48", "48"), (MITGLIEDER[2], "48", "7")))
    _lernen([gleich])
    laeufe = []
    original = pdf_modul.dokument
    monkeypatch.setattr(pdf_modul, "dokument", lambda brief: laeufe.append(brief) or original(brief))
    _lernen([auch_gleich])  # narrows the values' frames to the amounts: its group
    assert len(laeufe) == 2  # skeleton and long markers
    monkeypatch.undo()
    _vergleiche(anders, True)
    text = _text(schnell.pdf_bytes_schnell(anders))
    assert "Ihr Beitrag: 48,00 €" in text and "Offen aus dem Vorjahr: 7,00 €" in text
