"""Throughput of personalised letters: briefe against Typst, in the same run, alternating.

    python benchmarks/personalisiert.py [--anzahl 300] [--jobs 2] [--runden 3] [--eindeutige-namen]
    python benchmarks/personalisiert.py --art absatz   # or fett, tabelle, bedingt, lang, alle
    python benchmarks/personalisiert.py --anzahl 10000 --voll [--art tabelle]

The letter is ``benchmarks/beitragsbescheid.md`` (one page: the member number in the
subject, amount and due date in a paragraph, the working group in a list item); Typst
sets the same content from ``benchmarks/beitragsbescheid.typ`` with the project's fonts
(``pip install -e '.[benchmark]'``). ``--art`` picks another letter kind, each
``benchmarks/personalisiert-<art>.md`` with its branch in the same Typst source:
``absatz`` values inside long justified paragraphs (three of the seven groups make theirs a
line longer), ``fett`` bold values and values in list items, ``tabelle`` a table with a value per
row, ``bedingt`` a paragraph only some members get, ``lang`` two pages with the working group
in twenty paragraphs (more than sixteen runs vary).

Each round measures, one after the other and each in a fresh child process (start-up
included, wall clock from spawn to exit):

- briefe: the real run (``briefe.lauf.lauf.fuehre_aus``, PDF per recipient, ``--jobs``);
- Typst: ``--jobs`` worker processes, each with one reused ``typst.Compiler``, writing
  one PDF per member (the member's address, salutation and formatted values are given
  ready, so Typst does less than briefe).

It prints letters per second of both per round, the ratio of the medians, peak memory
(RSS sum of the process tree), the CPU time the hypervisor took away during each
measurement (``steal``: a round where one side lost much of it is not a fair comparison)
and which path (fast or full render) briefe's letters took, with the reasons. briefe's
modules are byte-compiled first, as an installation has them. Both children end without
Python's teardown, as the ``briefe`` command does. ``--voll`` runs briefe's full run (PDF
and DOCX per recipient, combined PDF and DOCX) once and checks peak memory against 600 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import durchsatz  # noqa: E402

WURZEL = durchsatz.WURZEL
VORLAGE = WURZEL / "benchmarks" / "beitragsbescheid.md"
ARTEN = ("beitrag", "absatz", "fett", "tabelle", "bedingt", "lang")
TYPST_QUELLE = WURZEL / "benchmarks" / "beitragsbescheid.typ"
SCHRIFTEN = WURZEL / "briefe" / "ressourcen" / "schriften"
SPEICHER_GRENZE_MB = durchsatz.SPEICHER_GRENZE_MB
RUHIG_CPU_S = 0.2  # steal below this in a measurement: the round counts as undisturbed
ARBEITSGRUPPEN = ["Inklusion", "Übergänge", "Sprachförderung", "Elternarbeit", "Ganztag",
                  "Lebensbegleitendes Lernen", "Berufsorientierung"]


SILBEN = ["ber", "ka", "lin", "ger", "mann", "ro", "sel", "haus", "wal", "der", "bach", "en", "ho",
          "fer", "stein", "ma", "rit", "kow", "ski", "lü", "tz", "hei", "ner", "bro", "ck", "ö", "ßen"]


def eindeutiger_name(nummer: int) -> str:
    """A surname of three syllables, different for each ``nummer`` below 27³."""
    a, rest = divmod(nummer, len(SILBEN) ** 2)
    b, c = divmod(rest, len(SILBEN))
    return (SILBEN[a % len(SILBEN)] + SILBEN[b] + SILBEN[c]).capitalize()


def schreibe_liste(pfad: Path, anzahl: int, samen: int = 2027, eindeutig: bool = False) -> None:
    """The fictional members of ``durchsatz`` plus member number, fee, due date and group;
    with ``eindeutig`` every member has a surname of their own (as in a real list: their name
    and salutation lines are then never drawn twice)."""
    zufall = random.Random(samen)
    with open(pfad, "w", encoding="utf-8", newline="") as datei:
        schreiber = csv.writer(datei, delimiter=";")
        schreiber.writerow([*durchsatz.KOPF, "Mitgliedsnummer", "Beitrag", "Faellig", "Arbeitsgruppe"])
        for nummer, zeile in enumerate(durchsatz.mitglieder(anzahl)):
            if eindeutig and zeile[durchsatz.KOPF.index("Name")]:
                zeile[durchsatz.KOPF.index("Name")] = eindeutiger_name(nummer)
            euro = zufall.choice([24, 36, 48, 60, 120, 480]) + zufall.choice([0, 0, 0.5])
            beitrag = f"{euro:.2f}".replace(".", ",")  # German, as member lists write it
            faellig = f"2027-{zufall.randint(1, 3):02d}-{zufall.randint(1, 28):02d}"
            schreiber.writerow([*zeile, str(100000 + 7 * nummer), beitrag, faellig,
                                zufall.choice(ARBEITSGRUPPEN)])


def vorlage(art: str) -> Path:
    return VORLAGE if art == "beitrag" else WURZEL / "benchmarks" / f"personalisiert-{art}.md"


def typst_eingaben(daten: Path, ziel: Path, art: str = "beitrag") -> int:
    """Each member's values as Typst gets them (address, salutation, formatted values)."""
    os.environ.setdefault("BRIEFE_VORLAGEN", str(WURZEL / "vorlagen"))
    from briefe.deutsch import anschrift
    from briefe.deutsch.formate import betrag, datum
    from briefe.quellen.mitglieder import lies_mitglieder

    eingaben = []
    for e in lies_mitglieder(daten).empfaenger:
        if anschrift.pruefe(e):
            continue
        eingaben.append({
            "anschrift": "\n".join(anschrift.anschrift(e).zeilen), "anrede": anschrift.anrede(e),
            "nummer": e.wert("mitgliedsnummer"), "betrag": betrag(e.wert("beitrag")),
            "faellig": datum(e.wert("faellig")), "arbeitsgruppe": e.wert("arbeitsgruppe"), "art": art})
    ziel.write_text(json.dumps(eingaben, ensure_ascii=False), encoding="utf-8")
    return len(eingaben)


