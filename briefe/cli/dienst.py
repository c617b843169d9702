"""``briefe dienst``: start the HTTP service (API and page), or make a password hash or token."""

from __future__ import annotations

import getpass
import ipaddress
import logging
import sys
from pathlib import Path

BESCHREIBUNG = """\
Startet den Dienst: die HTTP-API für andere Systeme (Dokumentation unter /api/docs)
und die Seite für das Büro im Browser. Ohne Angabe lauscht er nur auf diesem
Rechner (127.0.0.1). Benutzer und Tokens stehen in der Konfigurationsdatei oder in
den Umgebungsvariablen BRIEFE_DIENST_TOKEN / BRIEFE_DIENST_BENUTZER.

Einrichten: briefe dienst --passwort-hash  (Passwort-Hash für [[benutzer]])
            briefe dienst --neues-token    (Token für andere Systeme, [[token]])"""


def richte_ein(befehle) -> None:
    parser = befehle.add_parser("dienst", help="HTTP-Dienst (API und Seite für das Büro) starten",
                                description=BESCHREIBUNG)
    parser.add_argument("--host", help="Adresse (Standard: aus der Konfiguration, sonst 127.0.0.1)")
    parser.add_argument("--port", type=int, help="Port (Standard: aus der Konfiguration, sonst 8000)")
    parser.add_argument("--konfiguration", type=Path, metavar="DATEI",
                        help="Konfigurationsdatei (TOML), z. B. daten/dienst.toml; sonst "
                             "BRIEFE_DIENST_KONFIGURATION oder nur Umgebungsvariablen")
    parser.add_argument("--passwort-hash", action="store_true",
                        help="Passwort abfragen und den Hash für die Konfiguration ausgeben")
    parser.add_argument("--neues-token", action="store_true",
                        help="ein zufälliges Token und seinen Hash für die Konfiguration ausgeben")
    parser.set_defaults(handler=dienst)


MINDESTLAENGE = 10


def _passwort_lesen() -> str:
    if sys.stdin.isatty():
        while len(erstes := getpass.getpass(f"Neues Passwort (mindestens {MINDESTLAENGE} Zeichen): ")) \
                < MINDESTLAENGE:
            print(f"Das Passwort ist zu kurz ({len(erstes)} Zeichen, mindestens {MINDESTLAENGE}). "
                  "Bitte ein längeres wählen.", file=sys.stderr)
        zweites = getpass.getpass("Passwort wiederholen: ")
        if erstes != zweites:
            raise SystemExit("Fehler: Die Passwörter stimmen nicht überein.")
        return erstes
    return sys.stdin.readline().rstrip("\r\n")


def dienst(args) -> int:
    from briefe.dienst.konfiguration import KonfigurationsFehler, lade_konfiguration
    from briefe.dienst.zugang.sicherheit import neues_token, passwort_hash, token_hash

    if args.passwort_hash:
        passwort = _passwort_lesen()
        if len(passwort) < MINDESTLAENGE:
            print(f"Fehler: Das Passwort ist zu kurz (mindestens {MINDESTLAENGE} Zeichen).", file=sys.stderr)
            return 2
        print(f'passwort = "{passwort_hash(passwort)}"')
        return 0
    if args.neues_token:
        token = neues_token()
        print(f"Token (dem anderen System geben, hier nicht speichern):\n  {token}")
        print(f'Für die Konfiguration ([[token]]):\n  hash = "{token_hash(token)}"')
        return 0

    konfiguration = lade_konfiguration(args.konfiguration)
    if not konfiguration.benutzer and not konfiguration.tokens:
        raise KonfigurationsFehler(
            "Es sind weder Benutzer noch Tokens eingerichtet; niemand könnte den Dienst benutzen. "
            "Bitte [[benutzer]] oder [[token]] in der Konfiguration angeben oder BRIEFE_DIENST_TOKEN "
            "setzen (siehe briefe dienst --help)."
        )
    if not konfiguration.vorlagen.is_dir():
        raise KonfigurationsFehler(f"Den Vorlagenordner {konfiguration.vorlagen} gibt es nicht.")
    host = args.host or konfiguration.host
    port = args.port if args.port is not None else konfiguration.port

    import uvicorn

    from briefe.dienst.app import erstelle_app

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")
    log = logging.getLogger("briefe.dienst")
    log.setLevel(logging.INFO)
    app = erstelle_app(konfiguration)
    adresse = f"[{host}]" if ":" in host else host
    log.info("briefe-Dienst: http://%s:%d/ (API-Dokumentation: /api/docs), Daten in %s. "
             "Beenden mit Strg+C.", adresse, port, konfiguration.daten)
    if not _nur_lokal(host) and not konfiguration.sichere_cookies:
        log.warning("Der Dienst ist von anderen Rechnern erreichbar: bitte nur hinter HTTPS "
                    "(Reverse-Proxy) betreiben und sichere_cookies = true setzen.")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                timeout_graceful_shutdown=10)
    log.info("briefe-Dienst beendet.")
    return 0


def _nur_lokal(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
