"""The page in daily use, in a real browser against a real service: every page fits a phone
(390 px), stepping through the preview, the run history, the single letters of a run with
their own download, and the step after the last letter (combined files, ZIP).

With ``BRIEFE_SEITENBILDER=docs`` the tests also save screenshots (desktop and phone width)."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import httpx
import pdfplumber
import pytest

from tests.test_dienst_api import BENUTZER, VORLAGE, WURZEL, Dienst, warte_bis
from tests.test_dienst_browser import OHNE_CHROMIUM, anmelden, chromium

pytestmark = OHNE_CHROMIUM

# Four members, one without PLZ; the filter selects the three of the Lenkungskreis (rows 2–4).
LISTE = """Anrede;Vorname;Name;Einrichtung;Straße;PLZ;Ort;Gremien
Herr;Martin;Becker;Stadt Hagen;Schwanenstr. 6;58095;Hagen;Lenkungskreis
Frau;Maria;Meyer;Gesamtschule Eilpe;Wehringhauser Str. 38;58089;Hagen;Lenkungskreis
Frau;Eva;Ohnepost;Volkshochschule Hagen;Eilper Str. 71;;Hagen;Lenkungskreis
Herr;Paul;Anders;Max-Reger-Musikschule;Dödterstr. 10;58095;Hagen;Bildungskonferenz
"""
FILTER = "gremien=Lenkungskreis"
HANDY = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
UNBEKANNT = "0123456789abcdef"

# Every page of the service a clerk can reach: (name, path, logged in). ``{entwurf}``,
# ``{laufend}`` and ``{fertig}`` are runs made by the fixture. Pages added later: append here.
SEITEN = [
    ("Anmeldung", "/anmelden", False),
    ("Start", "/", True),
    ("Prüfschritt", "/laeufe/{entwurf}", True),
    ("Prüfschritt, Empfänger mit Problem", "/laeufe/{entwurf}?nr=3", True),
    ("Laufseite", "/laeufe/{laufend}", True),
    ("Ergebnis", "/laeufe/{fertig}", True),
    ("Verlauf", "/laeufe", True),
    ("API-Dokumentation", "/api/docs", True),
    ("Fehlerseite", f"/laeufe/{UNBEKANNT}", True),
    ("Vorlagen", "/vorlagen", True),
    ("Neue Vorlage", "/vorlagen/neu", True),
    ("Vorlage bearbeiten", "/vorlagen/bildungskonferenz-einladung", True),
    ("Versionen einer Vorlage", "/vorlagen/bildungskonferenz-einladung/versionen", True),
    ("Aus Word übernehmen", "/vorlagen/word", True),
    ("Meine Absenderangaben", "/absenderangaben", True),
]


def _bild(seite, name: str) -> None:
    ordner = os.environ.get("BRIEFE_SEITENBILDER")
    if ordner:
        seite.screenshot(path=str(WURZEL / ordner / f"{name}.png"), full_page=True)


def _warte_auf_vorschau(seite) -> None:
    seite.wait_for_function(
        "() => { const b = document.querySelector('.vorschau img');"
        " return b && b.complete && b.naturalWidth > 500; }", timeout=90_000)


def _pruefe_liste(seite, url: str, liste: Path) -> str:
    """Upload the small list with the filter; returns the draft's id."""
    seite.goto(url + "/")
    seite.get_by_label(VORLAGE).check()
    seite.get_by_label("Datei (CSV, XLSX oder JSON").set_input_files(liste)
    seite.get_by_text("Weitere Angaben").click()
    seite.get_by_label("Nur Empfänger mit").fill(FILTER)
    seite.get_by_role("button", name="Liste prüfen").click()
    seite.get_by_role("heading", name="Prüfergebnis").wait_for()
    return seite.url.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def umgebung(tmp_path_factory):
    """One service, one browser, one logged-in session and three runs: a draft, a finished
    run (PDF and DOCX, combined files) and a run standing in its combined-PDF step."""
    from playwright.sync_api import expect

    from briefe.dienst.laeufe.speicher import LAEUFT, Lauf, Speicher

    expect.set_options(timeout=60_000)
    ordner = tmp_path_factory.mktemp("alltag")
    liste = ordner / "lenkungskreis.csv"
    liste.write_text(LISTE, encoding="utf-8")
    dienst = Dienst(ordner / "dienst", rollen=("vorlagen",)).starte()
    try:
        with chromium() as browser:
            kontext = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="de-DE")
            seite = kontext.new_page()
            anmelden(seite, dienst.url)
            expect(seite.get_by_role("heading", name="Neuer Serienbrief")).to_be_visible()
            _bild(seite, "dienst-erster-start")
            erster_start = seite.locator(".erster-start").inner_text()
            fertig = _pruefe_liste(seite, dienst.url, liste)
            seite.get_by_role("button", name="2 Briefe erstellen").click()
            expect(seite.get_by_role("heading", name="Herunterladen")).to_be_visible(timeout=180_000)
            entwurf = _pruefe_liste(seite, dienst.url, liste)
            # A run in its combined-PDF step, as the worker records it (state, not timing).
            speicher = Speicher(dienst.daten / "dienst.sqlite3")
            laufend = "fedcba9876543210"
            speicher.lege_an(Lauf(
                id=laufend, besitzer=f"benutzer:{BENUTZER}", status=LAEUFT, erstellt=time.time(),
                vorlage=VORLAGE, datei="grosse-liste.xlsx", eingabe="grosse-liste.xlsx", gesamt=1500,
                fertig=1500, ok=1500, begonnen=time.time(),
                optionen={"formate": ["pdf"], "sammel": True, "filter": []},
                schritt={"name": "sammel_pdf", "fertig": 300, "gesamt": 1500, "erledigt": []}))
            yield {"dienst": dienst, "browser": browser, "kontext": kontext, "seite": seite,
                   "speicher": speicher, "expect": expect, "erster_start": erster_start,
                   "laeufe": {"entwurf": entwurf, "fertig": fertig, "laufend": laufend}}
    finally:
        dienst.stoppe()


