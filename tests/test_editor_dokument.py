"""The letter editor's document: template body → editor document (``zu_dokument``) → template
body (``aus_dokument``) gives the same letters, keeps what the editor cannot show byte for
byte, and shows no template code outside of "Ausdruck" chips."""

import dataclasses
import json

import pytest

from briefe.fehler import VorlagenFehler
from briefe.modell import Textteil
from briefe.vorlage import editor_felder as felder
from briefe.vorlage.editor_dokument import aus_dokument, zu_dokument
from briefe.vorlage.kopf import teile_vorlage
from briefe.vorlage.vorlage import lade_vorlage, lies_textdatei
from tests.beispiellisten import beispielliste
from tests.conftest import MEYER, VORLAGEN, empfaenger

KOPF = '+++\nbetreff = "Test"\nabsender = "stadt-hagen-lenkungskreis"\n+++\n'
# One recipient for whom every condition below holds, one for whom none does.
ALLE = empfaenger(2, **MEYER, funktion="Schulleitung", gremien="Lenkungskreis, Beirat",
                  telefon="02331 207-2951", mitgliedsnummer="4711")
KEINE = empfaenger(3, anrede="Herr", vorname="Kai", nachname="Kern", strasse="Markt 1",
                   plz="58095", ort="Hagen", funktion="", gremien="Beirat", telefon="",
                  mitgliedsnummer="4712")
CHIPS = ("ausdruck", "ausdruckBlock")


def _koerper(pfad):
    """(text before the body, body) split by the project's template parser."""
    text = lies_textdatei(pfad)
    _, koerper, zeile = teile_vorlage(text, pfad.name)
    koerper = koerper[zeile - 1:]  # the parser blanks the front matter to keep line numbers
    assert text.endswith(koerper)
    return text[: len(text) - len(koerper)], koerper


def sichtbar(knoten) -> str:
    """The text the editor shows: text, chip labels, condition labels; no Ausdruck chips."""
    if isinstance(knoten, list):
        return "".join(sichtbar(k) for k in knoten)
    art, attrs = knoten.get("type"), knoten.get("attrs") or {}
    if art == "text":
        return knoten["text"]
    if art == "feld":
        return f"«{attrs['label']}»"
    if art == "hardBreak":
        return "\n"
    if art in CHIPS:
        return ""
    if art == "bedingungInline":
        sonst = attrs.get("sonst")
        return (f"[nur wenn «{felder.beschriftung(attrs['spalte'])}»: {sichtbar(attrs['dann'])}"
                + (f" | sonst: {sichtbar(sonst)}" if sonst is not None else "") + "]")
    if art == "bedingung":
        return f"nur wenn «{felder.beschriftung(attrs['spalte'])}»\n" + sichtbar(
            knoten.get("content") or [])
    return sichtbar(knoten.get("content") or []) + "\n"


def _knoten(dokument, art: str) -> list[dict]:
    """All nodes of one type, also inside inline conditions."""
    gefunden = []

    def besuche(knoten):
        if knoten.get("type") == art:
            gefunden.append(knoten)
        for kind in knoten.get("content") or []:
            besuche(kind)
        for teil in ("dann", "sonst"):
            for kind in (knoten.get("attrs") or {}).get(teil) or []:
                besuche(kind)

    besuche(dokument)
    return gefunden


def rund(koerper: str) -> tuple[dict, str]:
    """Body → document → body; the second trip changes nothing, the editor shows no code."""
    dokument = zu_dokument(koerper)
    json.dumps(dokument)  # what the browser gets is plain JSON
    zweiter = aus_dokument(dokument)
    assert aus_dokument(zu_dokument(zweiter)) == zweiter
    text = sichtbar(dokument)
    for code in ("{{", "{%", "**"):
        assert code not in text, (code, text)
    for chip in _knoten(dokument, "ausdruck") + _knoten(dokument, "ausdruckBlock"):
        assert chip["attrs"]["quelltext"] in koerper  # kept byte for byte
    return dokument, zweiter


