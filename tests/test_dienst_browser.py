"""The clerk's whole flow in a real browser (Playwright driving Debian's Chromium) against
a real service: log in, upload, see the row problem, preview, run, download the ZIP.

With ``BRIEFE_SEITENBILD=docs/dienst-seite.png`` the test also saves a screenshot of the
check page (for the README)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from tests.test_dienst_api import BENUTZER, MITGLIEDER_XLSX, PASSWORT, VORLAGE, WURZEL, Dienst

CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTE = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"]

OHNE_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian-Chromium fehlt (/usr/bin/chromium; apt-get install chromium)"
)
pytestmark = OHNE_CHROMIUM


@contextlib.contextmanager
def chromium(*argumente: str, **start):
    """Debian's Chromium, started by Playwright (headless, no network of its own); closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[*ARGUMENTE, *argumente], **start)
        try:
            yield browser
        finally:
            browser.close()


def anmelden(seite, url: str, name: str = BENUTZER) -> None:
    """Log in on the login page and wait for the start page."""
    seite.goto(url + "/anmelden")
    seite.get_by_label("Benutzername").fill(name)
    seite.get_by_label("Passwort").fill(PASSWORT)
    seite.get_by_label("Passwort").press("Enter")
    seite.wait_for_url(re.compile(r"/$"))


@pytest.fixture()
def dienst(tmp_path):
    d = Dienst(tmp_path / "dienst").starte()
    yield d
    d.stoppe()


def test_ganzer_ablauf_im_browser(dienst, tmp_path):
    from playwright.sync_api import expect

    from briefe.quellen.mitglieder import lies_mitglieder

    expect.set_options(timeout=60_000)
    with chromium() as browser:
        seite = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                 locale="de-DE")
        # 1. Log in (keyboard: Enter in the password field).
        seite.goto(dienst.url + "/")
        expect(seite).to_have_url(re.compile(r"/anmelden\?weiter=/$"))
        seite.get_by_label("Benutzername").fill(BENUTZER)
        seite.get_by_label("Passwort").fill(PASSWORT)
        seite.get_by_label("Passwort").press("Enter")
        expect(seite.get_by_role("heading", name="Neuer Serienbrief")).to_be_visible()

        # 2. Template and member list.
        seite.get_by_label(VORLAGE).check()
        seite.get_by_label("Datei (CSV, XLSX oder JSON").set_input_files(MITGLIEDER_XLSX)
        seite.get_by_role("button", name="Liste prüfen").click()

        # 3. Columns and every row problem before anything is made.
        expect(seite.get_by_role("heading", name="Prüfergebnis")).to_be_visible()
        zusammenfassung = seite.get_by_text("39 Zeilen gelesen, 39 ausgewählt. 1 Problem in 1 Zeile")
        expect(zusammenfassung).to_be_visible()
        probleme = seite.get_by_role("table", name="Probleme der Liste")
        expect(probleme.get_by_role("row")).to_have_count(2)
        expect(probleme.get_by_role("row").nth(1)).to_have_text(
            re.compile(r"40\s*PLZ\s*Keine Postleitzahl angegeben\."))
        spalten = seite.get_by_role("table", name="Erkannte Spalten")
        expect(spalten).to_contain_text("Straße")
        expect(spalten).to_contain_text("Anschrift und Anrede")

        # 4. Preview of the first letter, rendered as an image.
        vorschau = seite.get_by_role("img", name="Vorschau: Seite 1 des ersten Briefs")
        expect(vorschau).to_be_visible()
        seite.wait_for_function(
            "() => { const b = document.querySelector('.vorschau img');"
            " return b && b.complete && b.naturalWidth > 500; }", timeout=60_000)
        bild = os.environ.get("BRIEFE_SEITENBILD")
        if bild:
            seite.screenshot(path=str(WURZEL / bild), full_page=True)

        # 5. Start (PDF only), live progress, then the downloads.
        seite.get_by_label("DOCX").uncheck()
        seite.get_by_role("button", name="38 Briefe erstellen").click()
        expect(seite.locator("progress, h2:has-text('Herunterladen')").first).to_be_visible()
        expect(seite.get_by_role("heading", name="Herunterladen")).to_be_visible(timeout=180_000)
        expect(seite.get_by_text("38 von 39 Briefen erstellt, 1 mit Fehler.")).to_be_visible()
        expect(seite.get_by_role("table", name="Zeilen ohne Brief")).to_contain_text(
            "Keine Postleitzahl angegeben.")
        with seite.expect_download() as laden:
            seite.get_by_role("link", name="Alle Dateien als ZIP").click()
        archiv = tmp_path / "serienbrief.zip"
        laden.value.save_as(archiv)

    # 6. The letters in the ZIP: one PDF per good row, each to the right person.
    liste = {e.zeile: e for e in lies_mitglieder(MITGLIEDER_XLSX).empfaenger}
    with zipfile.ZipFile(archiv) as z:
        namen = z.namelist()
        briefe = sorted(n for n in namen if re.fullmatch(r"\d{4}-.+\.pdf", n))
        assert len(briefe) == 38 and not [n for n in namen if n.endswith(".docx")]
        assert {"protokoll.json", "protokoll.csv", "serienbrief.pdf"} <= set(namen)
        protokoll = json.loads(z.read("protokoll.json"))
        assert protokoll["ok"] == 38 and protokoll["fehler"] == 1
        ok = [e for e in protokoll["briefe"] if e["status"] == "ok"]
        for eintrag in (ok[0], ok[17], ok[-1]):
            empfaenger = liste[eintrag["zeile"]]
            (datei,) = eintrag["dateien"]
            ziel = tmp_path / datei
            ziel.write_bytes(z.read(datei))
            with pdfplumber.open(ziel) as pdf:
                text = pdf.pages[0].extract_text()
            name = empfaenger.wert("nachname") or empfaenger.wert("organisation")
            assert name and name in text, (datei, name)
            assert empfaenger.wert("ort").upper() in text.upper()  # abroad: town in capitals
