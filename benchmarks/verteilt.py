"""Distributed runs on this machine: one and two worker processes against the local ``--jobs 2``.

    python benchmarks/verteilt.py [--anzahl 300] [--format pdf] [--stapel 20]

Starts a redis-server on a free loopback port and real ``briefe arbeiter`` processes (one
process each, as one core of a worker machine), then times the real CLI run
(``briefe erstellen … --verteilt URL``) and the local ``--jobs 2`` run on the same list:
letters/s, peak memory (RSS sum of coordinator and worker process trees, sampled every
20 ms), CPU seconds per letter of the coordinator and of the workers.

To say what a third machine would add, it also measures the two costs a worker machine
does not share with the others: the broker round trip of one chunk (a chunk of 20 rows with
the template bundle, sent and answered by a warm worker, median of 30) and the cost of
writing one letter into the output folder as a worker does (atomic write with fsync, the
per-letter lock and mark). On a shared machine the numbers are noisy; CPU seconds per
letter vary less than letters/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from durchsatz import REFERENZ, WURZEL, Speicheruhr, _nachkommen, schreibe_liste  # noqa: E402


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu(pids: list[int]) -> float:
    """utime + stime in seconds of the given processes (from /proc/<pid>/stat)."""
    summe = 0
    for pid in pids:
        try:
            felder = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        summe += int(felder[11]) + int(felder[12])
    return summe / os.sysconf("SC_CLK_TCK")


class Arbeiter:
    def __init__(self, url: str, ordner: Path, name: str) -> None:
        self.log = ordner / f"{name}.log"
        self.prozess = subprocess.Popen(
            [sys.executable, "-m", "briefe", "arbeiter", "--broker", url, "--parallel", "1",
             "--ablage", str(ordner / f"{name}-ablage")],
            cwd=WURZEL, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
        ende = time.monotonic() + 120
        while '"bereit"' not in self.log.read_text(errors="replace"):
            if time.monotonic() > ende or self.prozess.poll() is not None:
                raise SystemExit(f"Arbeiter startet nicht:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.1)

    def baum(self) -> list[int]:
        return _nachkommen(self.prozess.pid)

    def stoppe(self) -> None:
        self.prozess.terminate()
        try:
            self.prozess.wait(30)
        except subprocess.TimeoutExpired:
            self.prozess.kill()


def lauf(daten: Path, ausgabe: Path, formate: str, extra: list[str], arbeiter: list[Arbeiter]) -> dict:
    """One CLI run; wall time, peak memory and CPU of coordinator and workers."""
    baeume = [a.baum() for a in arbeiter]
    cpu_vorher = sum(_cpu(b) for b in baeume)
    kinder_vorher = resource.getrusage(resource.RUSAGE_CHILDREN)
    uhren = [Speicheruhr(a.prozess.pid) for a in arbeiter]
    beginn = time.perf_counter()
    prozess = subprocess.Popen([sys.executable, "-m", "briefe", "erstellen", str(REFERENZ), str(daten),
                                "--ausgabe", str(ausgabe), "--format", formate, *extra],
                               cwd=WURZEL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    uhren.append(Speicheruhr(prozess.pid))
    for uhr in uhren:
        uhr.start()
    ausgabe_text, fehler = prozess.communicate()
    dauer = time.perf_counter() - beginn
    for uhr in uhren:
        uhr.halt.set()
        uhr.join()
    if prozess.returncode not in (0, 1):
        raise SystemExit(f"Lauf fehlgeschlagen ({prozess.returncode}):\n{fehler[-3000:]}")
    kinder = resource.getrusage(resource.RUSAGE_CHILDREN)
    koordinator = (kinder.ru_utime + kinder.ru_stime) - (kinder_vorher.ru_utime + kinder_vorher.ru_stime)
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    return {"briefe": protokoll["ok"], "sekunden": dauer, "spitze_mb": sum(u.spitze_kb for u in uhren) / 1024,
            "cpu_koordinator": koordinator, "cpu_arbeiter": sum(_cpu(b) for b in baeume) - cpu_vorher,
            "zusammenfassung": ausgabe_text.strip().splitlines()[0]}


def rundreise(url: str, daten: Path, ausgabe: Path, formate: str, anzahl: int = 30) -> dict:
    """Median time of one chunk of 20 rows through broker and a warm worker, without making
    letters (the chunk names a run that does not own the folder, so the worker skips it)."""
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import vorbereiten
    from briefe.verteilt.anwendung import anwendung
    from briefe.verteilt.stapel import AUFGABE, empfaenger_als_dict, optionen_als_dict, packe_vorlage

    optionen = Laufoptionen(vorlage=REFERENZ, daten=daten, ausgabe=ausgabe, formate=tuple(formate.split(",")))
    vorlage, _, ausgewaehlt = vorbereiten(optionen)
    from briefe import __version__

    stapel = {"version": __version__, "lauf": secrets.token_hex(8), "optionen": optionen_als_dict(optionen),
              "vorlage": packe_vorlage(vorlage, None), "datum": vorlage.datum().isoformat(),
              "zeilen": [empfaenger_als_dict(n, e) for n, e in enumerate(ausgewaehlt[:20], 1)]}
    app = anwendung(url)
    zeiten = []
    for _ in range(anzahl):
        beginn = time.perf_counter()
        ergebnis = app.send_task(AUFGABE, args=[stapel]).get(timeout=60)
        zeiten.append(time.perf_counter() - beginn)
        assert ergebnis == {"veraltet": True}, ergebnis
    return {"ms": statistics.median(zeiten) * 1000, "bytes": len(json.dumps(stapel))}


def schreibkosten(ausgabe: Path, anzahl: int = 200) -> float:
    """Milliseconds to put one letter's files into the output folder the way a worker does:
    per-letter lock, atomic write with fsync, checksum, mark."""
    from briefe.dateien import atomar, sha256
    from briefe.lauf.protokoll import Eintrag
    from briefe.verteilt import marken

    muster = sorted(p for p in ausgabe.iterdir() if p.name[:4].isdigit())[:10]
    ziel = ausgabe.parent / "schreiben"
    marken.ordner(ziel).mkdir(parents=True)
    beginn = time.perf_counter()
    for nummer in range(1, anzahl + 1):
        eintrag = Eintrag(zeile=nummer + 1, nummer=nummer, status="ok")
        with marken.sperre(ziel, nummer):
            quelle = muster[nummer % len(muster)]
            datei = ziel / f"{nummer:04d}-{quelle.name[5:]}"
            with atomar(datei) as temp:
                temp.write_bytes(quelle.read_bytes())
            eintrag.dateien.append(datei.name)
            eintrag.sha256[datei.name] = sha256(datei)
            marken.markiere(ziel, eintrag, "x")
    return (time.perf_counter() - beginn) / anzahl * 1000


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--anzahl", type=int, default=300)
    args.add_argument("--format", default="pdf")
    args.add_argument("--stapel", type=int, default=20)
    optionen = args.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server fehlt (apt install redis-server)")
    ordner = Path(tempfile.mkdtemp(prefix="briefe-verteilt-"))
    port = _freier_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(ordner)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    arbeiter: list[Arbeiter] = []
    try:
        daten = ordner / "liste.csv"
        schreibe_liste(daten, optionen.anzahl)
        time.sleep(0.5)
        ergebnisse = {}
        ergebnisse["lokal --jobs 2"] = lauf(daten, ordner / "lokal", optionen.format, ["--jobs", "2"], [])
        arbeiter.append(Arbeiter(url, ordner, "a1"))
        verteilt = ["--verteilt", url, "--stapel", str(optionen.stapel)]
        ergebnisse["verteilt, 1 Arbeiter"] = lauf(daten, ordner / "v1", optionen.format, verteilt, arbeiter)
        arbeiter.append(Arbeiter(url, ordner, "a2"))
        ergebnisse["verteilt, 2 Arbeiter"] = lauf(daten, ordner / "v2", optionen.format, verteilt, arbeiter)
        einer = ordner / "einer.csv"  # the coordinator's fixed cost: start, imports, list, protocol
        schreibe_liste(einer, 1)
        fix = lauf(einer, ordner / "v0", optionen.format, verteilt, arbeiter)["cpu_koordinator"]
        reise = rundreise(url, daten, ordner / "v2", optionen.format)
        schreiben = schreibkosten(ordner / "v2")
    finally:
        for a in arbeiter:
            a.stoppe()
        redis.terminate()
        redis.wait(10)
    print(f"{optionen.anzahl} Empfänger, Format {optionen.format}, Stapel bis {optionen.stapel} Briefe, "
          f"{os.cpu_count()} Kerne (mit anderen geteilt: Zahlen schwanken)\n")
    print(f"{'Fall':<24}{'Briefe/s':>10}{'Spitze MB':>11}{'CPU-ms/Brief Koord.':>21}{'Arbeiter':>10}")
    for name, e in ergebnisse.items():
        koordinator = e["cpu_koordinator"] / e["briefe"] * 1000
        print(f"{name:<24}{e['briefe'] / e['sekunden']:>10.2f}{e['spitze_mb']:>11.0f}{koordinator:>21.1f}"
              f"{e['cpu_arbeiter'] / e['briefe'] * 1000:>10.1f}")
    print(f"\nRundreise eines Stapels (20 Zeilen + Vorlagenpaket, {reise['bytes'] / 1024:.0f} KiB JSON) "
          f"über Redis und einen warmen Arbeiter: {reise['ms']:.1f} ms, also "
          f"{reise['ms'] / 20:.2f} ms je Brief")
    print(f"Schreiben eines Briefs in den Ausgabeordner wie ein Arbeiter (Sperre, atomar mit fsync, "
          f"Prüfsumme, Vermerk): {schreiben:.2f} ms (lokale Platte; NFS: plus Netz-Rundreisen)")
    v2 = ergebnisse["verteilt, 2 Arbeiter"]
    arbeit_ms = v2["cpu_arbeiter"] / v2["briefe"] * 1000
    koord_ms = max(v2["cpu_koordinator"] - fix, 0.001) / (v2["briefe"] - 1) * 1000
    print(f"\nJe Brief: {arbeit_ms:.0f} ms CPU auf einem Arbeiter, davon nicht teilbar "
          f"{reise['ms'] / 20 + schreiben:.1f} ms (Rundreise + Schreiben); der Koordinator braucht "
          f"{fix:.1f} s CPU fest (Start, Liste, Protokoll) und {koord_ms:.1f} ms CPU je weiteren Brief "
          f"(Stapel senden, Ergebnis holen, Journal) und begrenzt damit auf "
          f"etwa {1000 / koord_ms:.0f} Briefe/s, gleich wie viele Arbeiter.")
    print(f"Ein dritter Rechner mit 2 Kernen bringt etwa 2 × {1000 / arbeit_ms:.1f} Briefe/s, "
          "solange die Summe aller Arbeiter unter dieser Grenze bleibt.")
    shutil.rmtree(ordner, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