def _briefe(koerper: str, liste=(ALLE, KEINE)):
    vorlage = lade_vorlage(VORLAGEN / "test.md", VORLAGEN, quelltext=KOPF + koerper)
    return [vorlage.erzeuge(e) for e in liste]


def _texte(wert) -> list[str]:
    """The printed text pieces of a letter's body."""
    if isinstance(wert, Textteil):
        return [wert.text]
    if isinstance(wert, tuple | list):
        return [t for w in wert for t in _texte(w)]
    if dataclasses.is_dataclass(wert):
        return [t for f in dataclasses.fields(wert) for t in _texte(getattr(wert, f.name))]
    return []


def _gleiche_briefe(koerper: str) -> str:
    """Round trip of a body whose letters must stay the same; the new body."""
    _, zweiter = rund(koerper)
    assert _briefe(zweiter) == _briefe(koerper)
    return zweiter


# ---------------------------------------------------------------- every template in vorlagen/


@pytest.mark.parametrize("pfad", sorted(VORLAGEN.glob("*.md")), ids=lambda p: p.stem)
def test_vorlage_nach_editor_und_zurueck_gibt_dieselben_briefe(pfad, tmp_path):
    davor, koerper = _koerper(pfad)
    dokument, zweiter = rund(koerper)
    assert dokument["content"]
    liste = beispielliste(pfad, tmp_path)
    original = lade_vorlage(pfad, VORLAGEN)
    zurueck = lade_vorlage(pfad, VORLAGEN, quelltext=davor + zweiter)
    assert len(liste.empfaenger) >= 3
    for person in liste.empfaenger:
        assert zurueck.erzeuge(person) == original.erzeuge(person), f"Zeile {person.zeile}"


def test_vorlagen_zeigen_ihre_felder_und_bedingungen():
    """The templates open as fields and conditions, not as code in Ausdruck chips."""
    _, koerper = _koerper(VORLAGEN / "bildungskonferenz-einladung.md")
    dokument = zu_dokument(koerper)
    namen = {k["attrs"]["name"] for k in _knoten(dokument, "feld")}
    assert {"werte.konferenz", "empfaenger.handlungsfeld", "werte.anmeldeschluss"} <= namen
    assert [b["attrs"]["spalte"] for b in _knoten(dokument, "bedingung")] == [
        "empfaenger.handlungsfeld"]
    assert _knoten(dokument, "table")[0]["content"][0]["content"][0]["type"] == "tableHeader"
    _, koerper = _koerper(VORLAGEN / "beitragsbescheid-datenbank.md")
    dokument = zu_dokument(koerper)
    inline = _knoten(dokument, "bedingungInline")
    assert [b["attrs"]["dann"][0]["text"] for b in inline] == [" (Mitglied seit "]


# ---------------------------------------------------------------- formatting and fields


def test_fett_und_kursiv_um_ein_feld():
    koerper = ("Sehr **{{ empfaenger.nachname }}** und *kursiv {{ empfaenger.ort }}*, "
               "***{{ anrede }}*** und **fett *beides* fett**.\n")
    dokument, zweiter = rund(koerper)
    assert zweiter == ("Sehr {% if empfaenger.nachname %}**{{ empfaenger.nachname }}**{% endif %} "
                       "und *kursiv {{ empfaenger.ort }}*, {% if anrede %}***{{ anrede }}***"
                       "{% endif %} und **fett *beides* fett**.\n")  # a field alone: guarded
    assert zu_dokument(zweiter) == dokument
    assert _briefe(zweiter) == _briefe(koerper)
    marken = [sorted(m["type"] for m in f.get("marks", [])) for f in _knoten(dokument, "feld")]
    assert marken == [["bold"], ["italic"], ["bold", "italic"]]
    teile = [t for t in _briefe(koerper)[0].inhalt[0].teile if t.text.strip()]
    assert ("Meyer", True, False) in [(t.text, t.fett, t.kursiv) for t in teile]