def _url(umgebung, pfad: str) -> str:
    return umgebung["dienst"].url + pfad.format(**umgebung["laeufe"])


def test_jede_seite_passt_auf_ein_handy(umgebung):
    browser, kontext = umgebung["browser"], umgebung["kontext"]
    angemeldet = browser.new_context(viewport=HANDY, locale="de-DE", storage_state=kontext.storage_state())
    gast = browser.new_context(viewport=HANDY, locale="de-DE")
    try:
        zu_breit = []
        for name, pfad, mit_anmeldung in SEITEN:
            seite = (angemeldet if mit_anmeldung else gast).new_page()
            antwort = seite.goto(_url(umgebung, pfad))
            assert antwort.status == (404 if name == "Fehlerseite" else 200), name
            if "Prüfschritt" in name and "Problem" not in name:
                _warte_auf_vorschau(seite)
            breite = seite.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if breite[0] > breite[1]:
                zu_breit.append((name, breite))
            bild = {"Prüfschritt": "dienst-pruefen-handy", "Ergebnis": "dienst-ergebnis-handy",
                    "Verlauf": "dienst-verlauf-handy"}.get(name)
            if bild:
                _bild(seite, bild)
            seite.close()
        assert not zu_breit, f"seitlich zu breit bei 390 px: {zu_breit}"
        # The wide tables that stay tables scroll in an announced, keyboard-reachable region.
        seite = angemeldet.new_page()
        seite.goto(_url(umgebung, "/laeufe/{entwurf}"))
        region = seite.get_by_role("region", name=re.compile("Erkannte Spalten"))
        assert region.get_attribute("tabindex") == "0"
        assert region.get_by_role("table", name="Erkannte Spalten").is_visible()
    finally:
        angemeldet.close()
        gast.close()


