"""Envelopes and label sheets: page sizes, address and franking zones, every label's text inside
its label, ``--start``; read back from the PDFs in millimetres."""

from __future__ import annotations

import shutil

import pdfplumber
import pytest

from briefe import geometrie as g
from briefe.cli.haupt import main
from tests.conftest import WURZEL
from tests.pdfhilfe import MM, zeichen

VORLAGE = "vorlagen/bildungsnetzwerk-2011.md"
KOPF = "Anrede;Titel;Vorname;Name;Funktion;Einrichtung;Zusatz;Straße;PLZ;Ort\n"
ZEILEN = [
    "Herr;Dr.;Maximilian-Alexander;von Hohenstein;Schulleiter;Berufskolleg Volmetal;"
    "Abteilung Wirtschaft und Verwaltung;Eppenhauser Straße 150;58093;Hagen",  # six lines
    "Frau;;Ute;Lang;;Arbeitsgemeinschaft der Träger der freien Wohlfahrtspflege in der Stadt "
    "Hagen e. V.;;Körnerstraße 98;58095;Hagen",  # a very long organisation
    *[f"Frau;;Eva;Muster{i};;Stadt Hagen;;Rathausstraße {i};58095;Hagen" for i in range(1, 9)],
]


@pytest.fixture()
def liste(tmp_path):
    pfad = tmp_path / "liste.csv"
    pfad.write_text(KOPF + "\n".join(ZEILEN) + "\n", encoding="utf-8")
    return pfad


def _innen(z: dict, box: tuple[float, float, float, float], toleranz: float = 0.2) -> bool:
    x0, oben, x1, unten = box
    return (z["x0"] >= x0 - toleranz and z["x1"] <= x1 + toleranz
            and z["top"] >= oben - toleranz and z["bottom"] <= unten + toleranz)


def _ueberlappt(z: dict, box: tuple[float, float, float, float]) -> bool:
    x0, oben, x1, unten = box
    return z["x1"] > x0 and z["x0"] < x1 and z["bottom"] > oben and z["top"] < unten


@pytest.mark.parametrize("format_", ["DL", "C6", "C5"])
def test_umschlag_groesse_und_zonen(tmp_path, liste, format_):
    assert main(["umschlaege", VORLAGE, str(liste), "--format", format_,
                 "--ausgabe", str(tmp_path)]) == 0
    umschlag = g.UMSCHLAEGE[format_]
    pdf = tmp_path / "umschlaege.pdf"
    with pdfplumber.open(pdf) as datei:
        assert len(datei.pages) == len(ZEILEN)
        for seite in datei.pages:
            assert seite.width * MM == pytest.approx(umschlag.breite, abs=0.1)
            assert seite.height * MM == pytest.approx(umschlag.hoehe, abs=0.1)
    feld = (umschlag.feld_x, umschlag.feld_y, umschlag.feld_x + g.ANSCHRIFTFELD_BREITE,
            umschlag.feld_y + g.ANSCHRIFTFELD_HOEHE)
    for nr in (0, 1, 5):
        alle = zeichen(pdf, nr)
        anschrift = [z for z in alle if z["size"] > g.SCHRIFTGRAD_RUECKSENDE + 0.5]
        ruecksende = [z for z in alle if z["size"] <= g.SCHRIFTGRAD_RUECKSENDE + 0.5]
        assert anschrift and ruecksende
        for z in anschrift:
            assert _innen(z, feld) and _innen(z, umschlag.lesezone), (format_, z)
        for z in alle:
            assert not _ueberlappt(z, umschlag.frankierzone), (format_, z)
            assert not _ueberlappt(z, umschlag.codierzone), (format_, z)
        text = "".join(z["text"] for z in anschrift)
        assert "Hagen" in text
    erste = "".join(z["text"] for z in zeichen(pdf, 0) if z["size"] > 9)
    assert "Maximilian-Alexander" in erste and "Eppenhauser" in erste


