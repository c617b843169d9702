"""Round trip through Word: template → DOCX (export) → template (import), and what Word adds."""

import io
import shutil
import subprocess

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from briefe.quellen.mitglieder import lies_mitglieder
from briefe.vorlage.vorlage import lade_vorlage
from briefe.vorlage.word_import import importiere_docx
from tests.beispiellisten import beispielliste
from tests.conftest import VORLAGEN, WURZEL

W = nsdecls("w")


def _bytes(dok) -> bytes:
    puffer = io.BytesIO()
    dok.save(puffer)
    return puffer.getvalue()


def _feld(code: str, anzeige: str) -> str:
    return "".join((f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                    f'<w:r {W}><w:instrText xml:space="preserve">{code}</w:instrText></w:r>',
                    f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
                    f"<w:r {W}><w:t>{anzeige}</w:t></w:r>",
                    f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))


def test_if_feld_steuerelement_und_kopfzeile_aus_word():
    """An IF field around a MERGEFIELD, briefe's condition control and a marked header row."""
    dok = docx.Document()
    dok.add_paragraph("Betreff: Einladung")
    absatz = dok.add_paragraph("Wir grüßen ")
    innen = _feld(' MERGEFIELD "Funktion" ', "«Funktion»")
    for kind in parse_xml(f"<w:p {W}>"
                          '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                          '<w:r><w:instrText xml:space="preserve"> IF "</w:instrText></w:r>'
                          f"{innen}"
                          '<w:r><w:instrText xml:space="preserve">" &lt;&gt; "" "als '
                          f'</w:instrText></w:r>{innen}'
                          '<w:r><w:instrText xml:space="preserve">" "ohne Amt" </w:instrText></w:r>'
                          '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                          "<w:r><w:t>als Leitung</w:t></w:r>"
                          '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'):
        absatz._p.append(kind)
    absatz.add_run(".")
    dok.element.body.append(parse_xml(
        f'<w:sdt {W}><w:sdtPr><w:alias w:val="nur wenn «Gremien» enthält „Lenkungskreis“"/>'
        '<w:tag w:val=\'briefe-wenn{"spalte": "empfaenger.gremien", "art": "enthaelt", '
        '"wert": "Lenkungskreis"}\'/></w:sdtPr><w:sdtContent>'
        "<w:p><w:r><w:t>Sie sind im Lenkungskreis.</w:t></w:r></w:p>"
        '<w:sdt><w:sdtPr><w:tag w:val="briefe-sonst"/></w:sdtPr><w:sdtContent>'
        "<w:p><w:r><w:t>Sie sind Gast.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "</w:sdtContent></w:sdt>"))
    tabelle = dok.add_table(rows=2, cols=2)
    tabelle.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {W}/>"))
    tabelle.rows[0].cells[0].text, tabelle.rows[0].cells[1].text = "Zeit", "Thema"
    tabelle.rows[1].cells[0].text, tabelle.rows[1].cells[1].text = "9:30", "Begrüßung"
    ohne = dok.add_table(rows=2, cols=1)  # no mark, not bold: an empty header as before
    ohne.rows[0].cells[0].text, ohne.rows[1].cells[0].text = "eins", "zwei"
    text = importiere_docx(_bytes(dok), absender="x", spalten=["Funktion", "Gremien"]).quelltext
    assert ('Wir grüßen {% if empfaenger.funktion %}als {{ empfaenger.funktion }}'
            "{% else %}ohne Amt{% endif %}." in text)
    assert ('{% if "Lenkungskreis" in empfaenger.gremien %}\nSie sind im Lenkungskreis.\n'
            "{% else %}\nSie sind Gast.\n{% endif %}" in text)
    assert "| Zeit | Thema |\n|---|---|\n| 9:30 | Begrüßung |" in text
    assert "|  |\n|---|\n| eins |\n| zwei |" in text


def _briefe(pfad, liste):
    vorlage = lade_vorlage(pfad, VORLAGEN)
    return [vorlage.erzeuge(e) for e in liste.empfaenger]


@pytest.fixture(scope="module")
def export():
    pytest.importorskip("briefe.vorlage.editor_dokument")
    from briefe.vorlage.word_export import exportiere_docx

    return exportiere_docx


@pytest.mark.parametrize("pfad", sorted(VORLAGEN.glob("*.md")), ids=lambda p: p.stem)
def test_vorlage_nach_word_und_zurueck_gibt_dieselben_briefe(export, pfad, tmp_path):
    liste = beispielliste(pfad, tmp_path)
    daten = export(pfad.read_text(encoding="utf-8"))
    zurueck = tmp_path / pfad.name
    ergebnis = importiere_docx(daten)
    zurueck.write_text(ergebnis.quelltext, encoding="utf-8")
    assert ergebnis.nicht_uebernommen == ()
    assert _briefe(zurueck, liste) == _briefe(pfad, liste)


def test_in_word_bearbeitet_behaelt_felder_und_bedingungen(export, tmp_path):
    """A word changed and a paragraph added with python-docx: every field and condition stays."""
    pfad = VORLAGEN / "bildungskonferenz-einladung.md"
    dok = docx.Document(io.BytesIO(export(pfad.read_text(encoding="utf-8"))))
    absatz = next(p for p in dok.paragraphs if "herzlich" in p.text)
    lauf = next(r for r in absatz.runs if "herzlich" in r.text)
    lauf.text = lauf.text.replace("herzlich", "sehr herzlich")
    dok.add_paragraph("Parkplätze gibt es am Rathaus.")
    text = importiere_docx(_bytes(dok)).quelltext
    original = pfad.read_text(encoding="utf-8")
    for stelle in ("{{ werte.konferenz | datum_lang }}", '{{ "9:30" | uhrzeit }}',
                   "{% if empfaenger.handlungsfeld %}", "*{{ empfaenger.handlungsfeld }}*",
                   "{{ werte.anmeldeschluss | datum }}", "{% endif %}"):
        assert original.count(stelle) == text.count(stelle), stelle
    assert "sehr herzlich" in text and text.rstrip().endswith("Parkplätze gibt es am Rathaus.")
    zurueck = tmp_path / pfad.name
    zurueck.write_text(text, encoding="utf-8")
    liste = lies_mitglieder(WURZEL / "daten" / "mitglieder.csv")
    assert len(_briefe(zurueck, liste)) == len(liste.empfaenger)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice fehlt")
def test_export_oeffnet_in_libreoffice(export, tmp_path):
    pfad = VORLAGEN / "bildungskonferenz-einladung.md"
    (tmp_path / "brief.docx").write_bytes(export(pfad.read_text(encoding="utf-8")))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "brief.docx")],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", str(tmp_path / "brief.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "«Handlungsfeld»" in text and "«Konferenz»" in text and "Bildungskonferenz" in text
    assert "MERGEFIELD" not in text  # results shown, not field codes


