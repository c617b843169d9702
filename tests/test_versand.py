"""Sending a run by e-mail against a real SMTP server on loopback (aiosmtpd): every message
parsed back, refusals, retries, a killed sender, the test send, the print file."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from briefe.fehler import BriefeFehler, VorlagenFehler
from briefe.versand.einstellungen import EinstellungsFehler, lies_einstellungen
from tests.smtp_hilfe import Server

WURZEL = Path(__file__).resolve().parent.parent
BUERO = "bildungsbuero@stadt-hagen.example"
ZEILEN = [  # row 2 … 6 of the list
    ("Frau", "Dr.", "Maria", "Meyer", "Gesamtschule Eilpe", "maria.meyer@example.org"),
    ("Herr", "", "Martin", "Becker", "Stadt Hagen", "martin.becker@example.org"),
    ("Frau", "", "Petra", "Schäfer", "Volkshochschule Hagen", ""),
    ("Herr", "", "Jens", "Koller", "Bezirksregierung Arnsberg", "jens.koller@example.org"),
    ("Frau", "", "Anna", "Yilmaz", "Förderverein Kita", "keine-adresse"),
]
VORLAGE = """+++
betreff = "Bildungsnetzwerk Hagen"
absender = "stadt-hagen-lenkungskreis"
zeichen = "43"
datum = 2011-08-25
[email]
betreff = "Bildungsnetzwerk Hagen – Schreiben an {{ empfaenger.organisation }}"
text = \"\"\"{{ anrede }}

anbei unser Schreiben vom {{ datum | datum_lang }} als PDF.

