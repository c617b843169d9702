"""Reading member lists: encodings, separators, XLSX safety, JSON, headers, values."""

import csv
import datetime as dt
import io
import json
import pickle
import zipfile
from pathlib import Path
from types import MappingProxyType

import openpyxl
import openpyxl.xml
import pytest

from briefe.deutsch.anschrift import pruefe
from briefe.fehler import DatenFehler
from briefe.quellen import xlsxdatei
from briefe.quellen.mitglieder import (
    Empfaenger,
    lies_mitglieder,
    normalisiere_spalte,
    passt_filter,
)

DATEN = Path(__file__).resolve().parent.parent / "daten"

KOPF = "Anrede;Titel;Vorname;Name;Einrichtung;Straße;PLZ;Ort;Land;Gremien"
ZEILEN = [
    "Herr;Prof. Dr.;Konrad;Groß-Übelacker;Hochschule Hagen;Am Campus 3;58097;Hagen;;"
    "Bildungskonferenz",
    "Frau;Dr.;Maria;Meyer;Gesamtschule Eilpe;Schwanenstr. 6-10;58089;Hagen;;"
    "Lenkungskreis, Teilkonferenz Übergang Schule–Beruf",
]


def schreibe(pfad: Path, text: str, kodierung: str = "utf-8") -> Path:
    pfad.write_bytes(text.encode(kodierung))
    return pfad


def csv_text(trenner: str = ";", zeilen=ZEILEN, kopf=KOPF, ende: str = "\r\n") -> str:
    return ende.join(z.replace(";", trenner) for z in [kopf, *zeilen]) + ende


def xlsx(pfad: Path, blaetter: dict[str, list[list[object]]]) -> Path:
    mappe = openpyxl.Workbook()
    mappe.remove(mappe.active)
    for name, zeilen in blaetter.items():
        blatt = mappe.create_sheet(name)
        for zeile in zeilen:
            blatt.append(zeile)
    mappe.save(pfad)
    return pfad


# --- headers ------------------------------------------------------------------

ALIASE = {
    "Name": "nachname", "Nachname": "nachname", "Vorname": "vorname", "Anrede": "anrede",
    "Geschlecht": "anrede", "Titel": "titel", "Funktion": "funktion", "Position": "funktion",
    "Einrichtung": "organisation", "Institution": "organisation",
    "Organisation": "organisation", "Firma": "organisation", "Zusatz": "zusatz",
    "Abteilung": "zusatz", "Straße": "strasse", "Strasse": "strasse", "Str.": "strasse",
    "Postfach": "postfach", "PLZ": "plz", "Postleitzahl": "plz", "Ort": "ort", "Stadt": "ort",
    "Wohnort": "ort", "Land": "land", "E-Mail": "email", "Mail": "email",
    "Gremien": "gremien", "Gremium": "gremien",
}


@pytest.mark.parametrize(("kopf", "name"), ALIASE.items())
def test_alias(kopf, name):
    assert normalisiere_spalte(kopf) == name


@pytest.mark.parametrize(
    ("kopf", "name"),
    [
        ("  STRASSE ", "strasse"), ("straße", "strasse"), ("E Mail", "email"),
        ("e-mail-adresse", "email"), ("P.L.Z.", "plz"), ("Straße/Hausnummer", "strasse"),
        ("Handlungsfeld (Schwerpunkt)", "handlungsfeld_schwerpunkt"),
        ("Größe der Schule", "groesse_der_schule"), ("Café-Name", "cafe_name"),
        ("Ihr Zeichen", "ihr_zeichen"), ("", ""),
    ],
)
def test_spaltennamen_lose(kopf, name):
    assert normalisiere_spalte(kopf) == name


def test_alle_aliase_in_einer_datei(tmp_path):
    kopf = ";".join(ALIASE)
    werte = ";".join(f"w{i}" for i in range(len(ALIASE)))
    liste = lies_mitglieder(schreibe(tmp_path / "a.csv", f"{kopf}\n{werte}\n"))
    assert [kopf for kopf, _ in liste.spalten] == list(ALIASE)
    assert [name for _, name in liste.spalten] == list(ALIASE.values())
    e = liste.empfaenger[0]
    # Duplicate meanings: the first column wins.
    assert e.wert("nachname") == "w0"
    assert e.wert("strasse") == "w14"
    assert any("„Name“ und „Nachname“ bedeuten beide „nachname“" in h for h in liste.hinweise)


