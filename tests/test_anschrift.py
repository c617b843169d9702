"""Address lines, salutation and row checks by DIN 5008."""

from pathlib import Path

import pytest

from briefe.deutsch.anschrift import (
    anrede,
    anschrift,
    landeszeile,
    passt_ins_fenster,
    postfach_text,
    pruefe,
    textbreite,
)
from briefe.fehler import ZeilenFehler
from briefe.geometrie import ANSCHRIFT_BREITE
from briefe.quellen.mitglieder import Empfaenger, lies_mitglieder

MEYER = dict(anrede="Frau", titel="Dr.", vorname="Maria", nachname="Meyer",
             organisation="Gesamtschule Eilpe", strasse="Wehringhauser Str. 38", plz="58089",
             ort="Hagen")
LANG = dict(anrede="Herr", titel="Dr.", vorname="Maximilian-Alexander",
            nachname="von Hohenstein", strasse="Eppenhauser Straße 150", plz="58093", ort="Hagen")


def empfaenger(zeile: int = 2, **felder) -> Empfaenger:
    return Empfaenger(zeile, felder, "mitglieder.csv")


# --- measuring ------------------------------------------------------------------


def test_textbreite_mit_der_echten_schrift():
    # Liberation Sans is metric-compatible with Arial: "Frau Dr. Maria Meyer" at 11 pt.
    assert textbreite("Frau Dr. Maria Meyer") == pytest.approx(36.9, abs=0.1)
    assert textbreite("WWW") > textbreite("iii") * 3
    assert textbreite("") == 0
    assert passt_ins_fenster("Herrn Prof. Dr. Konrad Groß-Übelacker")
    assert not passt_ins_fenster("Herrn Dr. Maximilian-Alexander von Hohenstein")


# --- Frau / Herrn ------------------------------------------------------------------


@pytest.mark.parametrize("wert", ["Frau", "frau", "weiblich", "w", "f", "Fr."])
def test_frau(wert):
    a = anschrift(empfaenger(**{**MEYER, "anrede": wert}))
    assert a.zeilen == ("Frau Dr. Maria Meyer", "Gesamtschule Eilpe", "Wehringhauser Str. 38",
                        "58089 Hagen")
    assert a.hinweise == ()


@pytest.mark.parametrize("wert", ["Herr", "Herrn", "männlich", "maennlich", "m", "M"])
def test_herrn(wert):
    a = anschrift(empfaenger(**{**MEYER, "anrede": wert, "vorname": "Klaus",
                                "nachname": "Schäfer", "titel": ""}))
    assert a.zeilen[0] == "Herrn Klaus Schäfer"


@pytest.mark.parametrize("wert", ["divers", "d", "", "keine Angabe"])
def test_ohne_frau_und_herrn(wert):
    e = empfaenger(**{**MEYER, "anrede": wert, "vorname": "Alex", "nachname": "Jansen"})
    a = anschrift(e)
    assert a.zeilen[0] == "Dr. Alex Jansen"
    assert a.hinweise == ()


def test_unbekannte_anrede_ist_ein_hinweis():
    a = anschrift(empfaenger(**{**MEYER, "anrede": "Mx"}))
    assert a.zeilen[0] == "Dr. Maria Meyer"
    assert a.hinweise == (
        "Anrede „Mx“ nicht erkannt (erwartet Frau, Herr, Frau und Herr, Familie oder divers); "
        "die Anschrift nennt nur den Namen.",
    )


def test_anrede_mit_titel_in_einer_spalte():
    e = empfaenger(**{**MEYER, "anrede": "Frau Dr.", "titel": ""})
    assert anschrift(e).zeilen[0] == "Frau Dr. Maria Meyer"
    assert anrede(e) == "Sehr geehrte Frau Dr. Meyer,"


def test_langer_name_herrn_in_eigener_zeile():
    a = anschrift(empfaenger(**LANG))
    assert a.zeilen == ("Herrn", "Dr. Maximilian-Alexander von Hohenstein",
                        "Eppenhauser Straße 150", "58093 Hagen")
    assert a.hinweise == ()


# --- order of lines -----------------------------------------------------------------


