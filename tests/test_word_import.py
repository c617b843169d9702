"""Word import: documents made here with python-docx (raw XML only where it has no API)."""

import io
import shutil
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from briefe.fehler import VorlagenFehler
from briefe.modell import Absatz, Liste, Tabelle, Textteil
from briefe.vorlage.vorlage import lade_vorlage
from briefe.vorlage.word_import import importiere_docx
from tests.conftest import MEYER, VORLAGEN, empfaenger

W = nsdecls("w")


def _bytes(dok) -> bytes:
    puffer = io.BytesIO()
    dok.save(puffer)
    return puffer.getvalue()


def _einfaches_feld(absatz, name: str) -> None:
    """``w:fldSimple`` as Word writes it for a merge field."""
    absatz._p.append(parse_xml(
        f'<w:fldSimple {W} w:instr=" MERGEFIELD {name} "><w:r><w:t>«{name}»</w:t></w:r>'
        "</w:fldSimple>"))


def _komplexes_feld(absatz, code: str, anzeige: str, fett: bool = False) -> None:
    """``w:fldChar`` begin / ``w:instrText`` / separate / result / end, one run each."""
    rpr = "<w:rPr><w:b/></w:rPr>" if fett else ""
    for xml in (f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {W}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>',
                f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
                f"<w:r {W}>{rpr}<w:t>{anzeige}</w:t></w:r>",
                f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'):
        absatz._p.append(parse_xml(xml))


def _serienbrief() -> docx.Document:
    """A Serienbrief main document as an office has it."""
    dok = docx.Document()
    for felder in (["Anrede"], ["Vorname", "Name"], ["Straße"], ["PLZ", "Ort"]):
        absatz = dok.add_paragraph()
        for i, feld in enumerate(felder):
            if i:
                absatz.add_run(" ")
            _einfaches_feld(absatz, feld)
    dok.add_paragraph("Betreff: Teilkonferenz Inklusion")
    anrede = dok.add_paragraph("Sehr geehrte Damen und Herren,")
    assert anrede
    absatz = dok.add_paragraph("wir laden ")
    absatz.add_run("herzlich").bold = True
    absatz.add_run(" und ")
    absatz.add_run("persönlich").italic = True
    absatz.add_run(" ein, liebe Kollegin aus ")
    _komplexes_feld(absatz, 'MERGEFIELD "Einrichtung" \\* MERGEFORMAT', "«Einrichtung»",
                    fett=True)
    absatz.add_run(".")
    umbruch = dok.add_paragraph("Erste Zeile")
    umbruch.runs[0].add_break()
    umbruch.add_run("zweite Zeile mit {{ werte.termin | datum_lang }} und 3 * 4 < 5")
    dok.add_paragraph("Punkt eins", style="List Bullet")
    dok.add_paragraph("Punkt zwei", style="List Bullet")
    dok.add_paragraph("Schritt eins", style="List Number")
    dok.add_paragraph("Schritt zwei", style="List Number")
    tabelle = dok.add_table(rows=2, cols=2)
    kopf = tabelle.rows[0].cells
    kopf[0].paragraphs[0].add_run("Zeit").bold = True
    kopf[1].paragraphs[0].add_run("Thema").bold = True
    tabelle.rows[1].cells[0].text = "9:30"
    tabelle.rows[1].cells[1].text = "Begrüßung | Einführung"
    dok.add_paragraph("Mit freundlichen Grüßen")
    dok.add_paragraph("Im Auftrag")
    dok.add_paragraph("Jochen Becker")
    dok.add_paragraph("Vorsitzender des Lenkungskreises")
    return dok


@pytest.fixture(scope="module")
def ordner(tmp_path_factory):
    ziel = tmp_path_factory.mktemp("vorlagen")
    shutil.copytree(VORLAGEN / "absender", ziel / "absender")
    return ziel


def test_serienbrief_wird_vorlage(ordner):
    ergebnis = importiere_docx(_bytes(_serienbrief()), name="Teilkonferenz",
                               absender="stadt-hagen-lenkungskreis",
                               spalten=["Anrede", "Vorname", "Name", "Straße", "PLZ", "Ort",
                                        "Einrichtung"])
    text = ergebnis.quelltext
    assert 'titel = "Teilkonferenz"' in text
    assert 'betreff = "Teilkonferenz Inklusion"' in text
    assert 'grussformel = "Mit freundlichen Grüßen"' in text
    assert "{{ werte.termin | datum_lang }}" in text  # typed in Word: kept
    assert "**{{ empfaenger.organisation }}**" in text  # complex field, bold, via the alias

    pfad = ordner / "teilkonferenz.md"
    pfad.write_text(text.replace("{{ werte.termin | datum_lang }}", "{{ datum }}"),
                    encoding="utf-8")
    vorlage = lade_vorlage(pfad)
    assert vorlage.spalten == {"organisation"}
    brief = vorlage.erzeuge(empfaenger(**MEYER))
    assert brief.betreff == "Teilkonferenz Inklusion"
    assert brief.anrede == "Sehr geehrte Frau Dr. Meyer,"
    assert brief.unterschrift.name == "Jochen Becker"
    assert brief.unterschrift.funktion == "Vorsitzender des Lenkungskreises"
    erster, umbruch, punkte, schritte, tabelle = brief.inhalt
    assert erster == Absatz((
        Textteil("wir laden "), Textteil("herzlich", fett=True), Textteil(" und "),
        Textteil("persönlich", kursiv=True), Textteil(" ein, liebe Kollegin aus "),
        Textteil("Gesamtschule Eilpe", fett=True), Textteil("."),
    ))
    assert umbruch.teile[0].text.startswith("Erste Zeile\nzweite Zeile mit ")
    assert umbruch.teile[0].text.endswith(" und 3 * 4 < 5")
    assert punkte == Liste(((Textteil("Punkt eins"),), (Textteil("Punkt zwei"),)))
    assert schritte == Liste(((Textteil("Schritt eins"),), (Textteil("Schritt zwei"),)),
                             nummeriert=True)
    assert isinstance(tabelle, Tabelle)
    assert tabelle.kopf == ((Textteil("Zeit", fett=True),), (Textteil("Thema", fett=True),))
    assert tabelle.zeilen == (((Textteil("9:30"),), (Textteil("Begrüßung | Einführung"),)),)

    hinweise = " ".join(ergebnis.nicht_uebernommen)
    assert "Adressblock (Absatz 1, Absatz 2, Absatz 3, Absatz 4)" in hinweise
    assert "Die Anrede „Sehr geehrte Damen und Herren,“ wurde nicht übernommen" in hinweise
    assert "„Im Auftrag“" in hinweise


def test_einfaches_und_komplexes_feld_und_unbekannte_spalte():
    dok = docx.Document()
    absatz = dok.add_paragraph("Ihr Gremium: ")
    _einfaches_feld(absatz, "Gremium")
    absatz.add_run(", Ihr Termin: ")
    _komplexes_feld(absatz, "MERGEFIELD Sitzungstermin", "«Sitzungstermin»")
    absatz.add_run(", heute: ")
    _komplexes_feld(absatz, 'DATE \\@ "dd.MM.yyyy"', "01.12.2026")
    ergebnis = importiere_docx(_bytes(dok), absender="x", spalten=["Gremien", "Ort"])
    koerper = ergebnis.quelltext.split("+++\n")[2]
    assert koerper == ("Ihr Gremium: {{ empfaenger.gremien }}, Ihr Termin: "
                       "{{ empfaenger.sitzungstermin }}, heute: 01.12.2026\n")
    hinweise = ergebnis.nicht_uebernommen
    assert any("Seriendruckfeld „Sitzungstermin“ passt zu keiner Spalte" in h for h in hinweise)
    assert any(h.startswith("Feld DATE (Absatz 1): nur der zuletzt in Word angezeigte Text")
               for h in hinweise)


def test_anredezeile_aus_feldern_entfaellt():
    dok = docx.Document()
    for felder, komma in ((["Anrede"], ""), (["Name"], ""), (["Anrede", "Name"], ",")):
        absatz = dok.add_paragraph()
        for i, feld in enumerate(felder):
            absatz.add_run(" " if i else "")
            _einfaches_feld(absatz, feld)
        absatz.add_run(komma)
    dok.add_paragraph("wir laden Sie ein.")
    ergebnis = importiere_docx(_bytes(dok), absender="x")
    assert ergebnis.quelltext.split("+++\n")[2] == "wir laden Sie ein.\n"
    hinweise = " ".join(ergebnis.nicht_uebernommen)
    assert "Adressblock (Absatz 1, Absatz 2)" in hinweise
    assert "Die Anrede „«Anrede» «Name»,“ wurde nicht übernommen" in hinweise


def test_nummerierung_ueber_numpr():
    """Word's own numbering (numPr in the paragraph, numFmt in numbering.xml)."""
    dok = docx.Document()
    nummerierung = dok.part.numbering_part.element
    nummerierung.append(parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
    nummerierung.append(parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="91"><w:lvl w:ilvl="0">'
        '<w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>'))
    nummerierung.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    nummerierung.append(parse_xml(f'<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    for text, num in (("erstens", 90), ("zweitens", 90), ("Punkt", 91)):
        absatz = dok.add_paragraph(text, style="List Paragraph")
        absatz._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'))
    koerper = importiere_docx(_bytes(dok), absender="x").quelltext.split("+++\n")[2]
    assert koerper == "1. erstens\n1. zweitens\n\n- Punkt\n"


def test_nicht_uebernommenes_wird_genannt():
    dok = docx.Document()
    absatz = dok.add_paragraph("Unterstrichen: ")
    absatz.add_run("wichtig").underline = True
    bild = dok.add_paragraph("Bild: ")
    bild._p.append(parse_xml(f'<w:r {W}><w:drawing><wp:inline xmlns:wp="http://schemas.'
                             'openxmlformats.org/drawingml/2006/wordprocessingDrawing"/>'
                             "</w:drawing></w:r>"))
    feld = dok.add_paragraph("Fußnote")
    feld._p.append(parse_xml(f'<w:r {W}><w:footnoteReference w:id="1"/></w:r>'))
    kasten = dok.add_paragraph("Kasten")
    kasten._p.append(parse_xml(
        f'<w:r {W}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>im Kasten</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"))
    aenderung = dok.add_paragraph("Alt ")
    aenderung._p.append(parse_xml(
        f'<w:del {W} w:id="1" w:author="A"><w:r><w:delText>weg</w:delText></w:r></w:del>'))
    aenderung._p.append(parse_xml(
        f'<w:ins {W} w:id="2" w:author="A"><w:r><w:t>neu</w:t></w:r></w:ins>'))
    kommentar = dok.add_paragraph("Kommentiert")
    kommentar._p.append(parse_xml(f'<w:commentRangeStart {W} w:id="0"/>'))
    umbruch = dok.add_paragraph("Vor dem Umbruch")
    umbruch.runs[0].add_break(WD_BREAK.PAGE)
    ergebnis = importiere_docx(_bytes(dok), absender="x")
    hinweise = list(ergebnis.nicht_uebernommen)
    erwartet = [
        "Unterstreichungen (Absatz 1) wurden als normaler Text übernommen",
        "Bilder im Brieftext wurden nicht übernommen (Absatz 2)",
        "Fußnoten wurden nicht übernommen (Absatz 3)",
        "Textfelder wurden nicht übernommen (Absatz 4)",
        "Nachverfolgte Änderungen (Absatz 5)",
        "Kommentare wurden nicht übernommen (Absatz 6)",
        "Seitenumbrüche (Absatz 7) wurden nicht übernommen",
    ]
    for anfang in erwartet:
        assert any(h.startswith(anfang) for h in hinweise), (anfang, hinweise)
    koerper = ergebnis.quelltext.split("+++\n")[2]
    assert "Alt neu" in koerper and "weg" not in koerper and "im Kasten" not in koerper
    assert "Unterstrichen: wichtig" in koerper


def test_markdown_zeichen_aus_word_bleiben_woertlich(ordner):
    dok = docx.Document()
    dok.add_paragraph("Betreff: Hinweise")
    dok.add_paragraph("1. Januar ist *kein* Tag für [Links] & <Tags> oder _Unterstriche_")
    dok.add_paragraph("- kein Listenpunkt")
    ergebnis = importiere_docx(_bytes(dok), absender="stadt-hagen-lenkungskreis")
    pfad = ordner / "zeichen.md"
    pfad.write_text(ergebnis.quelltext, encoding="utf-8")
    inhalt = lade_vorlage(pfad).erzeuge(empfaenger(**MEYER)).inhalt
    assert inhalt == (
        Absatz((Textteil("1. Januar ist *kein* Tag für [Links] & <Tags> oder _Unterstriche_"),)),
        Absatz((Textteil("- kein Listenpunkt"),)),
    )


def test_keine_word_datei():
    with pytest.raises(VorlagenFehler, match="kein lesbares Word-Dokument"):
        importiere_docx(b"kein Word")


def test_cli_importieren_und_erstellen(ordner, tmp_path, capsys):
    from briefe.cli.haupt import main

    brief = tmp_path / "Einladung Teilkonferenz.docx"
    _serienbrief().save(brief)
    liste = tmp_path / "liste.csv"
    liste.write_text("Anrede;Vorname;Name;Einrichtung;Straße;PLZ;Ort\n"
                     "Frau;Maria;Meyer;Gesamtschule Eilpe;Weg 1;58089;Hagen\n", encoding="utf-8")
    (ordner / "einladung-teilkonferenz.md").unlink(missing_ok=True)
    argumente = ["vorlage", "importieren", str(brief), "--ordner", str(ordner), "--liste", str(liste)]
    (ordner / "absender" / "zweites.toml").write_text('behoerde = "Zweite"\n', encoding="utf-8")
    assert main(argumente) == 1  # two profiles: no sender chosen, saved but to be completed
    ausgabe = capsys.readouterr().out
    assert "Kein Absenderprofil angegeben" in ausgabe and "Noch zu ergänzen" in ausgabe
    (ordner / "absender" / "zweites.toml").unlink()
    vorher = (ordner / "einladung-teilkonferenz.md").read_bytes()
    assert main(argumente + ["--absender", "stadt-hagen-lenkungskreis"]) == 2  # never overwrites
    assert "gibt es schon" in capsys.readouterr().err
    assert (ordner / "einladung-teilkonferenz.md").read_bytes() == vorher
    assert main(argumente + ["--ersetzen"]) == 0  # the only profile
    ausgabe = capsys.readouterr().out
    assert "Absender: stadt-hagen-lenkungskreis" in ausgabe and "Adressblock" in ausgabe
    vorlage = ordner / "einladung-teilkonferenz.md"
    vorlage.write_text(vorlage.read_text(encoding="utf-8").replace(
        "{{ werte.termin | datum_lang }}", "{{ datum | datum_lang }}"), encoding="utf-8")
    aus = tmp_path / "aus"
    assert main(["erstellen", str(vorlage), str(liste), "--ausgabe", str(aus), "--format", "docx",
                 "--jobs", "1"]) == 0
    dok = docx.Document(aus / "0001-meyer-maria.docx")
    absaetze = {p.text: p for p in dok.paragraphs}
    text = next(t for t in absaetze if t.startswith("wir laden"))
    assert text == "wir laden herzlich und persönlich ein, liebe Kollegin aus Gesamtschule Eilpe."
    fett = [r.text for r in absaetze[text].runs if r.bold]
    assert fett == ["herzlich", "Gesamtschule Eilpe"]
    assert "Teilkonferenz Inklusion" in absaetze and "Sehr geehrte Frau Meyer," in absaetze
    assert [z.cells[1].text for z in dok.tables[-1].rows] == ["Thema", "Begrüßung | Einführung"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice fehlt")
def test_von_libreoffice_gespeichertes_dokument(tmp_path):
    """The same letter saved again by LibreOffice (its own XML for fields and lists)."""
    import subprocess

    quelle = tmp_path / "quelle.docx"
    _serienbrief().save(quelle)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profil",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(quelle)], check=True, capture_output=True, timeout=180)
    gespeichert = (tmp_path / "lo" / "quelle.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(gespeichert)) as paket:
        xml = paket.read("word/document.xml")
    assert b"fldChar" in xml and b"fldSimple" not in xml  # LibreOffice writes complex fields
    ergebnis = importiere_docx(gespeichert, absender="stadt-hagen-lenkungskreis",
                               spalten=["Anrede", "Vorname", "Name", "Einrichtung"])
    koerper = ergebnis.quelltext.split("+++\n")[2]
    assert "liebe Kollegin aus {{ empfaenger.organisation }}." in koerper
    assert "- Punkt eins\n- Punkt zwei\n\n1. Schritt eins\n1. Schritt zwei" in koerper
    assert "| 9:30 | Begrüßung \\| Einführung |" in koerper
    assert any(h.startswith("Der Adressblock (Absatz 1, Absatz 2, Absatz 3, Absatz 4)")
               for h in ergebnis.nicht_uebernommen)
