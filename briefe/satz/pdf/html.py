"""A ``Brief`` as semantic HTML plus the DIN 5008 print stylesheet.

Every text from the letter is HTML-escaped here, so member data can never
become markup.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from briefe import RESSOURCEN
from briefe import geometrie as g
from briefe.modell import Absatz, Block, Brief, GiroCodeStelle, Liste, Tabelle, Textteil, Zahlung, Zeile

SCHRIFTEN = RESSOURCEN / "schriften"
SCHRIFT_FAMILIE = "Briefschrift"
# Fallback for names in a script Liberation Sans lacks: Arabic (Noto Sans Arabic, OFL). Latin,
# Greek, Cyrillic and Hebrew are in Liberation Sans; other scripts are reported per row.
ERSATZSCHRIFTEN = (
    ("BriefschriftArabisch", "NotoSansArabic-Regular.ttf", "normal"),
    ("BriefschriftArabisch", "NotoSansArabic-Bold.ttf", "bold"),
)
SCHRIFT_STAPEL = ", ".join(dict.fromkeys([SCHRIFT_FAMILIE, *(f for f, _, _ in ERSATZSCHRIFTEN)]))
LANGER_LAUF = 20  # characters without a break opportunity that get ``overflow-wrap: anywhere``


def _mm(wert: float) -> str:
    return f"{wert:.2f}mm"


def _text(text: str) -> str:
    """Escape and turn forced line breaks into ``<br>``."""
    return "<br>".join(escape(teil) for teil in text.split("\n"))


# A run without a break opportunity this long may not fit a line or a table cell.
_LANGER_LAUF = re.compile(r"[^\s\-\u00ad]{" + str(LANGER_LAUF) + ",}")


def _umbrechbar(text: str) -> str:
    """Like ``_text``; long unbreakable runs (URL, IBAN) may break anywhere."""
    if not _LANGER_LAUF.search(text):
        return _text(text)
    return "<br>".join(_lange_laeufe(teil) for teil in text.split("\n"))


def _lange_laeufe(text: str) -> str:
    teile, ende = [], 0
    for treffer in _LANGER_LAUF.finditer(text):
        teile.append(escape(text[ende:treffer.start()]))
        teile.append(f'<span class="lang">{escape(treffer.group(0))}</span>')
        ende = treffer.end()
    teile.append(escape(text[ende:]))
    return "".join(teile)


def _teil(teil: Textteil) -> str:
    html = _umbrechbar(teil.text)
    if teil.kursiv:
        html = f"<em>{html}</em>"
    if teil.fett:
        html = f"<strong>{html}</strong>"
    return html


def _zeile(zeile: Zeile) -> str:
    return "".join(_teil(t) for t in zeile)


def _girocode(zahlung: Zahlung) -> str:
    """The code and its text side by side; the code is inline SVG (nothing to fetch)."""
    from briefe.satz import girocode  # segno: only letters with a GiroCode need it

    zeilen = "".join(f"<p>{_umbrechbar(z)}</p>" for z in girocode.textzeilen(zahlung))
    return (f'<figure class="girocode">{girocode.svg(zahlung, g.GIROCODE_SEITE)}'
            f'<figcaption>{zeilen}</figcaption></figure>')


def _block(block: Block, brief: Brief | None = None) -> str:
    if isinstance(block, GiroCodeStelle):
        return _girocode(brief.zahlung) if brief is not None and brief.zahlung else ""
    if isinstance(block, Absatz):
        return f"<p>{_zeile(block.teile)}</p>"
    if isinstance(block, Liste):
        punkte = "".join(f"<li>{_zeile(p)}</li>" for p in block.punkte)
        if block.nummeriert:
            start = f' start="{block.start}"' if block.start != 1 else ""
            return f"<ol{start}>{punkte}</ol>"
        return f"<ul>{punkte}</ul>"
    if isinstance(block, Tabelle):
        return _tabelle(block)
    raise TypeError(f"unknown block {block!r}")


def _tabelle(tabelle: Tabelle) -> str:
    def stil(spalte: int) -> str:
        if spalte < len(tabelle.ausrichtung) and tabelle.ausrichtung[spalte] != "left":
            return f' style="text-align: {tabelle.ausrichtung[spalte]}"'
        return ""

    teile = ["<table class=\"tabelle\">"]
    if tabelle.kopf:
        zellen = "".join(
            f'<th scope="col"{stil(i)}>{_zeile(z)}</th>' for i, z in enumerate(tabelle.kopf)
        )
        teile.append(f"<thead><tr>{zellen}</tr></thead>")
    teile.append("<tbody>")
    for zeile in tabelle.zeilen:
        zellen = "".join(f"<td{stil(i)}>{_zeile(z)}</td>" for i, z in enumerate(zeile))
        teile.append(f"<tr>{zellen}</tr>")
    teile.append("</tbody></table>")
    return "".join(teile)


def _datei_url(pfad: Path) -> str:
    return Path(pfad).resolve().as_uri()


def brief_html(brief: Brief) -> str:
    """The letter as one HTML document (without stylesheet)."""
    absender = brief.absender
    teile = [
        f'<!DOCTYPE html><html lang="{escape(brief.sprache)}"><head><meta charset="utf-8">',
        f"<title>{escape(brief.betreff)}</title>",
        f'<meta name="author" content="{escape(_autor(brief))}">',
        f'<meta name="dcterms.created" content="{brief.datum.isoformat()}">',
        f'<meta name="dcterms.modified" content="{brief.datum.isoformat()}">',
        '<meta name="generator" content="briefe">',
        "</head><body>",
    ]
    # The footer runs into the page margin of page 1 (running element); WeasyPrint
    # leaves margin boxes out of the structure tree, ``pdf.py`` reads it last.
    if absender.fusszeilen:
        zeilen = "".join(f"<p>{_text(z)}</p>" for z in absender.fusszeilen)
        teile.append(f'<footer class="fuss">{zeilen}</footer>')
    # Reading order: letterhead, recipient, sender details, then the letter.
    kopf = [f'<p class="behoerde">{_text(absender.behoerde)}</p>']
    if absender.dienststelle:
        kopf.append(f'<p class="dienststelle">{_text(absender.dienststelle)}</p>')
    if absender.logo:
        kopf.insert(
            0,
            f'<img class="logo" src="{_datei_url(absender.logo)}" '
            f'alt="{escape(absender.logo_alt or absender.behoerde)}">',
        )
    teile.append(f'<header class="briefkopf">{"".join(kopf)}</header>')
    vermerke = []
    if absender.ruecksendeangabe:
        vermerke.append(f'<p class="ruecksende">{_text(absender.ruecksendeangabe)}</p>')
    vermerke += [f'<p class="vermerk">{_text(v)}</p>' for v in brief.vermerke]
    # One paragraph per address line: screen readers pause between lines.
    anschrift = "".join(f"<p{_kleiner(brief.anschrift_schriftgrad(i))}>{escape(z)}</p>"
                        for i, z in enumerate(brief.anschrift))
    teile.append(
        f'<div class="anschriftfeld"><div class="vermerkzone">{"".join(vermerke)}</div>'
        f'<address class="empfaenger">{anschrift}</address></div>'
    )
    if brief.infoblock:
        zeilen = []
        for zeile in brief.infoblock:
            if not zeile.bezeichnung and not zeile.wert:
                zeilen.append('<tr class="luecke"><td colspan="2"></td></tr>')
            else:
                zeilen.append(
                    f'<tr><th scope="row">{_text(zeile.bezeichnung)}</th>'
                    f"<td>{_text(zeile.wert)}</td></tr>"
                )
        teile.append(f'<aside class="infoblock"><table>{"".join(zeilen)}</table></aside>')
    # Marks are empty boxes drawn by their border: WeasyPrint paints borders as
    # artifacts, and ``pdf.py`` drops the empty elements from the structure tree.
    for nummer, _ in enumerate(brief.form.falzmarken):
        teile.append(f'<div class="marke falz{nummer + 1}" aria-hidden="true"></div>')
    teile.append('<div class="marke loch" aria-hidden="true"></div>')

    teile.append('<main class="brieftext">')
    teile.append(f'<h1 class="betreff">{_umbrechbar(brief.betreff)}</h1>')
    teile.append(f'<p class="anrede">{_text(brief.anrede)}</p>')
    teile += [_block(b, brief) for b in brief.inhalt]
    teile.append(_schluss(brief))
    teile.append("</main></body></html>")
    return "".join(teile)


def _autor(brief: Brief) -> str:
    absender = brief.absender
    return " – ".join(t for t in (absender.behoerde, absender.dienststelle) if t)


def _schluss(brief: Brief) -> str:
    teile = ['<div class="schluss">']
    if brief.zahlung and GiroCodeStelle() not in brief.inhalt:  # default: beside the closing
        teile.append(_girocode(brief.zahlung).replace('class="girocode"',
                                                      'class="girocode am-schluss"', 1))
    teile.append(f'<p class="gruss">{_text(brief.grussformel)}</p>')
    unterschrift = brief.unterschrift
    if unterschrift:
        if unterschrift.bild and not unterschrift.gez:
            alt = unterschrift.bild_alt or f"Unterschrift {unterschrift.name}"
            teile.append(
                f'<img class="unterschrift-bild" src="{_datei_url(unterschrift.bild)}" '
                f'alt="{escape(alt)}">'
            )
        elif not unterschrift.gez:
            teile.append('<div class="unterschrift-platz"></div>')
        name = f"gez. {unterschrift.name}" if unterschrift.gez else unterschrift.name
        teile.append(f'<p class="unterschrift-name">{_text(name)}</p>')
        if unterschrift.funktion:
            teile.append(f'<p class="unterschrift-funktion">{_text(unterschrift.funktion)}</p>')
    if brief.hinweis_maschinell:
        teile.append(f'<p class="maschinell">{_text(brief.hinweis_maschinell)}</p>')
    teile.append("</div>")
    for klasse, eintraege in (("anlagen", brief.anlagen), ("verteiler", brief.verteiler)):
        if eintraege:
            titel = "Anlage" if klasse == "anlagen" and len(eintraege) == 1 else klasse.capitalize()
            punkte = "".join(f"<li>{_umbrechbar(e)}</li>" for e in eintraege)
            teile.append(
                f'<section class="{klasse}"><h2>{titel}</h2><ul>{punkte}</ul></section>'
            )
    return "".join(teile)


def stylesheet(form: g.Form) -> str:
    """The DIN 5008 print stylesheet for one form; positions relative to the page area."""
    oben = 0.0  # page 1 has no top margin: page area top == page top

    def x(wert: float) -> str:
        return _mm(wert - g.RAND_LINKS)

    def y(wert: float) -> str:
        return _mm(wert - oben)

    schriften = "".join(
        f"@font-face {{ font-family: {familie}; font-weight: {gewicht}; "
        f"font-style: {stil}; src: url({(SCHRIFTEN / datei).as_uri()}); }}\n"
        for familie, datei, gewicht, stil in (
            (SCHRIFT_FAMILIE, "LiberationSans-Regular.ttf", "normal", "normal"),
            (SCHRIFT_FAMILIE, "LiberationSans-Bold.ttf", "bold", "normal"),
            (SCHRIFT_FAMILIE, "LiberationSans-Italic.ttf", "normal", "italic"),
            (SCHRIFT_FAMILIE, "LiberationSans-BoldItalic.ttf", "bold", "italic"),
            *((f, d, g, "normal") for f, d, g in ERSATZSCHRIFTEN),
        )
    )
    falz = "".join(
        f".falz{i + 1} {{ top: {y(wert)}; }}\n" for i, wert in enumerate(form.falzmarken)
    )
    return f"""
{schriften}
@page {{
  size: A4;
  margin: {_mm(g.RAND_OBEN_FOLGESEITE)} {_mm(g.RAND_RECHTS)} {_mm(g.RAND_UNTEN_FOLGESEITE)}
          {_mm(g.RAND_LINKS)};
  @top-right {{
    content: "Seite " counter(page) " von " counter(pages);
    font-family: {SCHRIFT_STAPEL}; font-size: {g.SCHRIFTGRAD_INFOBLOCK}pt;
    vertical-align: bottom; padding-bottom: 4mm;
  }}
}}
@page :first {{
  margin-top: 0;
  margin-bottom: {_mm(g.RAND_UNTEN)};
  @top-right {{ content: none; }}
  @bottom-left {{ content: element(fuss); width: {_mm(g.TEXT_BREITE)};
                  vertical-align: top; padding-top: 4mm; }}
}}
html {{ font-family: {SCHRIFT_STAPEL}; font-size: {g.SCHRIFTGRAD_TEXT}pt;
        line-height: {g.ZEILENABSTAND}; color: #000; }}
body {{ margin: 0; hyphens: auto; hyphenate-limit-chars: 5 2 2; }}
p {{ margin: 0 0 {_mm(g.ZEILE)} 0; orphans: 2; widows: 2; }}
.fuss {{ position: running(fuss); font-size: {g.SCHRIFTGRAD_FUSS}pt; line-height: 1.25;
         color: #333; border-top: 0.2mm solid #777; padding-top: 1.5mm; hyphens: manual; }}
.fuss p {{ margin: 0; }}
.briefkopf {{ position: absolute; top: {y(12.0)}; left: 0; width: {_mm(g.TEXT_BREITE)};
              height: {_mm(form.briefkopf_hoehe - 14.0)}; hyphens: manual; }}
.briefkopf p {{ margin: 0; }}
.behoerde {{ font-size: {g.SCHRIFTGRAD_KOPF}pt; font-weight: bold; line-height: 1.1; }}
.dienststelle {{ font-size: {g.SCHRIFTGRAD_TEXT}pt; }}
.logo {{ position: absolute; right: 0; top: 0; max-height: {_mm(form.briefkopf_hoehe - 17.0)};
         max-width: 50mm; }}
.anschriftfeld {{ position: absolute; top: {y(form.anschriftfeld_oben)};
                  left: {x(g.ANSCHRIFT_LINKS)}; width: {_mm(g.ANSCHRIFT_BREITE)};
                  height: {_mm(g.ANSCHRIFTFELD_HOEHE)}; hyphens: manual; }}
.vermerkzone {{ height: {_mm(form.vermerkzone_unten - form.vermerkzone_oben)};
                display: flex; flex-direction: column; justify-content: flex-end; }}
.vermerkzone p {{ margin: 0; font-size: {g.SCHRIFTGRAD_RUECKSENDE}pt; line-height: 1.2; }}
.ruecksende {{ text-decoration: underline; text-decoration-thickness: 0.15mm; }}
.empfaenger {{ font-style: normal; margin: 0; line-height: 1.15;
               height: {_mm(form.empfaengerzone_unten - form.empfaengerzone_oben)};
               overflow: visible; white-space: nowrap; }}
.empfaenger p {{ margin: 0; }}
.infoblock {{ position: absolute; top: {y(form.infoblock_oben)}; left: {x(g.INFOBLOCK_LINKS)};
              width: {_mm(g.INFOBLOCK_BREITE)}; font-size: {g.SCHRIFTGRAD_INFOBLOCK}pt;
              line-height: 1.25; hyphens: manual; }}
.infoblock table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
.infoblock th {{ font-weight: normal; text-align: left; vertical-align: top; padding: 0;
                 width: {_mm(g.INFOBLOCK_BEZEICHNUNG_BREITE)}; color: #333; }}
.infoblock td {{ padding: 0; vertical-align: top; overflow-wrap: anywhere; }}
.infoblock .luecke td {{ height: 1.25em; }}
.marke {{ position: absolute; left: {x(g.FALZMARKE_X)}; width: {_mm(g.FALZMARKE_LAENGE)};
          height: 0; border-top: {_mm(g.MARKE_STAERKE)} solid #000; }}
.loch {{ top: {y(g.LOCHMARKE_Y)}; width: {_mm(g.LOCHMARKE_LAENGE)}; }}
{falz}
.brieftext {{ display: block; padding-top: {y(form.betreff_y)}; }}
.betreff {{ font-size: {g.SCHRIFTGRAD_TEXT}pt; font-weight: bold; margin: 0 0 {_mm(2 * g.ZEILE)} 0;
            line-height: {g.ZEILENABSTAND}; hyphens: manual; }}
.anrede {{ margin-bottom: {_mm(g.ZEILE)}; }}
ul, ol {{ margin: 0 0 {_mm(g.ZEILE)} 0; padding-left: 6mm; }}
li {{ margin: 0; }}
.tabelle {{ border-collapse: collapse; margin: 0 0 {_mm(g.ZEILE)} 0; }}
.tabelle th, .tabelle td {{ border-bottom: 0.2mm solid #999; padding: 0.8mm 3mm 0.8mm 0;
                            text-align: left; vertical-align: top; hyphens: manual; }}
.tabelle th {{ font-weight: bold; }}
.schluss {{ break-inside: avoid; margin-top: 0; display: flow-root; }}
.girocode {{ display: flex; align-items: flex-start; gap: {_mm(g.GIROCODE_ABSTAND)};
             width: {_mm(g.GIROCODE_BREITE)}; margin: 0 0 {_mm(g.ZEILE)} 0; break-inside: avoid;
             font-size: {g.SCHRIFTGRAD_INFOBLOCK}pt; line-height: 1.25; hyphens: manual; }}
.girocode svg {{ flex: none; width: {_mm(g.GIROCODE_SEITE)}; height: {_mm(g.GIROCODE_SEITE)}; }}
.girocode figcaption {{ flex: 1; }}
.girocode figcaption p {{ margin: 0; }}
.girocode figcaption p:first-child {{ font-weight: bold; }}
.am-schluss {{ float: right; margin: 0 0 {_mm(g.ZEILE)} {_mm(g.ZEILE)}; }}
.gruss {{ margin-bottom: 0; }}
.unterschrift-platz {{ height: {_mm(3 * g.ZEILE)}; }}
.unterschrift-bild {{ display: block; max-height: {_mm(3 * g.ZEILE)}; max-width: 60mm; }}
.unterschrift-name, .unterschrift-funktion, .maschinell {{ margin: 0; }}
.maschinell {{ margin-top: {_mm(g.ZEILE)}; font-size: {g.SCHRIFTGRAD_INFOBLOCK}pt; }}
.anlagen, .verteiler {{ margin-top: {_mm(g.ZEILE)}; break-inside: avoid; }}
.anlagen h2, .verteiler h2 {{ font-size: {g.SCHRIFTGRAD_TEXT}pt; font-weight: normal;
                              margin: 0; text-decoration: underline; }}
.anlagen ul, .verteiler ul {{ list-style: none; padding: 0; margin: 0; }}
.lang {{ overflow-wrap: anywhere; hyphens: manual; }}
"""


def _kleiner(schriftgrad: float | None) -> str:
    """The style of an address line set smaller, on the line pitch of the text."""
    if schriftgrad is None:
        return ""
    return (f' style="font-size: {schriftgrad:g}pt; '
            f'line-height: {g.SCHRIFTGRAD_TEXT * g.ZEILENABSTAND:g}pt"')