Mit freundlichen Grüßen
{{ absender.behoerde }}\"\"\"
+++
die Bildungskonferenz tagt im Herbst.
"""


def schreibe_liste(pfad: Path, zeilen=ZEILEN) -> Path:
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";")
    schreiber.writerow(["Anrede", "Titel", "Vorname", "Name", "Einrichtung", "Straße", "PLZ", "Ort",
                        "E-Mail"])
    for anrede, titel, vorname, name, einrichtung, adresse in zeilen:
        schreiber.writerow([anrede, titel, vorname, name, einrichtung, "Rathausstr. 1", "58095", "Hagen",
                            adresse])
    pfad.write_text(puffer.getvalue(), encoding="utf-8")
    return pfad


@pytest.fixture(scope="module")
def vorlagen(tmp_path_factory) -> Path:
    ordner = tmp_path_factory.mktemp("vorlagen")
    shutil.copytree(WURZEL / "vorlagen" / "absender", ordner / "absender")
    (ordner / "einladung.md").write_text(VORLAGE, encoding="utf-8")
    return ordner


@pytest.fixture(scope="module")
def lauf(vorlagen, tmp_path_factory) -> Path:
    """One finished run (PDF only, standard variant) to copy for each test."""
    from briefe.lauf.lauf import fuehre_aus
    from briefe.lauf.optionen import Laufoptionen

    ordner = tmp_path_factory.mktemp("lauf")
    liste = schreibe_liste(ordner / "mitglieder.csv")
    protokoll = fuehre_aus(Laufoptionen(vorlage=vorlagen / "einladung.md", daten=liste,
                                        ausgabe=ordner / "ausgabe", formate=("pdf",), jobs=1))
    assert protokoll.ok == 5
    return ordner


@pytest.fixture()
def ausgabe(lauf, tmp_path) -> Path:
    shutil.copytree(lauf, tmp_path / "lauf")
    ordner = tmp_path / "lauf" / "ausgabe"
    daten = json.loads((ordner / "protokoll.json").read_text(encoding="utf-8"))
    daten["quelle"] = str(tmp_path / "lauf" / "mitglieder.csv")
    (ordner / "protokoll.json").write_text(json.dumps(daten), encoding="utf-8")
    return ordner


def einstellungen(server: Server, passwort: str = "", **mehr):
    roh = {"host": "127.0.0.1", "port": server.port, "tls": "keine", "absender": BUERO, **mehr}
    umgebung = {"BRIEFE_SMTP_PASSWORT": passwort} if passwort else {}
    return dataclasses.replace(lies_einstellungen(roh, umgebung=umgebung), pause=0.05)


def pdf_von(ausgabe: Path, zeile: int) -> bytes:
    protokoll = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    eintrag = next(e for e in protokoll["briefe"] if e["zeile"] == zeile)
    return (ausgabe / eintrag["dateien"][0]).read_bytes()


def anhaenge(nachricht) -> list:
    return [t for t in nachricht.iter_attachments()]


def briefe_cli(*argumente, umgebung: dict | None = None) -> subprocess.CompletedProcess:
    """The command line, run in this process (``briefe.cli.haupt.main``; starting Python for each
    call would cost seconds): exit code, stdout, stderr."""
    from briefe.cli.haupt import main

    alt = {k: os.environ.get(k) for k in (umgebung or {})}
    aus, fehler = io.StringIO(), io.StringIO()
    try:
        os.environ.update(umgebung or {})
        with contextlib.redirect_stdout(aus), contextlib.redirect_stderr(fehler):
            try:
                code = main([str(a) for a in argumente])
            except SystemExit as ende:
                code = ende.code
    finally:
        for k, v in alt.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(argumente, code, aus.getvalue(), fehler.getvalue())


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_jeder_brief_eine_nachricht_550_und_451(ausgabe):
    from briefe.versand.versand import versende

    with Server(benutzer=("buero", "geheim-123")) as server:
        server.postfach.ablehnen["jens.koller@example.org"] = "550 5.1.1 Mailbox unavailable"
        server.postfach.einmal["martin.becker@example.org"] = "451 4.7.1 Greylisted, try again"
        e = einstellungen(server, "geheim-123", benutzer="buero", kopie_an=BUERO,
                          antwort_an="info@stadt-hagen.example")
        ergebnis = versende(ausgabe, e)

        post = server.postfach.nachrichten
        assert ergebnis.gesendet == 2 and ergebnis.post == 2 and ergebnis.rueckgabewert == 1
        assert [f["zeile"] for f in ergebnis.fehler] == [5]
        assert "Das Postfach gibt es nicht" in ergebnis.fehler[0]["meldung"]
        assert "550 5.1.1 Mailbox unavailable" in ergebnis.fehler[0]["meldung"]
        assert len(post) == 2 and all(n["angemeldet"] for n in post)
        journal = {json.loads(z)["zeile"]: json.loads(z) for z in
                   (ausgabe / ".briefe-versand.jsonl").read_text().splitlines()
                   if json.loads(z)["zustand"] == "gesendet"}
        for zeile, adresse, name, organisation in (
                (2, "maria.meyer@example.org", "Meyer", "Gesamtschule Eilpe"),
                (3, "martin.becker@example.org", "Becker", "Stadt Hagen")):
            (n,) = server.postfach.an(adresse)
            m = n["nachricht"]
            assert n["an"] == [adresse, BUERO]  # the office copy as an envelope recipient
            assert m["From"] == BUERO and m["To"] == adresse and m["Bcc"] is None
            assert m["Reply-To"] == "info@stadt-hagen.example"
            assert m["Subject"] == f"Bildungsnetzwerk Hagen – Schreiben an {organisation}"
            assert m["Message-ID"] == journal[zeile]["message_id"]
            text = m.get_body(("plain",)).get_content()
            anrede = "Sehr geehrte Frau Dr. Meyer," if zeile == 2 else "Sehr geehrter Herr Becker,"
            assert text.startswith(anrede)
            assert "anbei unser Schreiben vom 25. August 2011 als PDF." in text
            (anhang,) = anhaenge(m)
            assert anhang.get_content_type() == "application/pdf"
            assert anhang.get_filename() == f"Brief-Bildungsnetzwerk-{name}.pdf"
            assert anhang.get_content() == pdf_von(ausgabe, zeile)
            assert journal[zeile]["antwort"].startswith("250 2.0.0 Ok: queued as TEST")

        # protocol: channel, Message-ID, time, answer per letter
        zeilen = list(csv.DictReader(io.StringIO((ausgabe / "protokoll.csv").read_text("utf-8-sig")),
                                     delimiter=";"))
        nach_zeile = {int(z["zeile"]): z for z in zeilen}
        assert nach_zeile[2]["kanal"] == "E-Mail" and nach_zeile[2]["versandstatus"] == "gesendet"
        assert nach_zeile[2]["message_id"] == journal[2]["message_id"] and nach_zeile[2]["versandzeit"]
        assert nach_zeile[5]["versandstatus"] == "fehler" and "550" in nach_zeile[5]["serverantwort"]
        assert nach_zeile[4]["kanal"] == nach_zeile[6]["kanal"] == "Post"

        # print file: the two without a usable address, each on a front side
        with pdfplumber.open(ausgabe / "briefe-per-post.pdf") as pdf:
            seiten = [s.extract_text() for s in pdf.pages]
        assert len(seiten) == 4 and seiten[1].strip() == seiten[3].strip() == ""
        assert "Petra Schäfer" in seiten[0] and "Anna Yilmaz" in seiten[2]

        # a second send sends nothing that was sent (the refused one is tried again)
        server.postfach.ablehnen.clear()
        zweites = versende(ausgabe, e)
        assert zweites.schon_gesendet == 2 and zweites.gesendet == 1 and zweites.rueckgabewert == 0
        assert len(server.postfach.an("maria.meyer@example.org")) == 1
        assert len(server.postfach.an("jens.koller@example.org")) == 1
        drittes = versende(ausgabe, e)
        assert drittes.gesendet == 0 and len(server.postfach.nachrichten) == 3


def test_starttls_mit_anmeldung_ueber_die_befehlszeile(ausgabe, tmp_path):
    with Server(tmp_path, starttls=True, benutzer=("buero", "geheim-123")) as server:
        basis = ["versenden", ausgabe, "--smtp-host", "127.0.0.1", "--smtp-port", server.port,
                 "--benutzer", "buero", "--absender", BUERO]
        # the self-signed certificate is not trusted without --ca-datei
        ohne_ca = briefe_cli(*basis, umgebung={"BRIEFE_SMTP_PASSWORT": "geheim-123"})
        assert ohne_ca.returncode == 2, ohne_ca.stderr
        assert "Zertifikat des Mailservers 127.0.0.1" in ohne_ca.stderr and "--ca-datei" in ohne_ca.stderr
        falsch = briefe_cli(*basis, "--ca-datei", server.zertifikat, umgebung={"BRIEFE_SMTP_PASSWORT": "x"})
        assert falsch.returncode == 2 and "Anmeldung am Mailserver" in falsch.stderr
        assert server.postfach.nachrichten == []

        passwort = tmp_path / "smtp-passwort"
        passwort.write_text("geheim-123\n")
        ok = briefe_cli(*basis, "--ca-datei", server.zertifikat, "--passwort-datei", passwort,
                        umgebung={"BRIEFE_SMTP_PASSWORT": ""})
        assert ok.returncode == 0, ok.stderr
        assert "Zeile 6: Spalte „email“: „keine-adresse“ ist keine gültige E-Mail-Adresse" in ok.stdout
        assert "3 von 3 Briefen per E-Mail gesendet, 2 per Post." in ok.stdout
        assert "Angehängt sind die PDF-Dateien, die der Lauf erstellt hat (PDF-Art: standard)." in ok.stdout
        assert len(server.postfach.nachrichten) == 3
        assert all(n["tls"] and n["angemeldet"] for n in server.postfach.nachrichten)
        for zeile, adresse in ((2, "maria.meyer@example.org"), (5, "jens.koller@example.org")):
            (anhang,) = anhaenge(server.postfach.an(adresse)[0]["nachricht"])
            assert anhang.get_content() == pdf_von(ausgabe, zeile)
        for text in (ok.stdout, ok.stderr):
            assert "example.org" not in text and "Meyer" not in text


def test_start_nicht_moeglich(ausgabe):
    frei = Server()  # never started: nothing listens on its port
    leer = briefe_cli("versenden", ausgabe, "--smtp-host", "127.0.0.1", "--smtp-port", frei.port,
                      "--tls", "keine", "--absender", BUERO)
    assert leer.returncode == 2 and "Der Mailserver 127.0.0.1:" in leer.stderr
    assert "nicht erreichbar" in leer.stderr
    offen = briefe_cli("versenden", ausgabe, "--smtp-host", "mail.stadt-hagen.example", "--tls", "keine",
                       "--absender", BUERO)
    assert offen.returncode == 2 and "nur für einen Mailserver auf diesem Rechner" in offen.stderr
    with pytest.raises(EinstellungsFehler, match="Passwort des Mailservers gehört nicht"):
        lies_einstellungen({"host": "mail.example", "absender": BUERO, "passwort": "x"}, umgebung={})
    with pytest.raises(EinstellungsFehler, match="fehlt das Passwort"):
        lies_einstellungen({"host": "mail.example", "absender": BUERO, "benutzer": "b"}, umgebung={})
    assert not (ausgabe / ".briefe-versand.jsonl").exists() and not (ausgabe / "briefe-per-post.pdf").exists()


def test_geaenderte_liste_wird_abgelehnt(ausgabe):
    from briefe.versand.versand import plane

    liste = Path(json.loads((ausgabe / "protokoll.json").read_text())["quelle"])
    schreibe_liste(liste, [ZEILEN[1], ZEILEN[0], *ZEILEN[2:]])
    with pytest.raises(BriefeFehler, match="wurde nach dem Lauf verändert"):
        plane(ausgabe)


def test_abgebrochener_sender_und_neuer_aufruf(ausgabe):
    with Server() as server:
        befehl = [sys.executable, "-m", "briefe", "versenden", str(ausgabe), "--smtp-host", "127.0.0.1",
                  "--smtp-port", str(server.port), "--tls", "keine", "--absender", BUERO, "--rate", "30"]
        prozess = subprocess.Popen(befehl, cwd=WURZEL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            journal = ausgabe / ".briefe-versand.jsonl"
            frist = time.monotonic() + 60
            while time.monotonic() < frist and not (
                    journal.is_file() and '"gesendet"' in journal.read_text(encoding="utf-8")):
                time.sleep(0.02)
            prozess.send_signal(signal.SIGKILL)  # inside the 2 s pause of --rate 30
            prozess.wait(timeout=10)
        finally:
            if prozess.poll() is None:
                prozess.kill()
        assert 1 <= len(server.postfach.nachrichten) < 3
        weiter = briefe_cli(*befehl[3:])
        assert weiter.returncode == 0, weiter.stderr
        for adresse in ("maria.meyer@example.org", "martin.becker@example.org", "jens.koller@example.org"):
            assert len(server.postfach.an(adresse)) == 1, adresse
        ids = [n["nachricht"]["Message-ID"] for n in server.postfach.nachrichten]
        assert len(set(ids)) == 3


def test_unklar_nach_absturz_in_der_uebergabe(ausgabe):
    from briefe.versand.journal import VERSANDJOURNAL
    from briefe.versand.versand import plane, versende

    with Server() as server:
        plan = plane(ausgabe)
        erster = plan.per_email[0]
        zeile = {"nummer": erster.nummer, "zeile": erster.zeile, "zustand": "wird gesendet",
                 "message_id": "<unklar-1@stadt-hagen.example>", "schluessel": erster.schluessel}
        (ausgabe / VERSANDJOURNAL).write_text(json.dumps(zeile) + "\n")
        ergebnis = versende(ausgabe, einstellungen(server))
        assert ergebnis.unklar == [2] and ergebnis.gesendet == 3 - 1 and ergebnis.rueckgabewert == 1
        assert server.postfach.an("maria.meyer@example.org") == []
        erneut = versende(ausgabe, einstellungen(server), unklare_erneut=True)
        assert erneut.gesendet == 1
        (n,) = server.postfach.an("maria.meyer@example.org")
        assert n["nachricht"]["Message-ID"] == "<unklar-1@stadt-hagen.example>"


def test_probeversand(ausgabe):
    with Server() as server:
        probe = briefe_cli("versenden", ausgabe, "--smtp-host", "127.0.0.1", "--smtp-port", server.port,
                           "--tls", "keine", "--absender", BUERO, "--probe", "pruefer@stadt-hagen.example",
                           "--probe-anzahl", "2")
        assert probe.returncode == 0, probe.stderr
        assert len(server.postfach.nachrichten) == 2
        for n in server.postfach.nachrichten:
            assert n["an"] == ["pruefer@stadt-hagen.example"]
            assert n["nachricht"]["Subject"].startswith("[TEST] Bildungsnetzwerk Hagen")
        assert not (ausgabe / ".briefe-versand.jsonl").exists() and not (ausgabe / "versand.json").exists()
        from briefe.versand.versand import versende

        assert versende(ausgabe, einstellungen(server)).gesendet == 3


def test_erstellen_versenden_und_auftrag(vorlagen, tmp_path):
    liste = schreibe_liste(tmp_path / "mitglieder.csv", ZEILEN[:3])
    with Server() as server:
        smtp = ["--smtp-host", "127.0.0.1", "--smtp-port", server.port, "--tls", "keine", "--absender", BUERO]
        lauf = briefe_cli("erstellen", vorlagen / "einladung.md", liste, "--format", "pdf", "--jobs", "1",
                          "--ausgabe", tmp_path / "aus", "--versenden", *smtp)
        assert lauf.returncode == 0, lauf.stderr
        assert "3 von 3 Briefen erstellt." in lauf.stdout and "2 von 2 Briefen per E-Mail" in lauf.stdout
        assert "(PDF-Art: barrierefrei)" in lauf.stdout
        (n,) = server.postfach.an("maria.meyer@example.org")
        (anhang,) = anhaenge(n["nachricht"])
        with pikepdf.open(io.BytesIO(anhang.get_content())) as pdf:  # PDF/UA unless --pdf says otherwise
            assert pdf.open_metadata().get("pdfuaid:part") == "1"

        auftrag = tmp_path / "auftraege" / "einladung.toml"
        auftrag.parent.mkdir()
        auftrag.write_text(f"""vorlage = "{vorlagen / 'einladung.md'}"
