"""The clerk writes a letter in the WYSIWYG editor (Playwright driving Debian's Chromium)
against a real service, never typing a brace, percent sign or asterisk: bold text, a list, a
table, fields from the picker and typed with «, a condition with a "sonst" part; the preview of
recipients 1 and 3; save, reopen, change a field's format by clicking it; the saved template
through ``briefe erstellen`` gives the letters the preview showed. A template with a loop opens
with an "Ausdruck" chip and saves its body unchanged.

With ``BRIEFE_SEITENBILD_EDITOR=docs/brief-editor.png`` the test saves the README picture."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.test_dienst_api import MITGLIEDER_CSV, WURZEL
from tests.test_dienst_browser import OHNE_CHROMIUM, anmelden, chromium
from tests.test_vorlagen_browser import (
    beginne_brieftext,
    feld_einfuegen,
    pdf_text,
    vorschau_pdf,
    warte_auf_vorschau,
)
from tests.vorlagendienst import REDAKTION, VorlagenDienst

pytestmark = OHNE_CHROMIUM

SCHLEIFE = """+++
betreff = "Ihre Gremien"
absender = "stadt-hagen-lenkungskreis"
+++
Sie sind Mitglied in:

{% for g in empfaenger.gremien.split(",") %}
- {{ g | trim }}
{% endfor %}

