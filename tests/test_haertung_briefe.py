"""Letters that cannot be made are row (or template) errors; the others are made and the
protocol is written. Limits for templates; input edge cases of member lists."""

import json

import docx
import pytest

from briefe.cli.haupt import main
from tests.conftest import WURZEL
from tests.pdfhilfe import seiten_text

KOPF = '''+++
betreff = "{betreff}"
absender = "stadt-hagen-lenkungskreis"
datum = 2011-08-25
+++
'''
GUT = {"anrede": "Frau", "vorname": "Maria", "nachname": "Meyer", "strasse": "Weg 1", "plz": "58089",
       "ort": "Hagen", "zahl": "1"}


def vorlage(ordner, koerper: str, betreff: str = "Test", name: str = "v.md"):
    ordner.mkdir(exist_ok=True)
    if not (ordner / "absender").exists():
        (ordner / "absender").symlink_to(WURZEL / "vorlagen" / "absender")
    pfad = ordner / name
    pfad.write_text(KOPF.replace("{betreff}", betreff) + koerper, encoding="utf-8")
    return pfad


def json_liste(tmp_path, zeilen: list[dict] | str, name="liste.json"):
    pfad = tmp_path / name
    pfad.write_text(zeilen if isinstance(zeilen, str) else json.dumps(zeilen, ensure_ascii=False),
                    encoding="utf-8")
    return pfad


def erstelle(tmp_path, vorlage_pfad, daten, *extra, formate="pdf"):
    ausgabe = tmp_path / "aus"
    code = main(["erstellen", str(vorlage_pfad), str(daten), "--ausgabe", str(ausgabe), "--format", formate,
                 "--jobs", "1", *extra])
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    return code, protokoll, ausgabe


def fehler_von(protokoll) -> dict[int, str]:
    return {e["zeile"]: e["fehler"] for e in protokoll["briefe"] if e["status"] == "fehler"}


def test_langer_betreff_im_docx(tmp_path):
    betreff = "Einladung " + "sehr lang " * 40
    v = vorlage(tmp_path / "v", "Text.\n", betreff=betreff.strip())
    code, protokoll, ausgabe = erstelle(tmp_path, v, json_liste(tmp_path, [GUT]), formate="pdf,docx")
    assert code == 0, protokoll
    dok = docx.Document(ausgabe / "0001-meyer-maria.docx")
    assert len(dok.core_properties.title) == 255 and dok.core_properties.title.endswith("…")
    assert betreff.strip() in "\n".join(p.text for p in dok.paragraphs)


def test_einzelnes_ersatzzeichen_aus_json(tmp_path, capsys):
    v = vorlage(tmp_path / "v", "Text {{ empfaenger.zahl }}.\n")
    roh = json.dumps([{**GUT, "nachname": "Mey@r"}, GUT]).replace("@", "\\ud800")
    code, protokoll, ausgabe = erstelle(tmp_path, v, json_liste(tmp_path, roh))
    assert code == 1
    assert "ungültiges Zeichen" in fehler_von(protokoll)[2] and "nachname" in fehler_von(protokoll)[2]
    assert protokoll["ok"] == 1 and (ausgabe / "protokoll.csv").is_file()
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("koerper, zahl, text", [
    ("{{ 100 / (empfaenger.zahl | int) }}", "0", "Division durch null"),
    ("{{ 10.0 ** (empfaenger.zahl | int) }}", "400", "zu groß"),
    ("{% macro f(n) %}{% if n > 5 %}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(empfaenger.zahl | int) }}",
     "6", "Rekursion"),
    ("{{ 'x' * (empfaenger.zahl | int) }}", "1000000000", "Grenze überschritten"),
    ("{{ 7 ** (empfaenger.zahl | int) }}", "100000", "Potenz"),
    ("{{ 'x' | center(empfaenger.zahl | int) }}", "1000000000", "zu groß"),
    ("{{ ('%0' ~ empfaenger.zahl ~ 'd') % 1 }}", "999999999", "Breite"),
])
def test_laufzeitfehler_der_vorlage_sind_zeilenfehler(tmp_path, capsys, koerper, zahl, text):
    v = vorlage(tmp_path / "v", f"Wert: {koerper}\n")
    code, protokoll, _ = erstelle(tmp_path, v, json_liste(tmp_path, [{**GUT, "zahl": zahl}, GUT]))
    assert code == 1, protokoll
    meldung = fehler_von(protokoll)[2]
    assert text in meldung and "Zeile 6" in meldung
    assert protokoll["ok"] == 1
    assert "Traceback" not in capsys.readouterr().err


