"""The template language for clerks: German messages with the file line, start values,
BOM and CRLF, optional columns, and ``pruefen`` agreeing with ``erstellen``."""

import datetime as dt
import json
import re
import shutil
from decimal import Decimal

import pytest

from briefe.cli.haupt import main
from briefe.fehler import VorlagenFehler
from briefe.lauf.auftrag import lies_auftrag
from briefe.lauf.optionen import Laufoptionen
from briefe.lauf.vorbereitung import vorbereiten
from briefe.vorlage.startwerte import pruefe_startwerte
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import MEYER, VORLAGEN, empfaenger

ABSENDER = "stadt-hagen-lenkungskreis"
LISTE = ("Anrede;Vorname;Name;Straße;PLZ;Ort;Termin\n"
         "Frau;Maria;Meyer;Weg 1;58089;Hagen;12.03.2027\n"
         "Herr;Max;Muster;Weg 2;58089;Hagen;morgen\n"
         "Frau;Eva;Ohneort;Weg 3;58089;;12.03.2027\n"
         "Herr;Jan;Jansen;Weg 4;58089;Hagen;2027-03-14\n"
         "Frau;Ute;Unger;Weg 5;58089;Hagen;\n")
ENGLISCH = re.compile(r"\b(Expected|line|column|unexpected|filter named|undefined|the|of)\b")


@pytest.fixture(scope="module")
def ordner(tmp_path_factory):
    ziel = tmp_path_factory.mktemp("sprache")
    shutil.copytree(VORLAGEN / "absender", ziel / "vorlagen" / "absender")
    (ziel / "liste.csv").write_text(LISTE, encoding="utf-8")
    return ziel


def schreibe(ordner, text: str, name: str = "brief.md"):
    pfad = ordner / "vorlagen" / name
    pfad.write_bytes(text.encode("utf-8"))
    return pfad


def kopf(zusatz: str = "") -> str:
    return (f'+++\ntitel = "Teilkonferenz Inklusion"\nbetreff = "Einladung"\n'
            f'absender = "{ABSENDER}"\n{zusatz}+++\n')


def fehler_beim_laden(ordner, text: str) -> VorlagenFehler:
    with pytest.raises(VorlagenFehler) as info:
        lade_vorlage(schreibe(ordner, text))
    meldung = str(info.value)
    assert not ENGLISCH.search(info.value.meldung), meldung
    assert str(ordner) not in meldung  # never a server path
    return info.value


# --- each clerk mistake: German, with the line in the whole file ----------------------

def test_toml_anfuehrungszeichen_im_betreff(ordner):
    fehler = fehler_beim_laden(ordner, '+++\nabsender = "x"\n'
                                       'betreff = "Einladung am {{ "2027-03-12" | datum_lang }}"\n'
                                       "+++\nText\n")
    assert fehler.zeile == 3  # counted from the file start, +++ is line 1
    assert fehler.datei == "brief.md"
    assert "einfache Anführungszeichen" in fehler.meldung
    assert "Nach dem Wert steht noch etwas" in fehler.meldung


def test_toml_text_ohne_anfuehrungszeichen(ordner):
    fehler = fehler_beim_laden(ordner, f'+++\nabsender = "{ABSENDER}"\nzeichen = 43-BK\n+++\nT\n')
    assert fehler.zeile == 3 and 'zeichen = "43-BK"' in fehler.meldung


def test_toml_deutsches_datum(ordner):
    fehler = fehler_beim_laden(ordner, '+++\ntitel = "Rundbrief"\ndatum = 12.03.2027\n+++\nT\n')
    assert fehler.datei == "Vorlage „Rundbrief“" and fehler.zeile == 3
    assert "datum = 2027-03-12 (ohne Anführungszeichen)" in fehler.meldung


def test_komma_in_liste_ist_kein_fehler(ordner):
    v = lade_vorlage(schreibe(ordner, kopf() + "{% for n in [1,2] %}{{ n }}{% endfor %}\n"))
    assert v.erzeuge(empfaenger(**MEYER)).inhalt[0].teile[0].text == "12"


