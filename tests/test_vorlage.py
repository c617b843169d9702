"""Templates: front matter, Markdown body, sandbox, literal member data."""

import textwrap

import pytest

from briefe.fehler import VorlagenFehler, ZeilenFehler
from briefe.modell import Absatz, Liste, Tabelle, Textteil
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import MEYER, VORLAGEN, empfaenger


def vorlage(tmp_path, koerper: str, kopf: str = ""):
    (tmp_path / "absender").mkdir(exist_ok=True)
    (tmp_path / "absender" / "test.toml").write_text(
        (VORLAGEN / "absender" / "stadt-hagen-lenkungskreis.toml").read_text(encoding="utf-8")
        .replace('logo = "bildungsnetzwerk-logo.png"\n', ""),
        encoding="utf-8",
    )
    pfad = tmp_path / "test.md"
    pfad.write_text(
        '+++\nbetreff = "Test"\nabsender = "test"\ndatum = 2011-08-25\n' + kopf + "+++\n"
        + textwrap.dedent(koerper),
        encoding="utf-8",
    )
    return lade_vorlage(pfad)


def test_markdown_bloecke(tmp_path):
    v = vorlage(tmp_path, """\
        Die **Bildungskonferenz** tagt *jährlich*.\\
        Neue Zeile.

        - eins
        - zwei

        3. drei
        4. vier

        | Termin | Ort |
        |:-------|----:|
        | 17.11. | Rathaus |
        """)
    inhalt = v.erzeuge(empfaenger(**MEYER)).inhalt
    assert inhalt[0] == Absatz((
        Textteil("Die "), Textteil("Bildungskonferenz", fett=True), Textteil(" tagt "),
        Textteil("jährlich", kursiv=True), Textteil(".\nNeue Zeile."),
    ))
    assert inhalt[1] == Liste(((Textteil("eins"),), (Textteil("zwei"),)))
    assert inhalt[2] == Liste(((Textteil("drei"),), (Textteil("vier"),)), nummeriert=True, start=3)
    assert isinstance(inhalt[3], Tabelle)
    assert inhalt[3].kopf == ((Textteil("Termin"),), (Textteil("Ort"),))
    assert inhalt[3].ausrichtung == ("left", "right")
    assert inhalt[3].zeilen == (((Textteil("17.11."),), (Textteil("Rathaus"),)),)


@pytest.mark.parametrize("boese", [
    "Müller & Söhne <Bildung>", "*Stern*", "{{ 7*7 }}", '<img src="file:///etc/hostname">',
    "# Überschrift", "1. Liste", "- Punkt", "[Link](http://example.org)", "`code`",
    "a | b", "&amp; &lt;", "\\*", "__fett__",
])
def test_daten_erscheinen_woertlich(tmp_path, boese):
    v = vorlage(tmp_path, "Einrichtung: {{ empfaenger.organisation }}\n")
    brief = v.erzeuge(empfaenger(**{**MEYER, "organisation": boese}))
    assert brief.inhalt == (Absatz((Textteil(f"Einrichtung: {boese}"),)),)


def test_zeilenumbruch_in_daten_bleibt_zeilenumbruch(tmp_path):
    v = vorlage(tmp_path, "{{ empfaenger.organisation }}\n")
    brief = v.erzeuge(empfaenger(**{**MEYER, "organisation": "Zeile 1\n\n- Zeile 2\x0bZeile 3\x00"}))
    assert brief.inhalt == (Absatz((Textteil("Zeile 1\n- Zeile 2\nZeile 3"),)),)


def test_betreff_mit_variablen_und_filtern(tmp_path):
    v = vorlage(tmp_path, "Text\n", kopf="")
    pfad = tmp_path / "b.md"
    pfad.write_text('+++\nbetreff = "Einladung am {{ datum | datum_lang }} für {{ empfaenger.ort }}"\n'
                    'absender = "test"\ndatum = 2011-08-25\nanlagen = ["Programm", "Anfahrt"]\n'
                    '+++\nText\n', encoding="utf-8")
    brief = lade_vorlage(pfad).erzeuge(empfaenger(**{**MEYER, "ort": "<Hagen>"}))
    assert brief.betreff == "Einladung am 25. August 2011 für <Hagen>"
    assert brief.anlagen == ("Programm", "Anfahrt")
    assert v.erzeuge(empfaenger(**MEYER)).infoblock[-1].wert.endswith("25.08.2011")


