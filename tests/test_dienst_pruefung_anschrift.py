"""The page's check over real HTTP: shortened address lines are shown, an empty selection is
a yellow warning box, not a green one."""

from __future__ import annotations

import pytest

from tests.test_dienst_api import BENUTZER, PASSWORT, VORLAGE, Dienst, _csrf
from tests.test_pruefen_meldungen import KOPF, ZEILEN

LISTE = (KOPF + "\n".join(ZEILEN[:2]) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def sitzung(tmp_path_factory):
    dienst = Dienst(tmp_path_factory.mktemp("dienst"), arbeiter=1).starte()
    try:
        with dienst.client(token=None) as c:
            c.post("/anmelden", data={"benutzer": BENUTZER, "passwort": PASSWORT,
                                      "csrf": _csrf(c.get("/anmelden").text)})
            yield c
    finally:
        dienst.stoppe()


def _pruefe(c, filter_: str = "") -> str:
    antwort = c.post("/pruefen", data={"vorlage": VORLAGE, "filter": filter_,
                                       "csrf": _csrf(c.get("/").text)},
                     files={"datei": ("liste.csv", LISTE)})
    assert antwort.status_code == 303
    return c.get(antwort.headers["location"]).text


def test_kuerzung_steht_im_pruefergebnis(sitzung):
    seite = _pruefe(sitzung)
    assert 'class="meldung ok"' in seite
    assert ("Zeile 3 (Eva Roth): Anschrift zu lang: Zeile „Geschäftsführerin“ (Funktion) "
            "entfernt.") in seite


def test_filter_ohne_treffer_ist_gelb(sitzung):
    seite = _pruefe(sitzung, "ort=Paris")
    assert 'class="meldung ok"' not in seite
    assert '<p class="meldung warnung" role="status"><strong>2 Zeilen gelesen, kein Empfänger ' \
           "ausgewählt.</strong>" in seite