def test_leeres_feld_in_fett_gibt_keine_sterne():
    """A bold or italic field whose value is empty leaves no "****" in the letter."""
    titel = {"type": "feld", "attrs": felder.feld_attrs("empfaenger.titel")}
    dokument = _absatz(_t("Liebe "), {**titel, "marks": [{"type": "bold"}]}, _t(" und "),
                       {**titel, "marks": [{"type": "italic"}, {"type": "bold"}]}, _t("."))
    koerper = aus_dokument(dokument)
    assert zu_dokument(koerper) == dokument
    mit, ohne = _briefe(koerper)
    assert "".join(_texte(ohne.inhalt)) == "Liebe  und ."
    assert [(t.text, t.fett, t.kursiv) for t in mit.inhalt[0].teile] == [
        ("Liebe ", False, False), ("Dr.", True, False), (" und ", False, False),
        ("Dr.", True, True), (".", False, False)]


@pytest.mark.parametrize("format_", sorted(felder.FORMATE))
def test_feld_mit_format(format_):
    koerper = f"Wert: {{{{ empfaenger.wert | {format_} }}}}\n"
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    (feld,) = _knoten(dokument, "feld")
    assert feld["attrs"] == {"ausdruck": f"empfaenger.wert | {format_}",
                             "name": "empfaenger.wert", "format": format_, "label": "Wert"}


def test_feld_mit_format_gibt_dieselben_briefe():
    _gleiche_briefe("Am {{ datum | datum_lang }} an {{ empfaenger.telefon | telefon }}.\n")


def test_beschriftung_aus_der_liste():
    dokument = zu_dokument("{{ empfaenger.organisation }} {{ werte.beitrag | betrag }}\n",
                           felder.beschriftungen_aus(["Einrichtung"]))
    assert [f["attrs"]["label"] for f in _knoten(dokument, "feld")] == ["Einrichtung", "Beitrag"]


def _t(text: str, *marken: str) -> dict:
    knoten = {"type": "text", "text": text}
    if marken:
        knoten["marks"] = [{"type": m} for m in marken]
    return knoten


_NACHNAME = {"type": "feld", "attrs": felder.feld_attrs("empfaenger.nachname")}
# (inline nodes, the printed runs (text, bold, italic) without whitespace-only runs)
MARKEN = {
    "überlappend": ([_t("fett ", "bold"), _t("beides", "bold", "italic"), _t(" kursiv", "italic")],
                    [("fett ", True, False), ("beides", True, True), ("kursiv", False, True)]),
    "überlappend ohne Leerzeichen": (
        [_t("fett", "bold"), _t("beides", "bold", "italic"), _t("kursiv", "italic")],
        [("fett", True, False), ("beides", True, True), ("kursiv", False, True)]),
    "fett, kursiv, fett": ([_t("a", "bold"), _t("b", "italic"), _t("c", "bold")],
                           [("a", True, False), ("b", False, True), ("c", True, False)]),
    "fett um ein Feld": ([_t("Frau "), _t("Dr. ", "bold"), {**_NACHNAME, "marks": [{"type": "bold"}]},
                          _t(":", "bold"), _t(" Text")],
                         [("Frau ", False, False), ("Dr. Meyer:", True, False), (" Text", False, False)]),
    "fett endet mit Leerzeichen": ([_t("fett ", "bold"), _t("normal")],
                                   [("fett", True, False), (" normal", False, False)]),
    "fett auf leerem Text": ([_t("a"), _t("", "bold"), _t(" ", "bold"), _t("b")],
                             [("a b", False, False)]),
    "Klammern fett im Wort": ([_t("a"), _t("(fett)", "bold"), _t("b")],
                              [("a", False, False), ("(fett)", True, False), ("b", False, False)]),
    "Punkt am Ende, Wort danach": ([_t("x"), _t("a.", "bold"), _t("b")],
                                   [("x", False, False), ("a.", True, False), ("b", False, False)]),
    "fett und kursiv um Satzzeichen": (
        [_t("{{", "bold", "italic"), _t("ß", "bold"), _t("a")],
        [("{{", True, True), ("ß", True, False), ("a", False, False)]),
}