Mit Dank für Ihre Mitarbeit.
"""


@pytest.fixture(scope="module")
def dienst(tmp_path_factory):
    d = VorlagenDienst(tmp_path_factory.mktemp("editor-browser")).starte()
    yield d
    d.stoppe()


def ohne_beschriftung(knoten):
    if isinstance(knoten, dict):
        return {k: ohne_beschriftung(v) for k, v in knoten.items() if k != "label"}
    if isinstance(knoten, list):
        return [ohne_beschriftung(k) for k in knoten]
    return knoten


def zeilen(text: str) -> list[str]:
    return [z.strip() for z in text.splitlines() if z.strip()]


def test_brief_im_editor_schreiben(dienst, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    (dienst.vorlagen / "gremien.md").write_text(SCHLEIFE, encoding="utf-8")
    with chromium("--lang=de-DE") as browser:
        kontext = browser.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True,
                                      locale="de-DE")
        seite = kontext.new_page()
        anmelden(seite, dienst.url, REDAKTION)
        feld = seite.get_by_label("Feld", exact=True)

        # A template with a loop: a protected chip, the body saved as it was.
        seite.goto(dienst.url + "/vorlagen/gremien")
        text = seite.get_by_role("textbox", name="Brieftext")
        expect(text.get_by_role("button", name="Ausdruck (geschützt")).to_be_visible()
        assert "{%" not in text.inner_text()
        seite.get_by_role("button", name="Speichern").click()
        expect(seite.get_by_text("Gespeichert als Version")).to_be_visible()
        gespeichert = (dienst.vorlagen / "gremien.md").read_text(encoding="utf-8")
        assert gespeichert.split("+++\n", 2)[2] == SCHLEIFE.split("+++\n", 2)[2]

        # A new letter.
        seite.goto(dienst.url + "/vorlagen/neu")
        seite.get_by_label("Name der Vorlage").fill("editor-brief")
        seite.get_by_label("Beispielliste").set_input_files(MITGLIEDER_CSV)
        expect(feld.locator("option", has_text="«Funktion»")).to_have_count(1)
        seite.get_by_label("Betreff").fill("Einladung für ")
        seite.get_by_label("Betreff").press("End")
        feld_einfuegen(seite, "Name")
        expect(seite.get_by_label("Betreff")).to_have_value("Einladung für «Name»")

        text = beginne_brieftext(seite)
        seite.keyboard.type(" ein, ")
        feld_einfuegen(seite, "Vorname")
        seite.keyboard.type(" ")
        feld_einfuegen(seite, "Name")
        seite.keyboard.type(" aus «Or")
        expect(seite.get_by_role("listbox", name="Feld wählen")).to_contain_text("«Ort»")
        seite.keyboard.press("Enter")
        seite.keyboard.type(" (PLZ als Betrag: ")
        feld_einfuegen(seite, "PLZ", "betrag")
        seite.keyboard.type(").")
        seite.keyboard.press("Enter")
        seite.get_by_role("button", name="Aufzählung").click()
        seite.keyboard.type("Punkt eins")
        seite.keyboard.press("Enter")
        seite.keyboard.press("Enter")
        seite.keyboard.type("Sie kommen als Schulaufsicht.")
        seite.keyboard.press("Enter")
        seite.keyboard.type("Ende der Einladung.")

        text.get_by_text("Sie kommen als Schulaufsicht.").click()
        seite.get_by_role("button", name="Bedingung…").click()
        seite.get_by_label("Spalte", exact=True).select_option(label="«Funktion»")
        seite.get_by_label("Bedingung", exact=True).select_option("gleich")
        seite.get_by_label("Wert", exact=True).fill("Schulaufsicht")
        seite.get_by_label("mit „sonst“-Teil").check()
        seite.get_by_role("button", name="Übernehmen").click()
        expect(text).to_contain_text("nur wenn «Funktion» ist gleich „Schulaufsicht“")
        text.locator(".bedingung-sonst p").click()
        seite.keyboard.type("Sie kommen als Gast.")

        # A start value, asked for when the run starts, as a field with format Betrag.
        seite.get_by_role("button", name="Wert hinzufügen").click()
        seite.get_by_label("Name im Text").fill("beitrag")
        seite.get_by_label("Bezeichnung beim Start").fill("Kostenbeitrag")
        seite.get_by_label("Art", exact=True).select_option("betrag")
        seite.get_by_label("Vorgabe").fill("25")
        text.get_by_text("Ende der Einladung.").click()
        seite.keyboard.press("End")
        seite.keyboard.type(" Kostenbeitrag: ")
        feld_einfuegen(seite, "Kostenbeitrag", "betrag")
        seite.keyboard.type(".")

        text.get_by_text("Ende der Einladung.").click(position={"x": 2, "y": 5})
        seite.keyboard.press("End")
        seite.get_by_role("button", name="Tabelle").click()
        for zelle in ("Zeit", "Thema", "9 Uhr", "Begrüßung"):
            seite.keyboard.type(zelle)
            seite.keyboard.press("Tab")
        seite.get_by_role("button", name="Spalte +").click()
        seite.get_by_role("button", name="Zeile −").click()
        sichtbar = text.inner_text()
        for code in ("{{", "{%", "**"):
            assert code not in sichtbar
        assert "«Vorname»" in sichtbar and "«Ort»" in sichtbar and "Betrag" in sichtbar

        # The preview of recipients 1 and 3.
        warte_auf_vorschau(seite, 2)
        bild = os.environ.get("BRIEFE_SEITENBILD_EDITOR")
        seite.screenshot(path=str(WURZEL / bild if bild else tmp_path / "editor.png"))
        erste, zeichen = vorschau_pdf(seite, tmp_path / "erste.pdf")
        assert "wir laden Sie herzlich ein, Martin Becker aus Hagen (PLZ als Betrag: 58.095,00 €)." \
            in " ".join(erste.split())
        assert "58.095,00 €" in erste and "Sie kommen als Gast." in erste
        assert "Ende der Einladung. Kostenbeitrag: 25,00 €." in " ".join(erste.split())
        assert "Schulaufsicht." not in erste and "Einladung für Becker" in erste
        assert "herzlich" in "".join(z["text"] for z in zeichen if "Bold" in z["fontname"])
        seite.get_by_role("button", name="Nächster").click()
        seite.get_by_role("button", name="Nächster").click()
        warte_auf_vorschau(seite, 4)
        dritte = vorschau_pdf(seite, tmp_path / "dritte.pdf")[0]
        assert "Stefan Flader" in dritte and "Arnsberg" in dritte
        assert "Sie kommen als Schulaufsicht." in dritte
        assert "Gast" not in dritte

        # Save, reopen: the same document.
        dokument = text.evaluate("t => t.editor.getJSON()")
        seite.get_by_role("button", name="Speichern").click()
        expect(seite.get_by_text("Gespeichert als Version 1")).to_be_visible()
        seite.goto(dienst.url + "/vorlagen/editor-brief")
        expect(text.get_by_role("button", name="Feld PLZ, Format Betrag")).to_be_visible()
        assert ohne_beschriftung(text.evaluate("t => t.editor.getJSON()")) == ohne_beschriftung(dokument)
        expect(seite.get_by_label("Betreff")).to_have_value("Einladung für «Nachname»")

        # Clicking a chip changes its format.
        text.get_by_role("button", name="Feld PLZ, Format Betrag").click()
        seite.get_by_label("Neues Format").select_option("zahl")
        seite.get_by_role("button", name="Übernehmen").click()
        expect(text.get_by_role("button", name="Feld PLZ, Format Zahl")).to_be_visible()
        seite.get_by_role("button", name="Textform").click()
        zahl = re.compile(r"\{\{ empfaenger\.plz \| zahl \}\}")
        expect(seite.get_by_label("Vorlagentext")).to_have_value(zahl)

    # The saved template through the command gives the letters the preview showed.
    ausgabe = tmp_path / "briefe"
    subprocess.run([sys.executable, "-m", "briefe", "erstellen", str(dienst.vorlagen / "editor-brief.md"),
                    str(MITGLIEDER_CSV), "--ausgabe", str(ausgabe), "--format", "pdf",
                    "--filter", "ort=Arnsberg"], check=True, capture_output=True, timeout=120, cwd=WURZEL)
    (brief,) = [p for p in ausgabe.glob("*.pdf") if "Flader" in pdf_text(p)[0]]
    assert zeilen(pdf_text(brief)[0]) == zeilen(dritte)


def test_textbaustein_im_editor(dienst, tmp_path):
    """An inserted text block is a framed, labelled block showing its text, not editable in the
    letter; "Baustein bearbeiten" changes it for every template from the next preview on."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    baustein = dienst.vorlagen / "bausteine" / "datenschutz.md"
    with chromium("--lang=de-DE") as browser:
        seite = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE").new_page()
        anmelden(seite, dienst.url, REDAKTION)
        seite.goto(dienst.url + "/vorlagen/neu")
        seite.get_by_label("Name der Vorlage").fill("mit-baustein")
        seite.get_by_label("Betreff").fill("Ihre Mitgliedschaft")
        text = seite.get_by_role("textbox", name="Brieftext")
        text.click()
        seite.keyboard.type("wir bestätigen Ihre Mitgliedschaft.")
        seite.keyboard.press("Enter")
        seite.get_by_role("button", name="Textbaustein…").click()
        seite.get_by_label("Textbaustein", exact=True).select_option("datenschutz")
        seite.get_by_role("button", name="Einfügen", exact=True).click()
        block = text.get_by_role("group", name="Textbaustein „datenschutz“")
        expect(block).to_contain_text("Wir verarbeiten Ihre Angaben als Mitglied Nr. «Mitgliedsnummer»")
        assert block.get_attribute("contenteditable") == "false"
        expect(block.get_by_role("link", name="Baustein bearbeiten")).to_have_attribute(
            "href", "/bausteine/datenschutz")
        assert "{{" not in text.inner_text() and "**" not in text.inner_text()
        seite.get_by_role("button", name="Speichern").click()
        expect(seite.get_by_text("Gespeichert als Version 1")).to_be_visible()
        gespeichert = (dienst.vorlagen / "mit-baustein.md").read_text(encoding="utf-8")
        assert '{{ baustein("datenschutz") }}' in gespeichert

        # Edit the block: a broken text is refused with a German message, a good one is saved.
        seite.goto(dienst.url + "/bausteine/datenschutz")
        alt = baustein.read_text(encoding="utf-8")
        eingabe = seite.get_by_label("Text des Bausteins")
        eingabe.fill(alt.replace("Wir verarbeiten", "{% if x %}Wir verarbeiten"))
        seite.get_by_role("button", name="Speichern").click()
        expect(seite.get_by_role("alert")).to_contain_text("Textbaustein „datenschutz“")
        assert baustein.read_text(encoding="utf-8") == alt
        eingabe.fill(alt.replace("Wir verarbeiten", "Das Bildungsbüro verarbeitet"))
        seite.get_by_role("button", name="Speichern").click()
        expect(seite.get_by_text("gespeichert; jede Vorlage")).to_be_visible()
        assert "Das Bildungsbüro verarbeitet" in baustein.read_text(encoding="utf-8")
        seite.goto(dienst.url + "/vorlagen/mit-baustein")
        expect(text.get_by_role("group", name="Textbaustein „datenschutz“")).to_contain_text(
            "Das Bildungsbüro verarbeitet Ihre Angaben")