def test_doppelte_spalte_ergaenzt_leere_werte(tmp_path):
    pfad = schreibe(tmp_path / "d.csv", "Name;Nachname;Ort\nMeyer;;Hagen\n;Becker;Hagen\n")
    assert [e.wert("nachname") for e in lies_mitglieder(pfad).empfaenger] == ["Meyer", "Becker"]


def test_weitere_spalten_und_tippfehler(tmp_path):
    pfad = schreibe(tmp_path / "w.csv", "Name;Strase;Handlungsfeld (Schwerpunkt)\nMeyer;X;Y\n")
    liste = lies_mitglieder(pfad)
    assert liste.empfaenger[0].felder["handlungsfeld_schwerpunkt"] == "Y"
    assert liste.empfaenger[0].wert("Handlungsfeld (Schwerpunkt)") == "Y"
    assert any("„Strase“ ist unbekannt. Ist „strasse“ gemeint?" in h for h in liste.hinweise)
    assert any("handlungsfeld_schwerpunkt" in h for h in liste.hinweise)


def test_spalte_ohne_ueberschrift(tmp_path):
    pfad = schreibe(tmp_path / "o.csv", "Name;;Ort;;\nMeyer;Notiz;Hagen;;\n")
    liste = lies_mitglieder(pfad)
    assert [n for _, n in liste.spalten] == ["nachname", "spalte_b", "ort"]
    assert liste.empfaenger[0].felder["spalte_b"] == "Notiz"
    assert any("Spalte B hat keine Überschrift" in h for h in liste.hinweise)


# --- encodings and separators ---------------------------------------------------


@pytest.mark.parametrize(
    ("kodierung", "bytes_kodierung"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"),
     ("utf-16", "utf-16")],
)
def test_kodierungen(tmp_path, kodierung, bytes_kodierung):
    pfad = schreibe(tmp_path / "k.csv", csv_text(), bytes_kodierung)
    liste = lies_mitglieder(pfad)
    assert liste.kodierung == kodierung
    assert [k for k, _ in liste.spalten][5] == "Straße"
    erster, zweiter = liste.empfaenger
    assert erster.wert("nachname") == "Groß-Übelacker"
    assert zweiter.wert("gremien") == "Lenkungskreis, Teilkonferenz Übergang Schule–Beruf"


def test_windows_1252_mit_euro_und_anfuehrungszeichen(tmp_path):
    text = "Name;Ort;Notiz\nSchäfer;Düsseldorf;„Beitrag“ 5 € – bezahlt\n"
    liste = lies_mitglieder(schreibe(tmp_path / "e.csv", text, "cp1252"))
    assert liste.kodierung == "cp1252"
    assert liste.empfaenger[0].wert("notiz") == "„Beitrag“ 5 € – bezahlt"
    assert liste.empfaenger[0].wert("ort") == "Düsseldorf"


@pytest.mark.parametrize("trenner", [";", ",", "\t"])
def test_trennzeichen(tmp_path, trenner):
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=trenner)  # quotes only where needed
    schreiber.writerows([
        ["Anrede", "Vorname", "Name", "Einrichtung", "Straße", "PLZ", "Ort", "Gremien"],
        ["Frau", "Petra", "Schmitz", "Kita Sonne, Haspe; e. V.", "Str. 6-10", "58135", "Hagen",
         "Bildungskonferenz, Teilkonferenz Sprachförderung"],
        ["Herr", "Ralf", "Peters", "Realschule Emst", "Emster Feld 15", "58093", "Hagen", ""],
    ])
    liste = lies_mitglieder(schreibe(tmp_path / "t.csv", puffer.getvalue()))
    assert liste.trennzeichen == trenner
    e = liste.empfaenger[0]
    assert e.wert("organisation") == "Kita Sonne, Haspe; e. V."
    assert e.wert("strasse") == "Str. 6-10"
    assert e.wert("gremien") == "Bildungskonferenz, Teilkonferenz Sprachförderung"
    assert liste.empfaenger[1].wert("ort") == "Hagen"


