"""Job files (Auftrag): a run described in TOML, for cron and systemd timers.

A job run holds a lock (two runs of one job never overlap), does nothing when
its folder already holds a finished run of the same inputs, continues an
interrupted one, and deletes its finished run folders past the retention time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import os
import re
import shutil
import string
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefe.dateien import dateiname_teil, schreibe_atomar, sha256
from briefe.fehler import AuftragsFehler, BriefeFehler
from briefe.lauf import journal
from briefe.lauf.journal import JOURNAL, entferne_alte_ergebnisse
from briefe.lauf.lauf import Melder, fuehre_aus
from briefe.lauf.optionen import (
    AUFTRAG,
    Laufoptionen,
    OptionsFehler,
    angaben,
    art,
    lies_eintraege,
    lies_ganz,
    lies_text,
    lies_wahr,
)
from briefe.lauf.protokoll import PROTOKOLL_JSON, Protokoll, lies_protokoll
from briefe.lauf.sperre import halte, sperre_ordner
from briefe.lauf.vorbereitung import vorbereiten
from briefe.quellen.datenbank import ist_datenbank, relativ_zu
from briefe.quellen.liste import Mitgliederliste
from briefe.vorlage.vorlage import pruefsumme_vorlage

KENNUNG = ".briefe-auftrag.json"
LAUFLOG = "laeufe.jsonl"
PLATZHALTER = {"datum": r"\d{4}-\d{2}-\d{2}", "monat": r"\d{4}-\d{2}", "jahr": r"\d{4}"}

# What a job adds to the run options (those are declared in ``lauf.optionen``).
AUFTRAG_SCHLUESSEL = {
    "beschreibung": "freier Text",
    "aufbewahrung_tage": "fertige Läufe nach so vielen Tagen löschen",
    "fehler_ok": "true/false: einzelne fehlerhafte Zeilen ergeben Rückgabewert 0 statt 1",
    "versand": "Tabelle [versand]: danach per E-Mail versenden (siehe briefe versenden)",
    "drucken": "Tabelle [drucken]: danach auf einem Drucker drucken (siehe briefe drucken)",
    "umschlag": 'Umschlagformat "DL", "C6", "C5" oder "C4": umschlaege.pdf zu den Briefen des Laufs',
    "etiketten": 'Etikettenbogen, z. B. "L7163": etiketten.pdf zu den Briefen des Laufs',
    "verteilt": 'Broker für Arbeiter auf anderen Rechnern, z. B. "redis://rechner:6379/0"',
    "zeitlimit": "Sekunden ohne Fortschritt der Arbeiter, bis ein verteilter Lauf aufgibt",
}
SCHLUESSEL = {s: a.hilfe for s, (_, a) in angaben(AUFTRAG).items()} | AUFTRAG_SCHLUESSEL


@dataclass(frozen=True)
class Auftrag:
    """A read, checked job file: its run options (paths absolute, placeholders filled in) and
    what a job adds: schedule name, retention, output pattern, sending, workers."""

    name: str
    datei: Path
    optionen: Laufoptionen
    ausgabe_muster: str
    aufbewahrung_tage: int | None = None
    beschreibung: str = ""
    fehler_ok: bool = False  # row errors alone give exit code 0 (when at least one letter was made)
    versand: dict | None = None  # the raw [versand] table; checked and used by briefe.versand
    drucken: dict | None = None  # the raw [drucken] table; checked by briefe.versand.drucken
    umschlag: str | None = None  # envelope format: umschlaege.pdf after the run
    etiketten: str | None = None  # label sheet: etiketten.pdf after the run
    verteilt: str | None = None
    zeitlimit: int | None = None

    @property
    def ausgabe(self) -> Path:
        return self.optionen.ausgabe

    @property
    def sammelordner(self) -> Path:
        """The folder holding this job's run folders, lock file and run log."""
        return self.ausgabe.parent

    @property
    def sperrdatei(self) -> Path:
        return self.sammelordner / f".{self.name}.lock"

    @property
    def lauflog(self) -> Path:
        return self.sammelordner / LAUFLOG

    def laufoptionen(self, fortsetzen: bool = False) -> Laufoptionen:
        return replace(self.optionen, fortsetzen=fortsetzen)

    def eingaben(self, liste: Mitgliederliste | None = None) -> dict:
        """What a run folder's results depend on: input checksums and output options (for a
        database the rows of ``liste``, else of a fresh query)."""
        optionen = self.optionen
        if ist_datenbank(optionen.daten):
            summe = (liste or vorbereiten(optionen)[1]).pruefsumme
        else:
            summe = _pruefsumme(Path(optionen.daten))
        return {"auftrag": self.name, **journal.eingaben(
            optionen, pruefsumme_vorlage(optionen.vorlage), summe)}

    def ist_laufordner(self, ordner: Path) -> bool:
        """Whether a folder name fits this job's output pattern."""
        return re.fullmatch(_muster_regex(self.ausgabe_muster), ordner.name) is not None