# --- child processes ----------------------------------------------------------------------------

_COMPILER = None


def _typst_start() -> None:
    global _COMPILER
    import typst

    _COMPILER = typst.Compiler(str(TYPST_QUELLE), root=str(WURZEL), font_paths=[str(SCHRIFTEN)],
                               ignore_system_fonts=True)


def _typst_brief(auftrag: tuple[int, dict, str]) -> int:
    nummer, eingabe, ausgabe = auftrag
    daten = _COMPILER.compile(sys_inputs=eingabe)
    Path(ausgabe, f"{nummer:05d}.pdf").write_bytes(daten)
    return len(daten)


def typst_im_kindprozess(auftrag: dict) -> None:
    from concurrent.futures import ProcessPoolExecutor

    eingaben = json.loads(Path(auftrag["eingaben"]).read_text(encoding="utf-8"))
    Path(auftrag["ausgabe"]).mkdir(parents=True, exist_ok=True)
    arbeit = [(n, e, auftrag["ausgabe"]) for n, e in enumerate(eingaben, start=1)]
    with ProcessPoolExecutor(auftrag["jobs"], initializer=_typst_start) as pool:
        groessen = list(pool.map(_typst_brief, arbeit, chunksize=8))
    print(json.dumps({"ok": sum(1 for g in groessen if g), "fehler": 0}))