def test_unbekannter_eintrag_nennt_zeile_und_erlaubte(ordner):
    fehler = fehler_beim_laden(ordner, kopf('grusformel = "Tschüss"\n') + "Text\n")
    assert fehler.zeile == 5
    assert "Meinten Sie „grussformel“?" in fehler.meldung
    assert "Erlaubt: absender, anlagen" in fehler.meldung
    assert fehler.datei == "Vorlage „Teilkonferenz Inklusion“"


def test_unbekannter_filter_mit_liste(ordner):
    fehler = fehler_beim_laden(ordner, kopf() + "Text\n\nAm {{ datum | datum_lan }}.\n")
    assert fehler.zeile == 8
    assert "Unbekannter Filter „datum_lan“. Meinten Sie „datum_lang“?" in fehler.meldung
    assert "datum, datum_lang, uhrzeit, betrag, zahl, telefon" in fehler.meldung


def test_komma_in_zahl(ordner):
    fehler = fehler_beim_laden(ordner, kopf() + "Text\n\nBeitrag {{ 7,50 | betrag }}.\n")
    assert fehler.zeile == 8
    assert "Dezimalzahlen mit Punkt schreiben: 7.50" in fehler.meldung
    # in the subject too, with the subject's line
    fehler = fehler_beim_laden(ordner, f'+++\ntitel = "T"\nabsender = "{ABSENDER}"\n'
                                       'betreff = "Beitrag {{ 7,50 | betrag }}"\n+++\nText\n')
    assert fehler.zeile == 4 and "7.50" in fehler.meldung


def test_punkt_ist_richtig(ordner):
    v = lade_vorlage(schreibe(ordner, kopf() + "Beitrag {{ 7.50 | betrag }}.\n"))
    assert v.erzeuge(empfaenger(**MEYER)).inhalt[0].teile[0].text == "Beitrag 7,50\u00a0€."


@pytest.mark.parametrize("text, gemeint", [
    ("Hallo empfaenger.vorname,", "{{ empfaenger.vorname }}"),
    ("Hallo { vorname },", "{{ empfaenger.vorname }}"),
    ("Am { werte.termin } um", "{{ werte.termin }}"),
])
def test_platzhalter_ausserhalb(ordner, text, gemeint):
    fehler = fehler_beim_laden(ordner, kopf() + f"Text\n\n{text}\n")
    assert fehler.zeile == 8
    assert "außerhalb von {{ }}" in fehler.meldung and gemeint in fehler.meldung


def test_email_ist_kein_platzhalter(ordner):
    lade_vorlage(schreibe(ordner, kopf() + "Schreiben Sie an info@werte.example.org.\n"))


@pytest.mark.parametrize("koerper, zeile, teil", [
    ("Text\n{% if empfaenger.vorname %}\nnur bedingt\n", 7, "{% endif %} fehlt"),
    ("Text\nnur bedingt\n{% endif %}\n", 8, "ohne passendes {% if … %}"),
    ("{% if empfaenger.vorname %}\n{% for x in anschrift %}\n{% endif %}\n", 8,
     "offen ist aber {% for %} aus Zeile 7"),
])
def test_unausgeglichenes_if(ordner, koerper, zeile, teil):
    fehler = fehler_beim_laden(ordner, kopf() + koerper)
    assert fehler.zeile == zeile and teil in fehler.meldung


def test_jinja_syntax_deutsch(ordner):
    fehler = fehler_beim_laden(ordner, kopf() + "Text\n\n{{ empfaenger.vorname \n")
    assert fehler.zeile in (8, 9)
    fehler = fehler_beim_laden(ordner, kopf() + "Text {{ empfaenger. }}\n")
    assert fehler.zeile == 6


def test_unbekannte_spalte_mit_aehnlichen(ordner):
    pfad = schreibe(ordner, kopf() + "Text\n\nHallo {{ empfaenger.vornam }}.\n")
    with pytest.raises(VorlagenFehler) as info:
        vorbereiten(Laufoptionen(vorlage=pfad, daten=ordner / "liste.csv"))
    assert info.value.zeile == 8
    assert "„empfaenger.vornam“" in info.value.meldung and "Ähnlich: vorname" in info.value.meldung
    assert str(ordner) not in str(info.value)