def test_cli_exportieren(export, tmp_path, capsys):
    from briefe.cli.haupt import main

    ziel = tmp_path / "brief.docx"
    assert main(["vorlage", "exportieren", "beitragsbescheid", "--ausgabe", str(ziel),
                 "--ordner", str(VORLAGEN)]) == 0
    assert "Word-Dokument geschrieben" in capsys.readouterr().out
    instr = "".join(t.text or "" for t in docx.Document(ziel).element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
    assert "MERGEFIELD" in instr
    assert main(["vorlage", "exportieren", "gibt-es-nicht", "--ausgabe", str(ziel),
                 "--ordner", str(VORLAGEN)]) == 2
    assert "Vorlage nicht lesbar" in capsys.readouterr().err


def test_bedingungen_im_absatz_und_als_block_kommen_zurueck(export):
    """IF field (with else), "enthält" in a paragraph, a block with else and a header row."""
    quelle = ('+++\ntitel = "x"\n+++\nWir grüßen {% if empfaenger.funktion %}als '
              "{{ empfaenger.funktion }}{% else %}ohne Amt{% endif %} und "
              '{% if "Lenkungskreis" in empfaenger.gremien %}den Kreis{% endif %}.\n\n'
              '{% if "A" in empfaenger.gremien %}\nBlock\n{% else %}\nSonst\n{% endif %}\n\n'
              "| Kopf | Zwei |\n|---|---|\n| a | b |\n")
    daten = export(quelle)
    instr = "".join(t.text or "" for t in docx.Document(io.BytesIO(daten)).element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
    assert ' IF "' in instr and 'MERGEFIELD "Funktion"' in instr
    ergebnis = importiere_docx(daten)
    assert ergebnis.quelltext == quelle and ergebnis.nicht_uebernommen == ()
