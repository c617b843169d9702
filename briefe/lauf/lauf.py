"""A run (Lauf): every letter of a member list, written as files, with a protocol.

Letters are written one by one (atomically) and recorded in a journal, so a
killed run can be continued (``fortsetzen``) without duplicates; then come the
combined files, the protocol and the ZIP.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from briefe.dateien import atomar, raeume_reste_auf
from briefe.lauf import quelle
from briefe.lauf.ausgabe import SCHREIBFEHLER, Schreibfehler, schreibfehler_text
from briefe.lauf.journal import Journal, eingaben, entferne_alte_ergebnisse, lies_journal, pruefe_fortsetzen
from briefe.lauf.optionen import Laufoptionen
from briefe.lauf.protokoll import (
    PROTOKOLL_CSV,
    PROTOKOLL_JSON,
    SAMMEL_DOCX,
    SAMMEL_PDF,
    ZIP,
    Eintrag,
    Protokoll,
    schreibe_protokoll,
    textversion,
)
from briefe.lauf.prozesse import arbeite, renderer_fuer
from briefe.lauf.sperre import sperre_ordner
from briefe.lauf.vorbereitung import vorbereiten
from briefe.quellen.mitglieder import Empfaenger
from briefe.satz.vertrag import Sammelstueck
from briefe.vorlage.vorlage import Vorlage

SAMMEL = {"pdf": SAMMEL_PDF, "docx": SAMMEL_DOCX}
# Steps after the last letter, reported as {"ereignis": "schritt", "schritt": …, "fertig": i, "gesamt": n}.
SCHRITT_SAMMEL = {"pdf": "sammel_pdf", "docx": "sammel_docx"}
SCHRITT_ZIP = "zip"
SCHRITT_NAMEN = {"sammel_pdf": "Sammel-PDF", "sammel_docx": "Sammel-DOCX", SCHRITT_ZIP: "ZIP"}

Melder = Callable[[dict], None]


def _jetzt() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def fuehre_aus(optionen: Laufoptionen, melde: Melder | None = None,
               anlass: str = "den Befehl „briefe erstellen“", arbeite=arbeite) -> Protokoll:
    """Run: make every letter, write protocol (and combined files, ZIP). Raises
    ``BriefeFehler`` only when nothing could start (``LaeuftBereits`` when another run
    writes into the same folder; ``anlass`` names this one to others). ``arbeite`` makes the
    letters (default: local processes; ``briefe.verteilt`` passes its coordinator)."""
    vorbereitet = vorbereiten(optionen)  # no folder is touched before the inputs are checked
    ausgabe = Path(optionen.ausgabe)
    try:
        ausgabe.mkdir(parents=True, exist_ok=True)
        with sperre_ordner(ausgabe, anlass):
            return _fuehre_aus(optionen, melde, vorbereitet, arbeite)
    except OSError as fehler:
        if fehler.errno in SCHREIBFEHLER:
            raise Schreibfehler(schreibfehler_text(fehler, ausgabe)) from None
        raise


def _fuehre_aus(optionen: Laufoptionen, melde: Melder | None, vorbereitet, arbeite) -> Protokoll:
    melde = melde or (lambda ereignis: None)
    beginn = _jetzt()
    vorlage, liste, ausgewaehlt = vorbereitet
    ausgabe = Path(optionen.ausgabe)
    optionen = replace(optionen, ausgabe=ausgabe.resolve())
    raeume_reste_auf(ausgabe)

    quelle_sha256 = quelle.quelle_pruefsumme(optionen, liste)
    laufeingaben = eingaben(optionen, vorlage.pruefsumme(), quelle_sha256)
    nach_nummer = dict(enumerate(ausgewaehlt, start=1))
    if optionen.fortsetzen:
        pruefe_fortsetzen(ausgabe, laufeingaben)
    fertig = lies_journal(ausgabe, nach_nummer) if optionen.fortsetzen else {}
    if not optionen.fortsetzen:
        entferne_alte_ergebnisse(ausgabe)
    protokoll = Protokoll(
        vorlage=str(optionen.vorlage),
        **quelle.protokollangaben(optionen, vorlage),
        ausgabe=str(optionen.ausgabe),
        beginn=beginn,
        vorlage_sha256=laufeingaben["vorlage_sha256"],
        vorlage_version=textversion(Path(optionen.vorlage).read_bytes()),
        quelle_sha256=quelle_sha256,
        formate=list(optionen.formate),
        filter=[f"{s}={w}" for s, w in optionen.filter],
        werte=vorlage.werte_als_text(),
        bausteine=dict(vorlage.bausteine),
        sachbearbeitung=vorlage.sachbearbeitung.als_dict() if vorlage.sachbearbeitung else {},
        blatt=optionen.blatt,
        schluessel=optionen.schluessel,
        pdf=optionen.pdf_variante or "standard",
        zeilen_gesamt=len(liste.empfaenger),
        ausgewaehlt=len(ausgewaehlt),
        fortgesetzt=len(fertig),
        hinweise=list(liste.hinweise),
    )
    auftraege = [(n, e) for n, e in enumerate(ausgewaehlt, start=1) if n not in fertig]
    eintraege: dict[int, Eintrag] = dict(fertig)
    melde({"ereignis": "start", "gesamt": len(ausgewaehlt), "fertig": len(fertig)})
    for eintrag in fertig.values():
        melde({"ereignis": "brief", "zeile": eintrag.zeile, "status": "ok", "fortgesetzt": True})

    jobs = optionen.jobs or os.cpu_count() or 1
    with Journal(ausgabe, laufeingaben) as journal:
        for eintrag in arbeite(optionen, vorlage, auftraege, jobs):
            if optionen.schluessel:
                eintrag.datensatz = nach_nummer[eintrag.nummer].wert(optionen.schluessel)
            eintraege[eintrag.nummer] = eintrag
            journal.schreibe(eintrag, nach_nummer[eintrag.nummer])
            melde({"ereignis": "brief", "zeile": eintrag.zeile, "status": eintrag.status})

    protokoll.briefe = [eintraege[n] for n in sorted(eintraege)]
    protokoll.ok = sum(1 for e in protokoll.briefe if e.status == "ok")
    protokoll.fehler = len(protokoll.briefe) - protokoll.ok
    if not ausgewaehlt:
        protokoll.hinweise.append("Keine Empfänger ausgewählt (Filter prüfen).")

    if optionen.sammel:
        protokoll.sammeldateien += _sammeldateien(optionen, vorlage, ausgewaehlt, protokoll, melde)
    protokoll.ende = _jetzt()
    protokoll.status = "fertig"
    schreibe_protokoll(protokoll, ausgabe)
    if optionen.zip:
        _schreibe_zip(ausgabe, protokoll, melde)
        protokoll.sammeldateien.append(ZIP)
        schreibe_protokoll(protokoll, ausgabe)
    melde({"ereignis": "ende", "ok": protokoll.ok, "fehler": protokoll.fehler,
           "gesamt": protokoll.ausgewaehlt})
    return protokoll


def _schritt(melde: Melder, schritt: str, gesamt: int) -> Callable[[int], None]:
    """Report step ``schritt`` at 0 of ``gesamt`` now; the returned callback reports ``fertig``."""
    def fortschritt(fertig: int) -> None:
        melde({"ereignis": "schritt", "schritt": schritt, "fertig": fertig, "gesamt": gesamt})

    fortschritt(0)
    return fortschritt


def _sammeldateien(
    optionen: Laufoptionen, vorlage: Vorlage, ausgewaehlt: list[Empfaenger], protokoll: Protokoll,
    melde: Melder,
) -> list[str]:
    ok = [e for e in protokoll.briefe if e.status == "ok"]
    if not ok:
        return []
    ausgabe = Path(optionen.ausgabe)
    namen = []
    for format_, renderer in renderer_fuer(optionen).items():
        name = SAMMEL[format_]
        stuecke = [
            Sammelstueck(
                ausgabe / next(d for d in e.dateien if d.endswith(f".{format_}")),
                functools.partial(vorlage.erzeuge, ausgewaehlt[e.nummer - 1]),
            )
            for e in ok
        ]
        fortschritt = _schritt(melde, SCHRITT_SAMMEL[format_], len(stuecke))
        with atomar(ausgabe / name) as temp:
            renderer.schreibe_sammel(stuecke, temp, duplex=optionen.duplex, fortschritt=fortschritt)
        namen.append(name)
    return namen


def _schreibe_zip(ausgabe: Path, protokoll: Protokoll, melde: Melder) -> None:
    namen: list[str] = [d for e in protokoll.briefe for d in e.dateien]
    namen += protokoll.sammeldateien + [PROTOKOLL_JSON, PROTOKOLL_CSV]
    fortschritt = _schritt(melde, SCHRITT_ZIP, len(namen))
    with atomar(ausgabe / ZIP) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archiv:
        for nummer, name in enumerate(namen, start=1):
            archiv.write(ausgabe / name, arcname=name)
            fortschritt(nummer)