@pytest.mark.parametrize("bogen", ["L7163", "3475", "3651", "HERMA4677"])
def test_etiketten_im_etikett_und_start(tmp_path, liste, bogen):
    assert main(["etiketten", str(liste), "--bogen", bogen, "--start", "5",
                 "--ausgabe", str(tmp_path)]) == 0
    b = g.ETIKETTENBOEGEN[bogen]
    pdf = tmp_path / "etiketten.pdf"
    with pdfplumber.open(pdf) as datei:
        seiten = len(datei.pages)
        assert datei.pages[0].width * MM == pytest.approx(210, abs=0.1)
    assert seiten == -(-(4 + len(ZEILEN)) // b.anzahl)
    belegt: dict[int, str] = {}
    for s in range(seiten):
        for z in zeichen(pdf, s):
            if not z["text"].strip():
                continue
            nummer = next((i for i in range(b.anzahl) if _ueberlappt(z, b.etikett(i))), None)
            assert nummer is not None, (bogen, z)
            x0, oben, x1, unten = b.etikett(nummer)
            innen = (x0 + b.innenrand / 2, oben, x1 - b.innenrand / 2, unten)
            assert _innen(z, innen), (bogen, nummer, z)
            belegt[s * b.anzahl + nummer] = belegt.get(s * b.anzahl + nummer, "") + z["text"]
    assert sorted(belegt) == list(range(4, 4 + len(ZEILEN)))  # the first four stay empty
    sechs = belegt[4]
    for teil in ("Maximilian-Alexander", "Berufskolleg", "Abteilung", "Eppenhauser",
                 "58093Hagen"):
        assert teil in sechs, (bogen, sechs)
    assert "Arbeitsgemeinschaft" in belegt[5] and "58095Hagen" in belegt[5]


def test_etiketten_zu_langes_wird_gekuerzt_und_gemeldet(tmp_path, capsys):
    pfad = tmp_path / "liste.csv"
    pfad.write_text(KOPF + "Herr;;Karl;Kurz;;Stadt;;Weg 1;58095;Hagen\n"
                    "Herr;;Bartholomäus-Maximilian;Müller-Lüdenscheidt-Oberhausen;;;;"
                    "Hauptstraße 1;58095;Hagen\n", encoding="utf-8")
    eigen = tmp_path / "klein.toml"
    eigen.write_text("spalten = 2\nreihen = 10\nrand_links = 10\nrand_oben = 10\nabstand_x = 30\n"
                     "abstand_y = 25\nbreite = 24\nhoehe = 24\n", encoding="utf-8")
    assert main(["etiketten", str(pfad), "--bogen", str(eigen), "--ausgabe", str(tmp_path)]) == 0
    assert "wurde gekürzt" in capsys.readouterr().out
    b = g.Etikettenbogen("klein", 2, 10, 10, 10, 30, 25, 24, 24)
    for z in zeichen(tmp_path / "etiketten.pdf"):
        assert any(_innen(z, b.etikett(i)) for i in (0, 1)), z


@pytest.mark.parametrize("name", sorted(g.ETIKETTENBOEGEN))
def test_jeder_bekannte_bogen_passt_auf_a4(name):
    b = g.ETIKETTENBOEGEN[name]
    assert b.abstand_x >= b.breite and b.abstand_y >= b.hoehe  # labels do not overlap
    x0, y0, _, _ = b.etikett(0)
    _, _, x1, y1 = b.etikett(b.anzahl - 1)
    assert x0 >= 0 and y0 >= 0 and x1 <= 210.0 + 1e-6 and y1 <= 297.0 + 1e-6, name


def test_bogen_nach_hersteller_und_nummer():
    from briefe.lauf.post import bogen

    assert bogen("Herma 4677") is g.ETIKETTENBOEGEN["HERMA4677"]
    assert bogen("herma-4464").name == "HERMA4464"
    assert bogen("Zweckform L7163").name == bogen("avery l7163").name == "L7163"


def test_unbekannter_bogen_deutsch(tmp_path, liste, capsys):
    assert main(["etiketten", str(liste), "--bogen", "L9999", "--ausgabe", str(tmp_path)]) == 2
    assert "Unbekannter Etikettenbogen „L9999“" in capsys.readouterr().err


def test_vermerke_der_vorlage_ueber_der_anschrift(tmp_path, liste):
    """The template's ``vermerke`` (per recipient) stand above the address, in the address field."""
    text = (WURZEL / VORLAGE).read_text(encoding="utf-8")
    vermerke = """vermerke = ["{{ 'Einschreiben' if empfaenger.titel else 'Persönlich' }}"]\n"""
    vorlage = tmp_path / "einschreiben.md"
    vorlage.write_text(text.replace('absender = "', vermerke + 'absender = "', 1), encoding="utf-8")
    shutil.copytree(WURZEL / "vorlagen" / "absender", tmp_path / "absender")
    assert main(["umschlaege", str(vorlage), str(liste), "--format", "DL", "--ausgabe", str(tmp_path)]) == 0
    umschlag = g.UMSCHLAEGE["DL"]
    pdf = tmp_path / "umschlaege.pdf"
    for nr, vermerk in ((0, "Einschreiben"), (1, "Persönlich")):
        alle = zeichen(pdf, nr)
        klein = [z for z in alle if z["size"] <= g.SCHRIFTGRAD_RUECKSENDE + 0.5
                 and z["top"] > umschlag.feld_y - 0.2]
        assert "".join(z["text"] for z in klein) == vermerk
        anschrift_oben = min(z["top"] for z in alle if z["size"] > g.SCHRIFTGRAD_RUECKSENDE + 0.5)
        assert all(z["bottom"] <= anschrift_oben + 0.2 for z in klein)