def test_vorschau_blaettert_durch_alle_empfaenger(umgebung):
    seite, expect = umgebung["seite"], umgebung["expect"]
    seite.goto(_url(umgebung, "/laeufe/{entwurf}"))
    position = seite.locator(".blaettern .position")
    # Problem row first (row 4), so the first letter (row 2, Becker) is recipient 2 of 3.
    expect(position).to_contain_text("Empfänger 2 von 3")
    expect(position).to_contain_text("Zeile 2 – Martin Becker, Stadt Hagen")
    _warte_auf_vorschau(seite)
    _bild(seite, "dienst-pruefen")

    seite.get_by_role("link", name="Nächster").click()
    expect(position).to_contain_text("Empfänger 3 von 3")
    expect(seite.get_by_role("img", name="Vorschau: Seite 1 des Briefs für Zeile 3")).to_be_visible()
    _warte_auf_vorschau(seite)
    expect(seite.get_by_text("Nächster →")).to_have_attribute("aria-disabled", "true")
    # The preview really is that recipient's letter.
    ganzer_brief = seite.get_by_role("link", name="ganzen Brief als PDF öffnen").get_attribute("href")
    pdf = seite.request.get(umgebung["dienst"].url + ganzer_brief)
    with pdfplumber.open(io.BytesIO(pdf.body())) as dokument:
        text = dokument.pages[0].extract_text()
    assert "Frau Maria Meyer" in text and "Martin Becker" not in text

    auswahl = seite.get_by_label("Springen zu")
    problem = auswahl.locator("option").first
    expect(problem).to_have_text("Zeile 4 (Problem) – Eva Ohnepost")
    auswahl.select_option(problem.get_attribute("value"))
    seite.get_by_role("button", name="Anzeigen").click()
    expect(position).to_contain_text("Empfänger 1 von 3")
    expect(seite.get_by_text("Zeile 4 erhält keinen Brief: Keine Postleitzahl angegeben.")).to_be_visible()
    expect(seite.locator(".vorschau img")).to_have_count(0)
    expect(seite.get_by_text("← Vorheriger")).to_have_attribute("aria-disabled", "true")
    seite.get_by_role("link", name="Nächster").click()
    expect(position).to_contain_text("Empfänger 2 von 3")


def test_verlauf_unterscheidet_laeufe_und_oeffnet_sie(umgebung):
    seite, expect = umgebung["seite"], umgebung["expect"]
    seite.goto(_url(umgebung, "/laeufe"))
    zeilen = seite.get_by_role("table", name="Ihre Läufe").locator("tbody tr")
    expect(zeilen).to_have_count(3)
    fertig = zeilen.filter(has_text="fertig")
    expect(fertig).to_contain_text(f"nur {FILTER}")
    expect(fertig).to_contain_text("PDF, DOCX, Sammeldatei")
    expect(fertig).to_contain_text(BENUTZER)
    expect(fertig).to_contain_text("2 erstellt, 1 mit Fehler")
    expect(zeilen.filter(has_text="geprüft, noch nicht gestartet")).to_contain_text(f"nur {FILTER}")
    _bild(seite, "dienst-verlauf")
    fertig.get_by_role("link").click()
    expect(seite).to_have_url(_url(umgebung, "/laeufe/{fertig}"))
    expect(seite.get_by_role("heading", name="Herunterladen")).to_be_visible()