def test_semikolon_mit_ungequoteten_kommas(tmp_path):
    text = "Name;Einrichtung;Ort\nMeyer, Anna;Kita A, B und C;Hagen\nBecker;X, Y;Hagen\n"
    liste = lies_mitglieder(schreibe(tmp_path / "s.csv", text))
    assert liste.trennzeichen == ";"
    assert liste.empfaenger[0].wert("organisation") == "Kita A, B und C"


def test_komma_ohne_bekannte_spalten(tmp_path):
    text = "Kennung,Wert,Bemerkung\n1,2,\"a; b\"\n3,4,x\n"
    liste = lies_mitglieder(schreibe(tmp_path / "k.csv", text))
    assert liste.trennzeichen == ","
    assert liste.empfaenger[0].wert("bemerkung") == "a; b"


def test_excel_sep_zeile(tmp_path):
    text = "sep=,\r\nName,Ort\r\n\"Meyer; Maria\",Hagen\r\n"
    liste = lies_mitglieder(schreibe(tmp_path / "sep.csv", text))
    assert liste.trennzeichen == ","
    assert liste.empfaenger[0].wert("nachname") == "Meyer; Maria"
    assert liste.empfaenger[0].zeile == 2


# --- row numbers ---------------------------------------------------------------


def test_zeilennummern_wie_in_der_tabelle(tmp_path):
    text = (
        "Name;Einrichtung;Ort\n"
        "Meyer;\"Gesamtschule\nEilpe\";Hagen\n"  # one row with a line break in a cell
        ";;\n"
        "\n"
        "Becker;Stadt Hagen;Hagen\n"
    )
    liste = lies_mitglieder(schreibe(tmp_path / "z.csv", text))
    assert [e.zeile for e in liste.empfaenger] == [2, 5]
    assert liste.empfaenger[0].wert("organisation") == "Gesamtschule\nEilpe"
    assert all(e.datei == "z.csv" for e in liste.empfaenger)


def test_titelzeilen_ueber_der_kopfzeile(tmp_path):
    text = "Mitgliederliste Bildungsnetzwerk;;\nStand: 2011;;\n\nName;PLZ;Ort\nMeyer;58089;Hagen\n"
    liste = lies_mitglieder(schreibe(tmp_path / "t.csv", text))
    assert [k for k, _ in liste.spalten] == ["Name", "PLZ", "Ort"]
    assert liste.empfaenger[0].zeile == 5
    assert any("über der Kopfzeile" in h for h in liste.hinweise)


def test_ueberzaehlige_werte(tmp_path):
    liste = lies_mitglieder(schreibe(tmp_path / "u.csv", "Name;Ort\nMeyer;Hagen;x\n"))
    assert any("Zeile 2 hat mehr Werte als die Kopfzeile" in h for h in liste.hinweise)


# --- values --------------------------------------------------------------------


def test_fuehrende_null_der_plz(tmp_path):
    text = (
        "Name;PLZ;Ort;Land\n"
        "A;1067;Dresden;\nB;1067.0;Dresden;Deutschland\nC;01067;Dresden;DE\n"
        "D;1010;Wien;Österreich\nE;58089;Hagen;\n"
    )
    liste = lies_mitglieder(schreibe(tmp_path / "p.csv", text))
    assert [e.wert("plz") for e in liste.empfaenger] == [
        "01067", "01067", "01067", "1010", "58089"
    ]


def test_steuerzeichen_in_werten(tmp_path):
    text = (
        "Name;Einrichtung;Ort\n"
        "Me\x00y\x07er\u200b;\"Schule\r\nAbteilung\x0bRaum 2\";Ha\u202egen\n"
        "Schäfer\t Jr.;Kita\u00a0 Sonne;Hagen\n"
    )
    liste = lies_mitglieder(schreibe(tmp_path / "c.csv", text))
    erster, zweiter = liste.empfaenger
    assert erster.wert("nachname") == "Meyer"
    assert erster.wert("organisation") == "Schule\nAbteilung\nRaum 2"
    assert erster.wert("ort") == "Hagen"
    assert zweiter.wert("nachname") == "Schäfer Jr."
    assert zweiter.wert("organisation") == "Kita Sonne"


def test_zerlegte_umlaute_werden_zusammengesetzt(tmp_path):
    liste = lies_mitglieder(schreibe(tmp_path / "n.csv", "Name;Ort\nScha\u0308fer;Hagen\n"))
    assert liste.empfaenger[0].wert("nachname") == "Schäfer"