# --- reading a job file ----------------------------------------------------------------


def lies_auftrag(pfad: Path | str, heute: dt.date | None = None) -> Auftrag:
    """Read and check a job file; every problem is an ``AuftragsFehler`` naming the key."""
    pfad = Path(pfad)
    datei = str(pfad)
    daten = _lies_toml(pfad)
    for schluessel in daten:
        if schluessel not in SCHLUESSEL:
            aehnlich = difflib.get_close_matches(schluessel, SCHLUESSEL, n=1)
            tipp = f" Meinten Sie „{aehnlich[0]}“?" if aehnlich else ""
            raise AuftragsFehler(
                f"Unbekannter Eintrag „{schluessel}“.{tipp} Erlaubt: {', '.join(SCHLUESSEL)}.",
                datei=datei,
            )
    for schluessel in ("vorlage", "daten", "ausgabe"):
        if not isinstance(daten.get(schluessel), str) or not daten[schluessel].strip():
            if schluessel not in daten:
                raise AuftragsFehler(f"„{schluessel}“ fehlt ({SCHLUESSEL[schluessel]}).", datei=datei)
            raise AuftragsFehler(f"„{schluessel}“ muss ein Text in Anführungszeichen sein, nicht "
                                 f"{art(daten[schluessel])}.", datei=datei)
    ordner = pfad.resolve().parent
    muster = daten["ausgabe"]
    eintraege = {s: w for s, w in daten.items() if s not in AUFTRAG_SCHLUESSEL}
    eintraege["ausgabe"] = _fuelle_platzhalter(muster, heute or dt.date.today(), datei)
    versand = daten.get("versand")
    if versand is not None and not isinstance(versand, dict):
        raise AuftragsFehler(f"„versand“ muss eine Tabelle [versand] sein, nicht {art(versand)}.",
                             datei=datei)
    drucken = daten.get("drucken")
    if drucken is not None and not isinstance(drucken, dict):
        raise AuftragsFehler(f"„drucken“ muss eine Tabelle [drucken] sein, nicht {art(drucken)}.",
                             datei=datei)
    if "pdf" not in eintraege and versand is not None:
        eintraege["pdf"] = "barrierefrei"  # PDF/UA for e-mail
    try:
        felder = lies_eintraege(eintraege, AUFTRAG)
    except OptionsFehler as fehler:
        raise AuftragsFehler(fehler.meldung, datei=datei) from None
    for name, angabe in angaben(AUFTRAG).values():
        if angabe.pfad and felder.get(name) is not None:
            felder[name] = _relativ(felder[name], ordner)
    if felder.get("duplex") and not felder.get("sammel"):
        raise AuftragsFehler("„duplex“ wirkt nur zusammen mit sammel = true.", datei=datei)

    def zahl(schluessel: str, minimum: int) -> int | None:
        lies = lies_ganz(minimum)
        return _auftragswert(lambda s, w: None if w is None else lies(s, w), daten, schluessel, datei)

    return Auftrag(
        name=dateiname_teil(pfad.stem) or "auftrag",
        datei=pfad.resolve(),
        optionen=Laufoptionen(**felder),
        ausgabe_muster=Path(muster).name,
        aufbewahrung_tage=zahl("aufbewahrung_tage", 1),
        beschreibung=_auftragswert(lambda s, w: lies_text(s, w) or "", daten, "beschreibung", datei),
        fehler_ok=_auftragswert(lies_wahr, daten, "fehler_ok", datei, False),
        versand=versand,
        drucken=drucken,
        umschlag=_post_angabe(daten, "umschlag", datei),
        etiketten=_post_angabe(daten, "etiketten", datei),
        verteilt=_auftragswert(lies_text, daten, "verteilt", datei),
        zeitlimit=zahl("zeitlimit", 1),
    )


def _post_angabe(daten: dict, schluessel: str, datei: str) -> str | None:
    """``umschlag`` or ``etiketten``: a known envelope format or label sheet (or a sheet file)."""
    from briefe.lauf.post import bogen, umschlag

    wert = _auftragswert(lies_text, daten, schluessel, datei)
    if wert is not None:
        try:
            (umschlag if schluessel == "umschlag" else bogen)(wert)
        except BriefeFehler as fehler:
            raise AuftragsFehler(f"„{schluessel}“: {fehler.meldung}", datei=datei) from None
    return wert


