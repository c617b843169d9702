"""Numbers, amounts, times and phone numbers from member data: input → printed text or error.

Each case is one member value as a list holds it and what the letter prints.
"""

import datetime as dt
from decimal import Decimal

import pytest

from briefe.deutsch import formate
from briefe.deutsch.zahlen import lies_zahl
from briefe.quellen.mitglieder import Feldwert

NB = "\u00a0"  # between amount and currency sign
NS = "\u202f"  # narrow no-break space in plain numbers

BETRAEGE = [
    ("1.234", f"1.234,00{NB}€"),
    ("1.234.567", f"1.234.567,00{NB}€"),
    ("1.234,56", f"1.234,56{NB}€"),
    ("1 234,56", f"1.234,56{NB}€"),
    ("1\u00a0234,56", f"1.234,56{NB}€"),
    ("1234,56", f"1.234,56{NB}€"),
    ("2,345", f"2,35{NB}€"),
    ("0,125", f"0,13{NB}€"),
    ("0,005", f"0,01{NB}€"),
    ("2,344", f"2,34{NB}€"),
    ("-2,345", f"-2,35{NB}€"),
    ("12,-", f"12,00{NB}€"),
    ("12,–", f"12,00{NB}€"),
    ("1.234,56 €", f"1.234,56{NB}€"),
    ("€ 5", f"5,00{NB}€"),
    ("5 EUR", f"5,00{NB}€"),
    ("-0,00", f"0,00{NB}€"),
    ("0", f"0,00{NB}€"),
    ("999,995", f"1.000,00{NB}€"),
    (2.345, f"2,35{NB}€"),
    (0.125, f"0,13{NB}€"),
    (1.005, f"1,01{NB}€"),
    (1234, f"1.234,00{NB}€"),
    (Decimal("19.995"), f"20,00{NB}€"),
    (-12, f"-12,00{NB}€"),
    ("+7,5", f"7,50{NB}€"),
    ("\u22127,5", f"-7,50{NB}€"),
    # a dot that cannot separate German thousands is a decimal point (machine exports)
    ("1479.38", f"1.479,38{NB}€"),
    ("12.5", f"12,50{NB}€"),
    ("12.50", f"12,50{NB}€"),
    ("0.125", f"0,13{NB}€"),
    ("1.2345", f"1,23{NB}€"),
    ("1234.567", f"1.234,57{NB}€"),
    ("-1.5", f"-1,50{NB}€"),
    ("12.500", f"12.500,00{NB}€"),  # both readings possible: German without a setting
]


@pytest.mark.parametrize(("eingabe", "erwartet"), BETRAEGE)
def test_betrag(eingabe, erwartet):
    assert formate.betrag(eingabe) == erwartet


@pytest.mark.parametrize(("eingabe", "waehrung", "erwartet"), [
    ("1.234,56", "USD", f"1.234,56{NB}USD"),
    ("1.234,56", "chf", f"1.234,56{NB}CHF"),
    ("0,125", "GBP", f"0,13{NB}GBP"),
])
def test_betrag_andere_waehrung(eingabe, waehrung, erwartet):
    assert formate.betrag(eingabe, waehrung) == erwartet


ZAHLEN = [
    ("1234", None, "1234"),
    ("9999", None, "9999"),
    ("10000", None, f"10{NS}000"),
    ("1.234.567", None, f"1{NS}234{NS}567"),
    ("1.234.567,5", None, f"1{NS}234{NS}567,5"),
    ("12345,678", 2, f"12{NS}345,68"),
    ("2,5", 0, "3"),
    ("3,5", 0, "4"),
    ("0,5", 0, "1"),
    (0, None, "0"),
    (0, 2, "0,00"),
    ("3", 2, "3,00"),
    ("-0,004", 2, "0,00"),
    (1234567.5, None, f"1{NS}234{NS}567,5"),
    ("-12345", None, f"-12{NS}345"),
]


@pytest.mark.parametrize(("eingabe", "stellen", "erwartet"), ZAHLEN)
def test_zahl(eingabe, stellen, erwartet):
    assert formate.zahl(eingabe, stellen) == erwartet


FALSCHE_ZAHLEN = [
    ("1,234.56", "nicht eindeutig"),
    ("1.2.3", "nicht eindeutig"),
    ("12 34", "keine Zahl"),
    ("NaN", "keine endliche Zahl"),
    ("inf", "keine endliche Zahl"),
    ("-inf", "keine endliche Zahl"),
    ("", "Kein Wert"),
    ("   ", "Kein Wert"),
    ("zwölf", "keine Zahl"),
    ("1,2,3", "nicht eindeutig"),
    (float("nan"), "keine endliche Zahl"),
    (True, "keine Zahl"),
]


