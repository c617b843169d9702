"""The run history, the single letters of a finished run (one file each, only files its
protocol records) and stepping through the recipients in the preview."""

# No ``from __future__ import annotations``: the route signatures use dependencies made at run time.

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from briefe.dateien import schreibe_atomar
from briefe.dienst import pruefung
from briefe.dienst.arbeiter import lauf_ordner
from briefe.dienst.konfiguration import Konfiguration
from briefe.dienst.speicher import FERTIG, Lauf, Speicher
from briefe.fehler import BriefeFehler
from briefe.lauf.lauf import SCHRITT_NAMEN
from briefe.lauf.protokoll import lies_protokoll

UEBERSICHT = "empfaenger.json"  # cached list of the selected recipients (run folder)
ARTEN = {".pdf": "application/pdf",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
BEISPIEL = Path(__file__).resolve().parents[2] / "daten" / "mitglieder.xlsx"
VERLAUF_ANZAHL = 100


# --- recipients of a run ----------------------------------------------------------------


def empfaenger_uebersicht(konfiguration: Konfiguration, lauf: Lauf) -> list[dict]:
    """Every selected recipient of a run: number, row, name, organisation, address problems."""
    from briefe.deutsch import anschrift as anschrift_regeln
    from briefe.lauf.vorbereitung import Laufoptionen, vorbereiten

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


# --- routes -----------------------------------------------------------------------------


def richte_ein(app: FastAPI, seiten_env, *, seite: Callable, seiten_zugang: Callable, api_zugang: Callable,
               eigener_lauf: Callable, fehler: type[Exception], konfiguration: Konfiguration,
               speicher: Speicher) -> None:
    """Register the routes of this module and the helpers its page parts use."""
    seiten_env.globals["verlauf_zeile"] = verlauf_zeile
    seiten_env.globals["briefliste"] = lambda lauf: briefliste(konfiguration, lauf)
    seiten_env.globals["vorschau_auswahl"] = lambda lauf, nr: vorschau_auswahl(konfiguration, lauf, nr)
    seiten_env.globals["schritt_json"] = schritt_json
    seiten_env.globals["beispiel_liste"] = BEISPIEL.is_file()
    router = APIRouter()
    Seite = Annotated[object, Depends(seiten_zugang)]
    Api = Annotated[object, Depends(api_zugang)]

    @router.get("/laeufe", include_in_schema=False, response_class=HTMLResponse)
    def verlauf_seite(request: Request, zugang: Seite) -> HTMLResponse:
        return seite(request, "verlauf.html", laeufe=speicher.laeufe(zugang.besitzer, VERLAUF_ANZAHL))

    def _datei(request: Request, zugang, lauf_id: str, name: str) -> FileResponse:
        lauf = eigener_lauf(request, zugang, lauf_id)
        pfad = _protokollierte_datei(konfiguration, lauf, name)
        if pfad is None:
            raise fehler(404, f"Die Datei „{name[:80]}“ gehört nicht zu den Briefen dieses Laufs "
                              "(oder der Lauf ist nicht fertig oder gelöscht).")
        return FileResponse(pfad, media_type=ARTEN[pfad.suffix], filename=name)

    @router.get("/laeufe/{lauf_id}/dateien/{name}", include_in_schema=False)
    def datei_seite(request: Request, lauf_id: str, name: str, zugang: Seite) -> FileResponse:
        return _datei(request, zugang, lauf_id, name)

    @router.get("/api/laeufe/{lauf_id}/dateien/{name}", tags=["Serienbriefe"],
                summary="Ein einzelner Brief (PDF oder DOCX) eines fertigen Laufs",
                response_class=FileResponse,
                responses={200: {"content": {a: {} for a in ARTEN.values()}},
                           404: {"description": "Keine Datei dieses Laufs (Name wie im Protokoll)"}})
    def datei_api(request: Request, lauf_id: str, name: str, zugang: Api) -> FileResponse:
        """`name` wie in `protokoll.json` unter `briefe[].dateien`, z. B. `0001-becker-martin.pdf`."""
        return _datei(request, zugang, lauf_id, name)

    def _vorschau(request: Request, zugang, lauf_id: str) -> tuple[Lauf, Path]:
        lauf = eigener_lauf(request, zugang, lauf_id)
        if lauf.geloescht:
            raise fehler(410, "Die Dateien dieses Laufs wurden gelöscht.")
        return lauf, lauf_ordner(konfiguration.daten, lauf.id)

    @router.get("/laeufe/{lauf_id}/vorschau/{nummer}.pdf", include_in_schema=False)
    def vorschau_pdf(request: Request, lauf_id: str, nummer: int, zugang: Seite) -> Response:
        lauf, ordner = _vorschau(request, zugang, lauf_id)
        return Response(pruefung.vorschau_pdf(konfiguration, ordner, lauf, nummer),
                        media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="vorschau-{nummer}.pdf"'})

    @router.get("/laeufe/{lauf_id}/vorschau/{nummer}.png", include_in_schema=False)
    def vorschau_png(request: Request, lauf_id: str, nummer: int, zugang: Seite) -> Response:
        lauf, ordner = _vorschau(request, zugang, lauf_id)
        daten = pruefung.vorschau_png(konfiguration, ordner, lauf, nummer=nummer)
        if daten is None:
            raise fehler(404, "Für die Bildvorschau fehlt pdftoppm (Paket poppler-utils).")
        return Response(daten, media_type="image/png")

    @router.get("/beispiel/mitglieder.xlsx", include_in_schema=False)
    def beispiel(zugang: Seite) -> FileResponse:
        if not BEISPIEL.is_file():
            raise fehler(404, "Die Beispielliste liegt dieser Installation nicht bei.")
        return FileResponse(BEISPIEL, filename="mitglieder.xlsx", media_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))

    app.include_router(router)