def miss(art: str, auftrag: dict) -> dict:
    """One measurement in a fresh child process: wall clock from spawn to exit, peak memory."""
    schalter = "--lauf" if art == "briefe" else "--typst"
    programm = durchsatz.__file__ if art == "briefe" else __file__
    vorher = resource.getrusage(resource.RUSAGE_CHILDREN)
    gestohlen_vorher = durchsatz.gestohlen()
    beginn = time.perf_counter()
    prozess = subprocess.Popen([sys.executable, programm, schalter, json.dumps(auftrag)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=str(WURZEL))
    uhr = durchsatz.Speicheruhr(prozess.pid)
    uhr.start()
    ausgabe, fehler = prozess.communicate()
    sekunden = time.perf_counter() - beginn
    gestohlen = durchsatz.gestohlen() - gestohlen_vorher
    nachher = resource.getrusage(resource.RUSAGE_CHILDREN)
    uhr.halt.set()
    uhr.join()
    if prozess.returncode != 0:
        raise SystemExit(f"{art} fehlgeschlagen:\n{fehler[-3000:]}")
    ergebnis = json.loads(ausgabe.strip().splitlines()[-1])
    zaehler: dict[str, int] = {}
    statistik = Path(auftrag.get("statistik", "/nonexistent"))
    for datei in statistik.glob("*.json") if statistik.is_dir() else ():
        for format_, werte in json.loads(datei.read_text()).items():
            for schluessel, wert in werte.items():
                zaehler[f"{format_} {schluessel}"] = zaehler.get(f"{format_} {schluessel}", 0) + wert
    cpu = (nachher.ru_utime + nachher.ru_stime) - (vorher.ru_utime + vorher.ru_stime)
    ergebnis.update(wand=sekunden, cpu=cpu, spitze_mb=uhr.spitze_kb / 1024, statistik=zaehler,
                    gestohlen=gestohlen)
    return ergebnis


def briefe_auftrag(ordner: Path, daten: Path, jobs: int, formate: tuple[str, ...], sammel: bool,
                   runde: int, art: str = "beitrag") -> dict:
    statistik = ordner / f"statistik-{runde}"
    statistik.mkdir()
    return {"vorlage": str(vorlage(art)), "daten": str(daten), "ausgabe": str(ordner / f"briefe-{runde}"),
            "formate": list(formate), "sammel": sammel, "jobs": jobs, "weg": "schnell",
            "statistik": str(statistik), "vorlagen_ordner": True}


def wege(statistik: dict[str, int]) -> list[str]:
    """Share of letters per path and format, with the reasons for full renders."""
    zeilen = []
    for format_ in ("pdf", "docx"):
        schnell, voll = statistik.get(f"{format_} schnell", 0), statistik.get(f"{format_} voll", 0)
        if not schnell + voll:
            continue
        gesamt = schnell + voll
        zeilen.append(f"{format_.upper()}: Schnellpfad {schnell} ({100 * schnell / gesamt:.1f} %), "
                      f"voller Satz {voll} ({100 * voll / gesamt:.1f} %)")
        for schluessel, wert in sorted(statistik.items(), key=lambda p: -p[1]):
            if schluessel.startswith(f"{format_} voll: "):
                zeilen.append(f"    voller Satz wegen „{schluessel.split(': ', 1)[1]}“: {wert}")
    gesetzt = statistik.get("pdf Zeilen gesetzt", 0)
    wieder = statistik.get("pdf Zeilen wiederverwendet", 0)
    if gesetzt + wieder:
        zeilen.append(f"PDF-Zeilen der Empfänger (Anschrift, Anrede, Werte): {gesetzt} gesetzt, {wieder} "
                      f"({100 * wieder / (gesetzt + wieder):.0f} %) als schon gesetzte Zeile wiederverwendet")
    return zeilen


# --- main -------------------------------------------------------------------------------------------


def vergleiche_arten(args) -> int:
    """Each chosen kind side by side with Typst, then one table of all of them."""
    try:
        import typst  # noqa: F401
    except ImportError:
        raise SystemExit("Typst fehlt: pip install -e '.[benchmark]'") from None
    durchsatz.uebersetze_briefe()
    tabelle = [vergleich(args, art) for art in (ARTEN if args.art == "alle" else (args.art,))]
    print("\nArt       briefe Briefe/s  Typst Briefe/s  Verhältnis  Schnellpfad (PDF)")
    for art, b, t, anteil in tabelle:
        print(f"{art:<9} {b:>15.0f} {t:>15.0f} {b / t:>11.2f} {anteil:>14.1f} %")
    return 0


def vergleich(args, briefart: str) -> tuple[str, float, float, float]:
    namen = "eigene Nachnamen" if args.eindeutige_namen else "Namen wiederholen sich"
    print(f"briefe gegen Typst: {args.anzahl} Mitglieder ({namen}), Vorlage {vorlage(briefart).name}, "
          f"--jobs {args.jobs}, "
          f"{args.runden} Runden abwechselnd, Start der Prozesse eingeschlossen; {os.cpu_count()} Kerne, "
          f"Last vorher {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="briefe-personalisiert-") as name:
        ordner = Path(name)
        daten = ordner / "mitglieder.csv"
        schreibe_liste(daten, args.anzahl, eindeutig=args.eindeutige_namen)
        anzahl = typst_eingaben(daten, ordner / "typst.json", briefart)
        if anzahl != args.anzahl:
            print(f"{args.anzahl - anzahl} Zeilen ohne druckbare Anschrift: beide erstellen {anzahl} Briefe")
        raten: dict[str, list[float]] = {"briefe": [], "typst": []}
        cpu_raten: dict[str, list[float]] = {"briefe": [], "typst": []}
        spitzen: dict[str, list[float]] = {"briefe": [], "typst": []}
        statistik: dict[str, int] = {}
        ruhige: list[float] = []  # ratios of rounds in which neither side lost CPU time to steal
        for runde in range(args.runden):
            reihenfolge = ("briefe", "typst") if runde % 2 == 0 else ("typst", "briefe")
            zeile = []
            gestohlen = []
            for art in reihenfolge:
                if art == "briefe":
                    e = miss("briefe", briefe_auftrag(ordner, daten, args.jobs, ("pdf",), False, runde,
                                                      briefart))
                    # rows whose address cannot be printed are errors of both (Typst never gets them)
                    if e["ok"] != anzahl or e["ok"] + e["fehler"] != args.anzahl:
                        raise SystemExit(f"briefe: {e['ok']} ok, {e['fehler']} Fehler: "
                                         f"{e['beispiel_fehler']}")
                    for k, v in e["statistik"].items():
                        statistik[k] = statistik.get(k, 0) + v
                else:
                    e = miss("typst", {"eingaben": str(ordner / "typst.json"), "jobs": args.jobs,
                                       "ausgabe": str(ordner / f"typst-{runde}")})
                    if e["ok"] != anzahl:
                        raise SystemExit(f"Typst: {e['ok']} von {anzahl} Briefen")
                raten[art].append(anzahl / e["wand"])
                cpu_raten[art].append(anzahl / e["cpu"])
                spitzen[art].append(e["spitze_mb"])
                gestohlen.append(e["gestohlen"])
                zeile.append(f"{art} {anzahl / e['wand']:.0f} Briefe/s ({e['wand']:.2f} s, "
                             f"{anzahl / e['cpu']:.0f} Briefe/CPU-s, Spitze {e['spitze_mb']:.0f} MB, "
                             f"gestohlen {e['gestohlen']:.2f} CPU-s)")
            verhaeltnis = raten["briefe"][-1] / raten["typst"][-1]
            if max(gestohlen) < RUHIG_CPU_S:
                ruhige.append(verhaeltnis)
            print(f"Runde {runde + 1}: " + ", ".join(zeile) + f"; briefe/Typst {verhaeltnis:.2f}")
        b, t = statistics.median(raten["briefe"]), statistics.median(raten["typst"])
        print(f"Median: briefe {b:.0f} Briefe/s, Typst {t:.0f} Briefe/s, Verhältnis briefe/Typst "
              f"{b / t:.2f} (Ziel ≥ 1, mindestens 0,5)")
        if ruhige:
            print(f"Runden, in denen keiner mehr als {RUHIG_CPU_S} CPU-s an andere Gäste verlor: "
                  f"{len(ruhige)} von {args.runden}, Verhältnis im Median {statistics.median(ruhige):.2f}")
        bc, tc = statistics.median(cpu_raten["briefe"]), statistics.median(cpu_raten["typst"])
        print(f"Je CPU-Sekunde (robuster, wenn andere die Maschine auslasten): briefe {bc:.0f}, "
              f"Typst {tc:.0f}, Verhältnis {bc / tc:.2f}")
        print(f"Spitze RSS: briefe {max(spitzen['briefe']):.0f} MB, Typst {max(spitzen['typst']):.0f} MB")
        print("Wege der briefe-Briefe (alle Runden):")
        for zeile in wege(statistik):
            print("  " + zeile)
        print(f"Last nachher {os.getloadavg()[0]:.1f} (die Maschine wird geteilt: maßgeblich ist das "
              "Verhältnis derselben Runde)")
    schnell, voll = statistik.get("pdf schnell", 0), statistik.get("pdf voll", 0)
    return briefart, b, t, 100 * schnell / max(1, schnell + voll)


def voller_lauf(args) -> int:
    durchsatz.uebersetze_briefe()
    print(f"briefe, voller Lauf (PDF, DOCX, Sammel-PDF, Sammel-DOCX): {args.anzahl} personalisierte "
          f"Briefe ({vorlage(args.art if args.art != 'alle' else 'beitrag').name}), --jobs {args.jobs}, "
          f"Last vorher {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="briefe-personalisiert-") as name:
        ordner = Path(name)
        daten = ordner / "mitglieder.csv"
        schreibe_liste(daten, args.anzahl)
        anzahl = typst_eingaben(daten, ordner / "typst.json")  # the rows with a printable address
        art = "beitrag" if args.art == "alle" else args.art
        e = miss("briefe", briefe_auftrag(ordner, daten, args.jobs, ("pdf", "docx"), True, 0, art))
        print(f"{e['ok']} ok, {e['fehler']} Fehler ({args.anzahl - anzahl} Zeilen ohne druckbare "
              f"Anschrift); {e['wand']:.1f} s ({args.anzahl / e['wand']:.0f} Briefe/s, Briefe ohne "
              f"Sammeldateien {e['briefe_sekunden']:.1f} s)")
        for zeile in wege(e["statistik"]):
            print("  " + zeile)
        urteil = "eingehalten" if e["spitze_mb"] <= SPEICHER_GRENZE_MB else "ÜBERSCHRITTEN"
        print(f"Spitze RSS {e['spitze_mb']:.0f} MB: Grenze {SPEICHER_GRENZE_MB} MB {urteil}")
        return 0 if e["spitze_mb"] <= SPEICHER_GRENZE_MB and e["ok"] == anzahl else 1


def main() -> int:
    parser = argparse.ArgumentParser(description="Personalisierte Briefe: briefe gegen Typst messen.")
    parser.add_argument("--anzahl", type=int, default=300, help="Zahl der Mitglieder (Standard 300)")
    parser.add_argument("--jobs", type=int, default=2, help="Prozesse je System (Standard 2)")
    parser.add_argument("--runden", type=int, default=3, help="Runden, abwechselnd (Standard 3)")
    parser.add_argument("--eindeutige-namen", action="store_true",
                        help="jedes Mitglied mit eigenem Nachnamen (sonst wiederholen sich Namen)")
    parser.add_argument("--voll", action="store_true",
                        help="nur briefe: voller Lauf mit Sammeldateien, Speichergrenze 600 MB")
    parser.add_argument("--art", choices=(*ARTEN, "alle"), default="beitrag",
                        help="Briefart (Standard beitrag; alle: jede nacheinander, dann eine Tabelle)")
    parser.add_argument("--typst", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.typst:
        typst_im_kindprozess(json.loads(args.typst))
        sys.stdout.flush()
        os._exit(0)  # without Python's teardown, as briefe's run ends (``briefe.cli.haupt.beende``)
    return voller_lauf(args) if args.voll else vergleiche_arten(args)


if __name__ == "__main__":
    sys.exit(main())
