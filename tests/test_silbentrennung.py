"""German hyphenation in the real PDF: every split WeasyPrint makes in narrow columns is a
correct one of ``trennungen.txt`` (≥ 300 compounds from official letters)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pyphen
import pytest
from weasyprint import CSS, HTML

from briefe.satz.pdf import schnell, silbentrennung, weasy
from briefe.satz.pdf.html import SCHRIFT_FAMILIE

LISTE = Path(__file__).with_name("trennungen.txt")
BREITEN_MM = (14, 22)
TRENNSTRICHE = "-\u2010\u00ad"


def _liste() -> list[str]:
    zeilen = LISTE.read_text(encoding="utf-8").splitlines()
    return [z.strip() for z in zeilen if z.strip() and not z.startswith("#")]


def _stellen(eintrag: str) -> set[int]:
    """Split positions (letters before the split) of ``Über-gang`` → {4}."""
    stellen, i = set(), 0
    for zeichen in eintrag:
        if zeichen == "-":
            stellen.add(i)
        else:
            i += 1
    return stellen


@pytest.fixture(scope="module")
def gesetzte_trennungen(tmp_path_factory) -> dict[str, set[int]]:
    """Word -> every split position the PDF shows, over all column widths."""
    woerter = [e.replace("-", "") for e in _liste()]
    absaetze = "".join(
        f'<p style="width: {breite}mm">{wort}</p>' for breite in BREITEN_MM for wort in woerter
    )
    html = HTML(string=f'<html lang="de"><body>{absaetze}</body></html>')
    # The letter's own font faces and hyphenation settings (html.stylesheet's body rule).
    css = CSS(string=f"""
        @page {{ size: A4; margin: 10mm; @top-right {{ content: none; }} }}
        @page :first {{ margin: 10mm; }}
        body {{ font-family: {SCHRIFT_FAMILIE}; font-size: 11pt; hyphens: auto;
                hyphenate-limit-chars: 5 2 2; }}
        p {{ margin: 0 0 1mm 0; line-height: 1.15; }}""", font_config=weasy._schriften())
    dok = html.render(stylesheets=[weasy._css("B"), css], font_config=weasy._schriften())
    pfad = tmp_path_factory.mktemp("trennung") / "trennung.pdf"
    pfad.write_bytes(dok.write_pdf())
    gesetzt: dict[str, set[int]] = {w: set() for w in woerter}
    folge = iter(woerter * len(BREITEN_MM))
    puffer, stellen = "", set()
    with pdfplumber.open(pfad) as pdf:
        for seite in pdf.pages:
            for zeile in seite.extract_text_lines():
                text = zeile["text"].strip()
                if text and text[-1] in TRENNSTRICHE:
                    puffer += text[:-1]
                    stellen.add(len(puffer))
                    continue
                wort = next(folge)
                assert puffer + text == wort, (puffer + text, wort)
                gesetzt[wort] |= stellen
                puffer, stellen = "", set()
    assert next(folge, None) is None
    return gesetzt


def test_liste_ist_lang_genug():
    assert len(_liste()) >= 300


def test_keine_falsche_trennung_im_pdf(gesetzte_trennungen):
    erwartet = {e.replace("-", ""): _stellen(e) for e in _liste()}
    falsch = {
        wort: sorted(stellen - erwartet[wort])
        for wort, stellen in gesetzte_trennungen.items() if stellen - erwartet[wort]
    }
    assert falsch == {}
    # The narrow columns really split most words, at least two letters on each side.
    getrennt = [w for w, s in gesetzte_trennungen.items() if s]
    assert len(getrennt) >= 0.8 * len(erwartet)
    assert all(2 <= s <= len(w) - 2 for w, stellen in gesetzte_trennungen.items() for s in stellen)


@pytest.mark.parametrize(("wort", "falsch"), [
    ("Übergang", "Überg-ang"), ("Elternarbeit", "Elterna-rbeit"), ("Urinstinkt", "Urin-stinkt"),
    ("Druckerzeugnis", "Druck-e"), ("Energie", "En-er"),
])
def test_bekannte_fehler_von_pyphen_sind_weg(wort, falsch):
    assert falsch not in silbentrennung.trenner().inserted(wort)


def test_normaler_und_schneller_satz_nutzen_dasselbe_woerterbuch():
    assert schnell.pdf_modul is weasy
    for sprache in ("de", "de_DE"):
        assert pyphen.LANGUAGES[pyphen.language_fallback(sprache)] == silbentrennung.WOERTERBUCH
