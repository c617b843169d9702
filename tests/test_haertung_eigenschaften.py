"""Property-based: any member row yields a letter whose PDF shows each field literally, or a
German row error; any template fragment yields letters, row errors or a German template error.
Never a traceback, never a run without protocol."""

import json
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefe.fehler import BriefeFehler
from briefe.lauf.lauf import fuehre_aus
from briefe.lauf.optionen import Laufoptionen
from tests.conftest import WURZEL
from tests.pdfhilfe import seiten_text

KOPF = '+++\nbetreff = "Test"\nabsender = "stadt-hagen-lenkungskreis"\ndatum = 2011-08-25\n+++\n'
ENGLISCH = re.compile(r"\b(the|is|not|of|has|cannot|error|invalid|unexpected)\b", re.IGNORECASE)
# Letters, digits and everything Markdown, HTML or Jinja could read as markup.
ZEICHEN = st.characters(codec="latin-1", categories=("L", "N", "P", "S", "Zs"),
                        exclude_characters="\x00\xad")
WERT = st.text(ZEICHEN, min_size=0, max_size=25)
PFLICHT = st.text(ZEICHEN, min_size=1, max_size=25)
ZEILE = st.fixed_dictionaries({
    "vorname": WERT, "nachname": PFLICHT, "strasse": PFLICHT, "ort": PFLICHT, "notiz": WERT,
    "plz": st.one_of(st.from_regex(r"[0-9]{5}", fullmatch=True),
                     st.from_regex(r"[0-9]{0,6}", fullmatch=True)),
})
GEPRUEFT: list[str] = []  # statuses seen, so the property cannot pass on errors alone
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _ordner() -> Path:
    ordner = Path(tempfile.mkdtemp(prefix="briefe-eigenschaft-"))
    (ordner / "absender").symlink_to(WURZEL / "vorlagen" / "absender")
    return ordner


def _vergleichbar(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def _deutsch(meldung: str) -> None:
    assert meldung and "Traceback" not in meldung and not ENGLISCH.search(meldung), meldung


def _lauf(ordner: Path, koerper: str, zeilen: list[dict]):
    (ordner / "v.md").write_text(KOPF + koerper, encoding="utf-8")
    (ordner / "liste.json").write_text(json.dumps(zeilen, ensure_ascii=False), encoding="utf-8")
    ausgabe = ordner / "aus"
    protokoll = fuehre_aus(Laufoptionen(vorlage=ordner / "v.md", daten=ordner / "liste.json", ausgabe=ausgabe,
                                        formate=("pdf",), jobs=1, zeitgrenze=20))
    gespeichert = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert gespeichert["ausgewaehlt"] == len(gespeichert["briefe"]) == protokoll.ausgewaehlt
    return protokoll, ausgabe


@pytest.fixture(scope="module")
def ordner():
    return _ordner()


@SETTINGS
@given(st.lists(ZEILE, min_size=1, max_size=3))
def test_jede_zeile_wird_brief_oder_zeilenfehler(ordner, zeilen):
    protokoll, ausgabe = _lauf(ordner, "Notiz: {{ empfaenger.notiz }}\n", zeilen)
    nach_zeile = {e.zeile: e for e in protokoll.briefe}
    for index, zeile in enumerate(zeilen):
        eintrag = nach_zeile.get(index + 2)
        if eintrag is None:  # an empty row is skipped, as in a spreadsheet
            assert not any(v.strip() for v in zeile.values())
            continue
        GEPRUEFT.append(eintrag.status)
        if eintrag.status == "fehler":
            _deutsch(eintrag.fehler)
            continue
        text = _vergleichbar("".join(seiten_text(ausgabe / eintrag.dateien[0])))
        for spalte, wert in zeile.items():
            assert _vergleichbar(" ".join(wert.split())) in text, (spalte, wert)


def test_die_eigenschaft_hat_briefe_gesehen():
    """Runs after the property: some generated rows must have become letters."""
    assert GEPRUEFT.count("ok") >= 3, GEPRUEFT


STUECKE = st.sampled_from([
    "Text ", "**fett** ", "{{ empfaenger.notiz }}", "{{ empfaenger.notiz | upper }}", "{{ 1 / 0 }}",
    "{{ 10 ** 5000 }}", "{{ 'x' * 10 ** 9 }}", "{{ 2 ** 100 }}", "{% for i in range(3) %}{{ i }}{% endfor %}",
    "{% include 'a.md' %}", "{% import 'a.md' as a %}", "{{ empfaenger.gibtsnicht }}", "{{ gibtsnicht }}",
    "{{ (empfaenger.notiz | length) ** 3 }}", "{{ empfaenger.__class__ }}", "{%", "}}",
    "{{ '%09999999d' % 1 }}",
    "{{ 'x' | center(10 ** 8) }}", "{{ range(10 ** 6) | list }}", "\n\n- Punkt\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "<b>html</b>", "{{ empfaenger.notiz * 3 }}",
])


@SETTINGS
@given(st.lists(STUECKE, min_size=1, max_size=4), ZEILE)
def test_jedes_vorlagenstueck_wird_brief_zeilenfehler_oder_vorlagenfehler(ordner, stuecke, zeile):
    koerper = "".join(stuecke) + "\n"
    try:
        protokoll, _ = _lauf(ordner, koerper, [zeile])
    except BriefeFehler as fehler:  # the template cannot be used at all: a German start error
        _deutsch(fehler.meldung)
        return
    for eintrag in protokoll.briefe:
        if eintrag.status == "fehler":
            _deutsch(eintrag.fehler)