def test_reihenfolge_person():
    e = empfaenger(**{**MEYER, "funktion": "Schulleiterin", "zusatz": "Sekretariat"})
    assert anschrift(e).zeilen == (
        "Frau Dr. Maria Meyer", "Schulleiterin", "Gesamtschule Eilpe", "Sekretariat",
        "Wehringhauser Str. 38", "58089 Hagen",
    )


def test_nur_einrichtung():
    e = empfaenger(organisation="Volkshochschule Hagen", zusatz="Programmbereich Grundbildung",
                   funktion="Leitung", strasse="Volmestraße 10", plz="58095", ort="Hagen")
    assert anschrift(e).zeilen == (
        "Volkshochschule Hagen", "Programmbereich Grundbildung", "Leitung", "Volmestraße 10",
        "58095 Hagen",
    )
    assert anrede(e) == "Sehr geehrte Damen und Herren,"


def test_einrichtung_mit_vorname_ohne_nachname():
    e = empfaenger(anrede="Frau", vorname="Petra", organisation="Kita Regenbogen",
                   strasse="Regenbogenweg 3", plz="58119", ort="Hagen")
    a = anschrift(e)
    assert a.zeilen[0] == "Kita Regenbogen"
    assert a.hinweise == (
        "Kein Nachname angegeben: der Brief geht an die Einrichtung „Kita Regenbogen“.",
    )
    assert anrede(e) == "Sehr geehrte Damen und Herren,"


def test_weiche_zeilenumbrueche_und_hausnummer():
    e = empfaenger(**{**MEYER, "organisation": "Gesamtschule\nEilpe", "strasse": "Wehringhauser Str.",
                      "hausnummer": "38"})
    assert anschrift(e).zeilen == (
        "Frau Dr. Maria Meyer", "Gesamtschule", "Eilpe", "Wehringhauser Str. 38", "58089 Hagen",
    )


def test_nie_leere_zeilen():
    e = empfaenger(**{**MEYER, "funktion": " ", "zusatz": "", "organisation": "\n\nSchule\n"})
    zeilen = anschrift(e).zeilen
    assert all(z.strip() for z in zeilen)
    assert zeilen[1] == "Schule"


# --- Postfach -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wert", "text"),
    [
        ("4240", "Postfach 42 40"), ("12345", "Postfach 1 23 45"), ("42 40", "Postfach 42 40"),
        ("Postfach 4240", "Postfach 42 40"), ("PF 123", "Postfach 1 23"), ("7", "Postfach 7"),
        ("100140", "Postfach 10 01 40"), ("A 12", "Postfach A 12"),
    ],
)
def test_postfach_gruppiert(wert, text):
    assert postfach_text(wert) == text


def test_postfach_anschrift():
    e = empfaenger(organisation="Jobcenter Hagen", postfach="4240", plz="58042", ort="Hagen")
    a = anschrift(e)
    assert a.zeilen == ("Jobcenter Hagen", "Postfach 42 40", "58042 Hagen")
    assert pruefe(e) == []


def test_postfach_und_strasse():
    a = anschrift(empfaenger(**{**MEYER, "postfach": "1180"}))
    assert a.zeilen[-2:] == ("Postfach 11 80", "58089 Hagen")
    assert a.hinweise == (
        "Straße und Postfach angegeben: der Brief geht an „Postfach 11 80“, "
        "nicht an „Wehringhauser Str. 38“.",
    )


# --- abroad ----------------------------------------------------------------------------


def test_ausland():
    e = empfaenger(anrede="Frau", titel="Dr.", vorname="Anouk", nachname="de Vries",
                   organisation="Stichting Onderwijs Grensregio", strasse="Keizersgracht 100",
                   plz="1012 AB", ort="Amsterdam", land="Niederlande")
    assert anschrift(e).zeilen == (
        "Frau Dr. Anouk de Vries", "Stichting Onderwijs Grensregio", "Keizersgracht 100",
        "1012 AB AMSTERDAM", "NIEDERLANDE",
    )
    assert anrede(e) == "Sehr geehrte Frau Dr. de Vries,"
    assert pruefe(e) == []