def _auftragswert(lies, daten: dict, schluessel: str, datei: str, standard: object = None) -> object:
    """A key a job adds, read like the run options' values."""
    try:
        return lies(schluessel, daten[schluessel]) if schluessel in daten else (
            standard if standard is not None else lies(schluessel, None))
    except OptionsFehler as fehler:
        raise AuftragsFehler(fehler.meldung, datei=datei) from None


def _relativ(pfad: Path | str, ordner: Path) -> Path | str:
    """A path of a job (or an SQLite database's address) relative to the job file."""
    if isinstance(pfad, str) and ist_datenbank(pfad):
        return relativ_zu(pfad, ordner)
    return Path(os.path.normpath(ordner / pfad))


def _lies_toml(pfad: Path) -> dict:
    datei = str(pfad)
    try:
        inhalt = pfad.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AuftragsFehler("Die Auftragsdatei gibt es nicht.", datei=datei) from None
    except UnicodeDecodeError:
        raise AuftragsFehler("Die Auftragsdatei ist nicht in UTF-8 gespeichert.", datei=datei) from None
    except OSError as fehler:
        raise AuftragsFehler(f"Auftragsdatei nicht lesbar ({fehler.strerror}).", datei=datei) from None
    try:
        return tomllib.loads(inhalt)
    except tomllib.TOMLDecodeError as fehler:
        ort = re.search(r"line (\d+), column (\d+)", str(fehler))
        raise AuftragsFehler(
            "Die Datei ist kein gültiges TOML"
            + (f" (Zeile {ort[1]}, Zeichen {ort[2]})" if ort else "")
            + ". Häufige Ursachen: Text ohne Anführungszeichen, fehlendes „=“, doppelter Eintrag.",
            datei=datei,
        ) from None


def _platzhalter(teil: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(teil) if name is not None]
    except ValueError:
        return ["{"]


def _fuelle_platzhalter(muster: str, heute: dt.date, datei: str) -> str:
    """``{datum}`` → 2025-03-01, ``{monat}`` → 2025-03, ``{jahr}`` → 2025 (last part only)."""
    teile = Path(muster).parts
    if not teile:
        raise AuftragsFehler("„ausgabe“ ist leer.", datei=datei)
    for teil in teile[:-1]:
        if "{" in teil or "}" in teil:
            raise AuftragsFehler(
                "„ausgabe“: Platzhalter wie {datum} sind nur im letzten Teil des Pfads erlaubt, "
                "z. B. \"../ausgabe/einladung-{datum}\".",
                datei=datei,
            )
    for name in _platzhalter(teile[-1]):
        if name not in PLATZHALTER:
            raise AuftragsFehler(
                f"„ausgabe“: unbekannter Platzhalter „{{{name}}}“; möglich: "
                f"{', '.join('{' + p + '}' for p in PLATZHALTER)}.",
                datei=datei,
            )
    werte = {"datum": heute.isoformat(), "monat": heute.strftime("%Y-%m"), "jahr": f"{heute.year:04d}"}
    return str(Path(*teile[:-1], teile[-1].format(**werte)))


def _muster_regex(muster: str) -> str:
    regex = ""
    for literal, name, _, _ in string.Formatter().parse(muster):
        regex += re.escape(literal)
        if name is not None:
            regex += PLATZHALTER[name]
    return regex


# --- lock -------------------------------------------------------------------------------


@contextlib.contextmanager
def sperre(auftrag: Auftrag) -> Iterator[None]:
    """Hold the job's lock (``flock``; the kernel frees it when the process ends)."""
    meldung = (f"Der Auftrag „{auftrag.name}“ läuft bereits ({{wer}}; Sperrdatei {auftrag.sperrdatei}). "
               "Dieser Aufruf endet, ohne etwas zu tun.")
    with halte(auftrag.sperrdatei, meldung, f"den Auftrag „{auftrag.name}“", datei=str(auftrag.datei)):
        yield


# --- state of the run folder ------------------------------------------------------------


@dataclass
class Stand:
    """What a run of the job has to do: ``neu``, ``fortsetzen`` or ``erledigt``."""

    modus: str
    grund: str = ""
    protokoll: dict | None = None


def _pruefsumme(pfad: Path) -> str:
    try:
        return sha256(pfad)
    except OSError:
        return ""