def test_zeitgrenze_je_brief(tmp_path):
    langsam = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    v = vorlage(tmp_path / "v", "{% if empfaenger.zahl == '0' %}" + langsam + "{% endif %}Text\n")
    code, protokoll, _ = erstelle(tmp_path, v, json_liste(tmp_path, [GUT, {**GUT, "zahl": "0"}]),
                                  "--zeitgrenze", "4")
    assert code == 1
    assert "länger als 4 Sekunden" in fehler_von(protokoll)[3] and protokoll["ok"] == 1


def test_vorlage_die_sich_nicht_uebersetzen_laesst(tmp_path, capsys):
    ordner = tmp_path / "vorlagen"
    vorlage(ordner, "{{ 10 ** 5000 }}\n", name="bombe.md")
    vorlage(ordner, "Text.\n", name="gut.md")
    # before: compiling folded 10 ** 5000 into a number too long to write, and the listing died
    assert main(["vorlagen", "--ordner", str(ordner)]) == 0
    text = capsys.readouterr().out
    assert "bombe.md  (Absender" in text and "gut.md  (Absender" in text
    code, protokoll, _ = erstelle(tmp_path, ordner / "bombe.md", json_liste(tmp_path, [GUT]))
    assert code == 1 and "Potenz wäre zu groß" in fehler_von(protokoll)[2]


@pytest.mark.parametrize("anweisung", ["{% include 'x.md' %}", "{% import 'x.md' as x %}",
                                       "{% from 'x.md' import y %}", "{% extends 'x.md' %}"])
def test_include_und_import_verboten(tmp_path, capsys, anweisung):
    v = vorlage(tmp_path / "v", f"Text\n{anweisung}\n")
    daten = str(json_liste(tmp_path, [GUT]))
    assert main(["erstellen", str(v), daten, "--ausgabe", str(tmp_path / "a")]) == 2
    fehler = capsys.readouterr().err
    assert "Vorlagen können keine anderen Dateien einbinden" in fehler and "Zeile 7" in fehler


def test_json_riesige_zahl_und_tiefe_verschachtelung(tmp_path, capsys):
    v = vorlage(tmp_path / "v", "Text {{ empfaenger.zahl }}.\n")
    tief = "[" * 300 + "1" + "]" * 300
    roh = ('[{"nachname": "Meyer", "vorname": "A", "strasse": "Weg 1", "plz": "58089", "ort": "Hagen", '
           f'"zahl": {"9" * 5000}}}, '
           '{"nachname": "Meyer", "vorname": "B", "strasse": "Weg 1", "plz": "58089", "ort": "Hagen", '
           f'"zahl": {tief}}}, '
           '{"nachname": "Meyer", "vorname": "C", "strasse": "Weg 1", "plz": "58089", "ort": "Hagen", '
           '"zahl": 12}]')
    code, protokoll, ausgabe = erstelle(tmp_path, v, json_liste(tmp_path, roh))
    assert code == 1
    fehler = fehler_von(protokoll)
    assert "5.000 Stellen" in fehler[2] and "zu tief verschachtelt" in fehler[3]
    assert protokoll["ok"] == 1 and "Text 12." in seiten_text(ausgabe / "0003-meyer-c.pdf")[0]
    assert "Traceback" not in capsys.readouterr().err