@pytest.mark.parametrize(("eingabe", "meldung"), FALSCHE_ZAHLEN)
def test_keine_zahl_ist_ein_fehler(eingabe, meldung):
    for filter_ in (formate.betrag, formate.zahl):
        with pytest.raises(ValueError, match=meldung):
            filter_(eingabe)


def test_fehler_nennt_die_spalte_der_liste():
    with pytest.raises(ValueError, match="^Spalte „Beitrag €“: „1,234.56“ ist nicht eindeutig"):
        formate.betrag(Feldwert("1,234.56", "Beitrag €"))


def test_zahl_aus_excel_ist_genau():
    wert = Feldwert("2.345", "Beitrag", Decimal("2.345"))
    assert formate.betrag(wert) == f"2,35{NB}€"
    assert lies_zahl(wert) == Decimal("2.345")


ZEITEN = [
    ("9:05", "09:05 Uhr"),
    ("09:05", "09:05 Uhr"),
    ("9.05", "09:05 Uhr"),
    ("9.05 Uhr", "09:05 Uhr"),
    (dt.time(9, 5), "09:05 Uhr"),
    ("14:30", "14:30 Uhr"),
    ("14:30:00", "14:30 Uhr"),
    ("15:00", "15 Uhr"),
    ("8", "8 Uhr"),
    ("08:00 Uhr", "8 Uhr"),
    ("0:30", "00:30 Uhr"),
    (dt.datetime(2026, 1, 5, 7, 45), "07:45 Uhr"),
]


@pytest.mark.parametrize(("eingabe", "erwartet"), ZEITEN)
def test_uhrzeit(eingabe, erwartet):
    assert formate.uhrzeit(eingabe) == erwartet


@pytest.mark.parametrize("eingabe", ["25:00", "9:75", "halb zehn", "", "9:5"])
def test_keine_uhrzeit(eingabe):
    with pytest.raises(ValueError, match="keine Uhrzeit"):
        formate.uhrzeit(Feldwert(eingabe, "Beginn"))


TELEFON = [
    ("(02331) 207 2951", "02331 2072951"),
    ("(02331) 2072951", "02331 2072951"),
    ("02331/2072951", "02331 2072951"),
    ("02331 / 207 29 51", "02331 2072951"),
    ("0 23 31 / 20 72 95 1", "02331 2072951"),  # digits spaced in pairs, area code before /
    ("0 23 31 / 20 72 95-1", "02331 207295-1"),
    ("+49 23 31 / 20 72 95 1", "+49 2331 2072951"),
    ("02331-2072951", "02331 2072951"),
    ("02331 2072951", "02331 2072951"),
    ("02331 207-2951", "02331 207-2951"),
    ("(02331) 207-2951", "02331 207-2951"),
    ("02331/207-2951", "02331 207-2951"),
    ("02331.2072951", "02331 2072951"),
    ("+49 (0)2331 2072951", "+49 2331 2072951"),
    ("+49 (0) 2331 207-2951", "+49 2331 207-2951"),
    ("+49 2331 2072951", "+49 2331 2072951"),
    ("+49-2331-2072951", "+49 2331 2072951"),
    ("0049 2331 2072951", "+49 2331 2072951"),
    ("0049 (0)2331 207-2951", "+49 2331 207-2951"),
    ("+49 02331 2072951", "+49 2331 2072951"),
    ("Tel. 02331 2072951", "02331 2072951"),
    ("Telefon: (0171) 1234567", "0171 1234567"),
    ("+31 20 1234567", "+31 20 1234567"),
    ("+41 31 3221111", "+41 31 3221111"),
    ("023312072951", "023312072951"),
    ("", ""),
]


@pytest.mark.parametrize(("eingabe", "erwartet"), TELEFON)
def test_telefon(eingabe, erwartet):
    assert formate.telefon(eingabe) == erwartet


@pytest.mark.parametrize("eingabe", ["keine", "bitte anrufen", "0233", "02331 207 29 51 App. 4",
                                     "+49 + 2331", "n. a."])
def test_keine_telefonnummer(eingabe):
    with pytest.raises(ValueError, match="^Spalte „Telefon“: .* ist keine Telefonnummer"):
        formate.telefon(Feldwert(eingabe, "Telefon"))