def test_fehlende_variable_nennt_vorlage_und_zeile(tmp_path):
    v = vorlage(tmp_path, "Zeile eins\n\nHallo {{ empfaenger.lieblingsfarbe }}\n")
    with pytest.raises(ZeilenFehler) as info:
        v.erzeuge(empfaenger(**MEYER))
    # front matter has 5 lines, so the variable is in line 8 of the file
    assert "test.md, Zeile 8" in str(info.value)
    assert "lieblingsfarbe" in str(info.value)
    assert v.spalten == {"lieblingsfarbe"}


def test_unbekannte_variable_beim_laden(tmp_path):
    with pytest.raises(VorlagenFehler, match="Unbekannte Variable vorname"):
        vorlage(tmp_path, "Hallo {{ vorname }}\n")


def test_syntaxfehler_mit_zeile(tmp_path):
    with pytest.raises(VorlagenFehler) as info:
        vorlage(tmp_path, "Text\n\n{% if %}\n")
    assert info.value.zeile == 8


@pytest.mark.parametrize("angriff", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ absender.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ datum.__class__.__init__.__globals__['os'] }}",
])
def test_sandbox(tmp_path, angriff):
    fehlerarten = (VorlagenFehler, ZeilenFehler)
    with pytest.raises(fehlerarten) as info:
        vorlage(tmp_path, angriff + "\n").erzeuge(empfaenger(**MEYER))
    assert "geschützte Interna" in str(info.value) or "Unbekannte Variable" in str(info.value)


def test_sandbox_meldet_zugriff_auf_interna(tmp_path):
    v = vorlage(tmp_path, "{{ empfaenger.__class__ }}\n")
    with pytest.raises(VorlagenFehler, match="geschützte Interna"):
        v.erzeuge(empfaenger(**MEYER))


def test_kopfbereich_fehler(tmp_path):
    with pytest.raises(VorlagenFehler, match="Unbekannter Eintrag „betref“"):
        vorlage(tmp_path, "x\n", kopf='betref = "x"\n')
    with pytest.raises(VorlagenFehler, match="form"):
        vorlage(tmp_path, "x\n", kopf='form = "C"\n')
    with pytest.raises(VorlagenFehler, match="Absender „fehlt“ nicht gefunden"):
        p = tmp_path / "y.md"
        p.write_text('+++\nbetreff = "x"\nabsender = "fehlt"\n+++\n', encoding="utf-8")
        lade_vorlage(p)


def test_referenzbrief_modell(referenz):
    brief = referenz.erzeuge(empfaenger(**MEYER))
    assert brief.betreff == "Bildungsnetzwerk Hagen"
    assert brief.anrede == "Sehr geehrte Frau Dr. Meyer,"
    listen = [b for b in brief.inhalt if isinstance(b, Liste)]
    assert [len(li.punkte) for li in listen] == [5, 3, 3]
    fett = [t.text for b in brief.inhalt if isinstance(b, Absatz) for t in b.teile if t.fett]
    assert fett == ["Bildungskonferenz", "Lenkungskreis", "Bildungsbüro", "Sie sind das Netzwerk!"]
    info = {z.bezeichnung: z.wert for z in brief.infoblock}
    assert info["Mein Zeichen, Datum"] == "43, 25.08.2011"
    assert list(info)[:8] == ["Stadtamt", "Gebäude", "Anschrift", "Auskunft erteilt", "Telefon",
                              "Telefax", "E-Mail", "Vermittlung"]
    assert brief.unterschrift.name == "Jochen Becker"
    assert brief.unterschrift.funktion == "Vorsitzender des Lenkungskreises"


def test_werte_im_kopfbereich(tmp_path):
    v = vorlage(tmp_path, "Am {{ werte.termin | datum_lang }} um {{ werte.zeit | uhrzeit }}.\n",
                kopf='[werte]\ntermin = 2026-11-17\nzeit = "9:30"\n')
    erwartet = (Absatz((Textteil("Am 17. November 2026 um 09:30 Uhr."),)),)
    assert v.erzeuge(empfaenger(**MEYER)).inhalt == erwartet


def test_einladung_nutzt_spalte_und_filter():
    v = lade_vorlage(VORLAGEN / "bildungskonferenz-einladung.md")
    assert v.spalten == {"handlungsfeld"}
    brief = v.erzeuge(empfaenger(**MEYER, handlungsfeld="Inklusion"))
    assert brief.betreff == "Einladung zur Bildungskonferenz am 17. November 2026"
    assert any(isinstance(b, Tabelle) for b in brief.inhalt)
    assert brief.unterschrift.gez and brief.hinweis_maschinell.startswith("Dieses Schreiben")
