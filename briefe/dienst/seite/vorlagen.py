"""The template pages for clerks with the role ``vorlagen``: list, editor (new, edit, copy),
Word import, version history with restore. The editor talks to ``api.vorlagen``."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from briefe.dienst.vorlagen.speicher import UngueltigeVorlage, VorlagenKonflikt, pruefe_name
from briefe.dienst.vorlagen.vorschau import beispiel_betreff
from briefe.dienst.vorlagen.zugriff import importiere_word, mit_rolle, speicher, wer
from briefe.dienst.zugang.sicherheit import pruefe_csrf
from briefe.fehler import BriefeFehler
from briefe.vorlage import editor_felder

DOCX_TYP = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STARTWERT_TYPEN = {"text": "Text", "datum": "Datum", "uhrzeit": "Uhrzeit", "betrag": "Betrag", "zahl": "Zahl"}


def titel_von(vorlage) -> str:
    kopf = vorlage.kopf
    return str(kopf.get("titel") or kopf.get("beschreibung") or vorlage.name)


def _neuer_text(absender: list[str]) -> str:
    profil = absender[0] if absender else ""
    return (f'+++\nbetreff = ""\nabsender = "{profil}"\ndatum = "heute"\n'
            'grussformel = "Mit freundlichen Grüßen"\n+++\n')


def _absender(ordner) -> list[str]:
    return sorted(p.stem for p in (ordner / "absender").glob("*.toml"))


def router(seiten_zugang, seite) -> APIRouter:
    """The page routes; ``seite`` renders a page template of the service."""

    rolle = mit_rolle(seiten_zugang)
    r = APIRouter(include_in_schema=False)

    def gelesen(request: Request, name: str) -> tuple[str, str]:
        """The template's text and version; 404 if there is none of that name."""
        text_version = speicher(request).lies(name) if pruefe_name_ok(name) else None
        if text_version is None:
            raise HTTPException(404, f"Die Vorlage „{name}“ gibt es nicht.")
        return text_version

    def formular_pruefen(request: Request, csrf: str) -> None:
        if not pruefe_csrf(request.session, csrf):
            raise HTTPException(403, "Das Formular ist abgelaufen oder ungültig. Bitte die Seite neu laden.")

    def editor(request: Request, name: str, quelltext: str, version: str, neu: bool,
               nicht_uebernommen: list[str] | None = None, status: int = 200) -> HTMLResponse:
        ordner = request.app.state.dienst.konfiguration.vorlagen
        daten = {"name": name, "quelltext": quelltext, "version": version, "neu": neu,
                 "absender": _absender(ordner), "typen": STARTWERT_TYPEN,
                 "formate": editor_felder.FORMATE, "bekannt": editor_felder.bekannte_beschriftungen()}
        return seite(request, "vorlage_editor.html", status=status, vname=name, neu=neu,
                     daten=json.dumps(daten, ensure_ascii=False).replace("</", "<\\/"),
                     nicht_uebernommen=nicht_uebernommen)

    @r.get("/vorlagen", response_class=HTMLResponse)
    def liste(request: Request, *, zugang: object = rolle) -> HTMLResponse:
        from briefe.vorlage.vorlage import finde_vorlagen, lade_vorlage

        k = request.app.state.dienst.konfiguration
        eintraege = []
        for pfad in finde_vorlagen(k.vorlagen):
            versionen = speicher(request).versionen(pfad.stem) if pruefe_name_ok(pfad.stem) else []
            eintrag = {"name": pfad.stem, "versionen": len(versionen),
                       "bearbeitbar": pruefe_name_ok(pfad.stem),
                       "zuletzt": versionen[-1] if versionen else None}
            try:
                vorlage = lade_vorlage(pfad, k.vorlagen)
                eintrag.update(titel=titel_von(vorlage), betreff=beispiel_betreff(vorlage, k.vorlagen))
            except BriefeFehler as fehler:
                eintrag.update(titel=pfad.stem, fehler=fehler.meldung.replace(str(k.vorlagen) + "/", ""))
            eintraege.append(eintrag)
        eintraege.sort(key=lambda e: e["titel"].casefold())
        return seite(request, "vorlagen.html", vorlagen=eintraege)

    @r.get("/vorlagen/neu", response_class=HTMLResponse)
    def neu(request: Request, *, zugang: object = rolle, von: str = "") -> HTMLResponse:
        ordner = request.app.state.dienst.konfiguration.vorlagen
        quelltext = _neuer_text(_absender(ordner))
        if von:
            quelltext = gelesen(request, von)[0]
        return editor(request, f"{von}-kopie" if von else "", quelltext, "", True)

    @r.get("/vorlagen/word", response_class=HTMLResponse)
    def word_seite(request: Request, *, zugang: object = rolle) -> HTMLResponse:
        ordner = request.app.state.dienst.konfiguration.vorlagen
        return seite(request, "vorlage_word.html", absender=_absender(ordner))

    @r.post("/vorlagen/word", response_class=HTMLResponse)
    def word(request: Request, *, zugang: object = rolle, datei: Annotated[UploadFile, File()],
             name: Annotated[str, Form()] = "", absender: Annotated[str, Form()] = "",
             csrf: Annotated[str, Form()] = "") -> HTMLResponse:
        formular_pruefen(request, csrf)
        ergebnis = importiere_word(request, datei, name, absender)
        return editor(request, name.strip(), ergebnis["quelltext"], "", True,
                      nicht_uebernommen=ergebnis["nicht_uebernommen"])

    @r.get("/vorlagen/{name}", response_class=HTMLResponse)
    def bearbeiten(request: Request, name: str, *, zugang: object = rolle) -> HTMLResponse:
        return editor(request, name, *gelesen(request, name), False)

    @r.get("/vorlagen/{name}/word.docx")
    def als_word(request: Request, name: str, *, zugang: object = rolle) -> Response:
        from briefe.vorlage.word_export import exportiere_docx

        quelltext = gelesen(request, name)[0]
        try:
            daten = exportiere_docx(quelltext)
        except BriefeFehler as fehler:
            raise HTTPException(422, str(fehler)) from None
        return Response(daten, media_type=DOCX_TYP,
                        headers={"Content-Disposition": f'attachment; filename="{name}.docx"'})

    @r.post("/vorlagen/{name}/word", response_class=HTMLResponse)
    def aus_word(request: Request, name: str, *, zugang: object = rolle,
                 datei: Annotated[UploadFile, File()], csrf: Annotated[str, Form()] = "") -> HTMLResponse:
        formular_pruefen(request, csrf)
        version = gelesen(request, name)[1]
        ergebnis = importiere_word(request, datei, name, "")
        return editor(request, name, ergebnis["quelltext"], version, False,
                      nicht_uebernommen=ergebnis["nicht_uebernommen"])

    @r.get("/vorlagen/{name}/versionen", response_class=HTMLResponse)
    def versionen(request: Request, name: str, *, zugang: object = rolle) -> HTMLResponse:
        return seite(request, "vorlage_versionen.html", vname=name, aktuell=gelesen(request, name)[1],
                     versionen=list(reversed(speicher(request).versionen(name))))

    @r.post("/vorlagen/{name}/wiederherstellen")
    def wiederherstellen(request: Request, name: str, *, zugang: object = rolle,
                         nummer: Annotated[int, Form()],
                         version: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "") -> Response:
        formular_pruefen(request, csrf)
        try:
            neu = speicher(request).wiederherstellen(name, nummer, version or None, wer(zugang))
        except VorlagenKonflikt as fehler:
            raise HTTPException(409, fehler.meldung) from None
        except UngueltigeVorlage as fehler:
            raise HTTPException(422, fehler.meldung) from None
        request.session["hinweis"] = f"Version {nummer} ist wiederhergestellt (jetzt Version {neu.nummer})."
        return RedirectResponse(f"/vorlagen/{name}", status_code=303)

    return r


def pruefe_name_ok(name: str) -> bool:
    try:
        pruefe_name(name)
    except UngueltigeVorlage:
        return False
    return True
