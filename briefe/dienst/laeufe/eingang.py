"""A new run: store and check an upload (or a configured data source's rows), then a draft
(page) or a queued run (API); the start options of the form and the API."""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from pathlib import Path

from fastapi import UploadFile

from briefe.dienst import datenquellen
from briefe.dienst.fehler import DienstFehler, EingabeFehler
from briefe.dienst.laeufe import pruefung
from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.dienst.laeufe.speicher import ENTWURF, WARTET, Lauf
from briefe.dienst.zugang import absenderangaben
from briefe.fehler import BriefeFehler
from briefe.lauf.optionen import DIENST, OptionsFehler, angaben, lies_eintraege

log = logging.getLogger("briefe.dienst")
PRUEF_ZEIT = 120.0  # seconds to read and check an uploaded list (in a worker process)


def warteschlange_voll(konfiguration) -> DienstFehler:
    return DienstFehler(
        429, f"Die Warteschlange ist voll (höchstens {konfiguration.warteschlange} wartende Läufe). "
             "Bitte in einigen Minuten erneut versuchen.", headers={"Retry-After": "60"})


def neuer_lauf(dienst, zugang, upload: UploadFile | None, vorlage: str,
                filter: list[list[str]], blatt: str | None, optionen: dict, entwurf: bool,
                datenquelle: str | None = None) -> Lauf:
    """Store and check an upload (or a configured data source's rows); a draft (page) or a
    queued run (API)."""
    k = dienst.konfiguration
    if not entwurf and dienst.speicher.zaehle(WARTET) >= k.warteschlange:
        raise warteschlange_voll(k)
    pfad = pruefung.vorlage_pfad(k, vorlage)
    quelle = None
    if datenquelle:
        try:
            quelle = datenquellen.waehle(k.datenquellen, zugang.name, datenquelle)
        except BriefeFehler as fehler:
            raise EingabeFehler(fehler.meldung) from None
        name, anzeige = pruefung.sicherer_name(f"{quelle.name}.json"), datenquellen.anzeige(quelle)
    elif upload is None or not upload.filename:
        raise EingabeFehler("Bitte eine Mitgliederliste (CSV, XLSX oder JSON) auswählen.")
    else:
        name = pruefung.sicherer_name(upload.filename)
        anzeige = pruefung.bereinige_anzeige(Path(upload.filename.replace("\\", "/")).name)[:200]
    lauf_id = secrets.token_hex(8)
    ordner = lauf_ordner(k.daten, lauf_id)
    try:
        if quelle is not None:
            try:
                datenquellen.schreibe_abzug(quelle, ordner / "eingabe" / name, k.max_zeilen)
            except BriefeFehler as fehler:
                raise EingabeFehler(str(fehler)) from None
        else:
            pruefung.speichere_upload(upload.file, ordner / "eingabe" / name, k.upload_bytes)
        # in a worker: checking renders sample letters (semi-trusted templates)
        ergebnis = dienst.satz.fuehre_aus("pruefe_liste", k, pfad, ordner / "eingabe" / name, filter, blatt,
                                          optionen.get("zahlen"), zeit=PRUEF_ZEIT)
        lauf = Lauf(
            id=lauf_id, besitzer=zugang.besitzer, status=ENTWURF if entwurf else WARTET,
            erstellt=time.time(), vorlage=vorlage, datei=anzeige, eingabe=name, pruefung=ergebnis,
            gesamt=ergebnis["ausgewaehlt"],
            optionen={**optionen, **absenderangaben.als_option(k, zugang), "filter": filter,
                      "blatt": blatt or None, "vorlage_pfad": str(pfad),
                      "vorlagen_ordner": str(k.vorlagen)},
        )
        if not dienst.speicher.lege_an(lauf, None if entwurf else k.warteschlange):
            raise warteschlange_voll(k)
    except BaseException:
        shutil.rmtree(ordner, ignore_errors=True)
        raise
    if not entwurf:
        dienst.verteiler.wecke()
        log.info("Lauf %s angenommen (%s, %d Empfänger).", lauf_id, vorlage, lauf.gesamt)
    return lauf


def formularwerte(**eintraege: object) -> dict:
    """Run options from the form or the API (German keys), read and checked as declared in
    ``lauf.optionen``; as kept in the run's record (JSON)."""
    try:
        felder = lies_eintraege(eintraege, DIENST)
    except OptionsFehler as fehler:
        raise EingabeFehler(fehler.meldung) from None
    alle = angaben(DIENST)
    werte = {s: felder[alle[s][0]] for s in eintraege}
    if "pdf" in werte:
        werte["pdf"] = werte["pdf"] or "standard"
    return {s: [list(p) for p in w] if s in ("filter", "werte") else
            list(w) if isinstance(w, tuple) else w for s, w in werte.items()}


def start_optionen(formate: list[str], sammel: bool, duplex: bool, pdf: str) -> dict:
    """The options chosen when a run starts."""
    return formularwerte(formate=formate, sammel=sammel, duplex=duplex, pdf=pdf)


def filter_aus_formular(eintraege: list[str]) -> list[list[str]]:
    """``["gremien=Lenkungskreis"]`` (one per entry or line) → ``[["gremien", "Lenkungskreis"]]``."""
    return formularwerte(filter=eintraege)["filter"]