@pytest.mark.parametrize(
    ("land", "zeile"),
    [
        ("Niederlande", "NIEDERLANDE"), ("Netherlands", "NIEDERLANDE"), ("NL", "NIEDERLANDE"),
        ("Österreich", "ÖSTERREICH"), ("AT", "ÖSTERREICH"), ("Schweiz", "SCHWEIZ"),
        ("CH", "SCHWEIZ"), ("Frankreich", "FRANKREICH"), ("FR", "FRANKREICH"),
        ("Belgien", "BELGIEN"), ("BE", "BELGIEN"), ("Polen", "POLEN"), ("PL", "POLEN"),
        ("Dänemark", "DÄNEMARK"), ("Luxemburg", "LUXEMBURG"), ("Italien", "ITALIEN"),
        ("Spanien", "SPANIEN"), ("Vereinigtes Königreich", "VEREINIGTES KÖNIGREICH"),
        ("GB", "VEREINIGTES KÖNIGREICH"), ("Türkei", "TÜRKEI"), ("USA", "USA"),
        ("Kanada", "KANADA"), ("Weißrussland", "WEISSRUSSLAND"),
        ("Deutschland", None), ("DE", None), ("Germany", None), ("", None),
    ],
)
def test_landeszeile(land, zeile):
    assert landeszeile(land) == zeile


def test_inland_mit_land_deutschland():
    zeilen = anschrift(empfaenger(**{**MEYER, "land": "Deutschland"})).zeilen
    assert zeilen[-1] == "58089 Hagen"


# --- too many lines -------------------------------------------------------------------


def test_zu_viele_zeilen_zusatz_an_einrichtung():
    e = empfaenger(anrede="Frau", vorname="Anouk", nachname="de Vries", funktion="Projectleider",
                   organisation="Stichting Grensregio", zusatz="Afdeling 4",
                   strasse="Keizersgracht 100", plz="1012 AB", ort="Amsterdam", land="NL")
    a = anschrift(e)
    assert a.zeilen == ("Frau Anouk de Vries", "Projectleider", "Stichting Grensregio, Afdeling 4",
                        "Keizersgracht 100", "1012 AB AMSTERDAM", "NIEDERLANDE")
    assert a.hinweise == ("Anschrift zu lang: Zusatz „Afdeling 4“ an die Einrichtung angehängt.",)


def test_zu_viele_zeilen_umbrueche_verbinden():
    e = empfaenger(**{**MEYER, "funktion": "Schulleiterin", "organisation": "Gesamtschule\nEilpe",
                      "zusatz": "Sekretariat"})
    a = anschrift(e)
    assert a.zeilen[2] == "Gesamtschule Eilpe"
    assert len(a.zeilen) == 6
    assert a.hinweise == (
        "Anschrift zu lang: Zeilen im Feld „Einrichtung“ zusammengefasst zu „Gesamtschule Eilpe“.",
    )


def test_zu_viele_zeilen_funktion_entfernt():
    # "Herrn" cannot join the long name, the zusatz does not fit after the organisation.
    e = empfaenger(**{**LANG, "funktion": "Schulleiter", "organisation": "Berufskolleg Volmetal",
                      "zusatz": "Abteilung Ausbildungsvorbereitung"})
    a = anschrift(e)
    assert a.zeilen == ("Herrn", "Dr. Maximilian-Alexander von Hohenstein",
                        "Berufskolleg Volmetal", "Abteilung Ausbildungsvorbereitung",
                        "Eppenhauser Straße 150", "58093 Hagen")
    assert a.hinweise == ("Anschrift zu lang: Zeile „Schulleiter“ (Funktion) entfernt.",)


def test_zu_viele_zeilen_funktion_und_zusatz_entfernt():
    e = empfaenger(**{**LANG, "funktion": "Schulleiter", "organisation": "Berufskolleg Volmetal",
                      "zusatz": "Abteilung Ausbildungsvorbereitung", "plz": "1010",
                      "ort": "Wien", "land": "Österreich"})
    a = anschrift(e)
    assert a.zeilen == ("Herrn", "Dr. Maximilian-Alexander von Hohenstein",
                        "Berufskolleg Volmetal", "Eppenhauser Straße 150", "1010 WIEN",
                        "ÖSTERREICH")
    assert a.hinweise == (
        "Anschrift zu lang: Zeile „Schulleiter“ (Funktion) entfernt.",
        "Anschrift zu lang: Zeile „Abteilung Ausbildungsvorbereitung“ (Zusatz) entfernt.",
    )


