"""A sender per clerk: two users start the same template in the real service, each letter's
info block shows its user's name and phone; ``--sachbearbeitung`` does the same on the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile

import pdfplumber
import pytest

from briefe.dienst.zugang.sicherheit import passwort_hash
from tests.test_dienst_api import PASSWORT, WURZEL, Dienst, _csrf, warte_bis

BEITRAEGE = WURZEL / "daten" / "beitraege.csv"
MM = 72 / 25.4
INFOBLOCK_LINKS = 125  # mm


def infoblock(pdf) -> str:
    """The text right of x = 125 mm above the subject of page 1."""
    seite = pdf.pages[0]
    return seite.crop((INFOBLOCK_LINKS * MM - 2, 40 * MM, seite.width, 95 * MM)).extract_text()


class ZweiSachbearbeitungen(Dienst):
    def __init__(self, ordner) -> None:
        super().__init__(ordner)
        hash_ = passwort_hash(PASSWORT)
        zeilen = ["[dienst]", f'daten = "{self.daten}"', f'vorlagen = "{WURZEL / "vorlagen"}"',
                  "[[benutzer]]", 'name = "becker"', f'passwort = "{hash_}"',
                  'absender = { name = "Herr Becker", zimmer = "2.08", telefon = "02331/207-2951", '
                  'email = "jochen.becker@stadt-hagen.de" }',
                  "[[benutzer]]", 'name = "yilmaz"', f'passwort = "{hash_}"',
                  'absender = { name = "Frau Yılmaz", telefon = "02331 207-3456" }']
        self.konfiguration.write_text("\n".join(zeilen) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def dienst(tmp_path_factory):
    d = ZweiSachbearbeitungen(tmp_path_factory.mktemp("sachbearbeitung")).starte()
    yield d
    d.stoppe()


@contextlib.contextmanager
def _anmelden(dienst, name: str):
    with dienst.client(token=None) as c:
        antwort = c.post("/anmelden", data={"benutzer": name, "passwort": PASSWORT,
                                             "csrf": _csrf(c.get("/anmelden").text)})
        assert antwort.status_code == 303
        yield c


def _lauf(c) -> tuple[dict, list[bytes]]:
    csrf = _csrf(c.get("/").text)
    entwurf = c.post("/pruefen", data={"vorlage": "beitragsbescheid", "csrf": csrf},
                     files={"datei": (BEITRAEGE.name, BEITRAEGE.read_bytes())})
    assert entwurf.status_code == 303, entwurf.text
    lauf_id = entwurf.headers["location"].rsplit("/", 1)[1]
    gestartet = c.post(f"/laeufe/{lauf_id}/starten", data={"formate": ["pdf"], "csrf": csrf})
    assert gestartet.status_code == 303

    def fertig():
        stand = c.get(f"/api/laeufe/{lauf_id}").json()
        return stand if stand["status"] not in ("wartet", "laeuft") else None

    assert warte_bis(fertig, was="Ende des Laufs")["status"] == "fertig"
    protokoll = c.get(f"/api/laeufe/{lauf_id}/protokoll.json").json()
    with zipfile.ZipFile(io.BytesIO(c.get(f"/api/laeufe/{lauf_id}/ergebnis").content)) as z:
        briefe = [z.read(n) for n in sorted(z.namelist()) if n.endswith(".pdf") and n[0].isdigit()]
    return protokoll, briefe


def test_zwei_sachbearbeitungen_eine_vorlage(dienst):
    erwartet = {
        "becker": ("Herr Becker, Zi.-Nr. 2.08", "02331 207-2951", "jochen.becker@stadt-hagen.de"),
        "yilmaz": ("Frau Yılmaz, Zi.-Nr. 1.15", "02331 207-9999", "ayse.yilmaz@stadt-hagen.de"),
    }
    with _anmelden(dienst, "yilmaz") as c:
        seite = c.get("/absenderangaben")
        assert "Meine Absenderangaben" in seite.text and 'value="Frau Yılmaz"' in seite.text
        falsch = c.post("/absenderangaben", data={"name": "Frau Yılmaz", "telefon": "keine",
                                                  "csrf": _csrf(seite.text)})
        assert falsch.status_code == 422 and "keine Telefonnummer" in falsch.text
        gespeichert = c.post("/absenderangaben", data={
            "name": "Frau Yılmaz", "zimmer": "1.15", "telefon": "02331/207-9999",
            "email": "ayse.yilmaz@stadt-hagen.de", "csrf": _csrf(seite.text)})
        assert gespeichert.status_code == 303
    for name, (auskunft, telefon, email) in erwartet.items():
        with _anmelden(dienst, name) as c:
            protokoll, briefe = _lauf(c)
        assert protokoll["sachbearbeitung"]["name"] == auskunft.split(",")[0]
        assert protokoll["sachbearbeitung"]["telefon"] == telefon
        assert len(briefe) == 3
        for daten in briefe:
            with pdfplumber.open(io.BytesIO(daten)) as pdf:
                text = infoblock(pdf)
            assert f"Auskunft erteilt {auskunft}" in text
            assert f"Telefon {telefon}" in text and f"E-Mail {email}" in text
            andere = next(v for k, v in erwartet.items() if k != name)
            assert andere[0] not in text and andere[1] not in text
            assert "Stadtamt Amt für Weiterbildung und Medien" in text  # the rest of the profile


def test_bausteine_fuer_den_editor(dienst):
    with _anmelden(dienst, "becker") as c:
        bausteine = c.get("/api/bausteine").json()
        vorlagen = {v["name"]: v for v in c.get("/api/vorlagen").json()}
    assert vorlagen["beitragsbescheid"]["bausteine"] == ["datenschutz"]
    assert vorlagen["beitragsbescheid"]["girocode"] is True
    assert vorlagen["bildungsnetzwerk-2011"]["girocode"] is False
    datenschutz = next(b for b in bausteine if b["name"] == "datenschutz")
    assert datenschutz["stand"] == "2026-12-01" and "DSGVO" in datenschutz["beschreibung"]
    assert datenschutz["text"].startswith("**Datenschutz:**") and len(datenschutz["pruefsumme"]) == 64


def test_cli_sachbearbeitung(tmp_path):
    from briefe.cli.haupt import main

    datei = tmp_path / "ich.toml"
    datei.write_text('[absender]\nname = "Frau Schäfer"\nzimmer = "3.01"\ntelefon = "+49 (0)2331 207-1234"\n',
                     encoding="utf-8")
    ausgabe = tmp_path / "ausgabe"
    assert main(["erstellen", str(WURZEL / "vorlagen" / "beitragsbescheid.md"), str(BEITRAEGE),
                 "--ausgabe", str(ausgabe), "--format", "pdf", "--jobs", "1",
                 "--sachbearbeitung", str(datei)]) == 0
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    assert protokoll["sachbearbeitung"] == {"name": "Frau Schäfer", "zimmer": "3.01",
                                            "telefon": "+49 2331 207-1234", "email": ""}
    for pdf_datei in ausgabe.glob("*.pdf"):
        with pdfplumber.open(pdf_datei) as pdf:
            text = infoblock(pdf)
        assert "Auskunft erteilt Frau Schäfer, Zi.-Nr. 3.01" in text
        assert "Telefon +49 2331 207-1234" in text
        assert "jochen.becker@stadt-hagen.de" in text  # e-mail not given: the profile's stays


def test_unbekannter_schluessel_in_sachbearbeitung(tmp_path, capsys):
    from briefe.cli.haupt import main

    datei = tmp_path / "ich.toml"
    datei.write_text('name = "Frau Schäfer"\nraum = "3.01"\n', encoding="utf-8")
    assert main(["pruefen", str(WURZEL / "vorlagen" / "beitragsbescheid.md"), str(BEITRAEGE),
                 "--sachbearbeitung", str(datei)]) == 2
    assert "raum" in capsys.readouterr().err


def test_verteilter_lauf_traegt_die_angaben(tmp_path):
    """Chunks for workers on other machines travel as JSON; the clerk's data goes with them."""
    from pathlib import Path

    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import lade_laufvorlage
    from briefe.verteilt.stapel import optionen_als_dict, optionen_aus_dict
    from briefe.vorlage.sachbearbeitung import Sachbearbeitung

    optionen = Laufoptionen(vorlage=WURZEL / "vorlagen" / "beitragsbescheid.md", daten=Path("liste.csv"),
                            sachbearbeitung=Sachbearbeitung("Frau Schäfer", telefon="02331 207-1234"))
    zurueck = optionen_aus_dict(json.loads(json.dumps(optionen_als_dict(optionen))))
    zeilen = {z.bezeichnung: z.wert for z in lade_laufvorlage(zurueck).absender.infoblock}
    assert zeilen["Auskunft erteilt"] == "Frau Schäfer" and zeilen["Telefon"] == "02331 207-1234"
