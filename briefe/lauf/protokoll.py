"""The protocol (Protokoll) of a run: what was made and what was not, as JSON and CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from briefe.dateien import schreibe_atomar

PROTOKOLL_JSON = "protokoll.json"
PROTOKOLL_CSV = "protokoll.csv"
SAMMEL_PDF = "serienbrief.pdf"
SAMMEL_DOCX = "serienbrief.docx"
ZIP = "serienbrief.zip"


def textversion(daten: bytes) -> str:
    """The short version of a template text (the page's version history uses the same)."""
    return hashlib.sha256(daten).hexdigest()[:12]


@dataclass
class Eintrag:
    """One selected member row in the protocol."""

    zeile: int
    nummer: int
    status: str  # "ok" or "fehler"
    dateien: list[str] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)
    hinweise: list[str] = field(default_factory=list)
    fehler: str = ""
    probleme: list[dict] = field(default_factory=list)
    name: str = ""  # "Maria Meyer"
    organisation: str = ""
    datensatz: str = ""  # the record's key: its value in the column ``Protokoll.schluessel``
    # set by ``briefe versenden``: "E-Mail" or "Post", Message-ID, time, the server's answer
    kanal: str = ""
    versandstatus: str = ""
    message_id: str = ""
    versandzeit: str = ""
    serverantwort: str = ""
    # set by ``briefe drucken``: state, printer, CUPS job id, time
    druckstatus: str = ""
    drucker: str = ""
    druckauftrag: str = ""
    druckzeit: str = ""

    def als_dict(self) -> dict:
        """The entry as plain data (like ``dataclasses.asdict``, but sharing its lists)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Protokoll:
    """What a run made and what it did not."""

    vorlage: str
    quelle: str
    ausgabe: str
    beginn: str
    vorlage_sha256: str = ""
    vorlage_version: str = ""  # textversion() of the template file, as the page shows it
    quelle_sha256: str = ""
    ende: str = ""
    status: str = "laeuft"
    formate: list[str] = field(default_factory=list)
    filter: list[str] = field(default_factory=list)
    werte: dict[str, str] = field(default_factory=dict)  # start values, parsed, as text
    bausteine: dict[str, str] = field(default_factory=dict)  # text block -> SHA-256 of its file
    sachbearbeitung: dict[str, str] = field(default_factory=dict)  # whose data is in the info block
    blatt: str | None = None
    schluessel: str | None = None  # the column whose value names each record
    abfrage: str | None = None  # a database's query (``quelle`` its address without password)
    abfrage_werte: dict[str, str] = field(default_factory=dict)  # its :name parameters, as text
    pdf: str = "standard"
    zeilen_gesamt: int = 0
    ausgewaehlt: int = 0
    ok: int = 0
    fehler: int = 0
    fortgesetzt: int = 0
    sammeldateien: list[str] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)
    briefe: list[Eintrag] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.fehler or not self.ausgewaehlt else 0

    def als_dict(self) -> dict:
        """The protocol as plain data (like ``dataclasses.asdict``, but sharing its lists)."""
        daten = {f.name: getattr(self, f.name) for f in fields(self)}
        daten["briefe"] = [e.als_dict() for e in self.briefe]
        return daten


CSV_SPALTEN = ["zeile", "nummer", "status", "dateien", "sha256", "hinweise", "fehler", "name",
               "organisation"]
# after ``briefe versenden``: how each letter went out
VERSAND_SPALTEN = ["kanal", "versandstatus", "message_id", "versandzeit", "serverantwort"]
# after ``briefe drucken``
DRUCK_SPALTEN = ["druckstatus", "drucker", "druckauftrag", "druckzeit"]


def schreibe_protokoll(protokoll: Protokoll, ausgabe: Path) -> None:
    """``protokoll.json`` and ``protokoll.csv`` (``;``-separated, UTF-8 with BOM for Excel)."""
    daten = json.dumps(protokoll.als_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    schreibe_atomar(ausgabe / PROTOKOLL_JSON, daten)
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    versandt = any(e.kanal for e in protokoll.briefe)
    gedruckt = any(e.druckstatus for e in protokoll.briefe)
    mit_schluessel = bool(protokoll.schluessel)
    schreiber.writerow(CSV_SPALTEN + ([protokoll.schluessel] if mit_schluessel else [])
                       + (VERSAND_SPALTEN if versandt else []) + (DRUCK_SPALTEN if gedruckt else []))
    for e in protokoll.briefe:
        schreiber.writerow([
            e.zeile, e.nummer, e.status, " ".join(e.dateien),
            " ".join(f"{d}:{h}" for d, h in e.sha256.items()),
            " | ".join(e.hinweise), e.fehler, e.name, e.organisation,
        ] + ([e.datensatz] if mit_schluessel else [])
          + ([e.kanal, e.versandstatus, e.message_id, e.versandzeit, e.serverantwort] if versandt else [])
          + ([e.druckstatus, e.drucker, e.druckauftrag, e.druckzeit] if gedruckt else []))
    schreibe_atomar(ausgabe / PROTOKOLL_CSV, ("\ufeff" + puffer.getvalue()).encode("utf-8"))


def lies_protokoll(ausgabe: Path) -> dict | None:
    pfad = Path(ausgabe) / PROTOKOLL_JSON
    if not pfad.is_file():
        return None
    return json.loads(pfad.read_text(encoding="utf-8"))


def protokoll_aus(daten: dict) -> Protokoll:
    """A protocol read back from ``protokoll.json`` (keys it does not know are left out)."""
    felder = set(Eintrag.__dataclass_fields__)
    briefe = [Eintrag(**{k: v for k, v in b.items() if k in felder}) for b in daten.get("briefe", [])]
    kopf = {k: v for k, v in daten.items() if k in Protokoll.__dataclass_fields__ and k != "briefe"}
    return Protokoll(**kopf, briefe=briefe)


def lies_fertiges_protokoll(ausgabe: Path) -> dict:
    """The protocol of a finished run in ``ausgabe`` (for sending, printing, envelopes); German
    errors when there is none, it is unreadable, or the run did not finish."""
    from briefe.fehler import BriefeFehler

    try:
        protokoll = lies_protokoll(ausgabe)
    except (ValueError, OSError):
        protokoll = None
    if not protokoll:
        raise BriefeFehler(f"In {ausgabe} gibt es kein lesbares protokoll.json – ist das der Ordner "
                           "eines Laufs (briefe erstellen --ausgabe …)?")
    if protokoll.get("status") != "fertig":
        raise BriefeFehler(f"Der Lauf in {ausgabe} ist nicht fertig; bitte zuerst mit "
                           "„briefe erstellen … --fortsetzen“ beenden.")
    return protokoll
