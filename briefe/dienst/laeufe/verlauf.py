"""The run history, the single letters of a finished run (one file each, only files its
protocol records) and stepping through the recipients in the preview."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.responses import FileResponse

from briefe.dateien import schreibe_atomar
from briefe.dienst.fehler import DienstFehler
from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.laeufe.arbeiter import lauf_ordner
from briefe.dienst.laeufe.speicher import FERTIG, Lauf
from briefe.fehler import BriefeFehler
from briefe.lauf.lauf import SCHRITT_NAMEN
from briefe.lauf.protokoll import lies_protokoll

UEBERSICHT = "empfaenger.json"  # cached list of the selected recipients (run folder)
ARTEN = {".pdf": "application/pdf",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


# --- recipients of a run ----------------------------------------------------------------


def empfaenger_uebersicht(konfiguration: Konfiguration, lauf: Lauf) -> list[dict]:
    """Every selected recipient of a run: number, row, name, organisation, address problems."""
    from briefe.deutsch import anschrift as anschrift_regeln
    from briefe.lauf.optionen import Laufoptionen
    from briefe.lauf.vorbereitung import vorbereiten

    ordner = lauf_ordner(konfiguration.daten, lauf.id)
    zwischenspeicher = ordner / UEBERSICHT
    if zwischenspeicher.is_file():
        return json.loads(zwischenspeicher.read_text(encoding="utf-8"))
    o = lauf.optionen
    try:
        _, _, ausgewaehlt = vorbereiten(Laufoptionen(
            vorlage=Path(o["vorlage_pfad"]), daten=ordner / "eingabe" / lauf.eingabe,
            filter=tuple(tuple(f) for f in o.get("filter", [])), blatt=o.get("blatt") or None,
            vorlagen_ordner=konfiguration.vorlagen))
    except (BriefeFehler, OSError, KeyError):
        return []
    uebersicht = [{
        "nummer": nummer, "zeile": e.zeile,
        "name": " ".join(t for t in (e.wert("titel"), e.wert("vorname"), e.wert("nachname")) if t),
        "organisation": e.wert("organisation").replace("\n", " "),
        "probleme": [p.meldung for p in anschrift_regeln.pruefe(e)],
    } for nummer, e in enumerate(ausgewaehlt, start=1)]
    schreibe_atomar(zwischenspeicher, json.dumps(uebersicht, ensure_ascii=False).encode("utf-8"))
    return uebersicht


def vorschau_auswahl(konfiguration: Konfiguration, lauf: Lauf, nr: str | None) -> dict | None:
    """Where the preview stands: problem rows first, then the others in list order. Without
    ``nr`` the first recipient that gets a letter."""
    eintraege = empfaenger_uebersicht(konfiguration, lauf)
    if not eintraege:
        return None
    reihe = [e for e in eintraege if e["probleme"]] + [e for e in eintraege if not e["probleme"]]
    nach_nummer = {e["nummer"]: i for i, e in enumerate(reihe)}
    gewaehlt = int(nr) if nr and nr.isdigit() and int(nr) in nach_nummer else None
    if gewaehlt is None:
        index = next((i for i, e in enumerate(reihe) if not e["probleme"]), 0)
    else:
        index = nach_nummer[gewaehlt]
    return {
        "reihe": reihe, "aktuell": reihe[index], "position": index + 1, "anzahl": len(reihe),
        "vorher": reihe[index - 1] if index > 0 else None,
        "naechster": reihe[index + 1] if index + 1 < len(reihe) else None,
        "erster": gewaehlt is None, "mit_problem": sum(1 for e in reihe if e["probleme"]),
    }


def briefliste(konfiguration: Konfiguration, lauf: Lauf) -> list[dict]:
    """The letters of a finished run: recipient, status, the row's problem, its files."""
    if lauf.status != FERTIG or lauf.geloescht:
        return []
    protokoll = lies_protokoll(lauf_ordner(konfiguration.daten, lauf.id) / "ausgabe") or {}
    personen = {e["nummer"]: e for e in empfaenger_uebersicht(konfiguration, lauf)}
    liste = []
    for eintrag in protokoll.get("briefe", []):
        person = personen.get(eintrag.get("nummer"), {})
        probleme = [p.get("meldung", "") for p in eintrag.get("probleme") or []] or (
            [eintrag["fehler"]] if eintrag.get("fehler") else [])
        liste.append({
            "nummer": eintrag.get("nummer"), "zeile": eintrag.get("zeile"),
            "name": person.get("name", ""), "organisation": person.get("organisation", ""),
            "status": eintrag.get("status"), "probleme": probleme,
            "dateien": [d for d in eintrag.get("dateien", []) if Path(d).suffix in ARTEN],
        })
    return liste


