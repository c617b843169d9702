"""What the PDF variants cost: letters per second, peak memory and file size per variant.

    python benchmarks/varianten.py [--briefe 50] [--varianten standard,archiv,...]

Time: every letter is laid out once and then written in each variant, one right
after the other, so a busy machine slows all variants alike (the layout does not
depend on the variant). Memory: each variant renders the same letters in a
process of its own, so its peak RSS belongs to that variant alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import MappingProxyType

WURZEL = Path(__file__).resolve().parent.parent
REFERENZ = WURZEL / "vorlagen" / "bildungsnetzwerk-2011.md"


def _empfaenger(nummer: int):
    from briefe.quellen.mitglieder import Empfaenger

    felder = dict(anrede="Frau" if nummer % 2 else "Herr", titel="Dr." if nummer % 3 == 0 else "",
                  vorname=f"Vorname{nummer}", nachname=f"Nachname{nummer}",
                  organisation=f"Gesamtschule Nummer {nummer}", strasse=f"Wehringhauser Str. {nummer}",
                  plz="58089", ort="Hagen")
    return Empfaenger(zeile=nummer + 2, felder=MappingProxyType(felder))


def _briefe(anzahl: int):
    os.environ.setdefault("BRIEFE_VORLAGEN", str(WURZEL / "vorlagen"))
    from briefe.satz.pdf.weasy import pdf_bytes
    from briefe.vorlage.vorlage import lade_vorlage

    vorlage = lade_vorlage(REFERENZ)
    pdf_bytes(vorlage.erzeuge(_empfaenger(0)), "standard")  # warm-up: fonts, CSS, hyphenation
    return [vorlage.erzeuge(_empfaenger(n)) for n in range(1, anzahl + 1)]


def zeiten(varianten: list[str], anzahl: int) -> dict[str, dict]:
    """Layout once per letter, then the PDF step of every variant, interleaved."""
    from briefe.satz.pdf.weasy import dokument, pdf_aus_dokument

    satz, pdf = 0.0, dict.fromkeys(varianten, 0.0)
    groesse = dict.fromkeys(varianten, 0)
    for brief in _briefe(anzahl):
        beginn = time.perf_counter()
        dok = dokument(brief)
        satz += time.perf_counter() - beginn
        for variante in varianten:
            beginn = time.perf_counter()
            groesse[variante] += len(pdf_aus_dokument(dok, variante))
            pdf[variante] += time.perf_counter() - beginn
    return {v: {"satz_ms": satz / anzahl * 1000, "pdf_ms": pdf[v] / anzahl * 1000,
                "kib_pro_brief": groesse[v] / anzahl / 1024} for v in varianten}


def speicher(variante: str, anzahl: int) -> float:
    """Peak RSS (MiB) of this process after rendering ``anzahl`` letters in one variant."""
    from briefe.satz.pdf.weasy import pdf_bytes

    for brief in _briefe(anzahl):
        pdf_bytes(brief, variante)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    from briefe.satz.pdf.weasy import VARIANTEN

    parser = argparse.ArgumentParser(description="Kosten der PDF-Varianten messen.")
    parser.add_argument("--briefe", type=int, default=50, help="Briefe je Variante (Standard 50)")
    parser.add_argument("--varianten", default=",".join(VARIANTEN),
                        help=f"kommagetrennt (Standard: {','.join(VARIANTEN)})")
    parser.add_argument("--speicher", help=argparse.SUPPRESS)  # child process: one variant's RSS
    args = parser.parse_args()
    if args.speicher:
        print(json.dumps(speicher(args.speicher, args.briefe)))
        return 0

    varianten = args.varianten.split(",")
    ergebnisse = zeiten(varianten, args.briefe)
    for variante in varianten:
        ausgabe = subprocess.run(
            [sys.executable, __file__, "--speicher", variante, "--briefe", str(args.briefe)],
            check=True, capture_output=True, text=True, cwd=WURZEL,
        ).stdout
        ergebnisse[variante]["rss_mib"] = json.loads(ausgabe.strip().splitlines()[-1])

    basis = ergebnisse.get("standard", ergebnisse[varianten[0]])
    basis_ms = basis["satz_ms"] + basis["pdf_ms"]
    print(f"{args.briefe} Briefe (Referenzbrief, 2 Seiten), je Brief ein Satz und der PDF-Schritt "
          f"jeder Variante; Speicher je Variante in eigenem Prozess")
    print(f"{'Variante':<22}{'Briefe/s':>9}{'ms/Brief':>10}{'davon Satz':>12}{'davon PDF':>11}"
          f"{'Zeit ggü. standard':>20}{'Spitze RSS':>12}{'KiB/Brief':>11}")
    for variante in varianten:
        e = ergebnisse[variante]
        gesamt = e["satz_ms"] + e["pdf_ms"]
        print(f"{variante:<22}{1000 / gesamt:>9.1f}{gesamt:>10.0f}{e['satz_ms']:>9.0f} ms"
              f"{e['pdf_ms']:>8.0f} ms{(gesamt / basis_ms - 1) * 100:>+19.0f}%"
              f"{e['rss_mib']:>8.0f} MiB{e['kib_pro_brief']:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
