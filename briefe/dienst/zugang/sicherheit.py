"""Passwords (scrypt), bearer tokens (SHA-256), CSRF tokens and a login brake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

# scrypt cost: about 0.1 s and 32 MiB per check on an office server.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


def _b64(daten: bytes) -> str:
    return base64.b64encode(daten).decode("ascii")


def passwort_hash(passwort: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for the configuration file."""
    salz = secrets.token_bytes(16)
    wert = hashlib.scrypt(passwort.encode("utf-8"), salt=salz, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                          maxmem=_MAXMEM, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salz)}${_b64(wert)}"


def pruefe_passwort(passwort: str, gespeichert: str) -> bool:
    """Whether ``passwort`` matches a stored scrypt hash (constant-time compare)."""
    try:
        art, n, r, p, salz, wert = gespeichert.split("$")
        if art != "scrypt":
            return False
        erwartet = base64.b64decode(wert)
        berechnet = hashlib.scrypt(passwort.encode("utf-8"), salt=base64.b64decode(salz), n=int(n),
                                   r=int(r), p=int(p), maxmem=_MAXMEM, dklen=len(erwartet))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(berechnet, erwartet)


# Checked against unknown user names so a login takes the same time either way.
_ATTRAPPE = passwort_hash(secrets.token_hex(8))


def pruefe_ohne_benutzer(passwort: str) -> bool:
    pruefe_passwort(passwort, _ATTRAPPE)
    return False


def neues_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are long and random: a plain SHA-256 is enough (and fast per request)."""
    return "sha256$" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def pruefe_token(token: str, tokens) -> str | None:
    """The name of the matching token (``Token`` of the configuration), or None."""
    gesucht = token_hash(token)
    treffer = None
    for eintrag in tokens:
        if hmac.compare_digest(gesucht, eintrag.hash):
            treffer = eintrag.name
    return treffer


def passwort_kennung(gespeichert: str) -> str:
    """A short fingerprint of a password hash; a changed password ends old sessions."""
    return hashlib.sha256(gespeichert.encode("utf-8")).hexdigest()[:16]


def csrf_token(sitzung: dict) -> str:
    """The form token bound to this session (created on first use)."""
    token = sitzung.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        sitzung["csrf"] = token
    return token


def pruefe_csrf(sitzung: dict, gesendet: str | None) -> bool:
    erwartet = sitzung.get("csrf")
    return bool(erwartet and gesendet) and hmac.compare_digest(str(erwartet), str(gesendet))


class Fehlversuche:
    """Failed logins per client address: after ``grenze`` within ``fenster`` seconds, wait."""

    def __init__(self, grenze: int = 10, fenster: float = 600.0) -> None:
        self.grenze = grenze
        self.fenster = fenster
        self._versuche: dict[str, deque[float]] = defaultdict(deque)
        self._sperre = threading.Lock()

    def _aufraeumen(self, schluessel: str, jetzt: float) -> deque[float]:
        liste = self._versuche[schluessel]
        while liste and liste[0] < jetzt - self.fenster:
            liste.popleft()
        return liste

    def gesperrt(self, schluessel: str) -> bool:
        with self._sperre:
            return len(self._aufraeumen(schluessel, time.monotonic())) >= self.grenze

    def merke(self, schluessel: str) -> None:
        with self._sperre:
            jetzt = time.monotonic()
            self._aufraeumen(schluessel, jetzt).append(jetzt)
            if len(self._versuche) > 10_000:  # bound memory under a flood
                self._versuche.clear()

    def vergiss(self, schluessel: str) -> None:
        with self._sperre:
            self._versuche.pop(schluessel, None)