def test_mit_word_bearbeiten_auf_der_seite(dienst, tmp_path):
    """"Als Word-Dokument bearbeiten" gives a DOCX with MERGEFIELDs; changed in Word (here
    python-docx) and brought back with "Aus Word-Dokument übernehmen", the template keeps every
    field and its front matter; the changed word is in it."""
    from docx import Document
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    vorher = (dienst.vorlagen / "beitragsbescheid.md").read_text(encoding="utf-8")
    with chromium("--lang=de-DE") as browser:
        seite = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE",
                                    accept_downloads=True).new_page()
        anmelden(seite, dienst.url, REDAKTION)
        seite.goto(dienst.url + "/vorlagen/beitragsbescheid")
        with seite.expect_download() as laden:
            seite.get_by_role("link", name="Als Word-Dokument bearbeiten").click()
        assert laden.value.suggested_filename == "beitragsbescheid.docx"
        docx = tmp_path / "beitragsbescheid.docx"
        laden.value.save_as(docx)
        dok = Document(str(docx))
        codes = " ".join(t.text for t in dok.element.body.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
        assert 'MERGEFIELD "Beitrag"' in codes or "MERGEFIELD Beitrag" in codes, codes
        absatz = next(p for p in dok.paragraphs if "setzen wir" in p.text)
        for lauf in absatz.runs:
            lauf.text = lauf.text.replace("setzen wir", "legen wir")
        dok.save(str(docx))

        seite.get_by_text("Aus Word-Dokument übernehmen").click()
        seite.get_by_label("Word-Dokument (.docx)").set_input_files(docx)
        seite.get_by_role("button", name="Übernehmen").click()
        text = seite.get_by_role("textbox", name="Brieftext")
        expect(text).to_contain_text("legen wir Ihren Mitgliedsbeitrag")
        seite.get_by_role("button", name="Speichern").click()
        expect(seite.get_by_text("Gespeichert als Version")).to_be_visible()
    nachher = (dienst.vorlagen / "beitragsbescheid.md").read_text(encoding="utf-8")
    assert nachher == vorher.replace("setzen wir", "legen wir")


@pytest.mark.parametrize("vorlage", ["bildungskonferenz-einladung", "beitragsbescheid"])
def test_editor_zugaenglich_und_auf_dem_handy(dienst, vorlage):
    """axe-core finds no violation on the editor with fields, conditions and a text block; at
    390 px nothing sticks out sideways, the toolbar wraps and the preview is below the text."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    with chromium("--lang=de-DE") as browser:
        for breite in (1280, 390):
            seite = browser.new_context(viewport={"width": breite, "height": 900}, locale="de-DE").new_page()
            anmelden(seite, dienst.url, REDAKTION)
            seite.goto(dienst.url + f"/vorlagen/{vorlage}")
            text = seite.get_by_role("textbox", name="Brieftext")
            expect(text.locator(".chip").first).to_be_visible()
            ergebnis = Axe().run(seite)
            assert ergebnis.violations_count == 0, ergebnis.generate_report()
            assert "{{" not in seite.get_by_label("Betreff").input_value()
            if breite == 1280:  # opened and saved unchanged: the same template
                vorher = (dienst.vorlagen / f"{vorlage}.md").read_text(encoding="utf-8")
                seite.get_by_role("button", name="Speichern").click()
                expect(seite.get_by_role("alert")).to_contain_text("Gespeichert")
                assert (dienst.vorlagen / f"{vorlage}.md").read_text(encoding="utf-8") == vorher
            if breite == 390:
                assert seite.evaluate("document.documentElement.scrollWidth") <= 390
                knoepfe = seite.locator(".werkzeuge button")
                rechts = max(knoepfe.nth(i).bounding_box()["x"] + knoepfe.nth(i).bounding_box()["width"]
                             for i in range(knoepfe.count()))
                assert rechts <= 390
                vorschau = seite.get_by_role("heading", name="Vorschau").bounding_box()
                assert vorschau["y"] > text.bounding_box()["y"] + text.bounding_box()["height"]
            seite.context.close()