def _protokollierte_datei(konfiguration: Konfiguration, lauf: Lauf, name: str) -> Path | None:
    """A letter file of the run, only when the run's protocol records exactly this name."""
    if lauf.status != FERTIG or lauf.geloescht or Path(name).name != name or Path(name).suffix not in ARTEN:
        return None
    ausgabe = lauf_ordner(konfiguration.daten, lauf.id) / "ausgabe"
    protokoll = lies_protokoll(ausgabe) or {}
    if not any(name in e.get("dateien", []) for e in protokoll.get("briefe", [])):
        return None
    pfad = (ausgabe / name).resolve()
    return pfad if pfad.parent == ausgabe.resolve() and pfad.is_file() else None


# --- history ----------------------------------------------------------------------------


def _wer(besitzer: str) -> str:
    art, _, name = besitzer.partition(":")
    return f"{name} (API-Token)" if art == "token" else name


def _versandt(lauf: Lauf) -> int | None:
    """Letters sent by e-mail, where the run's data says so (the e-mail block, issue 13,
    records it in the run options as ``versand``)."""
    versand = lauf.optionen.get("versand")
    if isinstance(versand, dict) and isinstance(versand.get("versandt"), int):
        return versand["versandt"]
    return None


def verlauf_zeile(lauf: Lauf) -> dict:
    """What tells two runs of the same template and list apart."""
    o = lauf.optionen
    formate = [f.upper() for f in o.get("formate", [])]
    if o.get("sammel") and formate:
        formate.append("Sammeldatei")
    if o.get("pdf") and o.get("pdf") != "standard" and "PDF" in formate:
        formate[formate.index("PDF")] = f"PDF ({o['pdf']})"
    # The values asked at the start (issue 12: ``Laufoptionen.werte``), shown as soon as runs carry them.
    werte = o.get("werte") if isinstance(o.get("werte"), dict) else {}
    return {
        "filter": [f"{s}={w}" for s, w in o.get("filter", [])],
        "werte": [f"{k} = {v}" for k, v in werte.items()],
        "formate": formate,
        "wer": _wer(lauf.besitzer),
        "versandt": _versandt(lauf),
    }


def schritt_json(schritt: dict) -> dict:
    """The step after the letters (combined files, ZIP), with its German name."""
    if not schritt.get("name"):
        return {}
    name = SCHRITT_NAMEN.get(schritt["name"], schritt["name"])
    return {**schritt, "text": f"{name} wird erstellt …",
            "erledigt_text": [SCHRITT_NAMEN.get(s, s) for s in schritt.get("erledigt", [])]}


def briefdatei(konfiguration: Konfiguration, lauf: Lauf, name: str) -> FileResponse:
    """One letter file of a finished run, by its name in the protocol (404 for any other)."""
    pfad = _protokollierte_datei(konfiguration, lauf, name)
    if pfad is None:
        raise DienstFehler(404, f"Die Datei „{name[:80]}“ gehört nicht zu den Briefen dieses Laufs "
                                "(oder der Lauf ist nicht fertig oder gelöscht).")
    return FileResponse(pfad, media_type=ARTEN[pfad.suffix], filename=name)