@pytest.mark.parametrize("inhalt,gedruckt", MARKEN.values(), ids=MARKEN.keys())
def test_fett_und_kursiv_drucken_genau_so(inhalt, gedruckt):
    """The letter shows the document's bold and italic exactly, never a literal "*"."""
    koerper = aus_dokument({"type": "doc", "content": [{"type": "paragraph", "content": inhalt}]})
    assert aus_dokument(zu_dokument(koerper)) == koerper
    (brief, _) = _briefe(koerper)
    teile = [(t.text, t.fett, t.kursiv) for t in brief.inhalt[0].teile if t.text.strip()]
    assert teile == gedruckt, koerper
    assert "*" not in "".join(_texte(brief.inhalt))


# ---------------------------------------------------------------- conditions


@pytest.mark.parametrize("art", felder.ARTEN)
@pytest.mark.parametrize("sonst", [False, True], ids=["ohne_sonst", "mit_sonst"])
@pytest.mark.parametrize("inline", [False, True], ids=["block", "inline"])
def test_bedingung(art, sonst, inline):
    wert = {"enthaelt": "Lenkungskreis", "gleich": "Schulleitung",
            "ungleich": "Schulleitung"}.get(art)
    spalte = "empfaenger.gremien" if art == "enthaelt" else "empfaenger.funktion"
    test = felder.bedingung_quelle({"spalte": spalte, "art": art, "wert": wert})
    if inline:
        koerper = ("Wir grüßen Sie{% if " + test + " %} herzlich"
                   + ("{% else %} freundlich" if sonst else "") + "{% endif %}.\n")
    else:
        koerper = ("Vorher.\n\n{% if " + test + " %}\nDann **fett**.\n"
                   + ("{% else %}\nSonst.\n" if sonst else "") + "{% endif %}\n\nNachher.\n")
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    knoten = _knoten(dokument, "bedingungInline" if inline else "bedingung")
    assert len(knoten) == 1
    attrs = knoten[0]["attrs"]
    assert (attrs["spalte"], attrs["art"], attrs["wert"]) == (spalte, art, wert)
    if inline:
        assert attrs["dann"] == [{"type": "text", "text": " herzlich"}]
        assert attrs["sonst"] == ([{"type": "text", "text": " freundlich"}] if sonst else None)
    else:
        teile = [k["type"] for k in knoten[0]["content"]]
        assert teile == ["bedingungDann", "bedingungSonst"] if sonst else ["bedingungDann"]
    briefe = _briefe(zweiter)
    assert briefe == _briefe(koerper)
    texte = [" ".join(_texte(b.inhalt)) for b in briefe]
    ja = "herzlich" if inline else "Dann"
    assert (ja in texte[0]) != (ja in texte[1])  # one recipient each way


# ---------------------------------------------------------------- tables, lists, lines


def test_tabelle_mit_kopfzeile_und_feld_in_zelle():
    koerper = ("| Zeit | Ort |\n| --- | ---: |\n| {{ \"9:30\" | uhrzeit }} | {{ empfaenger.ort }} |\n"
               "| 12:00 | a \\| b |\n")
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    (tabelle,) = _knoten(dokument, "table")
    kopf, erste, zweite = tabelle["content"]
    assert [c["type"] for c in kopf["content"]] == ["tableHeader", "tableHeader"]
    assert [c["type"] for c in erste["content"]] == ["tableCell", "tableCell"]
    assert erste["content"][1]["content"][0]["content"][0]["attrs"]["name"] == "empfaenger.ort"
    assert zweite["content"][1]["content"][0]["content"] == [{"type": "text", "text": "a | b"}]
    assert tabelle["attrs"] == {"ausrichtung": ["left", "right"]}
    (brief, _) = _briefe(koerper)
    assert brief.inhalt[0].zeilen[1][1][0].text == "a | b"


def test_tabelle_ohne_kopfzeile():
    koerper = "|  |  |\n| --- | --- |\n| eins | {{ empfaenger.ort }} |\n"
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    assert {c["type"] for r in _knoten(dokument, "tableRow") for c in r["content"]} == {
        "tableCell"}


