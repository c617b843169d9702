"""Sending speed and peak memory of ``briefe versenden`` against a local SMTP server.

    python benchmarks/versand.py [--anzahl 200]

Makes ``--anzahl`` letters (PDF, standard, one process) for fictional members with an
address, then sends them to aiosmtpd on loopback twice, side by side: with briefe
(``briefe.versand.versand.versende``: e-mail text from the template, the send journal
fsynced twice per message, protocol) and the naive reference in the same run: one
``smtplib.SMTP.send_message`` per letter with a fixed text and no journal. Each in its own
child process; peak memory is that process's VmHWM. Needs the ``test`` extra (aiosmtpd).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))


def _hwm_mb() -> float:
    for zeile in Path("/proc/self/status").read_text().splitlines():
        if zeile.startswith("VmHWM:"):
            return int(zeile.split()[1]) / 1024
    return 0.0


def _kind(art: str, ausgabe: Path) -> None:
    """One measurement in a child process; prints a JSON line."""
    import os
    import smtplib
    from email.message import EmailMessage

    os.environ.setdefault("BRIEFE_VORLAGEN", str(WURZEL / "vorlagen"))
    from briefe.versand.einstellungen import lies_einstellungen
    from briefe.versand.versand import plane, versende
    from tests.smtp_hilfe import Server

    with Server() as server:
        plan = plane(ausgabe)
        beginn = time.perf_counter()
        if art == "briefe":
            einstellungen = lies_einstellungen({"host": "127.0.0.1", "port": server.port, "tls": "keine",
                                                "absender": "buero@stadt.example"}, umgebung={})
            ergebnis = versende(ausgabe, einstellungen)
            anzahl = ergebnis.gesendet
        else:
            with smtplib.SMTP("127.0.0.1", server.port) as smtp:
                for brief in plan.per_email:
                    nachricht = EmailMessage()
                    nachricht["From"], nachricht["To"], nachricht["Subject"] = (
                        "buero@stadt.example", brief.adresse, "Brief")
                    nachricht.set_content("Anbei der Brief.")
                    nachricht.add_attachment(brief.pdf.read_bytes(), maintype="application",
                                             subtype="pdf", filename="brief.pdf")
                    smtp.send_message(nachricht)
            anzahl = len(plan.per_email)
        dauer = time.perf_counter() - beginn
        assert len(server.postfach.nachrichten) == anzahl
    print(json.dumps({"art": art, "anzahl": anzahl, "sekunden": dauer, "mb": _hwm_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anzahl", type=int, default=200)
    parser.add_argument("--kind", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kind:
        _kind(args.kind[0], Path(args.kind[1]))
        return
    import shutil

    from briefe.lauf.lauf import fuehre_aus
    from briefe.lauf.optionen import Laufoptionen
    from tests.test_versand import VORLAGE, schreibe_liste

    with tempfile.TemporaryDirectory() as tmp:
        ordner = Path(tmp)
        shutil.copytree(WURZEL / "vorlagen" / "absender", ordner / "absender")
        (ordner / "vorlage.md").write_text(VORLAGE, encoding="utf-8")
        zeilen = [("Frau", "", f"Vorname{i}", f"Name{i}", "Schule", f"mitglied{i}@example.org")
                  for i in range(args.anzahl)]
        liste = schreibe_liste(ordner / "mitglieder.csv", zeilen)
        fuehre_aus(Laufoptionen(vorlage=ordner / "vorlage.md", daten=liste, ausgabe=ordner / "lauf",
                                formate=("pdf",), jobs=1))
        print(f"{args.anzahl} Briefe an einen SMTP-Server auf 127.0.0.1 (aiosmtpd):")
        for art, name in (("referenz", "Referenz: smtplib.send_message, ohne Journal"),
                          ("briefe", "briefe versenden (Vorlagentext, Journal mit fsync)")):
            ausgabe = ordner / f"lauf-{art}"
            shutil.copytree(ordner / "lauf", ausgabe)
            zeile = subprocess.run([sys.executable, __file__, "--kind", art, str(ausgabe)], check=True,
                                   capture_output=True, text=True, cwd=WURZEL).stdout.strip().splitlines()[-1]
            m = json.loads(zeile)
            print(f"  {name:55s} {m['anzahl'] / m['sekunden']:7.1f} Nachrichten/s   "
                  f"Spitze {m['mb']:.0f} MB")


if __name__ == "__main__":
    main()