def test_zu_viele_zeilen_ohne_ausweg_ist_ein_fehler():
    e = empfaenger(**{**LANG, "organisation": "Berufskolleg Volmetal\nfür Technik und Gestaltung",
                      "plz": "1010", "ort": "Wien", "land": "AT"})
    with pytest.raises(ZeilenFehler, match="auch gekürzt 7 Zeilen") as fehler:
        anschrift(e)
    assert fehler.value.spalte == "organisation" and fehler.value.zeile == 2
    assert [f.meldung for f in pruefe(e)] == [fehler.value.meldung]


def test_zu_breiter_name_ohne_freie_zeile_ist_ein_fehler():
    e = empfaenger(anrede="Herr", titel="Prof. Dr. Dr. h. c.", vorname="Maximilian-Alexander",
                   nachname="von Hohenstein-Wittgenberg", funktion="Leiter\nder Abteilung\nX",
                   organisation="A\nB\nC", zusatz="D\nE", strasse="F\nG", postfach="",
                   plz="1012 AB", ort="Amsterdam", land="Niederlande")
    with pytest.raises(ZeilenFehler, match="zu breit für das Anschriftfeld, auch in 8 pt .85 mm") as fehler:
        anschrift(e)
    assert fehler.value.spalte == "nachname"


ARBEITSGEMEINSCHAFT = (
    "Arbeitsgemeinschaft der Träger der freien Wohlfahrtspflege in der Stadt Hagen e. V."
)


def test_zu_breite_einrichtung_wird_umbrochen():
    a = anschrift(empfaenger(**{**MEYER, "organisation": ARBEITSGEMEINSCHAFT}))
    assert a.zeilen == (
        "Frau Dr. Maria Meyer", "Arbeitsgemeinschaft der Träger der freien",
        "Wohlfahrtspflege in der Stadt Hagen e. V.", "Wehringhauser Str. 38", "58089 Hagen",
    )
    assert all(passt_ins_fenster(z) for z in a.zeilen)
    assert a.hinweise == (
        f"Zeile „{ARBEITSGEMEINSCHAFT}“ ist zu breit für das Anschriftfeld und wurde auf "
        "2 Zeilen umbrochen.",
    )


def test_umbruch_nur_in_freie_zeilen():
    e = empfaenger(**{**MEYER, "funktion": "Geschäftsführerin", "zusatz": "Geschäftsstelle",
                      "organisation": ARBEITSGEMEINSCHAFT})
    a = anschrift(e)
    assert a.zeilen == (
        "Frau Dr. Maria Meyer", "Arbeitsgemeinschaft der Träger der freien",
        "Wohlfahrtspflege in der Stadt Hagen e. V.", "Geschäftsstelle", "Wehringhauser Str. 38",
        "58089 Hagen",
    )
    assert a.hinweise == (
        "Anschrift zu lang: Zeile „Geschäftsführerin“ (Funktion) entfernt.",
        f"Zeile „{ARBEITSGEMEINSCHAFT}“ ist zu breit für das Anschriftfeld und wurde auf "
        "2 Zeilen umbrochen.",
    )
    assert textbreite(ARBEITSGEMEINSCHAFT) > ANSCHRIFT_BREITE
    assert pruefe(e) == []


def test_umbruch_mit_einer_freien_zeile():
    lang = ARBEITSGEMEINSCHAFT + " und im Ennepe-Ruhr-Kreis"
    e = empfaenger(**{**MEYER, "funktion": "Geschäftsführerin", "organisation": lang})
    a = anschrift(e)
    assert a.zeilen[1:4] == (
        "Arbeitsgemeinschaft der Träger der freien", "Wohlfahrtspflege in der Stadt Hagen e. V.",
        "und im Ennepe-Ruhr-Kreis",
    )
    assert a.hinweise[0] == "Anschrift zu lang: Zeile „Geschäftsführerin“ (Funktion) entfernt."
    assert all(passt_ins_fenster(z) for z in a.zeilen)