def test_werte_werden_nicht_ausgewertet(tmp_path):
    text = "Name;Ort\n=1+2;{{ 7*7 }}\n"
    e = lies_mitglieder(schreibe(tmp_path / "v.csv", text)).empfaenger[0]
    assert (e.wert("nachname"), e.wert("ort")) == ("=1+2", "{{ 7*7 }}")


def test_empfaenger_ist_unveraenderlich_und_picklebar(tmp_path):
    e = lies_mitglieder(schreibe(tmp_path / "i.csv", "Name;Ort\nMeyer;Hagen\n")).empfaenger[0]
    assert isinstance(e.felder, MappingProxyType)
    with pytest.raises(TypeError):
        e.felder["ort"] = "Köln"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(e)) == e
    assert hash(e) == hash(Empfaenger(2, {"nachname": "Meyer", "ort": "Hagen"}, "i.csv"))
    assert e.wert("fehlt") == ""


# --- XLSX ----------------------------------------------------------------------


def test_openpyxl_nutzt_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_xlsx_zahlen_plz_und_datum(tmp_path):
    pfad = xlsx(tmp_path / "m.xlsx", {"Mitglieder": [
        ["Name", "PLZ", "Ort", "Land", "Eintritt", "Sitzung", "Hausnummer"],
        ["Wolff", 1067, "Dresden", None, dt.date(2011, 3, 28), dt.datetime(2011, 11, 17, 9, 30), 7],
        [None, None, None, None, None, None, None],
        ["Meyer", 58089.0, "Hagen", "Deutschland", dt.datetime(2011, 6, 22), None, 12.0],
        ["Kaiser", 1010, "Wien", "AT", None, None, None],
    ]})
    liste = lies_mitglieder(pfad)
    assert liste.kodierung is None
    wolff, meyer, kaiser = liste.empfaenger
    assert [e.zeile for e in liste.empfaenger] == [2, 4, 5]
    assert (wolff.wert("plz"), meyer.wert("plz"), kaiser.wert("plz")) == ("01067", "58089", "1010")
    assert wolff.felder["eintritt"] == dt.date(2011, 3, 28)
    assert type(meyer.felder["eintritt"]) is dt.date
    assert wolff.felder["sitzung"] == dt.datetime(2011, 11, 17, 9, 30)
    assert wolff.wert("eintritt") == "28.03.2011"
    assert (wolff.wert("hausnummer"), meyer.wert("hausnummer")) == ("7", "12")


def test_xlsx_weicher_zeilenumbruch(tmp_path):
    pfad = xlsx(tmp_path / "u.xlsx", {"Tabelle1": [
        ["Name", "Einrichtung"],
        ["Meyer", "Gesamtschule_x000B_Eilpe\nHaus B"],
    ]})
    e = lies_mitglieder(pfad).empfaenger[0]
    assert e.wert("organisation") == "Gesamtschule\nEilpe\nHaus B"


def test_xlsx_blatt_waehlen(tmp_path):
    pfad = xlsx(tmp_path / "b.xlsx", {
        "Schulen": [["Name", "Ort"], ["Meyer", "Hagen"]],
        "Kitas": [["Einrichtung", "Ort"], ["Kita Regenbogen", "Hagen"], ["Kita Emst", "Hagen"]],
    })
    assert lies_mitglieder(pfad).empfaenger[0].wert("nachname") == "Meyer"
    assert len(lies_mitglieder(pfad, blatt="Kitas").empfaenger) == 2
    assert len(lies_mitglieder(pfad, blatt=" kitas").empfaenger) == 2
    with pytest.raises(DatenFehler) as fehler:
        lies_mitglieder(pfad, blatt="Vereine")
    assert "„Vereine“" in fehler.value.meldung
    assert "„Schulen“, „Kitas“" in fehler.value.meldung
    assert fehler.value.datei == "b.xlsx"


def test_xlsx_leere_erste_zeilen(tmp_path):
    mappe = openpyxl.Workbook()
    blatt = mappe.active
    blatt["A3"], blatt["B3"] = "Name", "Ort"
    blatt["A4"], blatt["B4"] = "Meyer", "Hagen"
    blatt["A6"], blatt["B6"] = "Becker", "Hagen"
    mappe.save(tmp_path / "l.xlsx")
    liste = lies_mitglieder(tmp_path / "l.xlsx")
    assert [e.zeile for e in liste.empfaenger] == [4, 6]