daten = "{liste}"
ausgabe = "../laeufe/einladung-{{datum}}"
formate = ["pdf"]
jobs = 1
[versand]
host = "127.0.0.1"
port = {server.port}
tls = "keine"
absender = "{BUERO}"
""", encoding="utf-8")
        pruefung = briefe_cli("auftrag", "pruefen", auftrag)
        assert pruefung.returncode == 0, pruefung.stderr
        erwartet = f"Versand: per E-Mail über 127.0.0.1:{server.port} (keine), Absender {BUERO}."
        assert erwartet in pruefung.stdout
        assert "PDF: barrierefrei" in pruefung.stdout
        erster = briefe_cli("lauf", auftrag)
        assert erster.returncode == 0, erster.stderr
        assert len(server.postfach.an("maria.meyer@example.org")) == 2
        zweiter = briefe_cli("lauf", auftrag)
        assert zweiter.returncode == 0 and "bereits erledigt" in zweiter.stdout
        assert len(server.postfach.nachrichten) == 4  # nothing sent twice
        auftrag.write_text(auftrag.read_text() + 'passwort = "geheim"\n', encoding="utf-8")
        falsch = briefe_cli("lauf", auftrag)
        assert falsch.returncode == 2 and "Passwort des Mailservers gehört nicht" in falsch.stderr


def test_email_tabelle_der_vorlage_wird_geprueft(vorlagen):
    from briefe.vorlage.vorlage import lade_vorlage

    kaputt = vorlagen / "kaputt.md"
    kaputt.write_text(VORLAGE.replace("{{ empfaenger.organisation }}", "{{ unbekannt }}"), encoding="utf-8")
    with pytest.raises(VorlagenFehler, match="Unbekannte Variable unbekannt"):
        lade_vorlage(kaputt)
    kaputt.write_text(VORLAGE.replace("[email]", "[email]\nanhang = 1"), encoding="utf-8")
    with pytest.raises(VorlagenFehler, match="„email“ muss eine Tabelle"):
        lade_vorlage(kaputt)


def test_server_faellt_unterwegs_aus_und_versand_geht_weiter(ausgabe):
    import threading

    from briefe.versand.versand import versende

    with Server() as erster:
        def stoppe_nach_erster_nachricht():
            frist = time.monotonic() + 60
            while not erster.postfach.nachrichten and time.monotonic() < frist:
                time.sleep(0.02)
            erster.stoppe()

        waechter = threading.Thread(target=stoppe_nach_erster_nachricht)
        waechter.start()
        ergebnis = versende(ausgabe, dataclasses.replace(einstellungen(erster), rate=30))
        waechter.join()
    assert ergebnis.gesendet == 1 and ergebnis.rueckgabewert == 1
    assert ergebnis.abgebrochen.startswith("Versand abgebrochen: ")
    assert "ein erneuter Aufruf von „briefe versenden“ sendet nur die übrigen" in ergebnis.abgebrochen
    with Server() as zweiter:
        weiter = briefe_cli("versenden", ausgabe, "--smtp-host", "127.0.0.1", "--smtp-port", zweiter.port,
                            "--tls", "keine", "--absender", BUERO, "--log-format", "json")
        assert weiter.returncode == 0, weiter.stderr
        ereignisse = [json.loads(z) for z in weiter.stdout.splitlines()]
        assert ereignisse[0]["ereignis"] == "versand_start" and ereignisse[0]["schon_gesendet"] == 1
        assert ereignisse[-1]["rueckgabewert"] == 0
        assert "example.org" not in weiter.stdout and "Meyer" not in weiter.stdout
        for adresse in ("maria.meyer@example.org", "martin.becker@example.org", "jens.koller@example.org"):
            assert len(erster.postfach.an(adresse)) + len(zweiter.postfach.an(adresse)) == 1, adresse


def test_versand_in_der_dienst_konfiguration(tmp_path):
    from briefe.dienst.konfiguration import KonfigurationsFehler, lade_konfiguration

    datei = tmp_path / "dienst.toml"
    datei.write_text('[versand]\nhost = "mail.stadt-hagen.example"\nbenutzer = "buero"\n'
                     f'absender = "{BUERO}"\nrate = 60\n', encoding="utf-8")
    konfiguration = lade_konfiguration(datei, {"BRIEFE_SMTP_PASSWORT": "Pw-7xq9"})
    assert konfiguration.versand.port == 587 and konfiguration.versand.tls == "starttls"
    assert konfiguration.versand.passwort == "Pw-7xq9" and konfiguration.versand.abstand == 1.0
    assert "Pw-7xq9" not in repr(konfiguration)
    datei.write_text(datei.read_text() + 'passwort = "geheim"\n', encoding="utf-8")
    with pytest.raises(KonfigurationsFehler, match="Passwort des Mailservers gehört nicht"):
        lade_konfiguration(datei, {})


def test_geaenderte_vorlage_wird_abgelehnt(ausgabe, vorlagen, tmp_path):
    from briefe.versand.versand import versende

    kopie = tmp_path / "vorlagen"
    shutil.copytree(vorlagen, kopie)
    (kopie / "einladung.md").write_text(VORLAGE.replace("im Herbst", "im Winter"), encoding="utf-8")
    daten = json.loads((ausgabe / "protokoll.json").read_text(encoding="utf-8"))
    daten["vorlage"] = str(kopie / "einladung.md")
    (ausgabe / "protokoll.json").write_text(json.dumps(daten), encoding="utf-8")
    with pytest.raises(BriefeFehler, match="einladung.md .* wurde nach dem Lauf verändert"):
        versende(ausgabe, lies_einstellungen({"host": "127.0.0.1", "tls": "keine", "absender": BUERO},
                                             umgebung={}))
    assert not (ausgabe / ".briefe-versand.jsonl").exists()


def test_startwerte_des_laufs_im_email_text(vorlagen, tmp_path):
    """A value given at the start (``--wert``) says the same in the e-mail as in the letter."""
    from briefe.lauf.lauf import fuehre_aus
    from briefe.lauf.optionen import Laufoptionen
    from briefe.versand.versand import versende

    vorlage = vorlagen / "termin.md"
    vorlage.write_text(VORLAGE.replace("[email]", '[startwerte.termin]\nbezeichnung = "Datum"\n'
                                                  'typ = "datum"\n[email]')
                       .replace("anbei unser Schreiben vom {{ datum | datum_lang }}",
                                "die Konferenz am {{ werte.termin | datum_lang }}"), encoding="utf-8")
    liste = schreibe_liste(tmp_path / "mitglieder.csv", ZEILEN[:1])
    fuehre_aus(Laufoptionen(vorlage=vorlage, daten=liste, ausgabe=tmp_path / "aus", formate=("pdf",),
                            jobs=1, werte=(("termin", "12.03.2027"),)))
    with Server() as server:
        assert versende(tmp_path / "aus", einstellungen(server)).gesendet == 1
        (n,) = server.postfach.nachrichten
        assert "die Konferenz am 12. März 2027" in n["nachricht"].get_body(("plain",)).get_content()