def test_nummerierte_liste_mit_startwert_und_aufzaehlung():
    koerper = "3. drei {{ empfaenger.ort }}\n4. vier\n\n- Punkt\n- **fett**\n"
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    (nummeriert,) = _knoten(dokument, "orderedList")
    assert nummeriert["attrs"] == {"start": 3} and len(nummeriert["content"]) == 2
    assert len(_knoten(dokument, "bulletList")[0]["content"]) == 2
    liste = _briefe(koerper)[0].inhalt[0]
    assert liste.nummeriert and liste.start == 3


def test_zeilenumbrueche_und_ueberschriften():
    koerper = "# Titel\n\n## Für {{ empfaenger.nachname }}\n\nZeile eins\\\nZeile zwei\n"
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    assert [h["attrs"]["level"] for h in _knoten(dokument, "heading")] == [1, 2]
    assert len(_knoten(dokument, "hardBreak")) == 1
    assert _gleiche_briefe("Zeile eins  \nZeile zwei\n") == "Zeile eins\\\nZeile zwei\n"


# ---------------------------------------------------------------- typed text stays text


GETIPPT = ["5 * 3 = 15 und *kein* _Kursiv_", "# kein Titel", "- kein Punkt", "1. keine Liste",
           "> kein Zitat", "{{ Name }} bleibt Text", "{% if x %} auch",
           "100 % und { und } und {# kein Kommentar #}", "a \\ b & c &amp; <b>x</b> `y`",
           "[kein](link) und ** und __", "Ende mit #", "Ende \\", "| a | b |", "=====", "+ x",
           "2) auch nicht", "<b>fett</b> {{ und }} {%- x -%} {#"]