def test_keine_zip_datei(tmp_path):
    pfad = schreibe(tmp_path / "kaputt.xlsx", "Name;Ort\nMeyer;Hagen\n")
    with pytest.raises(DatenFehler, match="keine Excel-Arbeitsmappe"):
        lies_mitglieder(pfad)


def test_alte_xls_datei(tmp_path):
    pfad = tmp_path / "alt.xls"
    pfad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(DatenFehler, match=r"alte Excel-Datei \(\.xls\)"):
        lies_mitglieder(pfad)


def test_zip_ohne_excel_inhalt(tmp_path):
    pfad = tmp_path / "fremd.xlsx"
    with zipfile.ZipFile(pfad, "w") as z:
        z.writestr("hallo.txt", "hallo")
    with pytest.raises(DatenFehler, match="keine Excel-Arbeitsmappe"):
        lies_mitglieder(pfad)


def test_beschaedigte_xlsx(tmp_path):
    pfad = tmp_path / "b.xlsx"
    with zipfile.ZipFile(pfad, "w") as z:
        z.writestr("[Content_Types].xml", "<kein xml")
    with pytest.raises(DatenFehler, match="beschädigt"):
        lies_mitglieder(pfad)


def test_zip_bombe_wird_abgelehnt(tmp_path):
    pfad = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(pfad, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert pfad.stat().st_size < 100_000
    with pytest.raises(DatenFehler, match="auffällig stark gepackt"):
        lies_mitglieder(pfad)


def test_zu_gross_entpackt(tmp_path, monkeypatch):
    pfad = xlsx(tmp_path / "gross.xlsx", {"A": [["Name"], ["Meyer"]]})
    monkeypatch.setattr(xlsxdatei, "XLSX_MAX_ENTPACKT", 1000)
    with pytest.raises(DatenFehler, match="entpackt größer als"):
        lies_mitglieder(pfad)


def test_xml_entitaeten_werden_nicht_aufgeloest(tmp_path):
    """A billion-laughs sheet is refused by defusedxml, not expanded."""
    quelle = xlsx(tmp_path / "q.xlsx", {"A": [["Name"], ["Meyer"]]})
    pfad = tmp_path / "lol.xlsx"
    with zipfile.ZipFile(quelle) as alt, zipfile.ZipFile(pfad, "w") as neu:
        for eintrag in alt.infolist():
            inhalt = alt.read(eintrag)
            if eintrag.filename == "xl/worksheets/sheet1.xml":
                inhalt = inhalt.replace(
                    b"<worksheet",
                    b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]><worksheet', 1,
                )
            neu.writestr(eintrag, inhalt)
    with pytest.raises(DatenFehler, match="beschädigt"):
        lies_mitglieder(pfad)


# --- JSON ----------------------------------------------------------------------


def test_json_liste(tmp_path):
    daten = [
        {"Name": "Meyer", "PLZ": 1067, "Ort": "Dresden", "Gremien": ["Lenkungskreis", "BK"]},
        {},
        {"Einrichtung": "Jobcenter Hagen", "Postfach": 4240, "PLZ": "58042", "Ort": "Hagen"},
    ]
    pfad = tmp_path / "m.json"
    pfad.write_text(json.dumps(daten, ensure_ascii=False), encoding="utf-8")
    liste = lies_mitglieder(pfad)
    assert [k for k, _ in liste.spalten] == ["Name", "PLZ", "Ort", "Gremien", "Einrichtung",
                                              "Postfach"]
    meyer, jobcenter = liste.empfaenger
    assert (meyer.zeile, jobcenter.zeile) == (2, 4)
    assert meyer.wert("plz") == "01067"
    assert meyer.wert("gremien") == "Lenkungskreis, BK"
    assert jobcenter.wert("postfach") == "4240"
    assert jobcenter.wert("nachname") == ""