# --- salutation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("felder", "text"),
    [
        (MEYER, "Sehr geehrte Frau Dr. Meyer,"),
        ({"anrede": "Herr", "titel": "Prof. Dr.", "vorname": "Konrad",
          "nachname": "Groß-Übelacker"}, "Sehr geehrter Herr Prof. Dr. Groß-Übelacker,"),
        ({"anrede": "männlich", "vorname": "Klaus", "nachname": "Schäfer"},
         "Sehr geehrter Herr Schäfer,"),
        ({"anrede": "w", "vorname": "Petra", "nachname": "Schmitz"}, "Sehr geehrte Frau Schmitz,"),
        ({"organisation": "Jobcenter Hagen"}, "Sehr geehrte Damen und Herren,"),
        ({"anrede": "divers", "vorname": "Alex", "nachname": "Jansen"}, "Guten Tag Alex Jansen,"),
        ({"anrede": "", "titel": "Dr.", "vorname": "Alex", "nachname": "Jansen"},
         "Guten Tag Dr. Alex Jansen,"),
        ({"anrede": "Mx", "vorname": "Alex", "nachname": "Jansen"}, "Guten Tag Alex Jansen,"),
        ({"anrede": "Frau", "nachname": "Meyer"}, "Sehr geehrte Frau Meyer,"),
    ],
)
def test_anrede(felder, text):
    assert anrede(empfaenger(**felder)) == text


# --- checks ----------------------------------------------------------------------------


def test_pruefe_gute_zeile():
    assert pruefe(empfaenger(**MEYER)) == []


@pytest.mark.parametrize(
    ("aenderung", "spalte", "meldung"),
    [
        ({"nachname": "", "vorname": "", "organisation": ""}, "nachname",
         "Weder Name noch Einrichtung angegeben."),
        ({"nachname": "", "organisation": ""}, "nachname",
         "Kein Nachname und keine Einrichtung angegeben (nur ein Vorname)."),
        ({"strasse": ""}, "strasse", "Weder Straße noch Postfach angegeben."),
        ({"plz": ""}, "plz", "Keine Postleitzahl angegeben."),
        ({"plz": "5808"}, "plz", "Postleitzahl „5808“ hat nicht fünf Ziffern."),
        ({"plz": "D-5808"}, "plz", "Postleitzahl „D-5808“ hat nicht fünf Ziffern."),
        ({"ort": ""}, "ort", "Kein Ort angegeben."),
    ],
)
def test_pruefe_fehler(aenderung, spalte, meldung):
    fehler = pruefe(empfaenger(zeile=7, **{**MEYER, **aenderung}))
    assert [(f.zeile, f.spalte, f.meldung) for f in fehler] == [(7, spalte, meldung)]
    wer = "Maria Meyer" if aenderung.get("nachname", "-") else "Maria"
    ort = f"Zeile 7 ({wer})" if aenderung.get("vorname", "-") else "Zeile 7"
    assert str(fehler[0]) == f"mitglieder.csv, {ort}, Spalte „{spalte}“: {meldung}"


def test_pruefe_auslaendische_plz_frei():
    e = empfaenger(**{**MEYER, "plz": "1012 AB", "ort": "Amsterdam", "land": "NL"})
    assert pruefe(e) == []


def test_pruefe_mit_zeilennummern_aus_der_datei(tmp_path: Path):
    pfad = tmp_path / "liste.csv"
    pfad.write_text(
        "Name;Einrichtung;Straße;Postfach;PLZ;Ort\n"
        "Meyer;Gesamtschule Eilpe;Wehringhauser Str. 38;;58089;Hagen\n"
        ";;;;;\n"
        ";;Irgendwo 1;;5808;\n"
        "Becker;Stadt Hagen;;4240;58042;Hagen\n",
        encoding="utf-8",
    )
    probleme = [f for e in lies_mitglieder(pfad).empfaenger for f in pruefe(e)]
    assert [(f.datei, f.zeile, f.spalte) for f in probleme] == [
        ("liste.csv", 4, "Name"), ("liste.csv", 4, "PLZ"), ("liste.csv", 4, "Ort"),
    ]


def test_umbruch_nach_komma_und_nie_in_e_v():
    e = empfaenger(**{**MEYER, "organisation": "Förderverein Kita Sonnenschein, Haspe e. V."})
    assert anschrift(e).zeilen[1:3] == ("Förderverein Kita Sonnenschein,", "Haspe e. V.")
    e = empfaenger(**{**MEYER, "organisation": "Förderverein der Kindertagesstätte Haspe e. V."})
    assert anschrift(e).zeilen[1:3] == ("Förderverein der Kindertagesstätte", "Haspe e. V.")
