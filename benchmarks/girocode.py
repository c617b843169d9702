"""Throughput of fee notices with a GiroCode, against the same notice without one, in the
same run, alternating.

    python benchmarks/girocode.py [--anzahl 200] [--jobs 2] [--runden 2]

With: ``vorlagen/beitragsbescheid.md`` (a GiroCode per member, a text block; always the
full render, since the code differs per letter). Reference: ``benchmarks/beitragsbescheid.md``
(the fee notice without code, the fast path). Members as in ``personalisiert.py``. Each
measurement is the real run (``briefe.lauf.lauf.fuehre_aus``, PDF per recipient) in a fresh
child process; printed are letters per second, peak memory (RSS of the process tree) and the
CPU time the hypervisor took away (``steal``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import durchsatz  # noqa: E402
import personalisiert  # noqa: E402

MIT = durchsatz.WURZEL / "vorlagen" / "beitragsbescheid.md"
OHNE = personalisiert.VORLAGE


def main() -> int:
    parser = argparse.ArgumentParser(description="Beitragsbescheide mit und ohne GiroCode messen.")
    parser.add_argument("--anzahl", type=int, default=200, help="Zahl der Mitglieder (Standard 200)")
    parser.add_argument("--jobs", type=int, default=2, help="Prozesse (Standard 2)")
    parser.add_argument("--runden", type=int, default=2, help="Runden, abwechselnd (Standard 2)")
    args = parser.parse_args()
    durchsatz.uebersetze_briefe()
    with tempfile.TemporaryDirectory() as temp:
        ordner = Path(temp)
        daten = ordner / "mitglieder.csv"
        personalisiert.schreibe_liste(daten, args.anzahl)
        werte: dict[str, list[dict]] = {"mit GiroCode": [], "ohne (Referenz)": []}
        for runde in range(args.runden):
            for art, (name, vorlage) in enumerate((("mit GiroCode", MIT), ("ohne (Referenz)", OHNE))):
                auftrag = personalisiert.briefe_auftrag(ordner, daten, args.jobs, ("pdf",), False,
                                                        f"{runde}-{art}")
                auftrag["vorlage"] = str(vorlage)
                ergebnis = personalisiert.miss("briefe", auftrag)
                werte[name].append(ergebnis)
                print(f"Runde {runde + 1}, {name}: {ergebnis['ok']} Briefe, "
                      f"{ergebnis['ok'] / ergebnis['wand']:.1f} Briefe/s, "
                      f"Spitze {ergebnis['spitze_mb']:.0f} MB, steal {ergebnis['gestohlen']:.1f} s")
        for name, liste in werte.items():
            rate = statistics.median(e["ok"] / e["wand"] for e in liste)
            spitze = max(e["spitze_mb"] for e in liste)
            print(f"{name}: Median {rate:.1f} Briefe/s, Spitze {spitze:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