def test_spalte_nur_in_if_ist_freiwillig(ordner):
    pfad = schreibe(ordner, kopf() + "Text\n\n{% if empfaenger.handlungsfeld %}\n"
                                     "Feld: {{ empfaenger.handlungsfeld }}\n{% endif %}\n")
    vorlage, _, ausgewaehlt = vorbereiten(Laufoptionen(vorlage=pfad, daten=ordner / "liste.csv"))
    assert vorlage.spalten == {"handlungsfeld"} and not vorlage.pflichtspalten
    assert vorlage.erzeuge(ausgewaehlt[0]).inhalt[-1].teile[0].text == "Text"
    mit = vorlage.erzeuge(empfaenger(**MEYER, handlungsfeld="Inklusion"))
    assert mit.inhalt[-1].teile[0].text == "Feld: Inklusion"


def test_pruefen_nennt_fehlende_freiwillige_spalte(ordner, capsys):
    pfad = schreibe(ordner, kopf() + "Text\n\n{% if empfaenger.vornme %}\nHallo\n{% endif %}\n",
                    "freiwillig.md")
    assert main(["pruefen", str(pfad), str(ordner / "liste.csv")]) == 1  # row 4: no town
    ausgabe = capsys.readouterr().out
    assert ("Hinweis: Die Spalte „vornme“ (Vorlage Zeile 8) gibt es in liste.csv nicht; der Text "
            "in ihrem {% if %} entfällt bei allen. Ähnlich: vorname.") in ausgabe


def test_bom_und_crlf(ordner):
    text = "\ufeff" + (kopf() + "Erste Zeile\n\nZweite {{ empfaenger.x }}\n").replace("\n", "\r\n")
    pfad = schreibe(ordner, text)
    vorlage = lade_vorlage(pfad)
    assert vorlage.titel == "Teilkonferenz Inklusion" and vorlage.spaltenzeilen == {"x": 8}
    profil = ordner / "vorlagen" / "absender" / "bom.toml"
    profil.write_bytes(b"\xef\xbb\xbf" + (VORLAGEN / "absender" / f"{ABSENDER}.toml").read_bytes()
                       .replace(b"\n", b"\r\n").replace(b'logo = "bildungsnetzwerk-logo.png"', b""))
    pfad = schreibe(ordner, kopf().replace(ABSENDER, "bom") + "Text\n")
    assert lade_vorlage(pfad).absender.behoerde
    auftrag = ordner / "bom.toml"
    auftrag.write_bytes(b"\xef\xbb\xbfvorlage = \"vorlagen/brief.md\"\r\ndaten = \"liste.csv\"\r\n"
                        b"ausgabe = \"aus\"\r\n")
    assert lies_auftrag(auftrag).optionen.vorlage == pfad


def test_titel_sonst_beschreibung_sonst_dateiname(ordner):
    ohne = schreibe(ordner, f'+++\nbetreff = "B"\nabsender = "{ABSENDER}"\n+++\n{{{{ x }}}}\n',
                    "ohne-titel.md")
    with pytest.raises(VorlagenFehler) as info:
        lade_vorlage(ohne)
    assert info.value.datei == "ohne-titel.md"
    beschreibung = schreibe(ordner, '+++\nbeschreibung = "Einladung"\nbetreff = "B"\n'
                                    f'absender = "{ABSENDER}"\n+++\nText\n', "b.md")
    assert lade_vorlage(beschreibung).titel == "Einladung"


# --- values asked at the start --------------------------------------------------------

STARTWERTE = """\
[startwerte.termin]
bezeichnung = "Datum der Konferenz"
typ = "datum"

[startwerte.beginn]
bezeichnung = "Beginn"
typ = "uhrzeit"
standard = "9:30"

[startwerte.beitrag]
bezeichnung = "Kostenbeitrag"
typ = "betrag"

[startwerte.plaetze]
bezeichnung = "Plätze"
typ = "zahl"
pflicht = false

[startwerte.raum]
bezeichnung = "Raum"
typ = "text"
"""


