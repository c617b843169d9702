"""The page's print step in a real browser (Playwright, Debian's Chromium) against a real service
and a real CUPS server with a cups-pdf queue: choose the printer CUPS reports, duplex, print;
the service killed mid-print and started again prints nothing twice.

With ``BRIEFE_DRUCKBILD=/tmp/druck.png`` the test also saves a screenshot of the step after the
restart, with ``BRIEFE_POSTBILD`` one of the envelopes and labels step."""

from __future__ import annotations

import os
import re
import signal
import time

import pdfplumber

from tests.cupshilfe import Druckserver
from tests.test_dienst_api import VORLAGE, Dienst
from tests.test_dienst_browser import OHNE_CHROMIUM, anmelden, chromium
from tests.test_versand import schreibe_liste

pytestmark = OHNE_CHROMIUM
NAMEN = ["Meyer", "Becker", "Schäfer", "Koller", "Yilmaz", "Wagner", "Schulz", "Hoffmann", "Koch", "Wolf"]


def test_drucken_im_browser_und_neustart_mitten_im_druck(tmp_path):
    zeilen = [("Frau", "", f"Vorname{i}", name, "Stadt Hagen", "") for i, name in enumerate(NAMEN)]
    liste = schreibe_liste(tmp_path / "mitglieder.csv", zeilen)
    server = Druckserver()
    try:
        _drucken_im_browser(server, liste, tmp_path)
    finally:
        server.beende()


def _drucken_im_browser(server: Druckserver, liste, tmp_path) -> None:
    from playwright.sync_api import expect

    dienst = Dienst(tmp_path / "dienst")
    with open(dienst.konfiguration, "a", encoding="utf-8") as datei:
        datei.write(f'[drucken]\nserver = "{server.adresse}"\ndrucker = ["{server.warteschlange}"]\n')
    dienst.starte()
    try:
        expect.set_options(timeout=60_000)
        with chromium() as browser:
            seite = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
            anmelden(seite, dienst.url)
            seite.get_by_label(VORLAGE).check()
            seite.get_by_label("Datei (CSV, XLSX oder JSON").set_input_files(liste)
            seite.get_by_role("button", name="Liste prüfen").click()
            seite.get_by_label("DOCX").uncheck()
            seite.get_by_role("button", name=f"{len(NAMEN)} Briefe erstellen").click()
            expect(seite.get_by_role("heading", name="Herunterladen")).to_be_visible(timeout=180_000)

            druck = seite.locator("#druck")
            expect(druck.get_by_role("heading", name="Drucken")).to_be_visible()
            auswahl = druck.get_by_label("Drucker", exact=True)
            expect(auswahl).to_have_value(server.warteschlange)  # the printer list comes from CUPS
            expect(druck.get_by_text("Zustand: bereit · nur einseitig")).to_be_visible()
            druck.get_by_label("beidseitig").check()
            druck.get_by_role("button", name="Drucken").click()

            # kill the service once the first letter is printed, then start it again
            (journal,) = list(dienst.daten.glob("laeufe/*/ausgabe")) or [None]
            journal = journal / ".briefe-druck.jsonl"
            ende = time.monotonic() + 60
            while time.monotonic() < ende and not (
                    journal.exists() and '"zustand": "gedruckt"' in journal.read_text(encoding="utf-8")):
                time.sleep(0.01)
            dienst.stoppe(signal.SIGKILL)
            fertig = journal.read_text(encoding="utf-8").count('"zustand": "gedruckt"')
            assert 1 <= fertig < len(NAMEN), "der Druck war schon fertig, bevor der Dienst beendet wurde"
            alt = dienst.url
            dienst.starte()  # on a new port: the page of the run there
            seite.goto(seite.url.replace(alt, dienst.url))
            druck = seite.locator("#druck")
            unterbrochen = rf"Druck unterbrochen: \d+ von {len(NAMEN)} Briefen gedruckt\. „Übrige drucken“"
            expect(druck.get_by_text(re.compile(unterbrochen))).to_be_visible()
            druck.get_by_label("beidseitig").check()
            if os.environ.get("BRIEFE_DRUCKBILD"):  # after the restart: what printed, what is left
                druck.screenshot(path=os.environ["BRIEFE_DRUCKBILD"])
            druck.get_by_role("button", name="Übrige drucken").click()
            expect(druck.get_by_text(f"Druck beendet: {len(NAMEN)} von {len(NAMEN)} Briefen gedruckt; "
                                     "ein neuer Druck wäre doppelt.")).to_be_visible()
            tabelle = druck.get_by_role("table", name="Druck je Brief")
            expect(tabelle.get_by_role("row")).to_have_count(len(NAMEN) + 1)
            expect(tabelle.get_by_role("row").nth(1)).to_have_text(
                re.compile(rf"2\s*gedruckt auf {server.warteschlange} \(Auftrag \d+\)"))
            expect(druck.get_by_role("button", name=re.compile("drucken", re.I))).to_be_hidden()
            expect(druck.get_by_label("Drucker", exact=True)).to_be_hidden()

            # envelopes and labels for the letters of the run
            post = seite.get_by_role("region", name="Umschläge und Etiketten")
            if os.environ.get("BRIEFE_POSTBILD"):
                post.screenshot(path=os.environ["BRIEFE_POSTBILD"])
            post.get_by_label("Umschlag").select_option("C6")
            with seite.expect_download() as laden:
                post.get_by_role("button", name=re.compile("Umschläge herunterladen")).click()
            laden.value.save_as(tmp_path / "umschlaege.pdf")
            post.get_by_label("Etikettenbogen").select_option("3475")
            post.get_by_label("Erstes freies Etikett").fill("5")
            with seite.expect_download() as laden:
                post.get_by_role("button", name=re.compile("Etiketten herunterladen")).click()
            laden.value.save_as(tmp_path / "etiketten.pdf")
    finally:
        dienst.stoppe()
    gedruckt = server.gedruckt()
    assert len(gedruckt) == len(NAMEN)  # every letter once, none twice
    for name in NAMEN:
        datei = name.lower().replace("ä", "ae")
        assert sum(f"-{datei}-" in p.name for p in gedruckt) == 1, name
    log = server.seiten_eintraege()
    assert len(log) == len(NAMEN) and all(z.endswith("two-sided-long-edge") for z in log)
    with pdfplumber.open(tmp_path / "umschlaege.pdf") as umschlaege:
        assert len(umschlaege.pages) == len(NAMEN)
        seite = umschlaege.pages[1]
        assert (round(seite.width * 25.4 / 72), round(seite.height * 25.4 / 72)) == (162, 114)
        assert "Vorname1 Becker" in seite.extract_text()
    with pdfplumber.open(tmp_path / "etiketten.pdf") as etiketten:
        woerter = etiketten.pages[0].extract_words()
        erstes = min((w for w in woerter if w["text"] == "Vorname0"), key=lambda w: w["top"])
        # label 5 of 3475 (3 × 8, 70 × 36 mm, 4.5 mm from the top): row 2, column 2
        assert 70 < erstes["x0"] * 25.4 / 72 < 140 and 40.5 < erstes["top"] * 25.4 / 72 < 76.5