@pytest.mark.parametrize("text", GETIPPT)
def test_getippte_sonderzeichen_bleiben_text(text):
    """Editor → template → editor gives the same document; the letter prints the text."""
    dokument = {"type": "doc", "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]},
        {"type": "table", "content": [{"type": "tableRow", "content": [
            {"type": "tableCell", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": text + " | Spalte"}]}]}]}]}]}
    koerper = aus_dokument(dokument)
    assert zu_dokument(koerper) == dokument
    (brief, _) = _briefe(koerper)
    assert "".join(_texte(brief.inhalt[0])) == text
    assert "".join(_texte(brief.inhalt[1])) == text + " | Spalte"


@pytest.mark.parametrize("inhalt,text", [
    ([_t("{{"), _t("#")], "{{#"),
    ([_t("Preis {"), _NACHNAME, _t("}")], "Preis {Meyer}"),
    ([_t("{", "bold"), _t("%", "italic")], "{%"),
], ids=["zwei Texte", "Klammer vor Feld", "fett und kursiv"])
def test_getippte_klammern_neben_anderem_bleiben_text(inhalt, text):
    """Text split over nodes or next to a field gives no Jinja tag."""
    koerper = aus_dokument(_absatz(*inhalt))
    (brief, _) = _briefe(koerper)
    assert "".join(_texte(brief.inhalt[0])) == text


def test_ueberschrift_mit_zeilenumbruch_und_raute_am_ende():
    dokument = {"type": "doc", "content": [{"type": "heading", "attrs": {"level": 2}, "content": [
        _t("Titel #"), {"type": "hardBreak"}, _t("zwei")]}]}
    koerper = aus_dokument(dokument)
    (brief, _) = _briefe(koerper)
    assert len(brief.inhalt) == 1
    assert "".join(_texte(brief.inhalt[0])) == "Titel # zwei"


def test_editor_dokument_kommt_unveraendert_zurueck():
    """What the editor can express survives editor → template → editor."""
    feld = {"type": "feld", "attrs": felder.feld_attrs("empfaenger.telefon", "telefon")}
    dokument = {"type": "doc", "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Titel"}]},
        {"type": "paragraph", "content": [
            {"type": "text", "text": "Hallo "}, {**feld, "marks": [{"type": "bold"}]},
            {"type": "hardBreak"}, {"type": "text", "text": "kursiv", "marks": [{"type": "italic"}]},
            {"type": "bedingungInline", "attrs": {
                "spalte": "empfaenger.gremien", "art": "enthaelt", "wert": "Rat „A“ \"B\"",
                "dann": [{"type": "text", "text": " ja "}, feld], "sonst": None}}]},
        {"type": "bedingung", "attrs": {"spalte": "empfaenger.funktion", "art": "ungleich",
                                        "wert": "x"},
         "content": [{"type": "bedingungDann", "content": [
             {"type": "bulletList", "content": [{"type": "listItem", "content": [
                 {"type": "paragraph", "content": [{"type": "text", "text": "eins"}]}]}]}]},
             {"type": "bedingungSonst", "content": [
                 {"type": "paragraph", "content": [{"type": "text", "text": "sonst"}]}]}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "Ende."}]}]}
    koerper = aus_dokument(dokument)
    assert zu_dokument(koerper) == dokument
    assert len(_briefe(koerper)) == 2


# ---------------------------------------------------------------- what the editor cannot show


UNVERAENDERT = [
    '{% for gremium in empfaenger.gremien.split(",") %}\n- {{ gremium | trim }}\n{% endfor %}\n',
    "{% set gruss = \"Hallo\" %}\n{{ gruss }} {{ empfaenger.vorname ~ \" \" ~ "
    "empfaenger.nachname }}.\n",
    'Text {{ empfaenger.vorname ~ " " ~ empfaenger.nachname }} und mehr.\n',
    'Vorher.\n\n{{ baustein("datenschutz") }}\n\nNachher.\n',
    "{%- if empfaenger.funktion -%}\nA\n{%- endif %}\n\nB\n",
    "Wir grüßen Sie{% if empfaenger.funktion +%} herzlich{%- endif %}.\n",
    "{% if empfaenger.funktion %}\nA\n{% elif empfaenger.gremien %}\nB\n{% endif %}\n",
    "Text {# ein Kommentar #} und {{ empfaenger.ort | upper }}.\n",
]


@pytest.mark.parametrize("koerper", UNVERAENDERT)
def test_ausdruck_chips_bleiben_unveraendert(koerper):
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    assert _knoten(dokument, "ausdruck") + _knoten(dokument, "ausdruckBlock")
    assert _briefe(zweiter) == _briefe(koerper)


def test_eigener_ausdruck_ist_chip_im_absatz():
    koerper = 'Text {{ empfaenger.vorname ~ " " ~ empfaenger.nachname }} und mehr.\n'
    (absatz,) = zu_dokument(koerper)["content"]
    assert absatz["type"] == "paragraph"
    assert absatz["content"][1] == {"type": "ausdruck", "attrs": {
        "quelltext": '{{ empfaenger.vorname ~ " " ~ empfaenger.nachname }}'}}
    (block,) = zu_dokument('{{ baustein("datenschutz") }}\n')["content"]
    assert block == {"type": "ausdruckBlock",
                     "attrs": {"quelltext": '{{ baustein("datenschutz") }}'}}


# ---------------------------------------------------------------- broken documents


def _absatz(*inhalt):
    return {"type": "doc", "content": [{"type": "paragraph", "content": list(inhalt)}]}


KAPUTT = {
    "kein doc": ({"type": "absatz"}, "ungültig"),
    "unbekannter Block": ({"type": "doc", "content": [{"type": "bild"}]}, "unbekannten Block"),
    "unbekanntes Element": (_absatz({"type": "emoji"}), "unbekanntes Element"),
    "Feldname": (_absatz({"type": "feld", "attrs": {"name": "empfaenger.x }}{{ 7*7"}}),
                 "ungültig"),
    "Feld ohne Namen": (_absatz({"type": "feld", "attrs": {}}), "ungültig"),
    "Format": (_absatz({"type": "feld", "attrs": {"name": "anrede", "format": "x | y"}}),
               "Format"),
    "Bedingungsart": ({"type": "doc", "content": [{"type": "bedingung", "attrs": {
        "spalte": "empfaenger.ort", "art": "groesser"}, "content": []}]}, "Art"),
    "Bedingungsspalte": (_absatz({"type": "bedingungInline", "attrs": {
        "spalte": "self.__class__", "art": "gefuellt", "dann": []}}), "ungültig"),
    "Form": ({"type": "doc", "content": [{"type": "paragraph", "content": ["Text"]}]},
             "ungültig"),
    "unbekanntes Format": (_absatz({"type": "feld", "attrs": {"name": "anrede", "format": "xyz"}}),
                           "Format „xyz“ eines Feldes ist unbekannt"),
    "Format als Zahl": (_absatz({"type": "feld", "attrs": {"name": "anrede", "format": 3}}),
                        "Format „3“"),
    "unbekannte Auszeichnung": (_absatz({"type": "text", "text": "a", "marks": [{"type": "link"}]}),
                                "Auszeichnung „link“ ist unbekannt"),
    "Text als Zahl": (_absatz({"type": "text", "text": 5}), "„text“ muss ein Text sein"),
    "Wert als Zahl": ({"type": "doc", "content": [{"type": "bedingung", "attrs": {
        "spalte": "empfaenger.ort", "art": "gleich", "wert": 5}}]}, "Wert einer Bedingung"),
    "attrs als Liste": (_absatz({"type": "feld", "attrs": ["anrede"]}), "„attrs“ muss ein JSON"),
    "content als Objekt": ({"type": "doc", "content": [{"type": "paragraph", "content": {}}]},
                           "„content“ muss eine Liste sein"),
    "Stufe": ({"type": "doc", "content": [{"type": "heading", "attrs": {"level": "x"}}]},
              "Stufe einer Überschrift"),
    "Listenanfang": ({"type": "doc", "content": [{"type": "orderedList",
                                                  "attrs": {"start": 1e400}}]}, "Anfang"),
    "Block in Zeile": (_absatz({"type": "paragraph"}), "darf nicht in einer Textzeile"),
    "Zeile in Liste": ({"type": "doc", "content": [{"type": "bulletList", "content": [
        {"type": "paragraph"}]}]}, "darf hier nicht stehen"),
}


@pytest.mark.parametrize("dokument,stelle", KAPUTT.values(), ids=KAPUTT.keys())
def test_kaputtes_dokument_gibt_deutsche_meldung(dokument, stelle):
    """A German message naming the place; the property test tries random documents."""
    with pytest.raises(VorlagenFehler) as fehler:
        aus_dokument(dokument)
    meldung = str(fehler.value)
    assert stelle in meldung
    assert meldung.startswith("Editor-Dokument"), meldung  # the place: "… › Block 1 › Element 1"


def test_jedes_format_des_editors_ist_ein_filter():
    """A format the page offers is a filter of the letters (``iban`` once was not)."""
    koerper = "".join(f"{{{{ empfaenger.wert | {f} }}}}\n" for f in felder.FORMATE)
    lade_vorlage(VORLAGEN / "test.md", VORLAGEN, quelltext=KOPF + koerper)  # no unknown filter


def test_meldung_nennt_die_stelle():
    dokument = {"type": "doc", "content": [{"type": "paragraph"}, {"type": "bulletList", "content": [
        {"type": "listItem", "content": [{"type": "paragraph", "content": [
            {"type": "text", "text": "a"}, {"type": "feld", "attrs": {"name": "x"}}]}]}]}]}
    with pytest.raises(VorlagenFehler) as fehler:
        aus_dokument(dokument)
    assert fehler.value.ort == "Editor-Dokument › Block 2 › Punkt 1 › Block 1 › Element 2"


@pytest.mark.parametrize("inline", [False, True], ids=["block", "inline"])
def test_tief_verschachtelte_bedingungen_oeffnen_und_bleiben(inline):
    """Conditions nested deeper than the editor shows stay Ausdruck chips; saving the
    document gives the template back unchanged."""
    if inline:
        koerper = ("Text" + "{% if empfaenger.funktion %} ja" * 30 + "{% endif %}" * 30 + ".\n")
    else:
        koerper = ("{% if empfaenger.funktion %}\n" * 30 + "Tief.\n" + "{% endif %}\n" * 30)
    dokument, zweiter = rund(koerper)
    assert zweiter == koerper
    assert _knoten(dokument, "bedingungInline" if inline else "bedingung")
    assert _knoten(dokument, "ausdruck" if inline else "ausdruckBlock")
    assert _briefe(zweiter) == _briefe(koerper)