def test_startwerte_deutsch_eingegeben(ordner):
    pfad = schreibe(ordner, kopf(STARTWERTE) + "Am {{ werte.termin | datum_lang }} um "
                    "{{ werte.beginn | uhrzeit }}, Beitrag {{ werte.beitrag | betrag }}, "
                    "Raum {{ werte.raum }}.\n")
    vorlage = lade_vorlage(pfad)
    assert [w.name for w in vorlage.startwerte] == ["termin", "beginn", "beitrag", "plaetze", "raum"]
    werte = pruefe_startwerte(vorlage, {"termin": "12.03.2027", "beitrag": "1.234,56",
                                        "raum": "C. 410"})
    assert werte == {"termin": dt.date(2027, 3, 12), "beginn": dt.time(9, 30),
                     "beitrag": Decimal("1234.56"), "raum": "C. 410"}
    for eingabe, erwartet in (("2027-03-12", dt.date(2027, 3, 12)),):
        assert pruefe_startwerte(vorlage, {"termin": eingabe, "beitrag": "7,50", "raum": "x"})[
            "termin"] == erwartet
    assert pruefe_startwerte(vorlage, {"termin": "1.1.2027", "beitrag": "7.50", "raum": "x",
                                       "beginn": "09:05", "plaetze": "12"})["plaetze"] == 12
    brief = vorlage.mit_werten({"termin": "12.03.2027", "beitrag": "7,50", "raum": "C. 410"}
                               ).erzeuge(empfaenger(**MEYER))
    assert brief.inhalt[0].teile[0].text == ("Am 12. März 2027 um 09:30 Uhr, Beitrag 7,50\u00a0€, "
                                             "Raum C. 410.")


def test_startwerte_alle_fehler_in_einer_meldung(ordner):
    vorlage = lade_vorlage(schreibe(ordner, kopf(STARTWERTE) + "Text\n"))
    with pytest.raises(VorlagenFehler) as info:
        pruefe_startwerte(vorlage, {"termin": "32.13.2027", "beitrag": "sieben", "beginn": "25:00",
                                    "farbe": "rot"})
    meldung = info.value.meldung
    for teil in ("„farbe“ ist kein Wert dieser Vorlage", "„Datum der Konferenz“: „32.13.2027“ ist "
                 "kein Datum", "„Kostenbeitrag“: „sieben“ ist keine Zahl", "„Beginn“: „25:00“ ist "
                 "keine Uhrzeit", "„Raum“ fehlt"):
        assert teil in meldung, meldung
    assert "Plätze" not in meldung  # optional


def test_startwert_darf_keine_konstante_verdecken(ordner):
    fehler = fehler_beim_laden(ordner, kopf('[werte]\ntermin = 2027-01-01\n' + STARTWERTE) + "T\n")
    assert "[startwerte.termin]" in fehler.meldung and "[werte]" in fehler.meldung
    fehler = fehler_beim_laden(ordner, kopf('[startwerte.x]\nbezeichnung = "X"\ntyp = "farbe"\n')
                               + "T\n")
    assert "unbekannter typ „farbe“" in fehler.meldung and "datum, uhrzeit" in fehler.meldung
    assert fehler.zeile == 5
    fehler = fehler_beim_laden(ordner, kopf('[unterschrift]\nname = "A"\nfunktoin = "B"\n') + "T\n")
    assert fehler.zeile == 5 and "Meinten Sie „funktion“?" in fehler.meldung


