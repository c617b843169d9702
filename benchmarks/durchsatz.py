"""Throughput and peak memory of a Serienbrief run.

    python benchmarks/durchsatz.py [--anzahl 1000] [--jobs 1,2] [--weg schnell|voll]
    python benchmarks/durchsatz.py --anzahl 10000 --nur speicher

Generates ``--anzahl`` fictional members into a temporary CSV and runs the real
pipeline (``briefe.lauf.lauf.fuehre_aus``, one child process per measurement) for:
PDF per recipient, PDF plus combined PDF, DOCX per recipient, and the full run
(PDF and DOCX per recipient, ``--sammel``: combined PDF and combined DOCX).
Each figure is also given as a multiple of the naive baseline measured in the
same run: one WeasyPrint render per letter, ``HTML(string=brief_html(brief))
.write_pdf(stylesheets=[...])`` without any caching, in one process.

Peak memory is the largest sum of the resident set sizes (VmRSS from
``/proc``) of the run's process and all its descendants (the worker
processes), sampled every 20 ms; the sum of each process's own high-water
mark (VmHWM, an upper bound) is given too.

``--weg schnell`` (default) runs the run as shipped: the fast paths of
``briefe.satz.pdf.schnell`` and ``briefe.satz.docx.schnell`` and the combined files with
bounded memory (only wrapped here to count fast and full renders);
``--weg voll`` the full renderers of ``briefe.satz.pdf.weasy`` and ``briefe.satz.docx.dokument`` and
the combined PDF with all sources open, for comparison.

briefe's modules are byte-compiled first, as ``pip install`` does (the source tree may have no
``.pyc`` files, e.g. with ``PYTHONDONTWRITEBYTECODE``). The CPU time the hypervisor gave to
others during a measurement (``steal`` in ``/proc/stat``) is printed with it: on a shared
virtual machine it makes wall-clock figures unreliable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent
REFERENZ = WURZEL / "vorlagen" / "bildungsnetzwerk-2011.md"
SPEICHER_GRENZE_MB = 600

SZENARIEN = {
    "pdf": ("PDF je Empfänger", ("pdf",), False),
    "sammel": ("PDF + Sammel-PDF", ("pdf",), True),
    "docx": ("DOCX je Empfänger", ("docx",), False),
    "voll": ("Voller Lauf (PDF, DOCX, Sammel-PDF, Sammel-DOCX)", ("pdf", "docx"), True),
}

# --- fictional members ------------------------------------------------------------------------

VORNAMEN_F = ["Maria", "Sabine", "Petra", "Aylin", "Jürgen", "Anouk", "Ülkü", "Zoë", "Małgorzata",
              "Anna-Lena", "Chantal", "Gülşen", "Katrin", "Brigitte", "Inés", " Joséphine".strip()]
VORNAMEN_M = ["Martin", "Thomas", "Klaus", "Hakan", "Jörg", "Maximilian-Alexander", "Łukasz",
              "Quirin", "Xaver", "Yannick", "Ömer", "Frédéric", "Björn", "Sören", "Jan"]
NACHNAMEN = ["Meyer", "Schäfer", "Groß-Übelacker", "Yılmaz", "Öztürk", "Wróblewski", "Quast",
             "von Hohenstein-Wittgenstein", "Jäger", "Nguyen", "de Vries", "Müller", "Çelik",
             "Schmitz", "Kowalczyk", "Żelazny", "Dvořák", "O'Connor", "Lehmann", "Weiß"]
FUNKTIONEN = ["Schulleiterin", "Schulleiter", "Konrektorin", "Geschäftsführer", "Leitung",
              "Referentin Bildung", "Vorsitzender", "Abteilungsleiterin Ausbildungsvorbereitung"]
EINRICHTUNGEN = ["Gesamtschule Eilpe", "Grundschule Am Mühlenteich", "Kita Regenbogen",
                 "Berufskolleg Volmetal", "Förderverein Kita Sonnenschein, Haspe e. V.",
                 "Arbeitsgemeinschaft der Träger der freien Wohlfahrtspflege in der Stadt Hagen e. V.",
                 "Volkshochschule Hagen", "Jobcenter Hagen", "Städtische Kita Emst"]
ZUSAETZE = ["", "", "", "Dezernat 41", "Amt für Weiterbildung und Medien", "U25-Team"]
STRASSEN = ["Wehringhauser Str.", "Lindenstraße", "Am Ritterhof", "Fritz-Steinhoff-Straße",
            "Kölner Straße", "Ostra-Allee", "Springe", "Eppenhauser Straße"]
ORTE = [("58095", "Hagen"), ("58089", "Hagen"), ("01067", "Dresden"), ("59821", "Arnsberg"),
        ("58119", "Hagen"), ("04109", "Leipzig")]
GREMIEN = ["Lenkungskreis", "Bildungskonferenz", "Teilkonferenz Inklusion"]
KOPF = ["Anrede", "Titel", "Vorname", "Name", "Funktion", "Einrichtung", "Zusatz", "Straße",
        "Postfach", "PLZ", "Ort", "Land", "E-Mail", "Gremien", "Handlungsfeld"]


def mitglieder(anzahl: int, samen: int = 2011) -> list[list[str]]:
    """``anzahl`` fictional member rows: persons and organisations, titles, umlauts, long
    names, letters beyond Latin-1, post boxes, a few abroad."""
    zufall = random.Random(samen)
    zeilen = []
    for nummer in range(anzahl):
        art = zufall.random()
        if art < 0.12:
            anrede = titel = vorname = nachname = funktion = ""
        else:
            anrede = zufall.choice(["Frau", "Herr", "Frau", "Herr", "divers"])
            vorname = zufall.choice(VORNAMEN_F if anrede == "Frau" else VORNAMEN_M)
            nachname = zufall.choice(NACHNAMEN)
            titel = zufall.choice(["", "", "", "Dr.", "Prof. Dr."])
            funktion = zufall.choice(FUNKTIONEN + [""] * 4)
        plz, ort = zufall.choice(ORTE)
        strasse, postfach, land = f"{zufall.choice(STRASSEN)} {zufall.randint(1, 180)}", "", ""
        if zufall.random() < 0.05:
            strasse, postfach = "", str(zufall.randint(100, 9999))
        if zufall.random() < 0.03:
            plz, ort, land = "1012 AB", "Amsterdam", "Niederlande"
        zeilen.append([
            anrede, titel, vorname, nachname, funktion, zufall.choice(EINRICHTUNGEN),
            zufall.choice(ZUSAETZE), strasse, postfach, plz, ort, land,
            f"mitglied{nummer}@example.org", ", ".join(zufall.sample(GREMIEN, 2)), "Übergänge",
        ])
    return zeilen


def schreibe_liste(pfad: Path, anzahl: int) -> None:
    with open(pfad, "w", encoding="utf-8", newline="") as datei:
        schreiber = csv.writer(datei, delimiter=";")
        schreiber.writerow(KOPF)
        schreiber.writerows(mitglieder(anzahl))


# --- one run in a child process -----------------------------------------------------------------


def _statistik_melden(modul_statistik, ordner: str) -> None:
    """Let each worker process leave its fast-path counts in ``ordner`` when it ends."""
    from multiprocessing import util

    gemeldet = {"pid": None}

    def schreibe():
        pfad = Path(ordner) / f"{os.getpid()}.json"
        pfad.write_text(json.dumps({k: dict(v) for k, v in modul_statistik().items()}))

    def einmal():
        if gemeldet["pid"] != os.getpid():
            gemeldet["pid"] = os.getpid()
            util.Finalize(None, schreibe, exitpriority=100)
            import atexit

            atexit.register(schreibe)

    return einmal


def verbinde_pdfs_pikepdf(dateien, ziel, duplex=False) -> int:
    """The combined PDF as ``briefe.satz.pdf.sammel`` made it first (all sources open), for ``--weg voll``."""
    import pikepdf

    ergebnis = pikepdf.new()
    quellen = []
    for datei in dateien:
        quelle = pikepdf.open(datei)
        quellen.append(quelle)
        ergebnis.pages.extend(quelle.pages)
        if duplex and len(quelle.pages) % 2:
            breite, hoehe = quelle.pages[-1].mediabox[2], quelle.pages[-1].mediabox[3]
            ergebnis.add_blank_page(page_size=(breite, hoehe))
    ergebnis.docinfo["/Title"] = "Serienbrief"
    ergebnis.save(ziel)
    seiten = len(ergebnis.pages)
    for quelle in quellen:
        quelle.close()
    return seiten


def lauf_im_kindprozess(auftrag: dict) -> None:
    """Run one measurement (called as ``--lauf JSON``) and print the result as JSON."""
    os.environ.setdefault("BRIEFE_VORLAGEN", str(WURZEL / "vorlagen"))
    from briefe.lauf import lauf
    from briefe.lauf.optionen import Laufoptionen
    from briefe.satz import renderer as satz_renderer

    statistik = Path(auftrag["statistik"])
    urspruenglich = satz_renderer.renderer
    if auftrag["weg"] == "schnell":
        import importlib

        # only the formats of the run: importing another renderer would add to its start-up
        module = {f: importlib.import_module(f"briefe.satz.{f}.schnell") for f in auftrag["formate"]}
        melde = _statistik_melden(lambda: {f: m.STATISTIK for f, m in module.items()}, str(statistik))

        def renderer(format_, pdf_variante=None):
            melde()
            return urspruenglich(format_, pdf_variante)
    else:
        from briefe.satz.pdf import sammel

        def renderer(format_, pdf_variante=None):
            return urspruenglich(format_, pdf_variante, schnell=False)

        sammel.verbinde_pdfs = verbinde_pdfs_pikepdf
    satz_renderer.renderer = renderer

    optionen = Laufoptionen(
        vorlage=Path(auftrag["vorlage"]), daten=Path(auftrag["daten"]),
        ausgabe=Path(auftrag["ausgabe"]), formate=tuple(auftrag["formate"]),
        sammel=auftrag["sammel"], jobs=auftrag["jobs"],
        vorlagen_ordner=WURZEL / "vorlagen" if auftrag.get("vorlagen_ordner") else None,
    )
    zeiten: dict[str, float] = {}
    beginn = time.perf_counter()
    # Split the time of the letters from the time of the combined files.
    urspruenglich_sammel = lauf._sammeldateien

    def sammeldateien(*args, **kwargs):
        zeiten["briefe"] = time.perf_counter() - beginn
        return urspruenglich_sammel(*args, **kwargs)

    lauf._sammeldateien = sammeldateien
    protokoll = lauf.fuehre_aus(optionen)
    gesamt = time.perf_counter() - beginn
    print(json.dumps({
        "sekunden": gesamt, "briefe_sekunden": zeiten.get("briefe", gesamt),
        "ok": protokoll.ok, "fehler": protokoll.fehler,
        "beispiel_fehler": next((e.fehler for e in protokoll.briefe if e.fehler), ""),
    }))


# --- memory of a process tree -------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    werte = {}
    try:
        with open(f"/proc/{pid}/status") as datei:
            for zeile in datei:
                if zeile.startswith(("VmRSS:", "VmHWM:", "PPid:")):
                    name, wert = zeile.split(":", 1)
                    werte[name] = int(wert.split()[0])
    except OSError:
        pass
    return werte


def _nachkommen(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/*/status PPid)."""
    eltern: dict[int, int] = {}
    for eintrag in os.listdir("/proc"):
        if eintrag.isdigit():
            ppid = _status(int(eintrag)).get("PPid")
            if ppid is not None:
                eltern[int(eintrag)] = ppid
    baum, neu = {pid}, True
    while neu:
        neu = False
        for kind, vater in eltern.items():
            if vater in baum and kind not in baum:
                baum.add(kind)
                neu = True
    return sorted(baum)


