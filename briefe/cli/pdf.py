"""``briefe pdf pruefen DATEI.pdf``: what a PDF claims and what holds.

Exit codes: 0 every check passed, 1 a check failed, 2 the file cannot be read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXIT_OK, EXIT_MAENGEL, EXIT_NICHT_LESBAR = 0, 1, 2


def richte_ein(befehle) -> None:
    """Register the ``pdf`` command and its subcommands on the CLI's subparsers."""
    pdf = befehle.add_parser(
        "pdf", help="PDF-Dateien prüfen (PDF/A, PDF/UA)",
        description="Befehle rund um fertige PDF-Dateien.",
    )
    unter = pdf.add_subparsers(dest="pdf_befehl", metavar="BEFEHL", title="Befehle")
    pruefen = unter.add_parser(
        "pruefen", help="zeigen, was ein PDF beansprucht (PDF/A, PDF/UA), und prüfen, was hier prüfbar ist",
        description="Liest die PDF/A- und PDF/UA-Kennung aus den XMP-Metadaten und prüft: "
                    "Verschlüsselung, eingebettete Schriften, externe Verweise, JavaScript, Anhänge; "
                    "bei PDF/A Ausgabebedingung und Metadaten; bei getaggten PDFs Strukturbaum, "
                    "Sprache, Titel, Alternativtexte. Eine Zeile je Prüfung (✓/✗), dann eine "
                    "Zusammenfassung und was nicht geprüft wurde. Rückgabewert 0: alles erfüllt, "
                    "1: mindestens eine Prüfung nicht bestanden, 2: Datei nicht lesbar.",
    )
    pruefen.add_argument("datei", type=Path, metavar="DATEI.pdf", help="die zu prüfende PDF-Datei")
    pruefen.set_defaults(handler=pdf_pruefen)
    pdf.set_defaults(handler=lambda args: _hilfe(pdf))


def _hilfe(parser) -> int:
    parser.print_help()
    return EXIT_NICHT_LESBAR


def pdf_pruefen(args) -> int:
    """Print the check report of one PDF file."""
    from briefe.satz.pdf.pruefung import PdfNichtLesbar, als_text, pruefe

    try:
        bericht = pruefe(args.datei)
    except PdfNichtLesbar as fehler:
        print(f"Fehler: {fehler}", file=sys.stderr)
        return EXIT_NICHT_LESBAR
    try:
        print(als_text(bericht), flush=True)
    except BrokenPipeError:  # e.g. piped into ``head``
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python quiet at exit
    return EXIT_OK if bericht.ok else EXIT_MAENGEL
