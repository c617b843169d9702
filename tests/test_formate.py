import datetime as dt

import pytest

from briefe.deutsch import formate


@pytest.mark.parametrize("wert", [dt.date(2011, 8, 25), "2011-08-25", "25.08.2011",
                                  dt.datetime(2011, 8, 25, 9, 30)])
def test_datum(wert):
    assert formate.datum(wert) == "25.08.2011"
    assert formate.datum_lang(wert) == "25. August 2011"


def test_datum_lang_maerz_und_einstellig():
    assert formate.datum_lang("2011-03-08") == "8. März 2011"


@pytest.mark.parametrize("wert, erwartet", [
    ("14:30", "14:30 Uhr"), ("15:00", "15 Uhr"), (dt.time(9, 5), "09:05 Uhr"), ("8", "8 Uhr"),
])
def test_uhrzeit(wert, erwartet):
    assert formate.uhrzeit(wert) == erwartet


@pytest.mark.parametrize("wert, erwartet", [
    (1234.56, "1.234,56\u00a0€"), ("1234,5", "1.234,50\u00a0€"), ("1.234,56", "1.234,56\u00a0€"),
    (0, "0,00\u00a0€"), (-12, "-12,00\u00a0€"),
])
def test_betrag(wert, erwartet):
    assert formate.betrag(wert) == erwartet


def test_zahl():
    assert formate.zahl(1234567.5) == "1\u202f234\u202f567,5"
    assert formate.zahl("3", 2) == "3,00"


@pytest.mark.parametrize("wert, erwartet", [
    ("(02331) 207-2951", "02331 207-2951"),
    ("02331/207-2951", "02331 207-2951"),
    ("02331 207-2951", "02331 207-2951"),
    ("+49 (0)2331 207-2951", "+49 2331 207-2951"),
    ("0049 2331 207-2951", "+49 2331 207-2951"),
    ("", ""),
])
def test_telefon(wert, erwartet):
    assert formate.telefon(wert) == erwartet


def test_locale_der_maschine_egal(monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert formate.betrag(1234.5) == "1.234,50\u00a0€"
    assert formate.datum_lang("2011-12-01") == "1. Dezember 2011"


@pytest.mark.parametrize("filter_", [formate.datum, formate.uhrzeit, formate.betrag])
def test_unsinn_gibt_deutsche_meldung(filter_):
    with pytest.raises(ValueError, match="kein|keine"):
        filter_("Quatsch")


@pytest.mark.parametrize("wert", ["DE89370400440532013000", "de89 3704 0044 0532 0130 00",
                                  " DE89-3704-0044-0532-0130-00 "])
def test_iban_in_vierergruppen(wert):
    assert formate.FILTER["iban"](wert) == "DE89 3704 0044 0532 0130 00"
    assert formate.FILTER["iban"]("") == ""


def test_iban_falsch_deutsch():
    with pytest.raises(ValueError) as fehler:
        formate.FILTER["iban"]("DE88 3704 0044 0532 0130 00")
    assert "ist keine gültige IBAN: die Prüfziffer stimmt nicht (Tippfehler?)" in str(fehler.value)