@pytest.mark.parametrize(
    ("inhalt", "meldung"),
    [
        ('{"Name": "Meyer"}', "Liste von Objekten"),
        ('"Meyer"', "Liste von Objekten"),
        ('[{"Name": "Meyer"}, 3]', "Eintrag 2 der Liste ist kein Objekt"),
        ('[{"Name": "Meyer",]', "kein gültiges JSON"),
    ],
)
def test_json_fehler(tmp_path, inhalt, meldung):
    pfad = tmp_path / "f.json"
    pfad.write_text(inhalt, encoding="utf-8")
    with pytest.raises(DatenFehler, match=meldung) as fehler:
        lies_mitglieder(pfad)
    assert fehler.value.datei == "f.json"


# --- whole-file errors ------------------------------------------------------------


def test_datei_fehlt_oder_leer(tmp_path):
    with pytest.raises(DatenFehler, match="gibt es nicht"):
        lies_mitglieder(tmp_path / "fehlt.csv")
    with pytest.raises(DatenFehler, match="leer"):
        lies_mitglieder(schreibe(tmp_path / "leer.csv", ""))
    with pytest.raises(DatenFehler, match="keine Kopfzeile"):
        lies_mitglieder(schreibe(tmp_path / "leer2.csv", ";;\n\n"))


def test_nur_kopfzeile(tmp_path):
    liste = lies_mitglieder(schreibe(tmp_path / "k.csv", "Name;Ort\n"))
    assert liste.empfaenger == ()
    assert "Die Liste enthält keine Mitglieder." in liste.hinweise


# --- filter ----------------------------------------------------------------------


def test_filter(tmp_path):
    liste = lies_mitglieder(schreibe(tmp_path / "f.csv", csv_text() + ";;;Becker;;;;;;\n"))
    groß, meyer, becker = liste.empfaenger
    assert passt_filter(meyer, "Gremien", "lenkungskreis")
    assert passt_filter(meyer, "gremium", " Teilkonferenz Übergang Schule-Beruf ")
    assert not passt_filter(meyer, "gremien", "Lenkung")
    assert not passt_filter(groß, "gremien", "Lenkungskreis")
    assert passt_filter(groß, "Name", "GROSS-ÜBELACKER".replace("SS", "ß").lower())
    assert passt_filter(meyer, "Straße", "schwanenstr. 6-10")
    assert passt_filter(becker, "ort", "")
    assert not passt_filter(becker, "gremien", "")


# --- sample data ---------------------------------------------------------------------


def test_beispieldaten_csv_und_xlsx_gleich():
    csv_liste = lies_mitglieder(DATEN / "mitglieder.csv")
    xlsx_liste = lies_mitglieder(DATEN / "mitglieder.xlsx")
    assert csv_liste.kodierung == "utf-8" and csv_liste.trennzeichen == ";"
    assert csv_liste.spalten == xlsx_liste.spalten
    assert len(csv_liste.empfaenger) >= 35
    for a, b in zip(csv_liste.empfaenger, xlsx_liste.empfaenger, strict=True):
        assert (a.zeile, dict(a.felder)) == (b.zeile, dict(b.felder))


def test_beispieldaten_inhalt():
    liste = lies_mitglieder(DATEN / "mitglieder.xlsx")
    lenkungskreis = [e for e in liste.empfaenger if passt_filter(e, "gremien", "Lenkungskreis")]
    assert sorted((e.wert("anrede"), e.wert("nachname")) for e in lenkungskreis) == [
        ("Frau", "Meyer"), ("Herr", "Becker"), ("Herr", "Flader"), ("Herr", "Goldbach"),
        ("Herr", "Koller"), ("Herr", "Schäfer"),
    ]
    fehlerhaft = [e for e in liste.empfaenger if pruefe(e)]
    assert len(fehlerhaft) == 1
    assert [f.spalte for f in pruefe(fehlerhaft[0])] == ["PLZ"]
    assert any(e.wert("plz") == "01067" for e in liste.empfaenger)
    assert all(e.wert("email").endswith(("@example.org", "@example.com"))
               for e in liste.empfaenger)


def test_vierstellige_plz_nur_mit_moeglicher_null(tmp_path):
    """05xxx and 00xxx do not exist, so 5808 is a typo, not a lost zero."""
    text = "Name;PLZ;Ort\nA;5808;Hagen\nB;9111;Chemnitz\nC;123;X\n"
    liste = lies_mitglieder(schreibe(tmp_path / "p.csv", text))
    assert [e.wert("plz") for e in liste.empfaenger] == ["5808", "09111", "123"]