def test_wert_in_cli_auftrag_und_protokoll(ordner, capsys):
    pfad = schreibe(ordner, kopf(STARTWERTE) + "Am {{ werte.termin | datum_lang }}.\n",
                    "start.md")
    liste = ordner / "liste.csv"
    assert main(["pruefen", str(pfad), str(liste)]) == 2
    fehler = capsys.readouterr().err
    assert "„Datum der Konferenz“ fehlt" in fehler and str(ordner) not in fehler
    aus = ordner / "aus-start"
    argumente = ["--wert", "termin=12.03.2027", "--wert", "beitrag=7,50", "--wert", "raum=C. 410"]
    assert main(["erstellen", str(pfad), str(liste), "--ausgabe", str(aus), "--format", "docx",
                 "--jobs", "2", "--filter", "ort=Hagen", *argumente]) == 0
    protokoll = json.loads((aus / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["werte"] == {"termin": "2027-03-12", "beginn": "09:30", "beitrag": "7.50",
                                  "raum": "C. 410"}
    import docx

    text = "\n".join(p.text for p in docx.Document(aus / "0001-meyer-maria.docx").paragraphs)
    assert "Am 12. März 2027." in text

    auftrag = ordner / "start.toml"
    auftrag.write_text('vorlage = "vorlagen/start.md"\ndaten = "liste.csv"\nausgabe = "aus-auftrag"\n'
                       'formate = ["docx"]\njobs = 1\n\n[werte]\ntermin = 2027-03-12\n'
                       'beitrag = 7.5\nraum = "C. 410"\n', encoding="utf-8")
    gelesen = lies_auftrag(auftrag)
    assert gelesen.optionen.werte == (("termin", "2027-03-12"), ("beitrag", "7.5"), ("raum", "C. 410"))
    assert gelesen.eingaben()["optionen"]["werte"][0] == ["termin", "2027-03-12"]
    vorlage, _, _ = vorbereiten(gelesen.laufoptionen())
    assert vorlage.werte_als_text()["beitrag"] == "7.50"

    capsys.readouterr()
    assert main(["vorlagen", "--ordner", str(ordner / "vorlagen")]) in (0, 1)
    ausgabe = capsys.readouterr().out
    assert "Wert beim Start: --wert termin=…  Datum der Konferenz (Datum, Pflicht)" in ausgabe
    assert "--wert beginn=…  Beginn (Uhrzeit, Standard 9:30)" in ausgabe


# --- pruefen renders every letter's text --------------------------------------------

def test_pruefen_stimmt_mit_erstellen_ueberein(ordner, capsys):
    pfad = schreibe(ordner, kopf() + "Ihr Termin: {{ empfaenger.termin | datum_lang }}.\n",
                    "termin.md")
    liste = ordner / "liste.csv"
    assert main(["pruefen", str(pfad), str(liste)]) == 1
    ausgabe = capsys.readouterr().out
    gemeldet = {int(z) for z in re.findall(r"liste\.csv, Zeile (\d+)", ausgabe)}
    assert "„morgen“ ist kein Datum" in ausgabe and "Vorlage „Teilkonferenz Inklusion“, Zeile 6" in ausgabe

    aus = ordner / "aus-termin"
    assert main(["erstellen", str(pfad), str(liste), "--ausgabe", str(aus), "--format", "docx",
                 "--jobs", "1"]) == 1
    protokoll = json.loads((aus / "protokoll.json").read_text(encoding="utf-8"))
    fehlgeschlagen = {e["zeile"] for e in protokoll["briefe"] if e["status"] == "fehler"}
    assert gemeldet == fehlgeschlagen == {3, 4, 6}  # template (3, 6) and address (4)


def test_gleicher_fehler_fuer_alle_ist_ein_vorlagenfehler(ordner, capsys):
    pfad = schreibe(ordner, kopf() + "Text\n\nAm {{ \"Montag\" | datum }}.\n", "konstant.md")
    for befehl in (["pruefen"], ["erstellen", "--ausgabe", str(ordner / "aus-k"), "--format",
                                 "docx"]):
        assert main([befehl[0], str(pfad), str(ordner / "liste.csv"), *befehl[1:]]) == 2
        fehler = capsys.readouterr().err
        assert fehler.count("ist kein Datum") == 1
        assert "Vorlage „Teilkonferenz Inklusion“, Zeile 8" in fehler
        assert "jeden Empfänger" in fehler
    assert not (ordner / "aus-k").exists()


def test_ohne_eingabe_gelten_standards_und_pflicht_wird_genannt(ordner):
    from briefe.vorlage.startwerte import beispielwerte

    vorlage = lade_vorlage(schreibe(ordner, kopf(STARTWERTE) + "Um {{ werte.beginn | uhrzeit }}"
                                    "{% if werte.plaetze %}, {{ werte.plaetze }} Plätze{% endif %}.\n"))
    with pytest.raises(VorlagenFehler, match="„Datum der Konferenz“ fehlt"):
        vorlage.erzeuge(empfaenger(**MEYER))
    vorschau = vorlage.mit_werten(beispielwerte(vorlage))
    assert vorschau.erzeuge(empfaenger(**MEYER)).inhalt[0].teile[0].text == "Um 09:30 Uhr."
    assert vorlage.werte is None and vorschau.werte["raum"] == "[Raum]"