def _lies_json(pfad: Path) -> dict | None:
    try:
        daten = json.loads(pfad.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return daten if isinstance(daten, dict) else None


def _dateien_intakt(ordner: Path, protokoll: dict) -> bool:
    for eintrag in protokoll.get("briefe", []):
        for name, summe in eintrag.get("sha256", {}).items():
            if _pruefsumme(ordner / name) != summe:
                return False
    return all((ordner / name).is_file() for name in protokoll.get("sammeldateien", []))


def ermittle_stand(auftrag: Auftrag, liste: Mitgliederliste | None = None) -> Stand:
    """Decide from the run folder whether to start, continue or do nothing."""
    ordner = auftrag.ausgabe
    if not ordner.is_dir():
        return Stand("neu")
    erwartet = auftrag.eingaben(liste)
    kennung = _lies_json(ordner / KENNUNG)
    try:
        protokoll = lies_protokoll(ordner)
    except ValueError:
        protokoll = None
    gleich = kennung == erwartet
    if protokoll and protokoll.get("status") == "fertig" and gleich and all(
        protokoll.get(s) == erwartet[s] for s in ("vorlage_sha256", "quelle_sha256")
    ):
        if _dateien_intakt(ordner, protokoll):
            return Stand("erledigt", "bereits erledigt", protokoll)
        return Stand("fortsetzen", "Dateien des fertigen Laufs fehlen oder wurden verändert")
    if gleich and (ordner / JOURNAL).is_file():
        return Stand("fortsetzen", "unterbrochener Lauf")
    if protokoll or (ordner / JOURNAL).is_file():
        return Stand("neu", "Vorlage, Mitgliederliste oder Optionen haben sich geändert; "
                            "der frühere Lauf in diesem Ordner wird ersetzt")
    return Stand("neu")


# --- retention --------------------------------------------------------------------------


@dataclass
class Aufbewahrung:
    """What the retention step did."""

    geloescht: list[str] = field(default_factory=list)
    unfertig: list[str] = field(default_factory=list)
    fehler: list[str] = field(default_factory=list)


def _ende(ordner: Path, protokoll: dict) -> dt.datetime:
    with contextlib.suppress(TypeError, ValueError):
        ende = dt.datetime.fromisoformat(protokoll.get("ende"))
        return ende if ende.tzinfo else ende.astimezone()
    return dt.datetime.fromtimestamp((ordner / PROTOKOLL_JSON).stat().st_mtime).astimezone()


def _lauflog_zeile(auftrag: Auftrag, ordner: Path, protokoll: dict, jetzt: dt.datetime) -> dict:
    """The summary of a deleted run: counts, checksums, row numbers; no personal data."""
    zeile = {"auftrag": auftrag.name, "ordner": ordner.name,
             "geloescht": jetzt.isoformat(timespec="seconds")}
    for schluessel in ("beginn", "ende", "status", "vorlage", "quelle", "vorlage_sha256",
                       "quelle_sha256", "formate", "filter", "zeilen_gesamt", "ausgewaehlt", "ok",
                       "fehler", "fortgesetzt", "sammeldateien"):
        zeile[schluessel] = protokoll.get(schluessel)
    zeile["fehlerzeilen"] = _fehlerzeilen(protokoll)
    return zeile


def _haenge_an(pfad: Path, daten: dict) -> None:
    zeile = (json.dumps(daten, ensure_ascii=False) + "\n").encode("utf-8")
    griff = os.open(pfad, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
    try:
        os.write(griff, zeile)
        os.fsync(griff)
    finally:
        os.close(griff)


def raeume_auf(auftrag: Auftrag, melde: Melder | None = None,
               jetzt: dt.datetime | None = None) -> Aufbewahrung:
    """Delete this job's finished run folders older than ``aufbewahrung_tage``.

    Each deleted run's summary is appended to ``laeufe.jsonl`` first. Unfinished
    folders, folders of other jobs and the current folder are never touched.
    """
    ergebnis = Aufbewahrung()
    if auftrag.aufbewahrung_tage is None or not auftrag.sammelordner.is_dir():
        return ergebnis
    melde = melde or (lambda ereignis: None)
    jetzt = jetzt or dt.datetime.now().astimezone()
    grenze = jetzt - dt.timedelta(days=auftrag.aufbewahrung_tage)
    for ordner in sorted(auftrag.sammelordner.iterdir()):
        if (ordner.is_symlink() or not ordner.is_dir() or not auftrag.ist_laufordner(ordner)
                or ordner.resolve() == auftrag.ausgabe.resolve()):
            continue
        kennung = _lies_json(ordner / KENNUNG)
        if not kennung or kennung.get("auftrag") != auftrag.name:
            continue  # not made by this job
        protokoll = _lies_json(ordner / PROTOKOLL_JSON)
        if not protokoll or protokoll.get("status") != "fertig":
            if dt.datetime.fromtimestamp(ordner.stat().st_mtime).astimezone() < grenze:
                ergebnis.unfertig.append(ordner.name)
            continue
        if _ende(ordner, protokoll) >= grenze:
            continue
        try:
            _haenge_an(auftrag.lauflog, _lauflog_zeile(auftrag, ordner, protokoll, jetzt))
            shutil.rmtree(ordner)
        except OSError as fehler:
            ergebnis.fehler.append(f"{ordner.name}: {fehler.strerror or fehler}")
            continue
        ergebnis.geloescht.append(ordner.name)
        melde({"ereignis": "geloescht", "ordner": ordner.name, "ende": protokoll.get("ende")})
    return ergebnis


# --- the job run ------------------------------------------------------------------------


@dataclass
class Ergebnis:
    """The outcome of a job run."""

    auftrag: Auftrag
    modus: str
    grund: str
    protokoll: dict
    rueckgabewert: int
    lauf_protokoll: Protokoll | None = None
    aufbewahrung: Aufbewahrung = field(default_factory=Aufbewahrung)


def _fehlerzeilen(protokoll: dict) -> list[dict]:
    """Failed rows as row number and column names only."""
    return [
        {"zeile": e.get("zeile"),
         "spalten": sorted({p.get("spalte") for p in e.get("probleme", []) if p.get("spalte")})}
        for e in protokoll.get("briefe", []) if e.get("status") == "fehler"
    ]


def fuehre_auftrag_aus(auftrag: Auftrag, melde: Melder | None = None, arbeite=None) -> Ergebnis:
    """Run a job under its lock: do nothing, continue or start, then apply retention.

    Raises ``LaeuftBereits`` when another run holds the lock and ``BriefeFehler``
    when nothing could start.
    """
    melde = melde or (lambda ereignis: None)
    _, liste, _ = vorbereiten(auftrag.laufoptionen())  # stop before touching any folder
    with sperre(auftrag), sperre_ordner(auftrag.ausgabe, f"den Auftrag „{auftrag.name}“"):
        zustand = ermittle_stand(auftrag, liste)
        melde({"ereignis": "auftrag", "auftrag": auftrag.name, "ausgabe": str(auftrag.ausgabe),
               "modus": zustand.modus, "grund": zustand.grund})
        lauf_protokoll = None
        if zustand.modus == "erledigt":
            assert zustand.protokoll is not None
            protokoll = zustand.protokoll
            rueckgabewert = 1 if protokoll.get("fehler") else 0
        else:
            ordner = auftrag.ausgabe
            ordner.mkdir(parents=True, exist_ok=True)
            if zustand.modus == "neu":
                (ordner / KENNUNG).unlink(missing_ok=True)
                entferne_alte_ergebnisse(ordner)
            eingaben = json.dumps(auftrag.eingaben(liste), ensure_ascii=False, indent=2)
            schreibe_atomar(ordner / KENNUNG, eingaben.encode("utf-8"))
            lauf_protokoll = fuehre_aus(auftrag.laufoptionen(zustand.modus == "fortsetzen"), melde,
                                        f"den Auftrag „{auftrag.name}“",
                                        **({"arbeite": arbeite} if arbeite else {}))
            protokoll = lauf_protokoll.als_dict()
            rueckgabewert = lauf_protokoll.exit_code
        aufbewahrung = raeume_auf(auftrag, melde)
    if auftrag.fehler_ok and rueckgabewert == 1 and protokoll.get("ok"):
        rueckgabewert = 0  # single bad rows are in the protocol; the timer stays green
    melde({
        "ereignis": "zusammenfassung", "auftrag": auftrag.name, "modus": zustand.modus,
        "ausgewaehlt": protokoll.get("ausgewaehlt"), "ok": protokoll.get("ok"),
        "fehler": protokoll.get("fehler"), "fortgesetzt": protokoll.get("fortgesetzt"),
        "fehlerzeilen": _fehlerzeilen(protokoll), "hinweise": len(protokoll.get("hinweise", [])),
        "geloescht": len(aufbewahrung.geloescht), "unfertig_behalten": len(aufbewahrung.unfertig),
        "aufbewahrung_fehler": len(aufbewahrung.fehler), "rueckgabewert": rueckgabewert,
    })
    return Ergebnis(auftrag, zustand.modus, zustand.grund, protokoll, rueckgabewert, lauf_protokoll,
                    aufbewahrung)