def test_ergebnis_listet_einzelne_briefe_mit_download(umgebung, tmp_path):
    seite, expect = umgebung["seite"], umgebung["expect"]
    seite.goto(_url(umgebung, "/laeufe/{fertig}"))
    tabelle = seite.locator("#briefe-tabelle")
    zeilen = tabelle.locator("tbody tr")
    expect(zeilen).to_have_count(3)
    expect(zeilen.nth(2)).to_contain_text("Eva Ohnepost")
    expect(zeilen.nth(2)).to_contain_text("kein Brief: Keine Postleitzahl angegeben.")
    _bild(seite, "dienst-ergebnis")

    suche = seite.get_by_label("Briefe durchsuchen")
    suche.fill("eilpe")
    expect(zeilen.filter(visible=True)).to_have_count(1)
    expect(seite.locator("#briefe-treffer")).to_have_text("1 von 3 Briefen")
    with seite.expect_download() as laden:
        seite.get_by_role("link", name="PDF von Zeile 3 herunterladen").click()
    datei = tmp_path / laden.value.suggested_filename
    laden.value.save_as(datei)
    assert datei.name == "0002-meyer-maria.pdf"
    with pdfplumber.open(datei) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Maria Meyer" in text and "Wehringhauser Str. 38" in text
    with seite.expect_download() as laden:
        seite.get_by_role("link", name="DOCX von Zeile 3 herunterladen").click()
    laden.value.save_as(tmp_path / "brief.docx")
    import docx

    assert "Sehr geehrte Frau Meyer," in [a.text for a in docx.Document(tmp_path / "brief.docx").paragraphs]
    suche.fill("")
    expect(zeilen.filter(visible=True)).to_have_count(3)

    # Only letter files the protocol records, by exact name; nothing else of the run folder.
    cookies = {c["name"]: c["value"] for c in umgebung["kontext"].cookies()}
    basis = _url(umgebung, "/laeufe/{fertig}/dateien/")
    with httpx.Client(cookies=cookies, timeout=30) as c:
        assert c.get(basis + "0001-becker-martin.pdf").status_code == 200
        for name in ("protokoll.json", "serienbrief.pdf", "..%2Feingabe%2Flenkungskreis.csv",
                     "0009-niemand.pdf", "0001-becker-martin.PDF"):
            assert c.get(basis + name).status_code == 404, name
        assert c.get(_url(umgebung, "/laeufe/{entwurf}/dateien/0001-becker-martin.pdf")).status_code == 404
    # The same over the API: the session may, another system's token may not (not its run).
    api = _url(umgebung, "/api/laeufe/{fertig}/dateien/0002-meyer-maria.docx")
    with httpx.Client(cookies=cookies, timeout=30) as c:
        antwort = c.get(api)
        assert antwort.status_code == 200 and antwort.content[:2] == b"PK"
    with umgebung["dienst"].client() as c:
        antwort = c.get(api)
        assert antwort.status_code == 404 and antwort.json()["detail"] == "Diesen Lauf gibt es nicht."


def test_sammelschritt_mit_eigenem_fortschritt(umgebung):
    seite, expect, speicher = umgebung["seite"], umgebung["expect"], umgebung["speicher"]
    laufend = umgebung["laeufe"]["laufend"]
    seite.goto(_url(umgebung, "/laeufe/{laufend}"))
    text = seite.locator("#fortschritt-text")
    expect(text).to_have_text("Sammel-PDF wird erstellt … 300 von 1500")
    expect(seite.locator("#fortschritt")).to_have_attribute("value", "300")
    hinweis = seite.get_by_text("Alle 1500 Briefe sind fertig; jetzt entstehen die Sammeldateien.")
    expect(hinweis).to_be_visible()
    _bild(seite, "dienst-sammelschritt")
    # The page follows the worker's state: next the ZIP, with its own count.
    speicher.fortschritt(laufend, schritt={"name": "zip", "fertig": 1200, "gesamt": 3003,
                                           "erledigt": ["sammel_pdf"]})
    expect(text).to_have_text("ZIP wird erstellt … 1200 von 3003")
    assert seite.evaluate("document.getElementById('fortschritt').max") == 3003
    # The real run recorded its steps after the letters, in order.
    seite.goto(_url(umgebung, "/laeufe/{fertig}"))
    expect(seite.locator("#schritte-erledigt")).to_have_text(
        "Nach den Briefen erstellt: Sammel-PDF, Sammel-DOCX, ZIP.")
    stand = warte_bis(lambda: speicher.lauf(umgebung["laeufe"]["fertig"]), was="Lauf gespeichert")
    assert stand.schritt["erledigt"] == ["sammel_pdf", "sammel_docx", "zip"]


def test_erster_start_zeigt_die_beispielliste(umgebung):
    seite, expect = umgebung["seite"], umgebung["expect"]
    # Before the first upload (seen by the fixture) the start page points to the sample list …
    assert "daten/mitglieder.xlsx" in umgebung["erster_start"]
    assert "absichtlich fehlerhaft" in umgebung["erster_start"]
    # … which the page offers as a download; once there are runs, the box is gone.
    cookies = {c["name"]: c["value"] for c in umgebung["kontext"].cookies()}
    with httpx.Client(cookies=cookies, timeout=30) as c:
        antwort = c.get(umgebung["dienst"].url + "/beispiel/mitglieder.xlsx")
    assert antwort.status_code == 200
    assert antwort.content == (WURZEL / "daten" / "mitglieder.xlsx").read_bytes()
    seite.goto(_url(umgebung, "/"))
    expect(seite.locator(".erster-start")).to_have_count(0)
    expect(seite.get_by_role("link", name="Alle Läufe ansehen")).to_be_visible()
