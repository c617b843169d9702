"""The service over real HTTP: ``python -m briefe dienst`` started on loopback with a
temporary configuration and data folder, real worker processes, real PDFs."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pdfplumber
import pytest

from briefe.dienst.zugang.sicherheit import passwort_hash, pruefe_passwort, token_hash

WURZEL = Path(__file__).resolve().parent.parent
MITGLIEDER_CSV = WURZEL / "daten" / "mitglieder.csv"
MITGLIEDER_XLSX = WURZEL / "daten" / "mitglieder.xlsx"
VORLAGE = "bildungsnetzwerk-2011"
TOKEN = "test-token-abcdefghijklmnopqrstuvwxyz"
ZWEITES_TOKEN = "zweites-token-0123456789abcdefghij"
BENUTZER = "sachbearbeitung"
PASSWORT = "korrekt-pferd-batterie"
# The sample list's one bad row (daten/mitglieder.csv and .xlsx).
ZEILE_40 = {"zeile": 40, "spalte": "PLZ", "meldung": "Keine Postleitzahl angegeben."}
FRIST = 180.0  # generous deadline for polling (seconds), never an assertion on time
MEYER = {"anrede": "Frau", "titel": "Dr.", "vorname": "Maria", "nachname": "Meyer",
         "Einrichtung": "Gesamtschule Eilpe", "Straße": "Wehringhauser Str. 38", "PLZ": "58089",
         "ort": "Hagen"}


def warte_bis(bedingung, frist: float = FRIST, schritt: float = 0.2, was: str = "Bedingung"):
    """Poll ``bedingung`` until it returns something truthy; fail after ``frist`` seconds."""
    ende = time.monotonic() + frist
    while True:
        ergebnis = bedingung()
        if ergebnis:
            return ergebnis
        if time.monotonic() > ende:
            raise AssertionError(f"{was} nicht erreicht")
        time.sleep(schritt)


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_HASH: dict[str, str] = {}


class Dienst:
    """One service process on loopback with its own configuration and data folder."""

    def __init__(self, ordner: Path, rollen: tuple[str, ...] = (), **grenzen) -> None:
        self.ordner = ordner
        ordner.mkdir(parents=True, exist_ok=True)
        self.daten = ordner / "daten"
        self.konfiguration = ordner / "dienst.toml"
        self.protokoll = ordner / "dienst.log"
        self.prozess: subprocess.Popen | None = None
        self.port = 0
        if "passwort" not in _HASH:
            _HASH["passwort"] = passwort_hash(PASSWORT)
        zeilen = ["[dienst]", f'daten = "{self.daten}"', f'vorlagen = "{WURZEL / "vorlagen"}"', "[grenzen]"]
        zeilen += [f"{k} = {json.dumps(v)}" for k, v in grenzen.items()]
        zeilen += ["[[benutzer]]", f'name = "{BENUTZER}"', f'passwort = "{_HASH["passwort"]}"',
                   f"rollen = {json.dumps(list(rollen))}",
                   "[[token]]", 'name = "zweites-system"', f'hash = "{token_hash(ZWEITES_TOKEN)}"']
        self.konfiguration.write_text("\n".join(zeilen) + "\n", encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def starte(self) -> Dienst:
        self.port = freier_port()
        umgebung = dict(os.environ, BRIEFE_DIENST_TOKEN=TOKEN)
        with open(self.protokoll, "ab") as log:
            self.prozess = subprocess.Popen(
                [sys.executable, "-m", "briefe", "dienst", "--port", str(self.port),
                 "--konfiguration", str(self.konfiguration)],
                cwd=WURZEL, env=umgebung, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )

        def bereit():
            if self.prozess.poll() is not None:
                raise AssertionError("Dienst beendet:\n" + self.protokoll.read_text(errors="replace"))
            try:
                return httpx.get(f"{self.url}/api/gesundheit", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        warte_bis(bereit, frist=60, was="Dienst bereit")
        return self

    def stoppe(self, sig: int = signal.SIGTERM) -> None:
        if self.prozess and self.prozess.poll() is None:
            self.prozess.send_signal(sig)
            try:
                self.prozess.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.prozess.kill()
                self.prozess.wait()

    def client(self, token: str | None = TOKEN) -> httpx.Client:
        koepfe = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=koepfe, timeout=60)


def starte_lauf(c: httpx.Client, datei: Path = MITGLIEDER_CSV, **felder) -> httpx.Response:
    daten = {"vorlage": VORLAGE, "formate": "pdf", **felder}
    with open(datei, "rb") as f:
        return c.post("/api/serienbriefe", data=daten, files={"datei": (datei.name, f.read())})


def warte_auf_ende(c: httpx.Client, lauf_id: str) -> dict:
    def fertig():
        stand = c.get(f"/api/laeufe/{lauf_id}").json()
        return stand if stand["status"] not in ("wartet", "laeuft") else None

    return warte_bis(fertig, was=f"Ende von Lauf {lauf_id}")


def pdf_text(daten: bytes) -> str:
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return "\n".join(seite.extract_text() or "" for seite in pdf.pages)


def pdf_seiten(daten: bytes) -> int:
    with pdfplumber.open(io.BytesIO(daten)) as pdf:
        return len(pdf.pages)


@pytest.fixture(scope="module")
def dienst(tmp_path_factory):
    """The main service: small upload and row limits so both can be tested."""
    d = Dienst(tmp_path_factory.mktemp("dienst"), upload_mb=0.05, zeilen=50, arbeiter=2).starte()
    yield d
    d.stoppe()


@pytest.fixture()
def api(dienst):
    with dienst.client() as c:
        yield c


# --- access ------------------------------------------------------------------------------


def test_gesundheit_ohne_anmeldung_alles_andere_mit(dienst):
    assert httpx.get(f"{dienst.url}/api/gesundheit").json()["status"] == "ok"
    with dienst.client(token=None) as c:
        for methode, pfad in [("GET", "/api/vorlagen"), ("POST", "/api/briefe"),
                              ("POST", "/api/serienbriefe"), ("GET", "/api/laeufe"),
                              ("GET", "/api/laeufe/0123456789abcdef"),
                              ("GET", "/api/laeufe/0123456789abcdef/ergebnis"), ("GET", "/api/openapi.json")]:
            antwort = c.request(methode, pfad)
            if pfad == "/api/openapi.json":
                assert antwort.status_code == 303 and antwort.headers["location"].startswith("/anmelden")
                continue
            assert antwort.status_code == 401, pfad
            assert "Anmeldung erforderlich" in antwort.json()["detail"]
            assert antwort.headers["www-authenticate"].startswith("Bearer")
        seite = c.get("/")
        assert seite.status_code == 303 and seite.headers["location"] == "/anmelden?weiter=/"
    with dienst.client(token="falsches-token-1234567890") as c:
        antwort = c.get("/api/vorlagen")
        assert antwort.status_code == 401
        assert antwort.json()["detail"] == "Das Token ist ungültig."


def test_vorlagen(api):
    antwort = api.get("/api/vorlagen")
    assert antwort.status_code == 200
    vorlagen = {v["name"]: v for v in antwort.json()}
    referenz = vorlagen[VORLAGE]
    assert referenz["absender"]["behoerde"] == "Stadt Hagen"
    assert referenz["absender"]["kennung"] == "stadt-hagen-lenkungskreis"
    assert ["Telefon", "02331 207-2951"] in referenz["absender"]["infoblock"]
    assert referenz["betreff"] == "Bildungsnetzwerk Hagen"
    assert isinstance(referenz["variablen"], list)


def test_api_dokumentation(api):
    seite = api.get("/api/docs")
    assert seite.status_code == 200 and "text/html" in seite.headers["content-type"]
    for pfad in ("/api/serienbriefe", "/api/laeufe/{lauf_id}", "/api/briefe", "/api/vorlagen"):
        assert pfad in seite.text
    schema = api.get("/api/openapi.json").json()
    assert {"/api/briefe", "/api/serienbriefe", "/api/laeufe/{lauf_id}/ergebnis",
            "/api/gesundheit"} <= set(schema["paths"])


# --- one letter ------------------------------------------------------------------------------


def test_ein_brief_als_pdf(api):
    antwort = api.post("/api/briefe", json={"vorlage": VORLAGE, "empfaenger": MEYER})
    assert antwort.status_code == 200, antwort.text
    assert antwort.headers["content-type"] == "application/pdf"
    assert 'filename="0001-meyer-maria.pdf"' in antwort.headers["content-disposition"]
    assert antwort.content.startswith(b"%PDF")
    text = pdf_text(antwort.content)
    assert "Dr. Maria Meyer" in text
    assert "Sehr geehrte Frau Dr. Meyer," in text
    assert "58089 Hagen" in text


def test_ein_brief_als_docx(api):
    import docx

    antwort = api.post("/api/briefe", json={"vorlage": VORLAGE, "empfaenger": MEYER, "format": "docx"})
    assert antwort.status_code == 200, antwort.text
    assert antwort.content.startswith(b"PK")
    dokument = docx.Document(io.BytesIO(antwort.content))
    xml = dokument.element.xml
    assert "Meyer" in xml


def test_ein_brief_mit_fehlern_antwortet_deutsch(api):
    ohne_plz = {k: v for k, v in MEYER.items() if k != "PLZ"}
    antwort = api.post("/api/briefe", json={"vorlage": VORLAGE, "empfaenger": ohne_plz})
    assert antwort.status_code == 422
    assert {"spalte": "plz", "meldung": "Keine Postleitzahl angegeben."} in antwort.json()["probleme"]
    antwort = api.post("/api/briefe", json={"vorlage": "gibt-es-nicht", "empfaenger": MEYER})
    assert antwort.status_code == 422
    assert "Die Vorlage „gibt-es-nicht“ gibt es nicht" in antwort.json()["detail"]
    antwort = api.post("/api/briefe", json={"vorlage": VORLAGE, "empfaenger": MEYER, "format": "odt"})
    assert antwort.status_code == 422
    assert antwort.json()["detail"].startswith("Ungültige Anfrage: „format“ hat einen ungültigen Wert")
    antwort = api.post("/api/briefe", json={"empfaenger": MEYER})
    assert antwort.json()["detail"] == "Ungültige Anfrage: „vorlage“ fehlt."


# --- checking a list -----------------------------------------------------------------------------


def test_liste_pruefen(api):
    with open(MITGLIEDER_XLSX, "rb") as f:
        antwort = api.post("/api/pruefen", data={"vorlage": VORLAGE},
                           files={"datei": ("mitglieder.xlsx", f.read())})
    assert antwort.status_code == 200, antwort.text
    ergebnis = antwort.json()
    assert ergebnis["zeilen"] == 39 and ergebnis["ausgewaehlt"] == 39
    assert {"kopf": "PLZ", "spalte": "plz"} in ergebnis["spalten"]
    assert ergebnis["probleme"] == [ZEILE_40]


def test_zu_grosse_datei_413(api):
    # Just over the limit (checked while storing) and far over it (checked before parsing).
    for groesse in (60 * 1024, 2 * 1024 * 1024):
        inhalt = MITGLIEDER_CSV.read_bytes()
        inhalt += b"\n" * (groesse - len(inhalt))
        antwort = api.post("/api/serienbriefe", data={"vorlage": VORLAGE},
                           files={"datei": ("gross.csv", inhalt)})
        assert antwort.status_code == 413, groesse
        assert antwort.json()["detail"] == "Die Datei ist zu groß: erlaubt sind höchstens 51,2 KB."
    assert api.get("/api/gesundheit").status_code == 200


def test_zu_viele_zeilen_und_falsche_dateien_422(api):
    zeilen = MITGLIEDER_CSV.read_text(encoding="utf-8").splitlines()
    lang = "\n".join(zeilen + zeilen[1:30]) + "\n"  # 68 members, the limit is 50
    antwort = api.post("/api/serienbriefe", data={"vorlage": VORLAGE},
                       files={"datei": ("lang.csv", lang.encode("utf-8"))})
    assert antwort.status_code == 422
    # the limit is checked while reading: the reader stops at the first row past it
    assert antwort.json()["detail"] == ("lang.csv, Zeile 52: Die Liste hat mehr als 50 Zeilen; erlaubt sind "
                                        "höchstens 50. Bitte die Liste teilen.")

    antwort = api.post("/api/serienbriefe", data={"vorlage": VORLAGE},
                       files={"datei": ("liste.xlsx", b"PK\x03\x04 kein echtes xlsx")})
    assert antwort.status_code == 422 and "liste.xlsx" in antwort.json()["detail"]

    antwort = api.post("/api/serienbriefe", data={"vorlage": VORLAGE},
                       files={"datei": ("programm.exe", b"MZ")})
    assert antwort.status_code == 422
    assert antwort.json()["detail"].startswith("Der Dateityp „.exe“ wird nicht gelesen.")

    antwort = api.post("/api/serienbriefe", data={"vorlage": VORLAGE, "formate": "odt"},
                       files={"datei": ("m.csv", MITGLIEDER_CSV.read_bytes())})
    assert antwort.status_code == 422 and "unbekanntes Format „odt“" in antwort.json()["detail"]
    # Nothing of the refused uploads was kept.
    namen = {lauf["datei"] for lauf in api.get("/api/laeufe").json()}
    assert not namen & {"gross.csv", "lang.csv", "liste.xlsx", "programm.exe", "m.csv"}


# --- a run ----------------------------------------------------------------------------------------


def test_serienbrief_mit_fehlerhafter_zeile(dienst, api):
    antwort = starte_lauf(api, sammel="true")
    assert antwort.status_code == 202, antwort.text
    lauf_id = antwort.json()["id"]
    assert antwort.headers["location"] == f"/api/laeufe/{lauf_id}"
    assert antwort.json()["status"] in ("wartet", "laeuft")
    # The list was checked on upload: the bad row is known before anything is made.
    assert antwort.json()["pruefung"]["probleme"][0]["zeile"] == 40

    stand = warte_auf_ende(api, lauf_id)
    assert stand["status"] == "fertig", stand
    assert stand["fortschritt"] == {"fertig": 39, "gesamt": 39}
    assert (stand["ok"], stand["fehler"]) == (38, 1)
    assert stand["zeilenfehler"] == [ZEILE_40]

    archiv = api.get(stand["links"]["ergebnis"])
    assert archiv.status_code == 200 and archiv.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archiv.content)) as z:
        namen = z.namelist()
        briefe = sorted(n for n in namen if re.fullmatch(r"\d{4}-.+\.pdf", n))
        assert len(briefe) == 38 and len(set(namen)) == len(namen)
        assert {"protokoll.json", "protokoll.csv", "serienbrief.pdf"} <= set(namen)
        assert "Martin Becker" in pdf_text(z.read("0001-becker-martin.pdf"))

    sammel = api.get(f"/api/laeufe/{lauf_id}/serienbrief.pdf")
    assert sammel.status_code == 200 and sammel.content.startswith(b"%PDF")
    protokoll = api.get(f"/api/laeufe/{lauf_id}/protokoll.json").json()
    assert len(protokoll["briefe"]) == 39 and protokoll["fehler"] == 1
    tabelle = api.get(f"/api/laeufe/{lauf_id}/protokoll.csv")
    assert tabelle.status_code == 200
    zeilen = list(csv.reader(io.StringIO(tabelle.content.decode("utf-8-sig")), delimiter=";"))
    assert zeilen[0][:3] == ["zeile", "nummer", "status"] and len(zeilen) == 40
    # No DOCX was asked for.
    assert api.get(f"/api/laeufe/{lauf_id}/serienbrief.docx").status_code == 404

    # Another token does not see this run; the list shows it to its owner.
    with dienst.client(token=ZWEITES_TOKEN) as fremd:
        assert fremd.get(f"/api/laeufe/{lauf_id}").status_code == 404
        assert fremd.get(f"/api/laeufe/{lauf_id}/ergebnis").status_code == 404
    assert lauf_id in [lauf["id"] for lauf in api.get("/api/laeufe").json()]

    # Deleting removes the files.
    assert api.delete(f"/api/laeufe/{lauf_id}").status_code == 200
    warte_bis(lambda: api.get(f"/api/laeufe/{lauf_id}").json()["geloescht"], was="gelöscht")
    weg = api.get(f"/api/laeufe/{lauf_id}/ergebnis")
    assert weg.status_code == 410 and "gelöscht" in weg.json()["detail"]
    assert not (dienst.daten / "laeufe" / lauf_id).exists()


def test_filter_und_unbekannte_lauf_id(api):
    antwort = starte_lauf(api, filter="gremien=Lenkungskreis", sammel="false")
    assert antwort.status_code == 202, antwort.text
    stand = warte_auf_ende(api, antwort.json()["id"])
    assert stand["status"] == "fertig" and stand["fehler"] == 0
    assert 0 < stand["ok"] < 39 and stand["ok"] == stand["fortschritt"]["gesamt"]
    assert "serienbrief_pdf" not in stand["links"]
    assert api.get("/api/laeufe/../../etc/passwd").status_code == 404
    assert api.get("/api/laeufe/ffffffffffffffff").json()["detail"] == "Diesen Lauf gibt es nicht."


# --- sessions and CSRF ---------------------------------------------------------------------------


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_anmeldung_sitzung_und_csrf(dienst):
    with dienst.client(token=None) as c:
        formular = c.get("/anmelden")
        assert formular.status_code == 200 and 'lang="de"' in formular.text
        falsch = c.post("/anmelden", data={"benutzer": BENUTZER, "passwort": "falsch",
                                            "csrf": _csrf(formular.text)})
        assert falsch.status_code == 401 and "Benutzername oder Passwort ist falsch." in falsch.text
        ohne_csrf = c.post("/anmelden", data={"benutzer": BENUTZER, "passwort": PASSWORT})
        assert ohne_csrf.status_code == 403
        richtig = c.post("/anmelden", data={"benutzer": BENUTZER, "passwort": PASSWORT,
                                             "csrf": _csrf(c.get("/anmelden").text)})
        assert richtig.status_code == 303 and richtig.headers["location"] == "/"
        start = c.get("/")
        assert start.status_code == 200 and "Neuer Serienbrief" in start.text
        csrf = _csrf(start.text)
        # The session reads the API; writes need the CSRF token (form field or header).
        assert c.get("/api/vorlagen").status_code == 200
        daten = {"vorlage": VORLAGE, "formate": "pdf"}
        dateien = {"datei": ("m.csv", MITGLIEDER_CSV.read_bytes())}
        assert c.post("/api/serienbriefe", data=daten, files=dateien).status_code == 403
        assert c.post("/pruefen", data={"vorlage": VORLAGE}, files=dateien).status_code == 403
        geprueft = c.post("/pruefen", data={"vorlage": VORLAGE, "csrf": csrf}, files=dateien)
        assert geprueft.status_code == 303 and geprueft.headers["location"].startswith("/laeufe/")
        entwurf = c.get(geprueft.headers["location"])
        assert "Keine Postleitzahl angegeben." in entwurf.text and "38 Briefe erstellen" in entwurf.text
        lauf_id = geprueft.headers["location"].rsplit("/", 1)[1]
        bild = c.get(f"/laeufe/{lauf_id}/vorschau.png")
        assert bild.status_code == 200 and bild.content.startswith(b"\x89PNG")
        vorschau = c.get(f"/laeufe/{lauf_id}/vorschau.pdf")
        assert "Martin Becker" in pdf_text(vorschau.content)
        # A draft is not started: no worker touched it.
        assert c.get(f"/api/laeufe/{lauf_id}").json()["status"] == "entwurf"
        assert c.post("/abmelden", data={"csrf": csrf}).status_code == 303
        assert c.get("/api/vorlagen").status_code == 401


# --- queue, time limit, restart ----------------------------------------------------------------------


def test_warteschlange_voll_429(tmp_path):
    d = Dienst(tmp_path, warteschlange=1, arbeiter=1).starte()
    try:
        with d.client() as c:
            # Small runs (one committee); the worker needs far longer to start than the posts take.
            antworten = [starte_lauf(c, filter="gremien=Lenkungskreis") for _ in range(4)]
            codes = [a.status_code for a in antworten]
            assert 202 in codes and 429 in codes, codes
            assert set(codes) <= {202, 429}
            voll = next(a for a in antworten if a.status_code == 429)
            assert voll.json()["detail"] == ("Die Warteschlange ist voll (höchstens 1 wartende Läufe). "
                                             "Bitte in einigen Minuten erneut versuchen.")
            assert voll.headers["retry-after"] == "60"
            for antwort in antworten:
                if antwort.status_code == 202:
                    stand = warte_auf_ende(c, antwort.json()["id"])
                    assert stand["status"] == "fertig" and stand["ok"] == stand["fortschritt"]["gesamt"] > 0
    finally:
        d.stoppe()


def test_zeitlimit_und_aufbewahrung(tmp_path):
    # 1.2 s per run: far less than 1,950 letters need; results are kept for 3.6 s.
    zeilen = MITGLIEDER_CSV.read_text(encoding="utf-8").splitlines()
    lang = tmp_path / "lang.csv"
    lang.write_text("\n".join([zeilen[0], *zeilen[1:] * 50]) + "\n", encoding="utf-8")
    d = Dienst(tmp_path, zeitlimit_minuten=0.02, aufbewahrung_stunden=0.001).starte()
    try:
        with d.client() as c:
            antwort = starte_lauf(c, lang)
            assert antwort.status_code == 202
            lauf_id = antwort.json()["id"]
            stand = warte_auf_ende(c, lauf_id)
            assert stand["status"] == "abgebrochen"
            assert stand["meldung"] == ("Das Zeitlimit von 0,02 Minuten wurde überschritten; "
                                        "der Lauf wurde abgebrochen.")
            assert not _prozesse_mit(lauf_id)
            # After the retention time the files go; the run's record stays, marked.
            warte_bis(lambda: c.get(f"/api/laeufe/{lauf_id}").json()["geloescht"], was="gelöscht")
            assert not (d.daten / "laeufe" / lauf_id).exists()
            assert c.get(f"/api/laeufe/{lauf_id}/ergebnis").status_code == 410
    finally:
        d.stoppe()


def _prozesse_mit(text: str) -> list[int]:
    gefunden = []
    for eintrag in Path("/proc").glob("[0-9]*"):
        try:
            if text.encode() in (eintrag / "cmdline").read_bytes():
                gefunden.append(int(eintrag.name))
        except OSError:
            continue
    return gefunden


def test_neustart_mitten_im_lauf_verliert_nichts(tmp_path):
    # Ten times the list (390 rows, 10 bad) so the fast path cannot finish before the kill.
    zeilen = MITGLIEDER_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    lang = tmp_path / "lang.csv"
    lang.write_text(zeilen[0] + "".join(zeilen[1:] * 10), encoding="utf-8")
    d = Dienst(tmp_path, arbeiter=1, jobs_je_lauf=1).starte()
    try:
        with d.client() as c:
            antwort = starte_lauf(c, lang, sammel="true")
            assert antwort.status_code == 202
            lauf_id = antwort.json()["id"]

            def drei_fertig():
                stand = c.get(f"/api/laeufe/{lauf_id}").json()
                return stand if stand["fortschritt"]["fertig"] >= 3 else None

            stand = warte_bis(drei_fertig, schritt=0.05, was="drei Briefe")
            assert stand["status"] == "laeuft" and stand["fortschritt"]["fertig"] < 390
        d.stoppe(signal.SIGKILL)
        # The worker dies with the service.
        warte_bis(lambda: not _prozesse_mit(lauf_id), frist=30, was="Arbeitsprozess beendet")
        journal = d.daten / "laeufe" / lauf_id / "ausgabe" / ".briefe-journal.jsonl"
        vor_dem_neustart = len(journal.read_text(encoding="utf-8").splitlines())
        assert 3 <= vor_dem_neustart < 390

        d.starte()
        with d.client() as c:
            stand = warte_auf_ende(c, lauf_id)
            assert stand["status"] == "fertig", stand
            assert (stand["ok"], stand["fehler"]) == (380, 10)
            assert stand["fortgesetzt"] >= vor_dem_neustart - 10  # bad rows are made again
            assert "aus dem unterbrochenen Lauf übernommen" in stand["meldung"]
            protokoll = c.get(f"/api/laeufe/{lauf_id}/protokoll.json").json()
            nummern = [b["nummer"] for b in protokoll["briefe"]]
            assert nummern == list(range(1, 391))
            archiv = c.get(f"/api/laeufe/{lauf_id}/ergebnis").content
            with zipfile.ZipFile(io.BytesIO(archiv)) as z:
                namen = z.namelist()
                briefe = [n for n in namen if re.fullmatch(r"\d{4}-.+\.pdf", n)]
                assert len(briefe) == 380 and len(set(namen)) == len(namen)
                seiten = sum(pdf_seiten(z.read(n)) for n in briefe)
                # Every letter exactly once in the print file.
                assert pdf_seiten(z.read("serienbrief.pdf")) == seiten
                for eintrag in protokoll["briefe"]:
                    for datei in eintrag["dateien"]:
                        assert z.read(datei) and eintrag["status"] == "ok"
    finally:
        d.stoppe()
    assert "fortgesetzt" in d.protokoll.read_text(encoding="utf-8")


# --- command line -----------------------------------------------------------------------------------


def test_passwort_hash_und_fehlende_zugaenge():
    ergebnis = subprocess.run([sys.executable, "-m", "briefe", "dienst", "--passwort-hash"], cwd=WURZEL,
                              input="mein-langes-passwort\n", capture_output=True, text=True, timeout=60)
    assert ergebnis.returncode == 0, ergebnis.stderr
    wert = re.fullmatch(r'passwort = "(scrypt\$[^"]+)"\n', ergebnis.stdout).group(1)
    assert pruefe_passwort("mein-langes-passwort", wert)
    assert not pruefe_passwort("anderes-passwort", wert)

    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFE_DIENST")}
    ergebnis = subprocess.run([sys.executable, "-m", "briefe", "dienst", "--port", "1"], cwd=WURZEL,
                              env=umgebung, capture_output=True, text=True, timeout=60)
    assert ergebnis.returncode == 2
    assert "Es sind weder Benutzer noch Tokens eingerichtet" in ergebnis.stderr