def test_csv_mit_offenem_anfuehrungszeichen(tmp_path, capsys):
    v = vorlage(tmp_path / "v", "Text.\n")
    daten = tmp_path / "liste.csv"
    daten.write_text("Name;Vorname;Straße;PLZ;Ort\n"
                     "Meyer;Maria;Weg 1;58089;Hagen\n"
                     'Schäfer;"Klaus;Weg 2;58089;Hagen\n'
                     "Groß;Ute;Weg 3;58089;Hagen\n"
                     "Jansen;Alex;Weg 4;58089;Hagen\n", encoding="utf-8")
    code, protokoll, _ = erstelle(tmp_path, v, daten)
    assert code == 1, protokoll  # the quote's row is an error, the other rows are letters
    fehler = fehler_von(protokoll)
    assert list(fehler) == [3] and "Anführungszeichen" in fehler[3] and "in Zeile 3 geöffnet" in fehler[3]
    assert protokoll["ok"] == 3
    assert [e["name"] for e in protokoll["briefe"] if e["status"] == "ok"] == [
        "Maria Meyer", "Ute Groß", "Alex Jansen"]
    assert "Traceback" not in capsys.readouterr().err
    # a value with line breaks in closed quotes is fine
    daten.write_text('Name;Vorname;Straße;PLZ;Ort\nMeyer;Maria;"Weg 1\nHinterhaus\n2. Stock";58089;Hagen\n'
                     "Jansen;Alex;Weg 4;58089;Hagen\n", encoding="utf-8")
    code, protokoll, _ = erstelle(tmp_path / "zwei", v, daten)
    assert code == 0 and protokoll["ok"] == 2


ENGLISCH = ("unsupported", "operand", "has no attribute", "is undefined", "division by zero", "out of range",
            "too large", "must not be zero", "invalid literal", "object", "Error")


@pytest.mark.parametrize(("art", "koerper", "zahl", "teil"), [
    ("typ", "{{ (empfaenger.zahl | int) + none }}", "6", "Mit „+“ (plus) lässt sich nicht rechnen"),
    ("attribut", "{{ empfaenger.zahl.upper().nichtda() }}", "6", "„nichtda“ gibt es bei einem Text nicht"),
    ("undefiniert", "{{ empfaenger.zahl.nichtda.x }}", "6", "Wert fehlt"),
    ("division", "{{ 1 / ((empfaenger.zahl | int) - 6) }}", "6", "Division durch null"),
    ("ueberlauf", "{{ 10.0 ** (empfaenger.zahl | int) }}", "400", "zu groß"),
    ("wert", "{{ range(0, 1, (empfaenger.zahl | int) - 6) | list }}", "6", "Schrittweite 0"),
])
def test_jede_art_von_vorlagenfehler_deutsch_mit_zeile(tmp_path, capsys, art, koerper, zahl, teil):
    """Each kind of Jinja/Python error (type, attribute, undefined, zero division, overflow,
    value): German, with the template line, never Python's English text."""
    v = vorlage(tmp_path / "v", f"Wert: {koerper}\n")
    daten = json_liste(tmp_path, [{**GUT, "zahl": zahl}, {**GUT, "vorname": "B", "zahl": zahl}])
    code = main(["erstellen", str(v), str(daten), "--ausgabe", str(tmp_path / "aus"), "--format", "pdf",
                 "--jobs", "1"])
    ausgabe = capsys.readouterr()
    text = ausgabe.out + ausgabe.err
    assert code in (1, 2), art
    assert teil in text and "v.md, Zeile 6" in text, text
    assert not [w for w in ENGLISCH if w in text], text
    assert "Traceback" not in text


@pytest.mark.parametrize("tiefe", [300, 600, 900])
def test_json_tief_verschachtelt_ist_zeilenfehler(tmp_path, capsys, tiefe):
    v = vorlage(tmp_path / "v", "Text.\n")
    gut = json.dumps(GUT)[1:-1]
    roh = "[{" + gut + ', "zahl": ' + "[" * tiefe + "1" + "]" * tiefe + "}, {" + gut + ', "vorname": "B"}]'
    code, protokoll, _ = erstelle(tmp_path, v, json_liste(tmp_path, roh))
    assert code == 1 and protokoll["ok"] == 1
    assert "„zahl“" in fehler_von(protokoll)[2] and "zu tief verschachtelt" in fehler_von(protokoll)[2]
    assert "Interner Fehler" not in capsys.readouterr().err


def test_ersatzzeichen_im_json_schluessel(tmp_path, capsys):
    v = vorlage(tmp_path / "v", "Text.\n")
    gut = json.dumps(GUT)[1:-1]
    roh = "[{" + gut + ', "k\\ud800": "x"}, {' + gut + ', "vorname": "B"}]'
    code, protokoll, _ = erstelle(tmp_path, v, json_liste(tmp_path, roh))
    assert code == 1 and protokoll["ok"] == 1
    assert "„k\ufffd“ enthält ein ungültiges Zeichen" in fehler_von(protokoll)[2]
    assert "Interner Fehler" not in capsys.readouterr().err
