"""What the Word import costs: paragraphs per second and peak memory, per document size.

    python benchmarks/word_import.py [--absaetze 2500,10000]

The document is a Serienbrief as offices write it: paragraphs with bold and italic
runs and merge fields (simple and complex), bullet and numbered lists and a table
every hundred paragraphs. Each size is imported in a process of its own, so its peak
RSS belongs to that size alone; the reference is reading the same document with
python-docx alone (``docx.Document`` and the text of every paragraph), the floor the
import cannot go below.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent


def dokument(absaetze: int) -> bytes:
    """A Word document of about ``absaetze`` paragraphs."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w = nsdecls("w")
    dok = docx.Document()
    for nummer in range(absaetze):
        if nummer % 100 == 99:
            tabelle = dok.add_table(rows=3, cols=2)
            for zeile in tabelle.rows:
                zeile.cells[0].text, zeile.cells[1].text = "9:30", f"Punkt {nummer}"
            continue
        stil = ("List Bullet" if nummer % 10 == 3 else "List Number" if nummer % 10 == 4
                else None)
        absatz = dok.add_paragraph(f"Absatz {nummer}: wir laden Sie ", style=stil)
        absatz.add_run("herzlich").bold = True
        absatz.add_run(" zur Konferenz ein, ")
        absatz.add_run("persönlich").italic = True
        absatz.add_run(" und mit Ihrer Einrichtung ")
        absatz._p.append(parse_xml(
            f'<w:fldSimple {w} w:instr=" MERGEFIELD Einrichtung "><w:r><w:t>«Einrichtung»'
            "</w:t></w:r></w:fldSimple>"))
        if nummer % 5 == 0:
            for xml in (f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
                        f'<w:r {w}><w:instrText xml:space="preserve"> MERGEFIELD Name '
                        "</w:instrText></w:r>",
                        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
                        f"<w:r {w}><w:t>«Name»</w:t></w:r>",
                        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>'):
                absatz._p.append(parse_xml(xml))
        absatz.add_run(".")
    puffer = io.BytesIO()
    dok.save(puffer)
    return puffer.getvalue()


def miss(absaetze: int, art: str) -> dict:
    """Import (or only read) a document of that size once; seconds and peak RSS."""
    sys.path.insert(0, str(WURZEL))
    daten = dokument(absaetze)
    vorher = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    beginn = time.perf_counter()
    if art == "import":
        from briefe.vorlage.word_import import importiere_docx

        importiere_docx(daten, absender="x", spalten=["Name", "Einrichtung"])
    else:
        import docx

        dok = docx.Document(io.BytesIO(daten))
        for absatz in dok.element.body.iter("{http://schemas.openxmlformats.org/"
                                            "wordprocessingml/2006/main}p"):
            "".join(absatz.itertext())
    dauer = time.perf_counter() - beginn
    spitze = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"sekunden": dauer, "spitze_mib": spitze / 1024, "zuwachs_mib": (spitze - vorher) / 1024}


def main() -> None:
    teile = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    teile.add_argument("--absaetze", default="2500,10000",
                       help="Größen der Dokumente in Absätzen, durch Komma getrennt")
    teile.add_argument("--messe", nargs=2, metavar=("ABSAETZE", "ART"), help=argparse.SUPPRESS)
    args = teile.parse_args()
    if args.messe:
        print(json.dumps(miss(int(args.messe[0]), args.messe[1])))
        return
    print("Hinweis: gemessen auf einem geteilten Rechner; die Zahlen schwanken mit der Last.")
    print(f"{'Absätze':>8} {'Art':<14} {'Sekunden':>9} {'Absätze/s':>10} {'Spitze MiB':>11}")
    for absaetze in (int(a) for a in args.absaetze.split(",")):
        for art, name in (("lesen", "python-docx"), ("import", "Word-Import")):
            ausgabe = subprocess.run([sys.executable, __file__, "--messe", str(absaetze), art],
                                     check=True, capture_output=True, text=True).stdout
            wert = json.loads(ausgabe)
            print(f"{absaetze:>8} {name:<14} {wert['sekunden']:>9.2f} "
                  f"{absaetze / wert['sekunden']:>10.0f} {wert['spitze_mib']:>11.0f}")


if __name__ == "__main__":
    main()
