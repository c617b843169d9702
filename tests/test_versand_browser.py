"""The page's send step in a real browser (Playwright, Debian's Chromium) against a real service
and a real SMTP server on loopback: run, confirm, progress, result per letter, print file.

With ``BRIEFE_VERSANDBILD=/tmp/versand.png`` the test also saves a screenshot of the result."""

from __future__ import annotations

import os
import re

import pdfplumber

from tests.smtp_hilfe import Server
from tests.test_dienst_api import VORLAGE, Dienst
from tests.test_dienst_browser import OHNE_CHROMIUM, anmelden, chromium
from tests.test_versand import BUERO, ZEILEN, schreibe_liste

pytestmark = OHNE_CHROMIUM


def test_per_email_versenden_im_browser(tmp_path):
    from playwright.sync_api import expect

    liste = schreibe_liste(tmp_path / "mitglieder.csv", ZEILEN[:3])  # two addresses, one without
    with Server() as smtp:
        dienst = Dienst(tmp_path / "dienst")
        with open(dienst.konfiguration, "a", encoding="utf-8") as datei:
            datei.write(f'[versand]\nhost = "127.0.0.1"\nport = {smtp.port}\ntls = "keine"\n'
                        f'absender = "{BUERO}"\nkopie_an = "{BUERO}"\n')
        dienst.starte()
        try:
            expect.set_options(timeout=60_000)
            with chromium() as browser:
                seite = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                         locale="de-DE")
                anmelden(seite, dienst.url)
                seite.get_by_label(VORLAGE).check()
                seite.get_by_label("Datei (CSV, XLSX oder JSON").set_input_files(liste)
                seite.get_by_role("button", name="Liste prüfen").click()
                seite.get_by_label("DOCX").uncheck()
                seite.get_by_role("button", name="3 Briefe erstellen").click()
                expect(seite.get_by_role("heading", name="Herunterladen")).to_be_visible(timeout=180_000)

                # the send step: how many go by e-mail and by post, then a confirmation
                versand = seite.locator("#versand")
                expect(versand.get_by_text("2 Briefe per E-Mail, 1 Brief per Post.")).to_be_visible()
                versand.get_by_role("button", name="Per E-Mail versenden").click()
                dialog = seite.get_by_role("dialog")
                expect(dialog).to_contain_text("Jetzt 2 Briefe per E-Mail senden? 1 Brief ohne "
                                               "E-Mail-Adresse kommt in die Druckdatei")
                dialog.get_by_role("button", name="Jetzt senden").click()
                fertig = versand.get_by_text("Versand beendet: 2 von 2 per E-Mail gesendet.")
                expect(fertig).to_be_visible()
                tabelle = versand.get_by_role("table", name="Ergebnis je Brief")
                expect(tabelle.get_by_role("row")).to_have_count(4)
                expect(tabelle.get_by_role("row").nth(1)).to_have_text(
                    re.compile(r"2\s*E-Mail\s*gesendet \(250 2\.0\.0 Ok: queued as TEST"))
                expect(tabelle.get_by_role("row").nth(3)).to_have_text(
                    re.compile(r"4\s*Post\s*kommt in die Druckdatei"))
                expect(versand.get_by_role("button", name=re.compile("versenden"))).to_be_hidden()
                if os.environ.get("BRIEFE_VERSANDBILD"):
                    seite.screenshot(path=os.environ["BRIEFE_VERSANDBILD"], full_page=True)
                with seite.expect_download() as laden:
                    versand.get_by_role("link", name="Briefe für den Postversand drucken").click()
                druck = tmp_path / "post.pdf"
                laden.value.save_as(druck)

                seite.reload()  # after a reload: the result stays, nothing is sent again
                expect(seite.locator("#versand").get_by_text("Bereits gesendet: 2.")).to_be_visible()
        finally:
            dienst.stoppe()
        for adresse, name in (("maria.meyer@example.org", "Meyer"), ("martin.becker@example.org", "Becker")):
            (n,) = smtp.postfach.an(adresse)
            assert n["an"] == [adresse, BUERO]
            # the template has no [email] table: the letter's subject and the German default text
            assert n["nachricht"]["Subject"] == "Bildungsnetzwerk Hagen"
            text = n["nachricht"].get_body(("plain",)).get_content()
            assert "anbei erhalten Sie unser Schreiben „Bildungsnetzwerk Hagen“ als PDF-Datei." in text
            (anhang,) = list(n["nachricht"].iter_attachments())
            assert anhang.get_filename() == f"Brief-Bildungsnetzwerk-{name}.pdf"
            assert anhang.get_content().startswith(b"%PDF")
        assert len(smtp.postfach.nachrichten) == 2
        assert "example.org" not in dienst.protokoll.read_text(errors="replace")
    with pdfplumber.open(druck) as pdf:
        assert "Petra Schäfer" in pdf.pages[0].extract_text()