class Speicheruhr(threading.Thread):
    """Samples the RSS sum of a process tree; keeps the peak and each process's VmHWM."""

    def __init__(self, pid: int, takt: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.takt = pid, takt
        self.spitze_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            summe = 0
            for pid in _nachkommen(self.pid):
                werte = _status(pid)
                summe += werte.get("VmRSS", 0)
                if "VmHWM" in werte:
                    self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), werte["VmHWM"])
            self.spitze_kb = max(self.spitze_kb, summe)
            self.halt.wait(self.takt)


def miss(szenario: str, jobs: int, daten: Path, vorlage: Path, weg: str) -> dict:
    """One measurement in a fresh child process."""
    _, formate, sammel = SZENARIEN[szenario]
    with tempfile.TemporaryDirectory(prefix="briefe-durchsatz-") as ordner:
        auftrag = {"vorlage": str(vorlage), "daten": str(daten), "ausgabe": str(Path(ordner) / "aus"),
                   "formate": list(formate), "sammel": sammel, "jobs": jobs, "weg": weg,
                   "statistik": str(Path(ordner) / "statistik")}
        Path(auftrag["statistik"]).mkdir()
        vorher = resource.getrusage(resource.RUSAGE_CHILDREN)
        prozess = subprocess.Popen([sys.executable, __file__, "--lauf", json.dumps(auftrag)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        uhr = Speicheruhr(prozess.pid)
        uhr.start()
        ausgabe, fehler = prozess.communicate()
        uhr.halt.set()
        uhr.join()
        nachher = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (nachher.ru_utime + nachher.ru_stime) - (vorher.ru_utime + vorher.ru_stime)
        if prozess.returncode != 0:
            raise SystemExit(f"Lauf {szenario} (jobs {jobs}) fehlgeschlagen:\n{fehler[-3000:]}")
        ergebnis = json.loads(ausgabe.strip().splitlines()[-1])
        zaehler: dict[str, int] = {}
        for datei in Path(auftrag["statistik"]).glob("*.json"):
            for art, werte in json.loads(datei.read_text()).items():
                for schluessel, wert in werte.items():
                    zaehler[f"{art} {schluessel}"] = zaehler.get(f"{art} {schluessel}", 0) + wert
    ergebnis.update(spitze_mb=uhr.spitze_kb / 1024, hwm_mb=sum(uhr.hwm_kb.values()) / 1024,
                    statistik=zaehler, cpu=cpu)
    return ergebnis


def uebersetze_briefe() -> None:
    """Byte-compile the package, as an installation has it."""
    import compileall

    compileall.compile_dir(str(WURZEL / "briefe"), quiet=1)


def gestohlen() -> float:
    """CPU seconds the hypervisor gave to other guests so far (``steal``, all cores); 0 if unknown."""
    try:
        felder = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(felder[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


# --- the naive baseline ---------------------------------------------------------------------------


def basis(daten: Path, vorlage: Path, anzahl: int) -> tuple[float, float]:
    """Letters per second (wall clock, CPU) of one uncached WeasyPrint render per letter,
    in this process."""
    os.environ.setdefault("BRIEFE_VORLAGEN", str(WURZEL / "vorlagen"))
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from briefe.deutsch import anschrift
    from briefe.quellen.mitglieder import lies_mitglieder
    from briefe.satz.pdf.html import brief_html, stylesheet
    from briefe.satz.pdf.weasy import RESSOURCEN
    from briefe.vorlage.vorlage import lade_vorlage

    v = lade_vorlage(vorlage)
    empfaenger = [e for e in lies_mitglieder(daten).empfaenger if not anschrift.pruefe(e)][:anzahl + 1]
    briefe = [v.erzeuge(e) for e in empfaenger]

    def naiv(brief) -> bytes:
        schriften = FontConfiguration()
        css = weasyprint.CSS(string=stylesheet(brief.form), font_config=schriften)
        html = weasyprint.HTML(string=brief_html(brief), base_url=RESSOURCEN.as_uri() + "/")
        return html.write_pdf(stylesheets=[css], font_config=schriften)

    naiv(briefe[0])  # imports and first-use costs are not the baseline's
    beginn, cpu = time.perf_counter(), time.process_time()
    for brief in briefe[1:]:
        naiv(brief)
    anzahl = len(briefe) - 1
    return anzahl / (time.perf_counter() - beginn), anzahl / (time.process_time() - cpu)


# --- main -------------------------------------------------------------------------------------------


def _tabelle(zeilen: list[list[str]], kopf: list[str]) -> str:
    breiten = [max(len(str(z[i])) for z in [kopf, *zeilen]) for i in range(len(kopf))]
    links = {0}

    def zeile(werte):
        return "  ".join(str(w).ljust(b) if i in links else str(w).rjust(b)
                         for i, (w, b) in enumerate(zip(werte, breiten, strict=True)))

    return "\n".join([zeile(kopf), "  ".join("-" * b for b in breiten), *map(zeile, zeilen)])


def main() -> int:
    parser = argparse.ArgumentParser(description="Durchsatz und Speicher eines Serienbrief-Laufs messen.")
    parser.add_argument("--anzahl", type=int, default=1000, help="Zahl der Mitglieder (Standard 1000)")
    parser.add_argument("--jobs", default="1,2", help="Prozesszahlen, z. B. 1,2 (Standard)")
    parser.add_argument("--weg", choices=("schnell", "voll"), default="schnell",
                        help="schnell: Schnellpfade (Standard); voll: ein voller Satz je Brief")
    parser.add_argument("--nur", choices=("durchsatz", "speicher"),
                        help="speicher: nur der volle Lauf mit den höchsten --jobs, Grenze 600 MB")
    parser.add_argument("--szenarien", default=",".join(SZENARIEN),
                        help=f"Auswahl aus {','.join(SZENARIEN)}")
    parser.add_argument("--basis-anzahl", type=int, default=20,
                        help="Briefe für die naive Basismessung (Standard 20)")
    parser.add_argument("--vorlage", type=Path, default=REFERENZ)
    parser.add_argument("--lauf", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lauf:
        lauf_im_kindprozess(json.loads(args.lauf))
        from briefe.cli.haupt import beende

        beende(0)  # as the ``briefe`` command ends

    uebersetze_briefe()
    jobs = [int(j) for j in args.jobs.split(",")]
    szenarien = [s for s in args.szenarien.split(",") if s]
    if args.nur == "speicher":
        jobs, szenarien = [max(jobs)], ["voll"]
    print(f"briefe – Durchsatz: {args.anzahl} Mitglieder, Vorlage {args.vorlage.name}, Weg {args.weg}, "
          f"{os.cpu_count()} Kerne, Python {sys.version.split()[0]}, "
          f"Last vorher {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="briefe-liste-") as ordner:
        daten = Path(ordner) / "mitglieder.csv"
        schreibe_liste(daten, args.anzahl)
        basis_vorher = basis(daten, args.vorlage, args.basis_anzahl) if args.nur != "speicher" else None
        zeilen = []
        hinweise = []
        ergebnisse = []
        for szenario in szenarien:
            for j in jobs:
                ergebnisse.append((szenario, j, miss(szenario, j, daten, args.vorlage, args.weg)))
                print(".", end="", flush=True, file=sys.stderr)
        basis_rate = basis_cpu = None
        if basis_vorher:
            # The machine may be busy with other work: the baseline is measured before and after.
            basis_nachher = basis(daten, args.vorlage, args.basis_anzahl)
            basis_rate = (basis_vorher[0] + basis_nachher[0]) / 2
            basis_cpu = (basis_vorher[1] + basis_nachher[1]) / 2
            print(f"Basis (naiv: je Brief ein WeasyPrint-Satz ohne Zwischenspeicher, 1 Prozess, "
                  f"{args.basis_anzahl} Briefe, vor/nach den Läufen): {basis_vorher[0]:.1f}/"
                  f"{basis_nachher[0]:.1f} Briefe/s, {basis_cpu:.1f} Briefe je CPU-Sekunde")
        for szenario, j, e in ergebnisse:
            rate = args.anzahl / e["sekunden"]
            briefe_rate = args.anzahl / e["briefe_sekunden"]
            cpu_rate = args.anzahl / e["cpu"] if e["cpu"] else 0
            zeilen.append([
                SZENARIEN[szenario][0], j, f"{e['ok']}/{e['fehler']}", f"{e['sekunden']:.1f}",
                f"{rate:.0f}", f"{rate / basis_rate:.0f}×" if basis_rate else "–",
                f"{briefe_rate:.0f}" if SZENARIEN[szenario][2] else "",
                f"{cpu_rate:.0f}", f"{cpu_rate / basis_cpu:.0f}×" if basis_cpu else "–",
                f"{e['spitze_mb']:.0f}", f"{e['hwm_mb']:.0f}", _anteil(e["statistik"]),
            ])
            if e["fehler"]:
                hinweise.append(f"{SZENARIEN[szenario][0]}: {e['fehler']} Fehler, z. B. "
                                f"{e['beispiel_fehler']}")
            gruende = {k: v for k, v in e["statistik"].items() if ": " in k}
            if gruende:
                hinweise.append(f"{SZENARIEN[szenario][0]} (jobs {j}), voller Satz wegen: "
                                + "; ".join(f"{k} ({v})" for k, v in sorted(gruende.items())))
        print(file=sys.stderr)
        print(_tabelle(zeilen, ["Szenario", "Jobs", "ok/Fehler", "Zeit s", "Briefe/s", "× Basis",
                                "ohne Sammel/s", "Briefe/CPU-s", "× Basis CPU", "Spitze RSS MB",
                                "Σ VmHWM MB", "Schnellpfad"]))
        print(f"Last nachher {os.getloadavg()[0]:.1f} (andere Prozesse auf der Maschine verfälschen "
              "Briefe/s; Briefe/CPU-s und das Vielfache der Basis sind robuster)")
        for hinweis in dict.fromkeys(hinweise):
            print("Hinweis:", hinweis)
        if args.nur == "speicher":
            spitze = max(float(z[9]) for z in zeilen)
            urteil = "eingehalten" if spitze <= SPEICHER_GRENZE_MB else "ÜBERSCHRITTEN"
            print(f"Speichergrenze {SPEICHER_GRENZE_MB} MB bei {args.anzahl} Mitgliedern: {urteil} "
                  f"(Spitze {spitze:.0f} MB)")
            return 0 if spitze <= SPEICHER_GRENZE_MB else 1
    return 0


def _anteil(statistik: dict[str, int]) -> str:
    teile = []
    for art in ("pdf", "docx"):
        schnell, voll = statistik.get(f"{art} schnell", 0), statistik.get(f"{art} voll", 0)
        if schnell + voll:
            teile.append(f"{art} {100 * schnell / (schnell + voll):.0f} %")
    return ", ".join(teile) or "–"


if __name__ == "__main__":
    sys.exit(main())
